insert into run_log (run_id, dataset, source, started_at, status)
values ($run_id, $dataset, $source, $started_at, 'running')
