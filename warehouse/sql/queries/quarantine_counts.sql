-- Quarantined rows per dataset. A row quarantined again by a later run of the same file is
-- counted once: each run keeps its own entries for the record, the count shows distinct rows.
select
    dataset,
    count(distinct (source, row_number, cast(record as varchar))) as rows,
    max(quarantined_at) as last_at
from quarantine
group by dataset
order by dataset
