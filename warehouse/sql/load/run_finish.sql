update run_log
set finished_at = $finished_at,
    status = $status,
    rows_read = $rows_read,
    rows_loaded = $rows_loaded,
    rows_unchanged = $rows_unchanged,
    rows_quarantined = $rows_quarantined,
    watermark_after = $watermark_after,
    error = $error
where run_id = $run_id
