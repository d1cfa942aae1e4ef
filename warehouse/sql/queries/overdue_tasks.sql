-- Overdue tasks as of $as_of (not completed by then, due before it), oldest due first,
-- with the working days since their due date. Raw facts, always filtered by scope;
-- _page.sql bounds them to one page of the grid.
with overdue as (
    select t.*, r.current_code
    from tasks as t
    join unit_rollup as r on r.unit_code = t.lead_unit_code
    join units as cu on cu.unit_code = r.current_code
    where t.assigned_on <= $as_of
        and (t.completed_on is null or t.completed_on > $as_of)
        and t.due_on < $as_of
        and ($all_units or list_contains($scope, t.lead_unit_code))
        and ($unit is null or r.current_code = $unit or t.lead_unit_code = $unit)
        and ($kind is null or cu.kind = $kind)
),

final as (
    select
        o.task_id,
        o.title,
        o.source,
        o.document_ref,
        o.current_code as unit_code,
        o.lead_unit_code as recorded_unit_code,
        o.assigned_on,
        o.due_on,
        asof_day.work_index - due_day.work_index as days_overdue
    from overdue as o
    join calendar_day as asof_day on asof_day.day = $as_of
    join calendar_day as due_day on due_day.day = o.due_on
)

select * from final
where ($q_title is null or contains(lower(title || ' ' || coalesce(document_ref, '')), lower($q_title)))
    and ($q_source is null or source = $q_source)
