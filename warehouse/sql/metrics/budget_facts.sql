-- budget_facts: plan, disbursement and target-weighted plan of the fiscal year of each
-- bucket's end, per unit and category, from mart_budget_day at the end of p2.
-- target_plan / plan is the expected rate at p2 (categories may have different paths).
with buckets as (
    select unnest($bucket_labels) as bucket, unnest($bucket_starts) as p1, unnest($bucket_ends) as p2
),

grid as (
    select buckets.*, k.*
    from buckets
    join (select distinct unit_code, fiscal_year, category from mart_budget_day) as k
        on k.fiscal_year = year(buckets.p2)
),

final as (
    select
        g.bucket,
        g.unit_code,
        g.category,
        coalesce(e.plan, 0) as plan,
        coalesce(e.disbursed, 0) as disbursed,
        coalesce(e.plan, 0) * t.target as target_plan
    from grid as g
    asof left join mart_budget_day as e
        on g.unit_code = e.unit_code and g.fiscal_year = e.fiscal_year
        and g.category = e.category and g.p2 >= e.day
    join budget_target_day as t on t.category = g.category and t.day = g.p2
)

select * from final
