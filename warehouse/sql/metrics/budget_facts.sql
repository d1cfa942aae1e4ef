-- budget_facts: plan, disbursement and target-weighted plan of the fiscal year of each
-- bucket's end, per unit and category: the latest row of mart_budget_day on or before p2.
-- target_plan / plan is the expected rate at p2 (categories may have different paths).
with buckets as (
    select unnest($bucket_labels) as bucket, unnest($bucket_starts) as p1, unnest($bucket_ends) as p2
),

at_end as (
    select b.bucket, b.p2, m.unit_code, m.category,
           arg_max(m.plan, m.day) as plan, arg_max(m.disbursed, m.day) as disbursed
    from buckets as b
    join mart_budget_day as m on m.fiscal_year = year(b.p2) and m.day <= b.p2
    group by b.bucket, b.p2, m.unit_code, m.category
),

final as (
    select e.bucket, e.unit_code, e.category, e.plan, e.disbursed, e.plan * t.target as target_plan
    from at_end as e
    join budget_target_day as t on t.category = e.category and t.day = e.p2
)

select * from final
