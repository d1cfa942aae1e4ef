select run_id, dataset, source_name, source, started_at, finished_at, status,
       rows_read, rows_loaded, rows_unchanged, rows_quarantined,
       watermark_before, watermark_after, error
from run_log
order by started_at desc, run_id
limit $limit
