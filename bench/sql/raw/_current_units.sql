-- Rolls a raw query's rows per recorded unit up to the units of the current structure,
-- with their kind. {raw} is one of the queries of this folder.
with raw as (
    {raw}
),

final as (
    select r.current_code as unit_code, u.kind, cast(sum(columns(raw.* exclude (unit_code))) as double)
    from raw
    join unit_rollup as r using (unit_code)
    join units as u on u.unit_code = r.current_code
    group by r.current_code, u.kind
)

select * from final
