-- mart_dossier_unit_day: running totals of dossier counts per unit for every day, what
-- the overview reads: the state at the end of day D is the row (unit, D), one lookup.
-- grain: one row per (unit_code, day); the sum over fields of mart_dossier_field_day,
-- which has a row for every day of every unit and field.
create or replace table mart_dossier_unit_day as
with final as (
    select unit_code, day, cast(sum(columns(* exclude (unit_code, field, day))) as bigint)
    from mart_dossier_field_day
    group by unit_code, day
)

select * from final
order by day, unit_code
