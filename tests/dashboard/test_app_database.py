"""The app database on PostgreSQL (the production profile), against the real server on
127.0.0.1:5432: tables made at start, accounts and links work, and the audit log's
append-only rule is enforced by the database itself. Plus the accounts CLI."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import delete, text, update

from appdb import audit
from appdb.engine import open_db
from appdb.schema import audit_log
from dashboard.auth import accounts, kiosk

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def postgres(postgres_url):
    db = open_db(postgres_url)
    yield db
    db.dispose()


def test_api_keys_and_their_rate_limit_on_postgresql(postgres):
    from dashboard.api import clients

    client_id, key = clients.add(postgres, "Trung tâm điều hành Chính phủ", created_by="test",
                                 units=["S-CANTHO"], rate_limit=2)
    row = clients.by_key(postgres, key)
    assert (row.id, clients.units(row), row.revoked_at) == (client_id, ["S-CANTHO"], None)
    assert [clients.take_call(postgres, client_id, 2) for _ in range(2)] == [None, None]
    assert 1 <= clients.take_call(postgres, client_id, 2) <= 60  # the third call this minute: wait for the next
    clients.revoke(postgres, client_id)
    assert clients.by_key(postgres, key).revoked_at is not None


def test_accounts_links_and_kiosk_tokens_on_postgresql(postgres):
    user_id = accounts.add(postgres, "Cán.Bộ", "unit", unit_code="P01", display_name="Nguyễn Văn A")
    link = accounts.issue_link(postgres, "password", user_id)
    assert accounts.open_link(postgres, link, "password").user_id == user_id
    accounts.set_password(postgres, user_id, "mật khẩu đủ dài")
    row = accounts.authenticate(postgres, "cán.bộ", "mật khẩu đủ dài")
    assert (row.username, row.role, row.unit_code, row.display_name) == ("cán.bộ", "unit", "P01", "Nguyễn Văn A")
    token_id, token = kiosk.add(postgres, "Sảnh", created_by="test")
    assert kiosk.active(postgres, token=token).id == token_id
    kiosk.revoke(postgres, token_id)
    assert kiosk.active(postgres, token=token) is None


def test_the_audit_log_is_append_only_on_postgresql(postgres):
    audit.record(postgres, "sign_in", actor="a", target="a", ip="127.0.0.1")
    audit.record(postgres, "sign_in", actor="b", outcome="failed", target="b", ip="127.0.0.1")
    assert audit.failed_sign_ins(postgres, username="b", ip="127.0.0.1", minutes=5) == (1, 1)
    for change in (update(audit_log).values(actor="x"), delete(audit_log), text("truncate audit_log")):
        with pytest.raises(Exception, match="append-only"):
            with postgres.begin() as connection:
                connection.execute(change)
    rows, total = audit.read(postgres)
    assert total == 2 and [r["actor"] for r in rows] == ["b", "a"]


def _cli(settings, *args) -> subprocess.CompletedProcess:
    environment = {**os.environ, "OPSCENTER_DATA_DIR": str(settings.data_dir), "OPSCENTER_PUBLIC_URL": "https://ioc.example"}
    return subprocess.run([sys.executable, "-m", "dashboard", *args], cwd=ROOT, env=environment, text=True,
                          capture_output=True, timeout=60)


def test_the_accounts_cli(demo):
    settings = demo[0]
    name = f"cli-{uuid.uuid4().hex[:6]}"
    added = _cli(settings, "users", "add", name, "--role", "office", "--name", "Trần Thị B")
    assert added.returncode == 0, added.stderr
    link = added.stdout.strip().splitlines()[-1]
    assert link.startswith("https://ioc.example/password/")
    db = open_db(settings.app_db)
    assert accounts.open_link(db, link.rsplit("/", 1)[1], "password") is not None
    assert _cli(settings, "users", "add", name, "--role", "office").returncode == 1  # already there
    bad_unit = _cli(settings, "users", "add", name + "x", "--role", "unit", "--unit", "NO-SUCH-UNIT")
    assert bad_unit.returncode == 1 and "NO-SUCH-UNIT" in bad_unit.stderr
    assert _cli(settings, "users", "disable", name).returncode == 0
    assert not accounts.find(db, username=name).active
    listed = _cli(settings, "users", "list")
    assert name in listed.stdout and "Trần Thị B" in listed.stdout
    entries, _ = audit.read(db, actor="cli:", limit=5)
    assert {e["action"] for e in entries} >= {"user_add", "user_disable"}
