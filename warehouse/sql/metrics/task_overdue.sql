-- task_overdue: tasks open and past their due date as of D.
-- grain: one row per unit_code (lead unit, as recorded); numerator = open_overdue,
-- denominator = tasks assigned by D (the share of all assigned tasks, shown on request).
with existing as (
    select lead_unit_code as unit_code, due_on, completed_on
    from tasks
    where assigned_on <= $as_of
),

final as (
    select
        unit_code,
        count(*) filter (
            where (completed_on is null or completed_on > $as_of) and due_on < $as_of
        ) as numerator,
        count(*) as denominator
    from existing
    group by unit_code
)

select * from final
