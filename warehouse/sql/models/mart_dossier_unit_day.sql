-- mart_dossier_unit_day: running totals of dossier counts per unit, what the overview reads.
-- grain: one row per (unit_code, day) on which something changed; the state on any other
-- day is the row of the latest earlier day (an ASOF join). The counted columns are those
-- of int_dossier_events.
create or replace table mart_dossier_unit_day as
with daily as (
    select unit_code, day, sum(columns(* exclude (unit_code, procedure_code, day)))
    from int_dossier_events
    group by unit_code, day
),

final as (
    select
        unit_code,
        day,
        cast(sum(columns(* exclude (unit_code, day))) over w as bigint)
    from daily
    window w as (partition by unit_code order by day rows between unbounded preceding and current row)
)

select * from final
order by day, unit_code
