-- budget_lines: plan and disbursement of the fiscal year of p2 as of p2, per unit of the
-- current structure, straight from the budget rows (DOMAIN.md, "Budget"): each line at its
-- latest row on or before p2. target_plan = plan x the category target at p2.
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

per_unit as (
    select unit_code, category, sum(plan) as plan, sum(disbursed) as disbursed
    from line
    group by unit_code, category
),

final as (
    select
        r.current_code as unit_code,
        u.kind,
        sum(f.plan)::bigint as plan,
        sum(f.disbursed)::bigint as disbursed,
        sum(f.plan * t.target)::double as target_plan
    from per_unit as f
    join budget_target_day as t on t.category = f.category and t.day = $p2
    join unit_rollup as r using (unit_code)
    join units as u on u.unit_code = r.current_code
    group by r.current_code, u.kind
)

select * from final
