-- budget: plan and cumulative disbursement of one budget line as of a date.
-- grain: one row per (unit_code, fiscal_year, category, line_code, as_of).
create table if not exists budget (
    unit_code        varchar not null,
    fiscal_year      integer not null,
    category         varchar not null check (category in ('recurrent', 'investment')),
    line_code        varchar not null,
    line_name        varchar,
    plan_amount      decimal(20, 0) not null check (plan_amount >= 0),
    as_of            date not null,
    disbursed_amount decimal(20, 0) not null check (disbursed_amount >= 0),
    primary key (unit_code, fiscal_year, category, line_code, as_of)
);
