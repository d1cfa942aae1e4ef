-- units: departments and agencies of the ministry and the provincial departments.
-- grain: one row per unit_code.
create table if not exists units (
    unit_code      varchar primary key,
    name_vi        varchar not null,
    name_en        varchar,
    kind           varchar not null check (kind in ('ministry_unit', 'province_dept')),
    parent_code    varchar,
    valid_from     date,
    valid_to       date,
    successor_code varchar
);

-- added later (DOMAIN.md, Canonical records): where urging letters and digests are sent
alter table units add column if not exists contact_email varchar;
