-- published_setting: the configuration a snapshot's figures depend on (ranking weights and
-- minimum samples from config/ranking.toml, status thresholds from config/thresholds.toml),
-- stored at publish so that a data version always reads with the settings it was made with.
-- grain: one row per (section, name).
create table if not exists published_setting (
    section varchar not null,
    name    varchar not null,
    value   double not null,
    primary key (section, name)
);
