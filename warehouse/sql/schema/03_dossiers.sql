-- dossiers: administrative-procedure dossiers; times are Vietnam local time.
-- grain: one row per dossier_id (the latest version by updated_at).
create table if not exists dossiers (
    dossier_id       varchar primary key,
    procedure_code   varchar not null,
    unit_code        varchar not null,
    channel          varchar not null check (channel in ('direct', 'online', 'postal')),
    received_at      timestamp not null,
    due_at           timestamp,
    finished_at      timestamp,
    status           varchar not null check (status in
                        ('received', 'processing', 'supplement', 'finished', 'rejected', 'withdrawn')),
    supplement_count integer not null default 0,
    supplement_days  decimal(9, 3) not null default 0,
    paid_online      boolean not null default false,
    updated_at       timestamp not null
);
-- supplement_requested_at: when the pending request for a supplement was sent (meaningful
-- while status is 'supplement'); added after the first release, so a writer database made
-- before it gains the column here.
alter table dossiers add column if not exists supplement_requested_at timestamp;
