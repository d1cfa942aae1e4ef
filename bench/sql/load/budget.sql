-- budget.csv into budget.
insert into budget by name
select
    code(unit_code) as unit_code,
    cast(cell(fiscal_year) as integer) as fiscal_year,
    choice(category) as category,
    code(line_code) as line_code,
    code(line_name) as line_name,
    cast(cell(plan_amount) as decimal(20, 0)) as plan_amount,
    cast(cell(as_of) as date) as as_of,
    cast(cell(disbursed_amount) as decimal(20, 0)) as disbursed_amount
from read_csv($path, header = true, all_varchar = true)
