-- mart_budget_day: plan and disbursement per unit, fiscal year and category as of a day,
-- each budget line counted at its latest row on or before that day.
-- grain: one row per (unit_code, fiscal_year, category, day) on which a line reported.
-- Each report of a line adds its difference to the line's previous report.
create or replace table mart_budget_day as
with report as (
    select
        unit_code,
        fiscal_year,
        category,
        as_of as day,
        plan_amount - coalesce(lag(plan_amount) over line, 0) as plan_change,
        disbursed_amount - coalesce(lag(disbursed_amount) over line, 0) as disbursed_change,
        case when row_number() over line = 1 then 1 else 0 end as new_line
    from budget
    window line as (partition by unit_code, fiscal_year, category, line_code order by as_of)
),

daily as (
    select unit_code, fiscal_year, category, day, sum(plan_change) as plan_change,
           sum(disbursed_change) as disbursed_change, sum(new_line) as new_lines
    from report
    group by unit_code, fiscal_year, category, day
),

final as (
    select
        unit_code,
        fiscal_year,
        category,
        day,
        cast(sum(plan_change) over w as decimal(20, 0)) as plan,
        cast(sum(disbursed_change) over w as decimal(20, 0)) as disbursed,
        cast(sum(new_lines) over w as integer) as lines
    from daily
    window w as (partition by unit_code, fiscal_year, category order by day
                 rows between unbounded preceding and current row)
)

select * from final
order by day, unit_code, fiscal_year, category
