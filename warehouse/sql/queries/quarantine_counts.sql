select dataset, count(*) as rows, max(quarantined_at) as last_at
from quarantine
group by dataset
order by dataset
