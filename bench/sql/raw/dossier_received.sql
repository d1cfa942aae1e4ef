-- dossier_received: per recorded unit, dossiers received in [p1, p2] and those received
-- online, straight from the dossiers.
with final as (
    select
        unit_code,
        count(*) as received,
        count(*) filter (where channel = 'online') as received_online
    from dossiers
    where received_at between $p1_start and $p2_end
    group by unit_code
)

select * from final
