insert into source_state (source_name, dataset, last_run_id, last_status, last_run_at, last_error,
                          freshness_minutes)
values ($source_name, $dataset, $run_id, 'failed', $at, $error, $freshness_minutes)
on conflict (source_name) do update set
    last_run_id = excluded.last_run_id,
    last_status = 'failed',
    last_run_at = excluded.last_run_at,
    last_error = excluded.last_error,
    freshness_minutes = excluded.freshness_minutes
