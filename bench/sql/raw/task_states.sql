-- task_states: per recorded lead unit, task states as of p2, straight from the tasks
-- (DOMAIN.md, "Tasks"); tasks assigned after p2 do not exist yet.
--   done_on_time  completed by p2, with no deadline or on or before it
--   done_late     completed by p2, after its due date
--   open_overdue  not completed by p2 and due before p2
--   fallen_due    done_on_time + done_late + open_overdue
with final as (
    select
        lead_unit_code as unit_code,
        count(*) as assigned,
        count(*) filter (
            where completed_on <= $p2 and (due_on is null or completed_on <= due_on)
        ) as done_on_time,
        count(*) filter (where completed_on <= $p2 and completed_on > due_on) as done_late,
        count(*) filter (where (completed_on is null or completed_on > $p2) and due_on < $p2) as open_overdue,
        done_on_time + done_late + open_overdue as fallen_due
    from tasks
    where assigned_on <= $p2
    group by lead_unit_code
)

select * from final
