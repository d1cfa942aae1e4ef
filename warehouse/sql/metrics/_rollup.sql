-- The frame around every metric: map each row's unit to the structure asked for, keep
-- only the caller's scope, then add up by the requested keys.
-- {facts} is a metric's SQL from this folder; {keys} are column names from the registry.
with facts as (
    {facts}
),

mapped as (
    select
        case when $current_structure then r.current_code else f.unit_code end as unit_code,
        f.numerator,
        f.denominator
    from facts as f
    join unit_rollup as r using (unit_code)
    where $all_units
        or list_contains($scope, r.current_code)
        or list_contains($scope, f.unit_code)
),

final as (
    select
        {keys}
        cast(sum(numerator) as bigint) as numerator,
        cast(sum(denominator) as bigint) as denominator
    from mapped
    where $unit is null or unit_code = $unit
    {group_by}
)

select * from final
