-- dossier_facts: the dossier quantities of each time bucket [p1, p2], per unit (and
-- procedure when {mart} is the procedure mart), read from a running-totals mart at the end
-- of p2 and at the end of the day before p1 (ASOF joins: the latest row on or before).
--   received*, closed, closed_on_time   what happened within the bucket
--   handled    received by the end and not closed before the start
--   on_time    closed on time within the bucket, plus open and not yet due at its end
--   open, open_ok, open_overdue          the state at the end of the bucket
-- {mart}, {keys}, {match_end} and {match_start} are identifiers from the registry.
with buckets as (
    select unnest($bucket_labels) as bucket, unnest($bucket_starts) as p1, unnest($bucket_ends) as p2
),

grid as (
    select buckets.*, k.*
    from buckets
    cross join (select distinct {keys} from {mart}) as k
),

final as (
    select
        g.bucket,
        {grid_keys},
        coalesce(e.received, 0) - coalesce(s.received, 0) as received,
        coalesce(e.received_online, 0) - coalesce(s.received_online, 0) as received_online,
        coalesce(e.received_fee, 0) - coalesce(s.received_fee, 0) as received_fee,
        coalesce(e.received_paid_fee, 0) - coalesce(s.received_paid_fee, 0) as received_paid_fee,
        coalesce(e.closed, 0) - coalesce(s.closed, 0) as closed,
        coalesce(e.closed_on_time, 0) - coalesce(s.closed_on_time, 0) as closed_on_time,
        coalesce(e.received, 0) - coalesce(s.closed, 0) as handled,
        coalesce(e.closed_on_time, 0) - coalesce(s.closed_on_time, 0) + coalesce(e.open_ok, 0) as on_time,
        coalesce(e.received, 0) - coalesce(e.closed, 0) as open,
        coalesce(e.open_ok, 0) as open_ok,
        coalesce(e.open_overdue, 0) as open_overdue
    from grid as g
    asof left join {mart} as e on {match_end} and g.p2 >= e.day
    asof left join {mart} as s on {match_start} and g.p1 - 1 >= s.day
)

select * from final
