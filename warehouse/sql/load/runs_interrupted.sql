-- Runs still marked running when the writer lock is free again died with their process
-- (killed, power cut): nothing of them was committed; say so in the log.
update run_log
set status = 'failed',
    finished_at = $now,
    error = 'interrupted: the process stopped before the run committed; nothing of it was loaded'
where status = 'running'
