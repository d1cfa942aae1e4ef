-- budget_facts: plan, disbursement and the target-weighted plan of the fiscal year of each
-- bucket's end, per unit and category: the latest row of mart_budget_day on or before p2.
-- target_plan / plan is the expected rate, each line at its own report's date (DOMAIN.md);
-- data_from and data_to are the first and last report dates used.
with buckets as (
    select unnest($bucket_labels) as bucket, unnest($bucket_starts) as p1, unnest($bucket_ends) as p2
),

at_end as (
    select b.bucket, m.unit_code, m.category,
           arg_max(m.plan, m.day) as plan, arg_max(m.disbursed, m.day) as disbursed,
           arg_max(m.expected, m.day) as target_plan, arg_max(m.oldest_report, m.day) as data_from,
           max(m.day) as data_to
    from buckets as b
    join mart_budget_day as m on m.fiscal_year = year(b.p2) and m.day <= b.p2
    group by b.bucket, m.unit_code, m.category
),

final as (
    select bucket, unit_code, category, plan, disbursed, target_plan, data_from, data_to
    from at_end
)

select * from final
