-- dossier_handled: dossiers handled in [p1, p2] and those on time, per unit of the current
-- structure, straight from the dossiers (DOMAIN.md, "Dossiers"):
--   handled  received by the end of p2 and not closed before the start of p1
--   on_time  closed within the period by the effective due, or open at the end of p2
--            with the effective due not passed then; more than one supplement is late
-- The due of a dossier without due_at is the end of the N-th working day after the day it
-- was received (N = legal_days); the effective due adds the supplement days. A handled
-- dossier closed by the end of p2 was closed within the period.
with handled as (
    select
        d.unit_code,
        d.procedure_code,
        d.received_at,
        d.due_at,
        d.supplement_count,
        d.supplement_days,
        d.status in ('finished', 'rejected', 'withdrawn') and d.finished_at <= $p2_end as closed_by_end,
        d.finished_at
    from dossiers as d
    where d.received_at <= $p2_end
        and not (d.status in ('finished', 'rejected', 'withdrawn') and d.finished_at < $p1_start)
),

deadline as (
    select
        h.*,
        coalesce(
            h.due_at,
            case when p.legal_days = 0 then c.day else w.day end + interval '23:59:59'
        ) + to_seconds(cast(round(h.supplement_days * 86400) as bigint)) as effective_due
    from handled as h
    join procedures as p using (procedure_code)
    join calendar_day as c on c.day = cast(h.received_at as date)
    left join calendar_day as w on w.is_working and w.work_index = c.work_index + p.legal_days
),

per_unit as (
    select
        unit_code,
        count(*) as handled,
        count(*) filter (where supplement_count <= 1 and (
            (closed_by_end and finished_at <= effective_due)
            or (not closed_by_end and effective_due >= $p2_end)
        )) as on_time
    from deadline
    group by unit_code
),

final as (
    select r.current_code as unit_code, u.kind,
           sum(handled)::bigint as handled, sum(on_time)::bigint as on_time
    from per_unit as f
    join unit_rollup as r using (unit_code)
    join units as u on u.unit_code = r.current_code
    group by r.current_code, u.kind
)

select * from final
