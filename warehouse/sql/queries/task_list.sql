-- Tasks as of $as_of in the four states an office works from (DOMAIN.md, Tasks and
-- Urging): overdue (not completed by then, due before it), due soon (not completed,
-- $as_of <= due <= the $due_soon_days-th working day after it), on track (the other open
-- ones, those without a deadline included) and done (completed by then). Working days
-- overdue for an overdue task, working days left for an open one with a deadline.
-- Raw facts, always filtered by scope; _page.sql bounds them to one page of the grid.
with listed_task as (
    select t.*, r.current_code
    from tasks as t
    join unit_rollup as r on r.unit_code = t.lead_unit_code
    join units as cu on cu.unit_code = r.current_code
    where t.assigned_on <= $as_of
        and ($all_units or list_contains($scope, t.lead_unit_code))
        and ($unit is null or r.current_code = $unit or t.lead_unit_code = $unit)
        and ($kind is null or cu.kind = $kind)
),

stated as (
    select
        l.*,
        case
            when l.completed_on <= $as_of then 'done'
            when l.due_on < $as_of then 'overdue'
            when l.due_on is not null
                and before_due.work_index - asof_day.work_index <= $due_soon_days - 1 then 'due_soon'
            else 'on_track'
        end as state,
        asof_day.work_index as asof_index,
        due_day.work_index as due_index
    from listed_task as l
    join calendar_day as asof_day on asof_day.day = $as_of
    left join calendar_day as due_day on due_day.day = l.due_on
    left join calendar_day as before_due on before_due.day = l.due_on - 1
),

final as (
    select
        s.task_id,
        s.title,
        s.source,
        s.document_ref,
        s.current_code as unit_code,
        cu.name_vi as unit_name_vi,
        coalesce(cu.name_en, cu.name_vi) as unit_name_en,
        s.lead_unit_code as recorded_unit_code,
        s.assigned_on,
        s.due_on,
        case when s.completed_on <= $as_of then s.completed_on end as completed_on,
        s.state,
        case when s.state = 'overdue' then s.asof_index - s.due_index end as days_overdue,
        case when s.state in ('due_soon', 'on_track') and s.due_on is not null
             then s.due_index - s.asof_index end as days_left,
        s.supervising_leader,
        s.coordinating_units
    from stated as s
    join units as cu on cu.unit_code = s.current_code
)

select * from final
where ($q_title is null or contains(lower(title || ' ' || coalesce(document_ref, '')), lower($q_title)))
    and ($q_source is null or source = $q_source)
    and ($q_state is null or state = $q_state)
    and ($q_leader is null or supervising_leader = $q_leader)
