"""Isolation: do slow Datasette queries hold up the search API?

Serves a synthetic database with uvicorn on 127.0.0.1, keeps 16 slow Datasette queries running in
parallel (each stopped by Datasette's SQL time limit), and times /api/search meanwhile; prints
p50 / p95 / max of the search with and without that load, in milliseconds.

Usage: .venv/bin/python scripts/isolation.py [--records N] [--db PATH] [--seconds S] [--port P]
Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmark import ROOT, build, percentile, wait_for  # noqa: E402

SLOW = (
    "with recursive c(x) as (select 1 union all select x + 1 from c) "
    "select count(*) from c where x < 1e12"
)
SEARCHES = ("rob", "smi", "mar", "lee", "ann", "jea")


def search_timings(base: str, seconds: float) -> list[float]:
    timings = []
    with httpx.Client(base_url=base, timeout=30) as client:
        deadline = time.monotonic() + seconds
        i = 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            response = client.get("/api/search", params={"q": SEARCHES[i % len(SEARCHES)]})
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.text
            i += 1
            time.sleep(0.01)
    return timings


def slow_queries(base: str, stop: threading.Event, done: list[int]) -> None:
    with httpx.Client(base_url=base, timeout=60) as client:
        while not stop.is_set():
            client.get("/data/registry.json", params={"sql": SLOW})
            done.append(1)


def summary(name: str, timings: list[float]) -> str:
    return (
        f"| {name} | {len(timings)} | {percentile(timings, 0.5):.1f} | "
        f"{percentile(timings, 0.95):.1f} | {max(timings):.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--port", type=int, default=8771)
    parser.add_argument("--parallel", type=int, default=16)
    args = parser.parse_args()
    path = args.db or Path(tempfile.mkdtemp(prefix="isolation-")) / "registry.db"
    if not path.exists():
        build(path, args.records)
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "registry.web.app:from_environment",
         "--port", str(args.port), "--log-level", "warning", "--no-access-log"],
        env={**os.environ, "PYTHONPATH": str(ROOT), "REGISTRY_DB": str(path)},
        cwd=ROOT,
    )  # fmt: skip
    try:
        wait_for(base + "/api/sources")
        quiet = search_timings(base, args.seconds / 2)
        stop, done = threading.Event(), []
        workers = [
            threading.Thread(target=slow_queries, args=(base, stop, done))
            for _ in range(args.parallel)
        ]
        for w in workers:
            w.start()
        time.sleep(1)  # let them queue up
        loaded = search_timings(base, args.seconds)
        stop.set()
        for w in workers:
            w.join()
    finally:
        server.terminate()
        server.wait()
    print(f"/api/search over {args.records:,} registrations, ms (p95 target: 50 ms under load)\n")
    print("| condition | requests | p50 | p95 | max |\n|---|---|---|---|---|")
    print(summary("alone", quiet))
    print(summary(f"{args.parallel} slow Datasette queries ({len(done)} ran)", loaded))


if __name__ == "__main__":
    main()
