"""Rows from a relational database through SQLAlchemy, streamed in chunks.

The result is read through a server-side cursor (``stream_results``), so a table of
millions never sits in memory; only rows at or after the stored watermark are asked for,
with the value bound as a parameter. ``>=`` rather than ``>``: rows sharing the last
watermark value, committed after the previous run read it, are read again and found
unchanged instead of being lost. A database that cannot be reached is tried again with the
HTTP source's backoff (``pipelines.sources.retry``).
"""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError, SQLAlchemyError

from pipelines.sources import retry
from pipelines.sources.batch import Batch, SourceUnavailable
from pipelines.sources.mapping import to_canonical


def _selectable(source) -> sa.FromClause:
    natives = sorted(set(source.columns.values()) | ({source.watermark} if source.watermark else set()))
    if source.query:
        return sa.text(source.query).columns(*(sa.column(n) for n in natives)).subquery("q")
    schema, _, name = source.table.rpartition(".")
    return sa.table(name, *(sa.column(n) for n in natives), schema=schema or None)


def _statement(source, since) -> tuple[sa.Select, sa.Select]:
    origin = _selectable(source)
    natives = sorted(set(source.columns.values()))
    rows = sa.select(*(origin.c[n] for n in natives))
    count = sa.select(sa.func.count()).select_from(origin)
    if source.watermark and since is not None:
        condition = origin.c[source.watermark] >= sa.bindparam("since", since)
        rows, count = rows.where(condition), count.where(condition)
    if source.watermark:
        rows = rows.add_columns(origin.c[source.watermark].label("_watermark"))
    return rows, count


def _describe(source) -> str:
    where = source.table or "query"
    url = sa.engine.make_url(source.resolved_url()).render_as_string(hide_password=True)
    return f"{source.name} ({url}, {where})"


# what a database down, starting, restarting or out of connections raises (SQLite's
# "unable to open database file", its locks, a file still being made: "no such table");
# a refused query is not among them (PostgreSQL's ProgrammingError), nor SQLite's words
# for one, which it raises as an OperationalError too
RETRIED = (OperationalError, InterfaceError, DisconnectionError, sa.exc.TimeoutError)
REFUSED_QUERY = ("no such column", "has no column named", "syntax error", "ambiguous column")


def _worth_retrying(exc: SQLAlchemyError) -> bool:
    text = str(getattr(exc, "orig", None) or exc).lower()
    return isinstance(exc, RETRIED) and not any(words in text for words in REFUSED_QUERY)


def _reason(exc: SQLAlchemyError) -> str:
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"{type(exc).__name__}: {reason[0] if reason else ''}"


def batches(source, since=None, on_total=None, sleep=None) -> Iterator[Batch]:
    """The rows at or after ``since``, a chunk at a time. Opening the connection and
    starting the query are tried again with the source's backoff; a connection lost in the
    middle of the rows fails the run (nothing of it is committed) and the next run starts
    again from the watermark."""
    label = f"{source.name}:{source.table or 'query'}"
    try:
        engine = sa.create_engine(source.resolved_url())
    except (SQLAlchemyError, ValueError, ImportError) as exc:
        raise SourceUnavailable(f"{source.name}: bad database URL: {exc}") from None
    rows_stmt, count_stmt = _statement(source, since)
    watermark = since
    read = 0

    def start():
        conn = None
        try:
            conn = engine.connect()
            total = conn.execute(count_stmt).scalar_one() if on_total else None
            result = conn.execution_options(stream_results=True, yield_per=source.chunk_rows).execute(rows_stmt)
        except BaseException as exc:
            if conn is not None:
                conn.close()
            if isinstance(exc, SQLAlchemyError) and _worth_retrying(exc):
                raise retry.TryAgain(_reason(exc)) from None
            raise
        return conn, result, total

    try:
        conn, result, total = retry.with_backoff(start, source, _describe(source), sleep)
        with conn:
            if on_total:
                on_total(total)
            keys = list(result.keys())
            for part in result.partitions(source.chunk_rows):
                # column by column: from_records probes every Row for attributes, 5x slower
                native = pd.DataFrame({k: np.array(v, dtype=object) for k, v in zip(keys, zip(*part))})
                if source.watermark:
                    top = native["_watermark"].dropna().max() if native["_watermark"].notna().any() else None
                    if top is not None and (watermark is None or top > watermark):
                        watermark = top
                yield Batch(to_canonical(native, source, read + 1, label), watermark)
                read += len(native)
    except SQLAlchemyError as exc:
        raise SourceUnavailable(f"{_describe(source)}: {_reason(exc)}") from None
    finally:
        engine.dispose()
