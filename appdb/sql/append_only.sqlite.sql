-- The audit log is append-only: the database itself refuses to change or remove an entry.
create trigger if not exists audit_log_no_update before update on audit_log
begin
    select raise(abort, 'the audit log is append-only');
end

create trigger if not exists audit_log_no_delete before delete on audit_log
begin
    select raise(abort, 'the audit log is append-only');
end
