"""Reading ahead in a thread keeps order, hands errors over and closes the reader."""
from __future__ import annotations

import threading

import pytest

from pipelines.sources import SourceUnavailable, prefetch


def test_order_and_errors_reach_the_consumer():
    threads = set()

    def reader():
        for n in range(5):
            threads.add(threading.current_thread().name)
            yield n
        raise SourceUnavailable("connection reset after 5 batches")

    seen = []
    with pytest.raises(SourceUnavailable, match="after 5 batches"):
        for batch in prefetch(reader()):
            seen.append(batch)
    assert seen == [0, 1, 2, 3, 4] and threads == {"source-prefetch"}


def test_stopping_early_closes_the_reader():
    closed = threading.Event()

    def reader():
        try:
            for n in range(1000):
                yield n
        finally:
            closed.set()

    batches = prefetch(reader(), depth=1)
    assert next(batches) == 0
    batches.close()
    assert closed.wait(5)
