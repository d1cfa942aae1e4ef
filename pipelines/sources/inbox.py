"""Files dropped into an inbox folder: read, then archived under their checksum.

A file is identified by its SHA-256, so the same report dropped again (renamed or not)
loads nothing; the checksum is recorded in the warehouse in the same transaction as the
rows, and the file leaves the inbox only after that commits. A file that cannot be read
at all is quarantined whole (one entry with the reason) and moved aside; the others load.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from pipelines.files import UnreadableFile, read_rows
from pipelines.records import DATASETS
from pipelines.sources.batch import Batch
from pipelines.sources.mapping import translate
from pipelines.validate import key_values

IGNORED_PREFIXES = ("~$", ".")  # Excel's lock files, hidden and partial uploads


def checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def waiting(source) -> list[Path]:
    """Files in the inbox matching the pattern, oldest name first."""
    if not source.inbox.is_dir():
        return []
    return sorted(p for p in source.inbox.glob(source.pattern)
                  if p.is_file() and not p.name.startswith(IGNORED_PREFIXES))


def batches(source, since=None, on_total=None, processed=frozenset(), batch_rows: int = 50_000) -> Iterator[Batch]:
    """Files gathered into batches (one validation and one upsert for many small reports).

    A file whose keys repeat a key of the batch being gathered starts a new batch, so a
    corrected report replaces the earlier one in file order instead of both being taken
    for duplicates; a key repeated inside one file is still a duplicate of that file.
    """
    dataset = DATASETS[source.dataset]
    files = waiting(source)  # the total of rows is unknown until every file is read
    frames, keys, taken, rejected = [], set(), [], []

    def flush() -> Batch:
        frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        batch = Batch(frame, since, files=list(taken), rejected=list(rejected))
        for gathered in (frames, keys, taken, rejected):
            gathered.clear()
        return batch

    for path in files:
        digest = checksum(path)
        if digest in processed:
            taken.append((path, digest, "duplicate", 0))
            continue
        try:
            frame = read_rows(path, dataset, source.columns, source.sheet)
        except UnreadableFile as exc:
            rejected.append({"source": str(path), "row_number": 0, "reason": f"unreadable file: {exc.problem}",
                             "record": json.dumps({"file": path.name, "sha256": digest}, ensure_ascii=False)})
            taken.append((path, digest, "rejected", 1))
            continue
        for name, codes in source.values.items():
            frame[name] = translate(frame[name], codes)
        own = set(key_values(frame, dataset)) - {None}  # as the table holds them: however each file spells them
        if frames and (own & keys or sum(map(len, frames)) + len(frame) > batch_rows):
            yield flush()
        frames.append(frame)
        keys |= own
        taken.append((path, digest, "loaded", len(frame)))
    if taken:
        yield flush()
