-- procedures.csv into procedures.
insert into procedures by name
select
    code(procedure_code) as procedure_code,
    code(name_vi) as name_vi,
    code(name_en) as name_en,
    code(field) as field,
    choice(level) as level,
    cast(cell(legal_days) as integer) as legal_days,
    flag(has_fee) as has_fee,
    flag(full_online) as full_online
from read_csv($path, header = true, all_varchar = true)
