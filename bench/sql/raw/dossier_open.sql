-- dossier_open: dossiers open at the end of p2 and those overdue then, per unit of the
-- current structure, straight from the dossiers (DOMAIN.md, "Overdue open"): open = received
-- by the end of p2 and not closed by then; overdue = effective due before the end of p2, or
-- more than one supplement request. The due is computed as in dossier_handled.sql.
with open as (
    select d.unit_code, d.procedure_code, d.received_at, d.due_at, d.supplement_count, d.supplement_days
    from dossiers as d
    where d.received_at <= $p2_end
        and not (d.status in ('finished', 'rejected', 'withdrawn') and d.finished_at <= $p2_end)
),

deadline as (
    select
        o.*,
        coalesce(
            o.due_at,
            case when p.legal_days = 0 then c.day else w.day end + interval '23:59:59'
        ) + to_seconds(cast(round(o.supplement_days * 86400) as bigint)) as effective_due
    from open as o
    join procedures as p using (procedure_code)
    join calendar_day as c on c.day = cast(o.received_at as date)
    left join calendar_day as w on w.is_working and w.work_index = c.work_index + p.legal_days
),

per_unit as (
    select
        unit_code,
        count(*) as open,
        count(*) filter (where supplement_count > 1 or effective_due < $p2_end) as open_overdue
    from deadline
    group by unit_code
),

final as (
    select r.current_code as unit_code, u.kind,
           sum(open)::bigint as open, sum(open_overdue)::bigint as open_overdue
    from per_unit as f
    join unit_rollup as r using (unit_code)
    join units as u on u.unit_code = r.current_code
    group by r.current_code, u.kind
)

select * from final
