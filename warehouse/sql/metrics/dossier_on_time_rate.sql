-- dossier_on_time_rate: dossiers handled on time in [start, end] / dossiers handled.
-- grain: one row per unit_code (as recorded); numerator = on time, denominator = handled.
-- Handled = received by the end and not closed before the start. On time = closed within
-- the period by its effective due, or still open at the end with its due not yet passed;
-- more than one supplement request is late whatever the dates.
with dossier as (
    select
        d.unit_code,
        d.supplement_count,
        dl.effective_due_at,
        case when d.status in ('finished', 'rejected', 'withdrawn') then d.finished_at end as closed_at
    from dossiers as d
    join dossier_deadline as dl using (dossier_id)
    where d.received_at <= $end_ts
),

handled as (
    select *
    from dossier
    where closed_at is null or closed_at >= $start_ts
),

judged as (
    select
        unit_code,
        supplement_count <= 1 and case
            when closed_at <= $end_ts then closed_at <= effective_due_at
            else effective_due_at >= $end_ts
        end as on_time
    from handled
),

final as (
    select
        unit_code,
        count(*) filter (where on_time) as numerator,
        count(*) as denominator
    from judged
    group by unit_code
)

select * from final
