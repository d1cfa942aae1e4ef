-- dossier_states: per recorded unit, straight from the dossiers (DOMAIN.md, "Dossiers"):
--   handled       received by the end of p2 and not closed before the start of p1
--   on_time       handled and closed within the period by the effective due, or open at
--                 the end of p2 with the effective due not passed then, or waiting for the
--                 citizen then, sent back by the effective due; more than one supplement is
--                 late
--   open          handled and not closed by the end of p2 (every such dossier is handled)
--   open_overdue  open, not waiting, with the effective due before the end of p2; waiting,
--                 sent back after the effective due; or more than one supplement request
-- A dossier in status 'supplement' waits since its supplement_requested_at (else its
-- updated_at); before that moment it is open like any other.
-- The due of a dossier without due_at is the end of the N-th working day after the day it
-- was received (N = legal_days); the effective due adds the supplement days.
with handled as (
    select
        d.unit_code,
        d.procedure_code,
        d.received_at,
        d.due_at,
        d.supplement_count,
        d.supplement_days,
        d.status in ('finished', 'rejected', 'withdrawn') and d.finished_at <= $p2_end as closed_by_end,
        case
            when d.status = 'supplement' and coalesce(d.supplement_requested_at, d.updated_at) <= $p2_end
                then coalesce(d.supplement_requested_at, d.updated_at)
        end as sent_back,
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

final as (
    select
        unit_code,
        count(*) as handled,
        count(*) filter (where supplement_count <= 1 and (
            (closed_by_end and finished_at <= effective_due)
            or (not closed_by_end and sent_back is null and effective_due >= $p2_end)
            or (not closed_by_end and sent_back <= effective_due)
        )) as on_time,
        count(*) filter (where not closed_by_end) as open,
        count(*) filter (where not closed_by_end and (
            supplement_count > 1
            or (sent_back is null and effective_due < $p2_end)
            or sent_back > effective_due
        )) as open_overdue
    from deadline
    group by unit_code
)

select * from final
