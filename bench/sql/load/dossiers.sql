-- dossiers.csv into dossiers: the portal codes 1, 2, 3 of the channel are direct, online,
-- postal; supplement_count and supplement_days default to 0.
insert into dossiers by name
select
    code(dossier_id) as dossier_id,
    code(procedure_code) as procedure_code,
    code(unit_code) as unit_code,
    case choice(channel)
        when '1' then 'direct'
        when '2' then 'online'
        when '3' then 'postal'
        else choice(channel)
    end as channel,
    local_time(received_at) as received_at,
    local_time(due_at) as due_at,
    local_time(finished_at) as finished_at,
    choice(status) as status,
    coalesce(cast(cell(supplement_count) as integer), 0) as supplement_count,
    coalesce(cast(cell(supplement_days) as decimal(9, 3)), 0) as supplement_days,
    local_time(supplement_requested_at) as supplement_requested_at,
    flag(paid_online) as paid_online,
    local_time(updated_at) as updated_at
from read_csv($path, header = true, all_varchar = true)
