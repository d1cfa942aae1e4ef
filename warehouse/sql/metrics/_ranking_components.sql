-- The component scores of the unit ranking (0-100) per bucket and unit (DOMAIN.md):
-- procedures = 100 x on-time rate; tasks = 100 x done on time / (done on time + done late
-- + overdue); budget = 100 x min(1, disbursement rate / target at the bucket's end).
-- {dossier}, {task} and {budget} are the families' frames cut by unit and kind; a score
-- whose denominator is zero is null (no data), never 0 or 100 (and least() would skip a
-- null, hence the case).
with dossier as (
    {dossier}
),

task as (
    {task}
),

budget as (
    {budget}
),

final as (
    select
        bucket,
        unit_code,
        kind,
        100.0 * dossier.on_time / nullif(dossier.handled, 0) as procedures,
        100.0 * task.done_on_time / nullif(task.fallen_due, 0) as tasks,
        case
            when budget.target_plan > 0 then 100.0 * least(1, budget.disbursed / budget.target_plan)
        end as budget
    from dossier
    full join task using (bucket, unit_code, kind)
    full join budget using (bucket, unit_code, kind)
)

select * from final
