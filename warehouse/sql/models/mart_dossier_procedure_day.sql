-- mart_dossier_procedure_day: running totals of dossier counts per unit and procedure.
-- grain: one row per (unit_code, procedure_code, day) on which something changed; the
-- state on any other day is the row of the latest earlier day (an ASOF join).
create or replace table mart_dossier_procedure_day as
with final as (
    select
        unit_code,
        procedure_code,
        day,
        sum(received) over w as received,
        sum(received_online) over w as received_online,
        sum(received_fee) over w as received_fee,
        sum(received_paid_fee) over w as received_paid_fee,
        sum(closed) over w as closed,
        sum(closed_on_time) over w as closed_on_time,
        sum(open_ok) over w as open_ok,
        sum(open_overdue) over w as open_overdue
    from int_dossier_events
    window w as (partition by unit_code, procedure_code order by day
                 rows between unbounded preceding and current row)
)

select * from final
order by day, unit_code, procedure_code
