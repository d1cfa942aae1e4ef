"""The app database's migrations: a database made by the release before them (its tables
made by ``create_all``, written out below as that release emitted them, with its
append-only triggers) is upgraded by ``open_db`` and by ``alembic upgrade head`` keeping
every row and its triggers; a fresh database upgraded to head is the schema the code
reads; web workers starting together migrate once. On SQLite and on the real PostgreSQL.
"""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from appdb import accounts, audit, outbox
from appdb.engine import migrations, open_db
from appdb.schema import metadata

ROOT = Path(__file__).resolve().parents[2]
TABLES = ("users", "one_time_links", "kiosk_tokens", "api_clients", "api_usage", "audit_log", "briefs", "goc_outbox")
LATER_TABLES = {"urgings", "urging_answers", "mail_outbox",  # 0003: urging letters and the mail outbox
                "sessions"}  # 0004: sessions kept on the server

# The previous release's schema, as its create_all emitted it (CreateTable and CreateIndex
# of dashboard/auth/store.py and pipelines/goc/outbox.py), then its trigger files.
OLD_SQLITE = [
    """CREATE TABLE api_clients (
        id INTEGER NOT NULL, name VARCHAR(120) NOT NULL, key_hash VARCHAR(64) NOT NULL,
        key_prefix VARCHAR(12) NOT NULL, indicators TEXT, units TEXT, rate_limit INTEGER,
        created_by VARCHAR(200) NOT NULL, created_at DATETIME NOT NULL, revoked_at DATETIME,
        PRIMARY KEY (id), UNIQUE (name), UNIQUE (key_hash))""",
    """CREATE TABLE audit_log (
        id INTEGER NOT NULL, at DATETIME NOT NULL, actor VARCHAR(200) NOT NULL, action VARCHAR(40) NOT NULL,
        outcome VARCHAR(20) NOT NULL, target VARCHAR(300), ip VARCHAR(64), detail TEXT,
        PRIMARY KEY (id))""",
    "CREATE INDEX ix_audit_log_action ON audit_log (action)",
    "CREATE INDEX ix_audit_log_actor ON audit_log (actor)",
    "CREATE INDEX ix_audit_log_at ON audit_log (at)",
    """CREATE TABLE briefs (
        id INTEGER NOT NULL, period_start DATE NOT NULL, period_end DATE NOT NULL, language VARCHAR(2) NOT NULL,
        unit_code VARCHAR(40), requested_by VARCHAR(200) NOT NULL, "trigger" VARCHAR(20) NOT NULL,
        status VARCHAR(20) NOT NULL, step VARCHAR(40), attempts INTEGER NOT NULL, error TEXT,
        data_version VARCHAR(60), directory VARCHAR(500), files TEXT, created_at DATETIME NOT NULL,
        finished_at DATETIME,
        PRIMARY KEY (id))""",
    "CREATE INDEX ix_briefs_created_at ON briefs (created_at)",
    "CREATE INDEX ix_briefs_status ON briefs (status)",
    """CREATE TABLE kiosk_tokens (
        id INTEGER NOT NULL, name VARCHAR(200) NOT NULL, token_hash VARCHAR(64) NOT NULL,
        created_by VARCHAR(120) NOT NULL, created_at DATETIME NOT NULL, revoked_at DATETIME,
        PRIMARY KEY (id), UNIQUE (token_hash))""",
    """CREATE TABLE users (
        id INTEGER NOT NULL, username VARCHAR(120) NOT NULL, display_name VARCHAR(200) NOT NULL,
        role VARCHAR(20) NOT NULL, unit_code VARCHAR(40), password_hash VARCHAR(300), active BOOLEAN NOT NULL,
        epoch INTEGER NOT NULL, created_at DATETIME NOT NULL, last_sign_in_at DATETIME,
        PRIMARY KEY (id), UNIQUE (username))""",
    """CREATE TABLE api_usage (
        client_id INTEGER NOT NULL, minute INTEGER NOT NULL, calls INTEGER NOT NULL,
        PRIMARY KEY (client_id, minute), FOREIGN KEY(client_id) REFERENCES api_clients (id))""",
    """CREATE TABLE one_time_links (
        id INTEGER NOT NULL, token_hash VARCHAR(64) NOT NULL, purpose VARCHAR(20) NOT NULL, user_id INTEGER,
        created_at DATETIME NOT NULL, expires_at DATETIME NOT NULL, used_at DATETIME,
        PRIMARY KEY (id), UNIQUE (token_hash), FOREIGN KEY(user_id) REFERENCES users (id))""",
    """CREATE TABLE goc_outbox (
        id INTEGER NOT NULL, idempotency_key VARCHAR(200) NOT NULL, period_type VARCHAR(20) NOT NULL,
        period VARCHAR(20) NOT NULL, period_start DATE NOT NULL, period_end DATE NOT NULL, complete BOOLEAN NOT NULL,
        data_version VARCHAR(60) NOT NULL, "trigger" VARCHAR(20) NOT NULL, rows INTEGER NOT NULL, payload TEXT,
        payload_sha256 VARCHAR(64) NOT NULL, created_at DATETIME NOT NULL, attempts INTEGER NOT NULL,
        next_attempt_at DATETIME NOT NULL, last_attempt_at DATETIME, last_error TEXT, acknowledged_at DATETIME,
        receipt_status INTEGER, receipt TEXT,
        PRIMARY KEY (id), UNIQUE (idempotency_key))""",
    "CREATE INDEX ix_goc_outbox_acknowledged_at ON goc_outbox (acknowledged_at)",
    "CREATE INDEX ix_goc_outbox_next_attempt_at ON goc_outbox (next_attempt_at)",
    """create trigger if not exists audit_log_no_update before update on audit_log
    begin
        select raise(abort, 'the audit log is append-only');
    end""",
    """create trigger if not exists audit_log_no_delete before delete on audit_log
    begin
        select raise(abort, 'the audit log is append-only');
    end""",
]

OLD_POSTGRESQL = [
    """CREATE TABLE api_clients (
        id SERIAL NOT NULL, name VARCHAR(120) NOT NULL, key_hash VARCHAR(64) NOT NULL,
        key_prefix VARCHAR(12) NOT NULL, indicators TEXT, units TEXT, rate_limit INTEGER,
        created_by VARCHAR(200) NOT NULL, created_at TIMESTAMP WITH TIME ZONE NOT NULL,
        revoked_at TIMESTAMP WITH TIME ZONE,
        PRIMARY KEY (id), UNIQUE (name), UNIQUE (key_hash))""",
    """CREATE TABLE audit_log (
        id SERIAL NOT NULL, at TIMESTAMP WITH TIME ZONE NOT NULL, actor VARCHAR(200) NOT NULL,
        action VARCHAR(40) NOT NULL, outcome VARCHAR(20) NOT NULL, target VARCHAR(300), ip VARCHAR(64), detail TEXT,
        PRIMARY KEY (id))""",
    "CREATE INDEX ix_audit_log_action ON audit_log (action)",
    "CREATE INDEX ix_audit_log_actor ON audit_log (actor)",
    "CREATE INDEX ix_audit_log_at ON audit_log (at)",
    """CREATE TABLE briefs (
        id SERIAL NOT NULL, period_start DATE NOT NULL, period_end DATE NOT NULL, language VARCHAR(2) NOT NULL,
        unit_code VARCHAR(40), requested_by VARCHAR(200) NOT NULL, trigger VARCHAR(20) NOT NULL,
        status VARCHAR(20) NOT NULL, step VARCHAR(40), attempts INTEGER NOT NULL, error TEXT,
        data_version VARCHAR(60), directory VARCHAR(500), files TEXT, created_at TIMESTAMP WITH TIME ZONE NOT NULL,
        finished_at TIMESTAMP WITH TIME ZONE,
        PRIMARY KEY (id))""",
    "CREATE INDEX ix_briefs_created_at ON briefs (created_at)",
    "CREATE INDEX ix_briefs_status ON briefs (status)",
    """CREATE TABLE kiosk_tokens (
        id SERIAL NOT NULL, name VARCHAR(200) NOT NULL, token_hash VARCHAR(64) NOT NULL,
        created_by VARCHAR(120) NOT NULL, created_at TIMESTAMP WITH TIME ZONE NOT NULL,
        revoked_at TIMESTAMP WITH TIME ZONE,
        PRIMARY KEY (id), UNIQUE (token_hash))""",
    """CREATE TABLE users (
        id SERIAL NOT NULL, username VARCHAR(120) NOT NULL, display_name VARCHAR(200) NOT NULL,
        role VARCHAR(20) NOT NULL, unit_code VARCHAR(40), password_hash VARCHAR(300), active BOOLEAN NOT NULL,
        epoch INTEGER NOT NULL, created_at TIMESTAMP WITH TIME ZONE NOT NULL,
        last_sign_in_at TIMESTAMP WITH TIME ZONE,
        PRIMARY KEY (id), UNIQUE (username))""",
    """CREATE TABLE api_usage (
        client_id INTEGER NOT NULL, minute INTEGER NOT NULL, calls INTEGER NOT NULL,
        PRIMARY KEY (client_id, minute), FOREIGN KEY(client_id) REFERENCES api_clients (id))""",
    """CREATE TABLE one_time_links (
        id SERIAL NOT NULL, token_hash VARCHAR(64) NOT NULL, purpose VARCHAR(20) NOT NULL, user_id INTEGER,
        created_at TIMESTAMP WITH TIME ZONE NOT NULL, expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
        used_at TIMESTAMP WITH TIME ZONE,
        PRIMARY KEY (id), UNIQUE (token_hash), FOREIGN KEY(user_id) REFERENCES users (id))""",
    """CREATE TABLE goc_outbox (
        id SERIAL NOT NULL, idempotency_key VARCHAR(200) NOT NULL, period_type VARCHAR(20) NOT NULL,
        period VARCHAR(20) NOT NULL, period_start DATE NOT NULL, period_end DATE NOT NULL, complete BOOLEAN NOT NULL,
        data_version VARCHAR(60) NOT NULL, trigger VARCHAR(20) NOT NULL, rows INTEGER NOT NULL, payload TEXT,
        payload_sha256 VARCHAR(64) NOT NULL, created_at TIMESTAMP WITH TIME ZONE NOT NULL,
        attempts INTEGER NOT NULL, next_attempt_at TIMESTAMP WITH TIME ZONE NOT NULL,
        last_attempt_at TIMESTAMP WITH TIME ZONE, last_error TEXT, acknowledged_at TIMESTAMP WITH TIME ZONE,
        receipt_status INTEGER, receipt TEXT,
        PRIMARY KEY (id), UNIQUE (idempotency_key))""",
    "CREATE INDEX ix_goc_outbox_acknowledged_at ON goc_outbox (acknowledged_at)",
    "CREATE INDEX ix_goc_outbox_next_attempt_at ON goc_outbox (next_attempt_at)",
    """create or replace function audit_log_append_only() returns trigger language plpgsql as $$
    begin
        raise exception 'the audit log is append-only';
    end
    $$""",
    "drop trigger if exists audit_log_no_change on audit_log",
    """create trigger audit_log_no_change before update or delete on audit_log
        for each row execute function audit_log_append_only()""",
    "drop trigger if exists audit_log_no_truncate on audit_log",
    """create trigger audit_log_no_truncate before truncate on audit_log
        for each statement execute function audit_log_append_only()""",
]

# A deployment's rows: every table, the ids given by the database as the release's code let it.
ROWS = [
    """insert into users (username, display_name, role, unit_code, password_hash, active, epoch, created_at,
                          last_sign_in_at)
       values ('quantri', 'Quản trị viên', 'admin', null, 'scrypt:32768:8:1$salt$hash', true, 3,
               '2026-01-05 08:00:00', '2026-11-20 07:30:00'),
              ('socantho', 'Sở NN&MT Cần Thơ', 'unit', 'S-CANTHO', null, false, 1, '2026-02-01 09:00:00', null)""",
    """insert into one_time_links (token_hash, purpose, user_id, created_at, expires_at, used_at)
       values ('a1b2', 'password', 2, '2026-02-01 09:00:00', '2026-02-02 09:00:00', null)""",
    """insert into kiosk_tokens (name, token_hash, created_by, created_at, revoked_at)
       values ('Sảnh tầng 1', 'c3d4', 'quantri', '2026-03-01 10:00:00', null)""",
    """insert into api_clients (name, key_hash, key_prefix, indicators, units, rate_limit, created_by, created_at,
                                revoked_at)
       values ('Trung tâm điều hành Chính phủ', 'e5f6', 'opc_abcdef', '["dossier_on_time_rate"]', null, 60,
               'quantri', '2026-04-01 11:00:00', null)""",
    "insert into api_usage (client_id, minute, calls) values (1, 29500000, 7)",
    """insert into audit_log (at, actor, action, outcome, target, ip, detail)
       values ('2026-11-20 07:30:00', 'quantri', 'sign_in', 'ok', 'quantri', '10.0.0.5', null),
              ('2026-11-20 07:31:00', 'quantri', 'kiosk_add', 'ok', 'Sảnh tầng 1', '10.0.0.5', '{"id": 1}')""",
    """insert into briefs (period_start, period_end, language, unit_code, requested_by, "trigger", status, step,
                           attempts, error, data_version, directory, files, created_at, finished_at)
       values ('2026-11-09', '2026-11-15', 'vi', null, 'system:weekly-brief', 'schedule', 'done', 'done', 1, null,
               '20261116T060000', 'var/briefs/00001', '["brief.docx", "brief.pdf"]', '2026-11-16 06:00:00',
               '2026-11-16 06:00:05')""",
    """insert into goc_outbox (idempotency_key, period_type, period, period_start, period_end, complete,
                               data_version, "trigger", rows, payload, payload_sha256, created_at, attempts,
                               next_attempt_at, last_attempt_at, last_error, acknowledged_at, receipt_status, receipt)
       values ('opscenter:month:2026-10:20261101T060000', 'month', '2026-10', '2026-10-01', '2026-10-31', true,
               '20261101T060000', 'publish', 64, null, 'ab12', '2026-11-01 06:00:00', 1, '2026-11-01 06:00:00',
               '2026-11-01 06:00:01', null, '2026-11-01 06:00:01', 200, '{"receipt": "GOC-1"}'),
              ('opscenter:month:2026-11:20261120T060000', 'month', '2026-11', '2026-11-01', '2026-11-20', false,
               '20261120T060000', 'schedule', 64, '{"data": []}', 'cd34', '2026-11-20 06:00:00', 2,
               '2026-11-20 06:10:00', '2026-11-20 06:05:00', 'HTTP 503: busy', null, null, null)""",
]


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path) -> str:
    """An empty app database: a file of its own, or a fresh schema of the real server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'app.db'}"
    return request.getfixturevalue("postgres_url")


def previous_release(url: str) -> dict[str, list]:
    """Make the database as the previous release left it, with rows in every table; every
    table's rows as read back."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            for statement in OLD_POSTGRESQL if engine.dialect.name == "postgresql" else OLD_SQLITE:
                connection.exec_driver_sql(statement)
            for statement in ROWS:
                connection.execute(text(statement))
        return everything(engine)
    finally:
        engine.dispose()


def everything(engine) -> dict[str, list]:
    with engine.connect() as connection:
        return {table: connection.execute(text(f"select * from {table} order by 1, 2")).all() for table in TABLES}


def version(engine) -> list[str]:
    with engine.connect() as connection:
        return [row[0] for row in connection.execute(text("select version_num from alembic_version"))]


def head() -> str:
    return ScriptDirectory.from_config(migrations()).get_current_head()


def differences(engine) -> list:
    """What Alembic's autogenerate would change to make the database the code's schema."""
    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), metadata)


def assert_append_only(engine) -> None:
    for change in ("update audit_log set actor = 'x'", "delete from audit_log"):
        with pytest.raises(Exception, match="append-only"):
            with engine.begin() as connection:
                connection.execute(text(change))


def assert_kept(engine, before: dict[str, list]) -> None:
    """Every row as it was, the schema at head and the code's own, the triggers working,
    and the app reading and writing through it."""
    assert all(len(before[table]) >= 1 for table in TABLES)  # the check compares something
    assert everything(engine) == before
    assert version(engine) == [head()]
    assert differences(engine) == []
    assert_append_only(engine)
    assert accounts.find(engine, username="quantri").role == "admin" and not accounts.find(engine, user_id=2).active
    assert outbox.pending(engine)[0] == 1
    audit.record(engine, "sign_in", actor="after-upgrade", target="after-upgrade")
    entries, total = audit.read(engine)
    assert total == 3 and entries[0]["actor"] == "after-upgrade" and entries[0]["id"] == 3


def test_open_db_upgrades_the_previous_release_keeping_every_row(url):
    before = previous_release(url)
    db = open_db(url)
    try:
        assert_kept(db, before)
    finally:
        db.dispose()


def test_alembic_upgrade_head_upgrades_the_previous_release_keeping_every_row(url, tmp_path):
    before = previous_release(url)
    environment = {**os.environ, "OPSCENTER_APP_DB_URL": url, "OPSCENTER_DATA_DIR": str(tmp_path / "var")}
    done = subprocess.run([sys.executable, "-m", "alembic", "upgrade", "head"], cwd=ROOT, env=environment,
                          text=True, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Running upgrade  -> 0001" not in done.stderr  # stamped, not made again
    engine = create_engine(url)
    try:
        assert_kept(engine, before)
    finally:
        engine.dispose()


def test_a_fresh_database_at_head_is_the_schema_the_code_reads(url):
    db = open_db(url)
    try:
        assert version(db) == [head()]
        assert set(inspect(db).get_table_names()) == set(TABLES) | LATER_TABLES | {"alembic_version"}
        assert differences(db) == []
        audit.record(db, "sign_in", actor="a", target="a")
        assert_append_only(db)
        assert audit.read(db)[1] == 1
    finally:
        db.dispose()


def test_a_database_with_only_some_of_the_tables_is_left_alone(url):
    engine = create_engine(url)
    statements = OLD_POSTGRESQL if engine.dialect.name == "postgresql" else OLD_SQLITE
    with engine.begin() as connection:
        connection.exec_driver_sql(next(s for s in statements if s.startswith("CREATE TABLE users")))
        connection.execute(text(ROWS[0]))
    engine.dispose()
    with pytest.raises(RuntimeError, match="lacks api_clients, api_usage, audit_log"):
        open_db(url)
    engine = create_engine(url)
    try:
        assert set(inspect(engine).get_table_names()) == {"users"}
        with engine.connect() as connection:
            assert connection.execute(text("select count(*) from users")).scalar_one() == 2
    finally:
        engine.dispose()


WORKER = """
import sys
from appdb.engine import open_db
sys.stdout.write("ready\\n"); sys.stdout.flush()
sys.stdin.readline()
open_db(sys.argv[1]).dispose()
"""


def test_workers_starting_together_migrate_once(url):
    """Four processes open a new database at the same moment: the lock lets one migrate,
    the others find it done (without it, two would create the same tables)."""
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, url], cwd=ROOT, text=True, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)]
    try:
        assert [worker.stdout.readline() for worker in workers] == ["ready\n"] * 4
        for worker in workers:
            worker.stdin.write("go\n")
            worker.stdin.flush()
        outcomes = [worker.communicate(timeout=120) for worker in workers]
    finally:
        for worker in workers:
            worker.kill()
    assert [worker.returncode for worker in workers] == [0] * 4, [err for _, err in outcomes]
    engine = create_engine(url)
    try:
        assert version(engine) == [head()] and differences(engine) == []
    finally:
        engine.dispose()


def test_the_sessions_revision_adds_its_table_to_a_database_of_the_baseline(url):
    """A deployment of the baseline gains ``sessions`` (revision 0004), empty, its other rows
    kept: its users sign in once more."""
    before = previous_release(url)
    db = open_db(url)
    try:
        assert "sessions" in inspect(db).get_table_names()
        with db.connect() as connection:
            assert connection.execute(text("select count(*) from sessions")).scalar_one() == 0
        assert everything(db) == before
        from appdb import sessions

        token = sessions.start(db, user_id=1, ip="10.0.0.5")
        assert sessions.current(db, token, idle=timedelta(hours=1)).user_id == 1
        accounts.set_active(db, "quantri", False)  # ends its sessions
        assert sessions.current(db, token, idle=timedelta(hours=1)) is None
    finally:
        db.dispose()
