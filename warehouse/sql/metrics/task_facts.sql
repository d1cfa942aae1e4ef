-- task_facts: task states at the end of each time bucket, per lead unit and source,
-- read from mart_task_day at the end of p2 (the latest row on or before it).
with buckets as (
    select unnest($bucket_labels) as bucket, unnest($bucket_starts) as p1, unnest($bucket_ends) as p2
),

grid as (
    select buckets.*, k.*
    from buckets
    cross join (select distinct unit_code, source from mart_task_day) as k
),

final as (
    select
        g.bucket,
        g.unit_code,
        g.source,
        coalesce(e.assigned, 0) as assigned,
        coalesce(e.done_on_time, 0) as done_on_time,
        coalesce(e.done_late, 0) as done_late,
        coalesce(e.done_on_time + e.done_late, 0) as done,
        coalesce(e.open_overdue, 0) as open_overdue,
        coalesce(e.done_on_time + e.done_late + e.open_overdue, 0) as fallen_due,
        coalesce(e.assigned - e.done_on_time - e.done_late - e.open_overdue, 0) as open_on_track,
        coalesce(e.no_deadline, 0) as no_deadline
    from grid as g
    asof left join mart_task_day as e
        on g.unit_code = e.unit_code and g.source = e.source and g.p2 >= e.day
)

select * from final
