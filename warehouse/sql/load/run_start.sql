insert into run_log (run_id, dataset, source, source_name, watermark_before, started_at, status)
values ($run_id, $dataset, $source, $source_name, $watermark_before, $started_at, 'running')
