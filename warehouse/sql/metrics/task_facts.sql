-- task_facts: task states at the end of each time bucket, per lead unit and source, read
-- from mart_task_day ({lookup} is _lookup_daily.sql).
with buckets as (
    select unnest($bucket_labels) as bucket, unnest($bucket_starts) as p1, unnest($bucket_ends) as p2
),

{lookup}

final as (
    select
        bucket,
        unit_code,
        source,
        assigned,
        done_on_time,
        done_late,
        done_on_time + done_late as done,
        open_overdue,
        done_on_time + done_late + open_overdue as fallen_due,
        assigned - done_on_time - done_late - open_overdue as open_on_track,
        no_deadline,
        due_soon
    from at_end
)

select * from final
