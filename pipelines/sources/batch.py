"""What every reader yields (batches of canonical rows), the error of a source that cannot
be read, and the prefetch that reads ahead while a batch is loaded."""
from __future__ import annotations

import queue
import threading
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
_DONE = object()


def prefetch(batches: Iterator[Batch], depth: int = 2) -> Iterator[Batch]:
    """Read the next batches in a thread while the current one is validated and loaded.

    The reader's whole generator runs in that thread (its connection included); an
    error there is raised here, in order, and stopping early closes the reader.
    """
    slots: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def fill():
        try:
            for batch in batches:
                while not stop.is_set():
                    try:
                        slots.put(batch, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    break
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            slots.put(exc)
        else:
            slots.put(_DONE)
        finally:
            batches.close()

    worker = threading.Thread(target=fill, name="source-prefetch", daemon=True)
    worker.start()
    try:
        while (item := slots.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while worker.is_alive():
            try:
                slots.get_nowait()
            except queue.Empty:
                worker.join(0.05)
