"""Time the indicator API and the push on the demo warehouse: each kind of call, first
and again (the snapshot's pages then in memory), with its rows and bytes; then the push's
message for the month and the sending of an outbox of messages to a receiver on 127.0.0.1.

    cd /work/main && .venv/bin/python bench/api.py [--data-dir var] [--today 2026-11-20] [--runs 5]

``--data-dir`` holds the demo warehouse (generated as ``app.py`` does when missing). The
bench's key and outbox live in a temporary app database. It prints figures and asserts
nothing.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from datetime import date
from pathlib import Path
from time import perf_counter

from pydantic import SecretStr

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from appdb import outbox  # noqa: E402
from bench.briefs import ensure_warehouse  # noqa: E402
from config.settings import load_settings  # noqa: E402
from dashboard.api import clients  # noqa: E402
from pipelines.goc import messages, push  # noqa: E402
from tests.pipelines.goc_receiver import Receiver  # noqa: E402
from warehouse import indicators  # noqa: E402
from warehouse.snapshots import Reader  # noqa: E402

CALLS = (
    ("catalogue", "/indicators", {}),
    ("units", "/units", {}),
    ("this month, every indicator", "/data", {}),
    ("12 months, every indicator", "/data", {"period_type": "month", "from": "2025-12-01"}),
    ("36 weeks, on-time rate", "/data", {"period_type": "week", "from": "2026-03-09",
                                         "indicator": "dossier_on_time_rate"}),
    ("20 days, every indicator", "/data", {"period_type": "day", "from": "2026-11-01"}),
    ("one unit, 11 months", "/data", {"period_type": "month", "from": "2026-01-01", "unit": "S-CANTHO"}),
)


def time_calls(app, key: str, runs: int) -> None:
    client = app.server.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    print(f"{'call':32s} {'first':>14s} {'again (median)':>14s} {'rows':>7s} {'kB':>7s}")
    for label, path, query in CALLS:
        times = []
        for _ in range(runs + 1):
            started = perf_counter()
            answer = client.get("/api/v1" + path, headers=headers, query_string=query)
            times.append(perf_counter() - started)
            assert answer.status_code == 200, answer.get_data(as_text=True)[:200]
        body = answer.get_json()
        rows = body.get("count", len(body.get("indicators", body.get("units", []))))
        print(f"{label:32s} {times[0] * 1000:11.0f} ms {statistics.median(times[1:]) * 1000:11.0f} ms "
              f"{rows:7d} {len(answer.get_data()) / 1e3:7.0f}")


def time_push(settings, count: int) -> None:
    reader = Reader(settings).pinned()
    period = indicators.periods("month", settings.reporting_day(), settings.reporting_day(),
                                settings.reporting_day())[0]
    started = perf_counter()
    message = messages.build(reader, period)
    built = perf_counter() - started
    print(f"push message of {period.label}: {len(message['data'])} rows built in {built * 1000:.0f} ms")
    with Receiver() as receiver:
        sending = settings.model_copy(update={"goc_push_url": receiver.url,
                                              "goc_push_token": SecretStr(receiver.token)})
        engine = outbox.open_outbox(sending)
        for number in range(count):
            version = f"{message['data_version']}-{number:03d}"  # a newer version each: queued in turn
            assert outbox.enqueue(engine, {**message, "idempotency_key": f"bench:{number}", "data_version": version},
                                  trigger="cli")
        started = perf_counter()
        report = push.deliver(sending, engine)
        spent = perf_counter() - started
    print(f"outbox of {count} messages sent in {spent:.2f} s ({report.sent / spent:.1f} messages/s), "
          f"{len(receiver.kept)} kept by the receiver")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT / "var")
    parser.add_argument("--dossiers", type=int, default=200_000, help="demo dossiers when the warehouse is missing")
    parser.add_argument("--today", type=date.fromisoformat, help="the demo's last day (OPSCENTER_DEMO_TODAY)")
    parser.add_argument("--runs", type=int, default=5, help="timed calls of each kind")
    parser.add_argument("--messages", type=int, default=20, help="messages in the outbox to send")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        overrides = {"data_dir": args.data_dir, "demo_dossiers": args.dossiers, "scheduler": False,
                     "app_db_url": f"sqlite:///{folder}/app.db"}
        if args.today or os.environ.get("OPSCENTER_DEMO_TODAY"):
            overrides["demo_today"] = args.today or date.fromisoformat(os.environ["OPSCENTER_DEMO_TODAY"])
        settings = load_settings(**overrides)
        version = ensure_warehouse(settings)
        from dashboard.app import create_app

        app = create_app(settings)
        _, key = clients.add(app.server.extensions["opscenter"]["db"], "bench", created_by="bench",
                             rate_limit=clients.MAX_RATE)
        print(f"data dir {settings.data_dir}, data version {version}, data as of {settings.reporting_day()}")
        time_calls(app, key, args.runs)
        time_push(settings, args.messages)


if __name__ == "__main__":
    main()
