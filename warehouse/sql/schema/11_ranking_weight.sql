-- ranking_weight: the unit ranking's component weights (config/ranking.toml), stored at
-- publish so that a snapshot's ranking always uses the weights it was published with.
-- grain: one row per component.
create table if not exists ranking_weight (
    component varchar primary key,
    weight    double not null check (weight >= 0)
);
