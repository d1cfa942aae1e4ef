insert into file_ledger (sha256, source_name, file_name, outcome, run_id, rows_read, processed_at)
values ($sha256, $source_name, $file_name, $outcome, $run_id, $rows_read, $processed_at)
on conflict do nothing
