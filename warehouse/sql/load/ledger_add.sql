insert into file_ledger (sha256, source_name, file_name, outcome, run_id, rows_read, processed_at)
select sha256, source_name, file_name, outcome, run_id, rows_read, processed_at
from ledger_rows
on conflict do nothing
