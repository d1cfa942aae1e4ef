-- mart_dossier_procedure_day: running totals of dossier counts per unit and procedure.
-- grain: one row per (unit_code, procedure_code, day) on which something changed, plus a
-- row on the first day of every month after the first change (up to the last change, at
-- most 400 days after the build), carrying the totals forward. So the state at the end of
-- any day D is the latest row between the first of D's month and D: a lookup reads one
-- month of rows, not the whole history. The counted columns are those of
-- int_dossier_events.
create or replace table mart_dossier_procedure_day as
with month_starts as (
    select cast(unnest(generate_series(
        date_trunc('month', min(day)), least(max(day), current_date + 400), interval 1 month
    )) as date) as day
    from int_dossier_events
),

checkpoints as (
    select k.unit_code, k.procedure_code, m.day
    from (
        select unit_code, procedure_code, min(day) as first_day
        from int_dossier_events
        group by unit_code, procedure_code
    ) as k
    join month_starts as m on m.day > k.first_day
),

daily as (
    select unit_code, procedure_code, day, sum(columns(* exclude (unit_code, procedure_code, day)))
    from (select * from int_dossier_events union all by name select * from checkpoints)
    group by unit_code, procedure_code, day
),

final as (
    select
        unit_code,
        procedure_code,
        day,
        cast(coalesce(sum(columns(* exclude (unit_code, procedure_code, day))) over w, 0) as bigint)
    from daily
    window w as (partition by unit_code, procedure_code order by day
                 rows between unbounded preceding and current row)
)

select * from final
order by day, unit_code, procedure_code
