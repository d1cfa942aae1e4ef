-- procedures: administrative procedures by national code.
-- grain: one row per procedure_code.
create table if not exists procedures (
    procedure_code varchar primary key,
    name_vi        varchar not null,
    name_en        varchar,
    field          varchar,
    level          varchar check (level in ('central', 'province')),
    legal_days     integer not null check (legal_days >= 0),
    has_fee        boolean not null default false,
    full_online    boolean not null default false
);
