-- unit_rollup: each unit and the unit it counts for in the current structure.
-- grain: one row per unit_code. A unit with a successor counts for the end of its chain.
create or replace table unit_rollup as
with recursive chain(unit_code, current_code, depth) as (
    select unit_code, unit_code, 0
    from units
    union all
    select chain.unit_code, units.successor_code, chain.depth + 1
    from chain
    join units on units.unit_code = chain.current_code
    where units.successor_code is not null and chain.depth < 100
),

final as (
    select unit_code, arg_max(current_code, depth) as current_code, max(depth) as steps
    from chain
    group by unit_code
)

select * from final
