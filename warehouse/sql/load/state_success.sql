insert into source_state as s (source_name, dataset, watermark, watermark_type, last_run_id, last_status,
                               last_run_at, last_success_at, last_error, freshness_minutes)
values ($source_name, $dataset, $watermark, $watermark_type, $run_id, 'success', $at, $at, null,
        $freshness_minutes)
on conflict (source_name) do update set
    dataset = excluded.dataset,
    watermark = excluded.watermark,
    watermark_type = excluded.watermark_type,
    last_run_id = excluded.last_run_id,
    last_status = 'success',
    last_run_at = excluded.last_run_at,
    last_success_at = excluded.last_success_at,
    last_error = null,
    freshness_minutes = excluded.freshness_minutes
