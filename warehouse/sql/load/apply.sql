-- Apply a classified delivery: replaced rows are deleted, then new and replacing rows
-- inserted. Runs inside the caller's transaction.
delete from {table} as stored
using incoming_classified as i
where i._action = 'replace' and {key_match};

insert into {table} ({columns})
select {columns}
from incoming_classified
where _action <> 'unchanged';
