"""An SQL source that is not there yet, or not any more, is tried again with the backoff of
the HTTP source (the same helper): a database that comes back within the retries loads as
if nothing happened; one that stays away fails the run after a bounded number of attempts,
saying so; a query the database refuses (no such column) is not tried again."""
from __future__ import annotations

import sqlite3

import pytest

from pipelines.run import pull
from pipelines.sources import retry
from tests.pipelines.test_sources import _dossier_source, _native_dossiers


@pytest.fixture
def waits(monkeypatch):
    """The backoff's pauses, recorded instead of slept; each of ``actions`` runs at one."""
    seen: list[float] = []
    actions: list = []

    def pause(seconds: float) -> None:
        seen.append(seconds)
        if actions:
            actions.pop(0)()

    monkeypatch.setattr(retry, "pause", pause)
    return seen, actions


def _read_only(path) -> str:
    """A SQLite URL that does not create the file: absent, it cannot be opened (a server down)."""
    return f"sqlite:///file:{path}?mode=ro&uri=true"


def test_a_database_that_comes_back_within_the_retries_loads(make_warehouse, canonical, tmp_path, waits):
    seen, actions = waits
    database = tmp_path / "motcua.sqlite"
    native = _native_dossiers(canonical).head(300)

    def appear():
        with sqlite3.connect(database) as con:
            native.to_sql("hs_ho_so", con, index=False)

    actions += [lambda: None, appear]  # down at the first two attempts, there at the third
    settings = make_warehouse({**_dossier_source("motcua", url=_read_only(database), table="hs_ho_so"),
                               "retries": 4, "backoff_seconds": 0.5, "max_backoff_seconds": 30})
    run = pull(settings).results[0]
    assert run.status == "success", run.error
    assert (run.read, run.loaded) == (300, 300)
    assert seen == [0.5, 1.0]  # the HTTP source's doubling


def test_a_database_that_stays_away_fails_after_bounded_attempts(make_warehouse, canonical, tmp_path, waits):
    seen, _ = waits
    database = tmp_path / "never.sqlite"
    settings = make_warehouse({**_dossier_source("motcua", url=_read_only(database), table="hs_ho_so"),
                               "retries": 3, "backoff_seconds": 2, "max_backoff_seconds": 5})
    run = pull(settings).results[0]
    assert run.status == "failed"
    assert seen == [2, 4, 5]  # doubled, capped at max_backoff_seconds
    assert "failed after 4 attempts: OperationalError: unable to open database file" in run.error
    assert run.error.startswith("motcua (sqlite:///file") and "never.sqlite" in run.error


def test_a_refused_query_is_not_retried(make_warehouse, canonical, tmp_path, waits):
    seen, _ = waits
    database = tmp_path / "motcua.sqlite"
    with sqlite3.connect(database) as con:
        con.execute("create table hs_ho_so (ma_ho_so text)")
    settings = make_warehouse({**_dossier_source("motcua", url=f"sqlite:///{database}", table="hs_ho_so"),
                               "retries": 3, "backoff_seconds": 1})
    run = pull(settings).results[0]
    assert run.status == "failed" and "no such column" in run.error
    assert seen == [] and "attempts" not in run.error


def test_the_defaults_are_the_http_sources(tmp_path):
    from pipelines.sources.config import HttpSource, SqlSource

    columns = {"dossier_id": "a", "procedure_code": "b", "unit_code": "c", "channel": "d", "received_at": "e",
               "status": "f", "updated_at": "g"}
    sql = SqlSource(name="s", dataset="dossiers", kind="sql", url="sqlite://", table="t", columns=columns)
    http = HttpSource(name="h", dataset="dossiers", kind="http", url="http://x", columns=columns)
    assert (sql.retries, sql.backoff_seconds, sql.max_backoff_seconds) == (
        http.retries, http.backoff_seconds, http.max_backoff_seconds)
