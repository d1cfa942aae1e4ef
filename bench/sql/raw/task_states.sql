-- task_states: task states as of p2 per lead unit of the current structure, straight from
-- the tasks (DOMAIN.md, "Tasks"); tasks assigned after p2 do not exist yet.
--   done_on_time  completed by p2, with no deadline or on or before it
--   done_late     completed by p2, after its due date
--   open_overdue  not completed by p2 and due before p2
--   fallen_due    done_on_time + done_late + open_overdue
with per_unit as (
    select
        lead_unit_code as unit_code,
        count(*) as assigned,
        count(*) filter (
            where completed_on <= $p2 and (due_on is null or completed_on <= due_on)
        ) as done_on_time,
        count(*) filter (where completed_on <= $p2 and completed_on > due_on) as done_late,
        count(*) filter (where (completed_on is null or completed_on > $p2) and due_on < $p2) as open_overdue
    from tasks
    where assigned_on <= $p2
    group by lead_unit_code
),

final as (
    select
        r.current_code as unit_code,
        u.kind,
        sum(assigned)::bigint as assigned,
        sum(done_on_time)::bigint as done_on_time,
        sum(done_late)::bigint as done_late,
        sum(open_overdue)::bigint as open_overdue,
        sum(done_on_time + done_late + open_overdue)::bigint as fallen_due
    from per_unit as f
    join unit_rollup as r using (unit_code)
    join units as u on u.unit_code = r.current_code
    group by r.current_code, u.kind
)

select * from final
