-- How many committed runs changed the warehouse: a publish records it, so a change
-- committed by a run killed before it could publish is still published by the next run.
select count(*)
from run_log
where status = 'success' and rows_loaded + rows_quarantined > 0
