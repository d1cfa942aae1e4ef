-- Classify each incoming row against the stored one: 'new', 'replace' or 'unchanged'.
-- {table}, {keys}, {first_key} and {newer} are identifiers and an expression taken from
-- the dataset registry in code, never from input; values arrive as the `incoming` frame.
create or replace temp table incoming_classified as
select
    incoming.*,
    case
        when stored.{first_key} is null then 'new'
        when {newer} then 'replace'
        else 'unchanged'
    end as _action
from incoming
left join {table} as stored using ({keys})
