-- tasks.csv into tasks.
insert into tasks by name
select
    code(task_id) as task_id,
    code(title) as title,
    choice(source) as source,
    code(document_ref) as document_ref,
    code(lead_unit_code) as lead_unit_code,
    cast(cell(assigned_on) as date) as assigned_on,
    cast(cell(due_on) as date) as due_on,
    cast(cell(completed_on) as date) as completed_on,
    local_time(updated_at) as updated_at
from read_csv($path, header = true, all_varchar = true)
