-- run_log: one row per pipeline run of one dataset from one source.
-- grain: one row per run_id. Reconciles: rows_read = loaded + unchanged + quarantined.
-- watermark_before/after: the source's watermark when the run began and when it committed.
create table if not exists run_log (
    run_id            varchar primary key,
    dataset           varchar not null,
    source            varchar not null,
    started_at        timestamp not null,
    finished_at       timestamp,
    status            varchar not null check (status in ('running', 'success', 'failed')),
    rows_read         integer not null default 0,
    rows_loaded       integer not null default 0,
    rows_unchanged    integer not null default 0,
    rows_quarantined  integer not null default 0,
    error             varchar
);
alter table run_log add column if not exists source_name varchar;
alter table run_log add column if not exists watermark_before varchar;
alter table run_log add column if not exists watermark_after varchar;
