-- source_state: where each configured source stands; the watermark commits in the same
-- transaction as the rows it covers, so a killed run resumes from the last committed one.
-- grain: one row per source_name.
create table if not exists source_state (
    source_name       varchar primary key,
    dataset           varchar not null,
    watermark         varchar,
    watermark_type    varchar,
    last_run_id       varchar,
    last_status       varchar,
    last_run_at       timestamp,
    last_success_at   timestamp,
    last_error        varchar,
    freshness_minutes integer
);
