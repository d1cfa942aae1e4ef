"""Time `python app.py` from launch to the first answered page: cold (fresh data dir,
demo generated and ingested) and warm (second start, data reused).

    .venv/bin/python bench/startup.py [--dossiers 200000]
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def time_start(data_dir: str, dossiers: int) -> float:
    port = _free_port()
    env = {**os.environ, "OPSCENTER_DATA_DIR": data_dir, "OPSCENTER_PORT": str(port),
           "OPSCENTER_DEMO_DOSSIERS": str(dossiers)}
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            if proc.poll() is not None:
                raise SystemExit("app.py exited before serving")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1):
                    return time.monotonic() - started
            except OSError:
                time.sleep(0.1)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        cold = time_start(data_dir, args.dossiers)
        warm = [time_start(data_dir, args.dossiers) for _ in range(3)]
        size = sum(p.stat().st_size for p in Path(data_dir).rglob("*") if p.is_file())
    print(f"dossiers: {args.dossiers:,}")
    print(f"cold start (generate + ingest + publish + serve): {cold:.1f} s")
    print(f"warm start (data reused), 3 runs: {', '.join(f'{w:.1f} s' for w in warm)}")
    print(f"data dir size: {size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
