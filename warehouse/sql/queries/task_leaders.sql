-- The supervising leaders named by the tasks in scope (a filter's choices), by name.
select distinct supervising_leader
from tasks
where supervising_leader is not null
    and ($all_units or list_contains($scope, lead_unit_code))
order by supervising_leader
