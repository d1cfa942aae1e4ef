-- The audit log is append-only: the database itself refuses to change, remove or truncate an entry.
create or replace function audit_log_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'the audit log is append-only';
end
$$

drop trigger if exists audit_log_no_change on audit_log

create trigger audit_log_no_change before update or delete on audit_log
    for each row execute function audit_log_append_only()

drop trigger if exists audit_log_no_truncate on audit_log

create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_append_only()
