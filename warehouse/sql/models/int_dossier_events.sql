-- int_dossier_events: what changes, on which day, for each unit and procedure.
-- grain: one row per (unit_code, procedure_code, day). Each column is a change on that
-- day; a running sum of a column up to day D gives its count as of the end of D.
--   received*          dossiers received (online, for a fee procedure, paid online)
--   closed*            dossiers closed (finished/rejected/withdrawn), on time or not
--   open_ok            open at the end of the day and not yet due (a dossier with more
--                      than one supplement request is never in it)
--   open_overdue       open at the end of the day and overdue (due passed, or more than
--                      one supplement request)
-- A due "not passed at the end of day D" means effective due >= D 23:59:59, so each
-- dossier is not yet due up to the day `ok_until`.
-- A dossier waiting for the citizen is judged at the moment it was sent back
-- (dossier_deadline.waiting_since), not day by day: sent back on or before its effective
-- due (and at most one supplement request), it is open_ok on every day, before the request
-- as after, and never overdue while it waits (`waits_on_time`). Sent back after its due,
-- it was already overdue from `ok_until` + 1 and stays so: the usual intervals hold.
create or replace table int_dossier_events as
with dossier as (
    select
        d.unit_code,
        d.procedure_code,
        cast(d.received_at as date) as received_day,
        case
            when d.status in ('finished', 'rejected', 'withdrawn') then cast(d.finished_at as date)
        end as closed_day,
        d.status in ('finished', 'rejected', 'withdrawn')
            and d.supplement_count <= 1
            and d.finished_at <= dl.effective_due_at as closed_on_time,
        d.supplement_count > 1 as late_anyway,
        coalesce(d.supplement_count <= 1 and dl.waiting_since <= dl.effective_due_at, false) as waits_on_time,
        case
            when cast(dl.effective_due_at as time) >= time '23:59:59'
                then cast(dl.effective_due_at as date)
            else cast(dl.effective_due_at as date) - 1
        end as ok_until,
        d.channel = 'online' as online,
        p.has_fee as fee,
        p.has_fee and d.paid_online as paid_fee
    from dossiers as d
    join dossier_deadline as dl using (dossier_id)
    join procedures as p using (procedure_code)
),

intervals as (
    select
        *,
        -- the last day open_ok and the first day open_overdue; null: never
        case
            when not late_anyway and not waits_on_time
                then least(coalesce(closed_day - 1, ok_until), ok_until)
        end as ok_last,
        case
            when late_anyway then received_day
            when not waits_on_time then greatest(received_day, ok_until + 1)
        end as overdue_first
    from dossier
),

changes as (
    select unit_code, procedure_code, received_day as day,
           1 as received, online::int as received_online, fee::int as received_fee,
           paid_fee::int as received_paid_fee, 0 as closed, 0 as closed_on_time,
           0 as open_ok, 0 as open_overdue
    from intervals
    union all
    select unit_code, procedure_code, closed_day, 0, 0, 0, 0, 1, closed_on_time::int, 0, 0
    from intervals
    where closed_day is not null
    union all
    select unit_code, procedure_code, received_day, 0, 0, 0, 0, 0, 0, 1, 0
    from intervals
    where ok_last >= received_day or waits_on_time
    union all
    select unit_code, procedure_code, ok_last + 1, 0, 0, 0, 0, 0, 0, -1, 0
    from intervals
    where ok_last >= received_day
    union all
    select unit_code, procedure_code, overdue_first, 0, 0, 0, 0, 0, 0, 0, 1
    from intervals
    where overdue_first is not null and (closed_day is null or overdue_first < closed_day)
    union all
    select unit_code, procedure_code, closed_day, 0, 0, 0, 0, 0, 0, 0, -1
    from intervals
    where closed_day is not null and overdue_first < closed_day
),

final as (
    select unit_code, procedure_code, day,
           cast(sum(columns(* exclude (unit_code, procedure_code, day))) as integer)
    from changes
    group by unit_code, procedure_code, day
)

select * from final
