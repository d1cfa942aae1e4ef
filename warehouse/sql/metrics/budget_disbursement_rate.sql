-- budget_disbursement_rate: disbursed / plan of the fiscal year of D, each budget line
-- taken at its latest row with as_of <= D.
-- grain: one row per unit_code (as recorded); numerator = disbursed VND, denominator = plan VND.
with latest as (
    select
        unit_code,
        arg_max(plan_amount, as_of) as plan_amount,
        arg_max(disbursed_amount, as_of) as disbursed_amount
    from budget
    where fiscal_year = year($as_of) and as_of <= $as_of
    group by unit_code, category, line_code
),

final as (
    select
        unit_code,
        sum(disbursed_amount) as numerator,
        sum(plan_amount) as denominator
    from latest
    group by unit_code
)

select * from final
