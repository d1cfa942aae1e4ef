-- Lookup in a mart with a row for every day: the rows on the day a bucket ends and on the
-- day before it starts (a day past the mart's last day reads its last day: nothing
-- changes after it). Equality on a few days lets the scan skip all other row groups.
-- {mart} and {keys} come from the registry.
lookup_days as (
    select
        b.bucket,
        least(b.p2, last.day) as end_day,
        least(b.p1 - 1, last.day) as start_day
    from buckets as b
    cross join (select max(day) as day from {mart}) as last
),

at_end as (
    select l.bucket, m.*
    from lookup_days as l
    join {mart} as m on m.day = l.end_day
),

before_start as (
    select l.bucket, m.*
    from lookup_days as l
    join {mart} as m on m.day = l.start_day
),
