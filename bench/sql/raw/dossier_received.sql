-- dossier_received: dossiers received in [p1, p2] and those received online, per unit of
-- the current structure, straight from the dossiers.
with per_unit as (
    select
        unit_code,
        count(*) as received,
        count(*) filter (where channel = 'online') as received_online
    from dossiers
    where received_at between $p1_start and $p2_end
    group by unit_code
),

final as (
    select r.current_code as unit_code, u.kind,
           sum(received)::bigint as received, sum(received_online)::bigint as received_online
    from per_unit as f
    join unit_rollup as r using (unit_code)
    join units as u on u.unit_code = r.current_code
    group by r.current_code, u.kind
)

select * from final
