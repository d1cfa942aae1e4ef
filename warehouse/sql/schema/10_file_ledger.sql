-- file_ledger: every file taken from an inbox, by checksum, so a file dropped again
-- loads nothing. grain: one row per checksum and source.
create table if not exists file_ledger (
    sha256       varchar not null,
    source_name  varchar not null,
    file_name    varchar not null,
    outcome      varchar not null check (outcome in ('loaded', 'rejected')),
    run_id       varchar not null,
    rows_read    integer not null,
    processed_at timestamp not null,
    primary key (sha256, source_name)
);
