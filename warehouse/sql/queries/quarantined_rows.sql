-- The latest quarantined rows, newest first, with where each came from (source file or
-- system, row number: the header is row 1), why it was refused and the record as read.
-- Bounded by $limit; $dataset (null for all) narrows it to one canonical dataset.
select
    quarantine_id,
    run_id,
    dataset,
    source,
    row_number,
    reason,
    cast(record as varchar) as record,
    quarantined_at
from quarantine
where $dataset is null or dataset = $dataset
order by quarantined_at desc, quarantine_id desc
limit $limit
