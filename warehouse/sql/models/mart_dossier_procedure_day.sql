-- mart_dossier_procedure_day: running totals of dossier counts per unit and procedure.
-- grain: one row per (unit_code, procedure_code, day) on which something changed; the
-- state on any other day is the row of the latest earlier day (an ASOF join). The
-- counted columns are those of int_dossier_events.
create or replace table mart_dossier_procedure_day as
with final as (
    select
        unit_code,
        procedure_code,
        day,
        cast(sum(columns(* exclude (unit_code, procedure_code, day))) over w as bigint)
    from int_dossier_events
    window w as (partition by unit_code, procedure_code order by day
                 rows between unbounded preceding and current row)
)

select * from final
order by day, unit_code, procedure_code
