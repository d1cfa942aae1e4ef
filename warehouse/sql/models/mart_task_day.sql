-- mart_task_day: running totals of task states per lead unit and source (DOMAIN.md).
-- grain: one row per (unit_code, source, day) on which something changed. As of day D:
--   assigned       tasks assigned on or before D (the tasks that exist)
--   done_on_time   completed by D, with no deadline or on or before it
--   done_late      completed by D, after its due date
--   open_overdue   not completed by D and due before D
--   no_deadline    existing tasks without a due date
-- open_on_track = assigned - done_on_time - done_late - open_overdue.
create or replace table mart_task_day as
with task as (
    select
        lead_unit_code as unit_code,
        source,
        assigned_on,
        due_on,
        completed_on,
        greatest(assigned_on, due_on + 1) as overdue_first
    from tasks
),

changes as (
    select unit_code, source, assigned_on as day, 1 as assigned, 0 as done_on_time,
           0 as done_late, 0 as open_overdue, (due_on is null)::int as no_deadline
    from task
    union all
    select unit_code, source, completed_on, 0, (due_on is null or completed_on <= due_on)::int,
           (completed_on > due_on)::int, 0, 0
    from task
    where completed_on is not null
    union all
    select unit_code, source, overdue_first, 0, 0, 0, 1, 0
    from task
    where due_on is not null and (completed_on is null or completed_on > overdue_first)
    union all
    select unit_code, source, completed_on, 0, 0, 0, -1, 0
    from task
    where due_on is not null and completed_on > overdue_first
),

daily as (
    select unit_code, source, day, sum(columns(* exclude (unit_code, source, day)))
    from changes
    group by unit_code, source, day
),

final as (
    select
        unit_code,
        source,
        day,
        cast(sum(columns(* exclude (unit_code, source, day))) over w as bigint)
    from daily
    window w as (partition by unit_code, source order by day rows between unbounded preceding and current row)
)

select * from final
order by day, unit_code, source
