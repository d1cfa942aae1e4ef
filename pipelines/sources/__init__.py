"""Where records come from: SQL databases, JSON APIs and inboxes of files.

A reader turns one configured source into batches of canonical rows; the runner
(``pipelines.run``) validates, loads and logs them the same way whatever the source.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pandas as pd


class SourceUnavailable(RuntimeError):
    """The source could not be reached or answered wrongly; the message says which and how."""


@dataclass
class Batch:
    frame: pd.DataFrame  # canonical columns plus _row and _source
    watermark: object = None  # the highest native watermark value read so far in this run
    # files taken by this batch: (path, sha256, outcome, rows), archived once the run commits
    files: list[tuple] = field(default_factory=list)
    # rows that never reached a record (an unreadable file): quarantined with this reason
    rejected: list[dict] = field(default_factory=list)


Reader = Callable[..., Iterator[Batch]]


def reader_for(source) -> Reader:
    from pipelines.sources import http, inbox, sql

    return {"sql": sql.batches, "http": http.batches, "files": inbox.batches}[source.kind]
