-- budget_lines: per recorded unit, plan and disbursement of the fiscal year of p2 as of
-- p2, straight from the budget rows (DOMAIN.md, "Budget"): each line at its latest row on
-- or before p2. target_plan = plan x the category target at p2.
with line as (
    select
        unit_code,
        category,
        arg_max(plan_amount, as_of) as plan,
        arg_max(disbursed_amount, as_of) as disbursed
    from budget
    where fiscal_year = year($p2) and as_of <= $p2
    group by unit_code, fiscal_year, category, line_code
),

final as (
    select
        l.unit_code,
        sum(l.plan) as plan,
        sum(l.disbursed) as disbursed,
        sum(l.plan * t.target) as target_plan
    from line as l
    join budget_target_day as t on t.category = l.category and t.day = $p2
    group by l.unit_code
)

select * from final
