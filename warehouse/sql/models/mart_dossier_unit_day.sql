-- mart_dossier_unit_day: running totals of dossier counts per unit for every day, what
-- the overview reads: the state at the end of day D is the row (unit, D), one lookup.
-- grain: one row per (unit_code, day), every day from the first change to the last one.
-- Changes dated more than 400 days after the build (a due date far ahead) are kept on
-- that horizon's last day, so a typo in a date cannot blow the table up; states before
-- the horizon are exact. The counted columns are those of int_dossier_events.
create or replace table mart_dossier_unit_day as
with changes as (
    select
        unit_code,
        least(day, current_date + 400) as day,
        columns(* exclude (unit_code, procedure_code, day))
    from int_dossier_events
),

daily as (
    select unit_code, day, sum(columns(* exclude (unit_code, day)))
    from changes
    group by unit_code, day
),

days as (
    select cast(unnest(generate_series(min(day), max(day), interval 1 day)) as date) as day
    from daily
),

grid as (
    select units.unit_code, days.day
    from (select distinct unit_code from daily) as units
    cross join days
),

filled as (
    select grid.unit_code, grid.day, coalesce(columns(daily.* exclude (unit_code, day)), 0)
    from grid
    left join daily using (unit_code, day)
),

final as (
    select
        unit_code,
        day,
        cast(sum(columns(* exclude (unit_code, day))) over w as bigint)
    from filled
    window w as (partition by unit_code order by day rows between unbounded preceding and current row)
)

select * from final
order by day, unit_code
