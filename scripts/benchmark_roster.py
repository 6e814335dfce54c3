"""Benchmark: verify a 10,000-row roster, in-process and over HTTP (POST /api/verify).

Builds a synthetic register (default 100,000 registrations, through the real loader, the same
people as scripts/benchmark.py), writes a roster of --rows rows (95% registrations on the register
with names, some with mistyped names, 4% numbers that are not on it, 1% bad rows), then times:
  in-process  parse + verdicts + receipts stored (registry.clinics.roster.check_roster)
  http        the same CSV POSTed to the served app on 127.0.0.1, answered as JSON and as CSV

Usage: scripts/benchmark-roster [--records N] [--rows N] [--rounds N] [--db PATH] [--reuse]
Results are printed as Markdown; record them in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import csv
import io
import platform
import random
import sqlite3
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from benchmark import build

from db.clinics import clinics_path
from registry.clinics.roster import CheckContext, check_roster
from registry.lookup.freshness import freshness_limits
from registry.web.app import create_app
from scrapers.sources import load_settings

ROOT = Path(__file__).resolve().parents[1]


def roster(path: Path, rows: int, seed: int = 7) -> bytes:
    """A clinic-shaped CSV over the benchmark register."""
    conn = sqlite3.connect(path)
    people = conn.execute(
        "select registration_number, family_name, given_names from registrations "
        "order by random() limit ?",
        [rows],
    ).fetchall()
    conn.close()
    rnd = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Employee name", "Province", "Reg #", "Start date"])
    for i in range(rows):
        number, family, given = people[i % len(people)]
        name = f"{given} {family}"
        draw = rnd.random()
        if draw < 0.01:
            writer.writerow([name, "Atlantis", number, "2024-01-01"])  # a bad row
            continue
        if draw < 0.05:
            number = f"9{number}"  # not on the register
        elif draw < 0.10:
            name = f"{given} Someone"  # a name that does not match
        writer.writerow([name, rnd.choice(["AB", "Alberta", "CPTA", "cpta"]), number, "2024-01-01"])
    return out.getvalue().encode("utf-8")


def in_process(path: Path, data: bytes, rounds: int) -> list[float]:
    timings = []
    with CheckContext.opened(path, freshness_limits(load_settings())) as context:
        for _ in range(rounds):
            started = time.perf_counter()
            _, results = check_roster(context, data)
            timings.append(time.perf_counter() - started)
    return timings


def over_http(path: Path, data: bytes, rounds: int) -> dict[str, list[float]]:
    server = uvicorn.Server(
        uvicorn.Config(create_app(path), host="127.0.0.1", port=8767, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    timings: dict[str, list[float]] = {"json": [], "csv": []}
    try:
        with httpx.Client(base_url="http://127.0.0.1:8767", timeout=120) as client:
            for _ in range(rounds):
                for fmt in timings:
                    started = time.perf_counter()
                    r = client.post(
                        "/api/verify",
                        params={"format": fmt},
                        content=data,
                        headers={"content-type": "text/csv"},
                    )
                    r.raise_for_status()
                    timings[fmt].append(time.perf_counter() - started)
    finally:
        server.should_exit = True
        thread.join(10)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "roster.db")
    parser.add_argument("--reuse", action="store_true", help="keep an existing benchmark db")
    args = parser.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    if not (args.reuse and args.db.exists()):
        print(f"building {args.records:,} registrations ...", file=sys.stderr)
        build(args.db, args.records)
        clinics_path(args.db).unlink(missing_ok=True)
    data = roster(args.db, args.rows)
    local = in_process(args.db, data, args.rounds)
    remote = over_http(args.db, data, args.rounds)
    print(f"## Roster verification, {args.rows:,} rows over {args.records:,} registrations\n")
    print(
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{platform.machine()}; CSV {len(data) / 1024:.0f} KiB; {args.rounds} rounds; median "
        "(min-max) seconds.\n"
    )
    print("| path | seconds | rows/s |\n|---|---|---|")
    for label, times in (
        ("in-process: parse, verdicts, receipts stored", local),
        ("HTTP POST /api/verify, JSON answer", remote["json"]),
        ("HTTP POST /api/verify, CSV answer", remote["csv"]),
    ):
        median = statistics.median(times)
        print(
            f"| {label} | {median:.2f} ({min(times):.2f}-{max(times):.2f}) | "
            f"{args.rows / median:,.0f} |"
        )


if __name__ == "__main__":
    main()
