-- mart_budget_day: plan and disbursement per unit, fiscal year and category as of a day,
-- each budget line counted at its latest row on or before that day.
-- grain: one row per (unit_code, fiscal_year, category, day) on which a line reported.
-- Each report of a line adds its difference to the line's previous report. `expected` is
-- what the target path expects of those lines, each at its own report's date (DOMAIN.md,
-- Budget: a line's plan × the target of its category on the `as_of` of the row used, the
-- year's end for a report after it); `oldest_report` is the earliest of those dates.
create or replace table mart_budget_day as
with line_report as (
    select
        b.unit_code,
        b.fiscal_year,
        b.category,
        b.line_code,
        b.as_of as day,
        b.plan_amount,
        b.disbursed_amount,
        b.plan_amount * coalesce(t.target, 0) as expected
    from budget as b
    left join budget_target_day as t
        on t.category = b.category and t.day = least(b.as_of, make_date(b.fiscal_year, 12, 31))
),

report as (
    select
        unit_code,
        fiscal_year,
        category,
        line_code,
        day,
        plan_amount - coalesce(lag(plan_amount) over line, 0) as plan_change,
        disbursed_amount - coalesce(lag(disbursed_amount) over line, 0) as disbursed_change,
        expected - coalesce(lag(expected) over line, 0) as expected_change,
        case when row_number() over line = 1 then 1 else 0 end as new_line
    from line_report
    window line as (partition by unit_code, fiscal_year, category, line_code order by day)
),

daily as (
    select unit_code, fiscal_year, category, day, sum(plan_change) as plan_change,
           sum(disbursed_change) as disbursed_change, sum(expected_change) as expected_change,
           sum(new_line) as new_lines
    from report
    group by unit_code, fiscal_year, category, day
),

oldest as (
    -- per day of the mart, the earliest among the lines' latest reports on or before it
    select d.unit_code, d.fiscal_year, d.category, d.day, min(latest) as oldest_report
    from (
        select d.unit_code, d.fiscal_year, d.category, d.day, r.line_code, max(r.day) as latest
        from daily as d
        join report as r
            on r.unit_code = d.unit_code and r.fiscal_year = d.fiscal_year and r.category = d.category
            and r.day <= d.day
        group by d.unit_code, d.fiscal_year, d.category, d.day, r.line_code
    ) as d
    group by d.unit_code, d.fiscal_year, d.category, d.day
),

final as (
    select
        d.unit_code,
        d.fiscal_year,
        d.category,
        d.day,
        cast(sum(d.plan_change) over w as decimal(20, 0)) as plan,
        cast(sum(d.disbursed_change) over w as decimal(20, 0)) as disbursed,
        cast(sum(d.expected_change) over w as double) as expected,
        cast(sum(d.new_lines) over w as integer) as lines,
        o.oldest_report
    from daily as d
    join oldest as o using (unit_code, fiscal_year, category, day)
    window w as (partition by d.unit_code, d.fiscal_year, d.category order by d.day
                 rows between unbounded preceding and current row)
)

select * from final
order by day, unit_code, fiscal_year, category
