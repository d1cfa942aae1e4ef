-- dossier_facts: the dossier quantities of each time bucket [p1, p2], per unit (and
-- procedure when {mart} is the procedure mart), from a running-totals mart: its state at
-- the end of p2 and at the end of p1 - 1, just before the bucket starts.
--   received*, closed, closed_on_time   what happened within the bucket
--   handled    received by the end and not closed before the start
--   on_time    closed on time within the bucket, plus open and not yet due at its end
--              (waiting for the citizen: sent back by the due; see int_dossier_events)
--   open, open_ok, open_overdue          the state at the end of the bucket
-- {lookup} is one of the _lookup_*.sql snippets; {mart}, {keys}, {end_keys} and {match}
-- are identifiers from the registry.
with buckets as (
    select unnest($bucket_labels) as bucket, unnest($bucket_starts) as p1, unnest($bucket_ends) as p2
),

{lookup}

final as (
    select
        e.bucket,
        {end_keys},
        e.received - coalesce(s.received, 0) as received,
        e.received_online - coalesce(s.received_online, 0) as received_online,
        e.received_fee - coalesce(s.received_fee, 0) as received_fee,
        e.received_paid_fee - coalesce(s.received_paid_fee, 0) as received_paid_fee,
        e.closed - coalesce(s.closed, 0) as closed,
        e.closed_on_time - coalesce(s.closed_on_time, 0) as closed_on_time,
        e.received - coalesce(s.closed, 0) as handled,
        e.closed_on_time - coalesce(s.closed_on_time, 0) + e.open_ok as on_time,
        e.received - e.closed as open,
        e.open_ok,
        e.open_overdue
    from at_end as e
    left join before_start as s on e.bucket = s.bucket and {match}
)

select * from final
