-- units.csv into units (canonical columns of DOMAIN.md).
insert into units by name
select
    code(unit_code) as unit_code,
    code(name_vi) as name_vi,
    code(name_en) as name_en,
    choice(kind) as kind,
    code(parent_code) as parent_code,
    cast(cell(valid_from) as date) as valid_from,
    cast(cell(valid_to) as date) as valid_to,
    code(successor_code) as successor_code
from read_csv($path, header = true, all_varchar = true)
