-- One page of an overdue listing (overdue_dossiers or overdue_tasks, each ending in its own
-- text filters, is put in place of the listing below): the bounds on working days overdue,
-- the count of every matching row, the order and the page. The order is filled from the
-- whitelist of warehouse/lists.py, never from input.
with listed as (
{listing}
)

select *, count(*) over () as total_rows
from listed
where ($min_days is null or days_overdue >= $min_days)
    and ($max_days is null or days_overdue <= $max_days)
order by {order}
limit $limit offset $offset
