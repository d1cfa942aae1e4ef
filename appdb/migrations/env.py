"""How Alembic reaches the app database: the engine ``appdb.engine.open_db`` hands over at
every start, or, from the command line (``alembic upgrade head`` at the repository root,
configured in ``pyproject.toml``), the database of the settings (``OPSCENTER_APP_DB_URL``,
else SQLite ``app.db`` in ``OPSCENTER_DATA_DIR``).

A database made before there were migrations (its tables made by ``create_all``, no
``alembic_version``) holds the baseline revision's schema exactly: it is stamped at the
baseline, keeping every row, and only the revisions after it run.
"""
from __future__ import annotations

import logging
import sys

from alembic import context
from sqlalchemy import inspect

from appdb.engine import connect, migrating
from appdb.schema import metadata
from config.settings import load_settings

BASELINE = "0001"
BASELINE_TABLES = {"users", "kiosk_tokens", "api_clients", "api_usage", "one_time_links", "audit_log", "briefs",
                   "goc_outbox"}


def _adopt_unversioned(connection) -> None:
    """Stamp a database of the release before migrations at the baseline. One holding only
    some of its tables is from no release this code knows: refused, nothing changed."""
    tables = set(inspect(connection).get_table_names())
    if "alembic_version" in tables or not tables & BASELINE_TABLES:
        return
    missing = BASELINE_TABLES - tables
    if missing:
        raise RuntimeError(f"the app database has no alembic_version and lacks {', '.join(sorted(missing))}: "
                           "it is not a database of an earlier release, so it is left as it is")
    context.get_context().stamp(context.script, BASELINE)


def run_migrations_online() -> None:
    config = context.config
    engine = config.attributes.get("engine")
    if engine is None:  # the command line: say what it does, as Alembic's own template would
        logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(levelname)s [%(name)s] %(message)s")
        engine = connect(load_settings().app_db)
    with migrating(engine), engine.connect() as connection, connection.begin():
        # One transaction (on PostgreSQL the stamp and every revision land together or not
        # at all), begun before Alembic looks, so it commits nothing of its own.
        context.configure(connection=connection, target_metadata=metadata)
        _adopt_unversioned(connection)
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("no SQL scripts (--sql) for the app database: run `alembic upgrade head` against it")
run_migrations_online()
