-- quarantine: rows that broke a rule, kept with where they came from and why.
-- grain: one row per rejected input row and run.
create sequence if not exists quarantine_seq;
create table if not exists quarantine (
    quarantine_id bigint primary key default nextval('quarantine_seq'),
    run_id        varchar not null,
    dataset       varchar not null,
    source        varchar not null,
    row_number    integer not null,
    reason        varchar not null,
    record        json not null,
    quarantined_at timestamp not null
);
