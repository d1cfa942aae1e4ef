-- Lookup in a mart with rows on days something changed and on the first day of every
-- month: the latest row on or before the day a bucket ends, and before the day it starts,
-- found between that day and the first of its month. {mart} and {keys} come from the
-- registry.
at_end as (
    select b.bucket, {keys}, arg_max(columns(m.* exclude ({keys}, day)), m.day)
    from buckets as b
    join {mart} as m on m.day <= b.p2 and m.day >= date_trunc('month', b.p2)
    group by b.bucket, {keys}
),

before_start as (
    select b.bucket, {keys}, arg_max(columns(m.* exclude ({keys}, day)), m.day)
    from buckets as b
    join {mart} as m on m.day <= b.p1 - 1 and m.day >= date_trunc('month', b.p1 - 1)
    group by b.bucket, {keys}
),
