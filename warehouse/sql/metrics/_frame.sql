-- The frame around every family of facts: map each row's unit to the structure asked for,
-- keep only the caller's scope (resolved beforehand with its sub-units and merged units, so
-- the recorded unit is all it checks), describe it (kind, field) and add up by the keys.
-- {facts} is a facts query of this folder; {keys}, {sums}, {describe} come from the registry.
with facts as (
    {facts}
),

mapped as (
    select
        case when $current_structure then r.current_code else f.unit_code end as unit_key,
        f.*
    from facts as f
    join unit_rollup as r using (unit_code)
    where $all_units or list_contains($scope, f.unit_code)
),

described as (
    select m.* exclude (unit_code), m.unit_key as unit_code, u.kind {describe_columns}
    from mapped as m
    join units as u on u.unit_code = m.unit_key
    {describe_joins}
),

final as (
    select
        {keys},
        {sums}
    from described
    where ($unit is null or unit_code = $unit) and ($kind is null or kind = $kind)
    group by {keys}
)

select * from final
