-- mart_dossier_field_day: running totals of dossier counts per unit and procedure field
-- for every day: the state at the end of day D is the row (unit, field, D), one lookup.
-- grain: one row per (unit_code, field, day), every day from the first change to the last.
-- Changes dated more than 400 days after the build (a due date far ahead) are kept on
-- that horizon's last day, so a typo in a date cannot blow the table up; states before
-- the horizon are exact. The counted columns are those of int_dossier_events.
create or replace table mart_dossier_field_day as
with changes as (
    select
        e.unit_code,
        p.field,
        least(e.day, current_date + 400) as day,
        columns(e.* exclude (unit_code, procedure_code, day))
    from int_dossier_events as e
    join procedures as p using (procedure_code)
),

daily as (
    select unit_code, field, day, sum(columns(* exclude (unit_code, field, day)))
    from changes
    group by unit_code, field, day
),

days as (
    select cast(unnest(generate_series(min(day), max(day), interval 1 day)) as date) as day
    from daily
),

grid as (
    select keys.unit_code, keys.field, days.day
    from (select distinct unit_code, field from daily) as keys
    cross join days
),

filled as (
    select grid.unit_code, grid.field, grid.day,
           coalesce(columns(daily.* exclude (unit_code, field, day)), 0)
    from grid
    left join daily
        on daily.unit_code = grid.unit_code and daily.field is not distinct from grid.field
        and daily.day = grid.day
),

final as (
    select
        unit_code,
        field,
        day,
        cast(sum(columns(* exclude (unit_code, field, day))) over w as bigint)
    from filled
    window w as (partition by unit_code, field order by day
                 rows between unbounded preceding and current row)
)

select * from final
order by day, unit_code, field
