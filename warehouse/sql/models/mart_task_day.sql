-- mart_task_day: running totals of task states per lead unit and source for every day:
-- the state as of day D is the row (unit, source, D), one lookup (DOMAIN.md). As of D:
--   assigned       tasks assigned on or before D (the tasks that exist)
--   done_on_time   completed by D, with no deadline or on or before it
--   done_late      completed by D, after its due date
--   open_overdue   not completed by D and due before D
--   no_deadline    existing tasks without a due date
--   due_soon       not completed by D and D <= due <= the N-th working day after D
--                  (N = published_setting urging.due_soon_working_days, config/urging.toml)
-- open_on_track = assigned - done_on_time - done_late - open_overdue.
-- grain: one row per (unit_code, source, day), every day from the first change to the
-- last; changes more than 400 days after the build are kept on that horizon's last day.
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

horizon as (
    select cast(value as integer) as n
    from published_setting
    where section = 'urging' and name = 'due_soon_working_days'
),

-- Due soon at D  <=>  fewer than N working days lie strictly between D and the due day:
-- work_index(D) >= work_index(due - 1) - N + 1. The first such day is the working day of
-- that index (or the calendar's first day); the window ends at the due day, or earlier
-- when the task is completed (a task completed on D is not due soon on D).
due_soon_window as (
    select
        t.unit_code,
        t.source,
        greatest(t.assigned_on, coalesce(w.day, first_day.day)) as first_day,
        least(t.due_on + 1, coalesce(t.completed_on, t.due_on + 1)) as end_day
    from task as t
    cross join horizon as h
    join calendar_day as before_due on before_due.day = t.due_on - 1
    left join calendar_day as w
        on w.is_working and w.work_index = before_due.work_index - h.n + 1
    cross join (select min(day) as day from calendar_day) as first_day
    where t.due_on is not null
),

changes as (
    select unit_code, source, assigned_on as day, 1 as assigned, 0 as done_on_time,
           0 as done_late, 0 as open_overdue, (due_on is null)::int as no_deadline, 0 as due_soon
    from task
    union all
    select unit_code, source, completed_on, 0, (due_on is null or completed_on <= due_on)::int,
           (completed_on > due_on)::int, 0, 0, 0
    from task
    where completed_on is not null
    union all
    select unit_code, source, overdue_first, 0, 0, 0, 1, 0, 0
    from task
    where due_on is not null and (completed_on is null or completed_on > overdue_first)
    union all
    select unit_code, source, completed_on, 0, 0, 0, -1, 0, 0
    from task
    where due_on is not null and completed_on > overdue_first
    union all
    select unit_code, source, first_day, 0, 0, 0, 0, 0, 1
    from due_soon_window
    where first_day < end_day
    union all
    select unit_code, source, end_day, 0, 0, 0, 0, 0, -1
    from due_soon_window
    where first_day < end_day
),

daily as (
    select unit_code, source, least(day, current_date + 400) as day,
           sum(columns(* exclude (unit_code, source, day)))
    from changes
    group by unit_code, source, least(day, current_date + 400)
),

days as (
    select cast(unnest(generate_series(min(day), max(day), interval 1 day)) as date) as day
    from daily
),

grid as (
    select keys.unit_code, keys.source, days.day
    from (select distinct unit_code, source from daily) as keys
    cross join days
),

filled as (
    select grid.unit_code, grid.source, grid.day,
           coalesce(columns(daily.* exclude (unit_code, source, day)), 0)
    from grid
    left join daily using (unit_code, source, day)
),

final as (
    select
        unit_code,
        source,
        day,
        cast(sum(columns(* exclude (unit_code, source, day))) over w as bigint)
    from filled
    window w as (partition by unit_code, source order by day rows between unbounded preceding and current row)
)

select * from final
order by day, unit_code, source
