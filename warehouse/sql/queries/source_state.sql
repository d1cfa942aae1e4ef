select source_name, dataset, last_status, last_run_at, last_success_at, freshness_minutes,
       watermark, last_error
from source_state
order by source_name
