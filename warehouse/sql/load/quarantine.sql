insert into quarantine (run_id, dataset, source, row_number, reason, record, quarantined_at)
select run_id, dataset, source, row_number, reason, cast(record as json), quarantined_at
from quarantined_rows
