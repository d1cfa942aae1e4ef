-- dossier_deadline: the due time and effective due of every dossier, and since when it
-- waits for the citizen.
-- grain: one row per dossier_id. A dossier without due_at is due at the end of the N-th
-- working day after the day it was received (N = legal_days); the effective due adds the
-- calendar days the clock was paused for supplements. waiting_since is the moment a
-- dossier in status 'supplement' was sent back to the citizen (supplement_requested_at,
-- or its updated_at when the source does not say), null for any other status: its clock
-- stopped then, and it is judged at that moment (DOMAIN.md, "Waiting for the citizen").
create or replace table dossier_deadline as
with received as (
    select
        d.dossier_id,
        d.due_at,
        d.supplement_days,
        case
            when d.status = 'supplement' then coalesce(d.supplement_requested_at, d.updated_at)
        end as waiting_since,
        p.legal_days,
        cast(d.received_at as date) as received_day
    from dossiers as d
    join procedures as p using (procedure_code)
),

computed as (
    select
        r.dossier_id,
        coalesce(
            r.due_at,
            case
                when r.legal_days = 0 then r.received_day
                else w.day
            end + interval '23 hours 59 minutes 59 seconds'
        ) as due_at,
        r.supplement_days,
        r.waiting_since
    from received as r
    join calendar_day as c on c.day = r.received_day
    left join calendar_day as w
        on w.is_working and w.work_index = c.work_index + r.legal_days
),

final as (
    select
        dossier_id,
        due_at,
        due_at + to_seconds(cast(round(supplement_days * 86400) as bigint)) as effective_due_at,
        waiting_since
    from computed
)

select * from final
