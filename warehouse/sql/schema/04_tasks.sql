-- tasks: tasks assigned to a lead unit by the Government, the PM or the ministry's leaders.
-- grain: one row per task_id (the latest version by updated_at).
create table if not exists tasks (
    task_id        varchar primary key,
    title          varchar not null,
    source         varchar not null check (source in
                      ('government', 'prime_minister', 'ministry_leader', 'other')),
    document_ref   varchar,
    lead_unit_code varchar not null,
    assigned_on    date not null,
    due_on         date,
    completed_on   date,
    updated_at     timestamp not null
);

-- added later (DOMAIN.md, Canonical records): the leader in charge, coordinating unit codes (';')
alter table tasks add column if not exists supervising_leader varchar;
alter table tasks add column if not exists coordinating_units varchar;
