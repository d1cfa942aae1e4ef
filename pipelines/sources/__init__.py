"""Where records come from: SQL databases, JSON APIs and inboxes of files.

A reader turns one configured source into batches of canonical rows; the runner
(``pipelines.run``) validates, loads and logs them the same way whatever the source.
"""
from __future__ import annotations

from pipelines.sources import http, inbox, sql
from pipelines.sources.batch import Batch, Reader, SourceUnavailable, prefetch

__all__ = ["Batch", "Reader", "SourceUnavailable", "prefetch", "reader_for"]


def reader_for(source) -> Reader:
    return {"sql": sql.batches, "http": http.batches, "files": inbox.batches}[source.kind]
