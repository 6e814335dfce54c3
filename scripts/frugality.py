"""Requests per registrant against each platform's request floor.

Imports every sample register (the demo's emulators, live-like variants, synthetic people) over
HTTP on 127.0.0.1 into a scratch database, and prints, per source: registrants listed, requests
made, the adapter's floor (what no complete crawl can avoid), requests per registrant, the ratio
to the floor, and the hours a crawl of the live register's size would take at its declared
spacing. Record the table in BENCHMARKS.md.

Usage: .venv/bin/python scripts/frugality.py [--count N] [SOURCE ...]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db import open_db  # noqa: E402
from db.load import sync_regulators  # noqa: E402
from registry.imports.demo import start_samples, stop_samples  # noqa: E402
from registry.imports.importer import run_source  # noqa: E402
from scrapers.sources import load_settings  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="*")
    parser.add_argument("--count", type=int, default=1000, help="synthetic people a register")
    args = parser.parse_args(argv)
    settings = load_settings()
    wanted = {k: s for k, s in settings.sources.items() if not args.sources or k in args.sources}
    samples = start_samples(wanted, args.count)
    rows = []
    failures = []
    try:
        with tempfile.TemporaryDirectory() as scratch:
            db = open_db(Path(scratch) / "frugality.db")
            sync_regulators(db, settings.sources.values())
            for sample in samples:
                source = sample.source
                report = run_source(db, settings.with_source(source), source)
                if report.outcome != "success":
                    failures.append((source.key, report.message))
                run = db.execute(
                    "select listed, request_floor, requests from import_runs where id = ?",
                    [report.run_id],
                ).fetchone()
                listed, floor, requests = run if run else (0, 0, report.requests)
                live = settings.sources[source.key]
                per = requests / listed if listed else float("nan")
                size = live.live_size or listed
                hours = size * per * live.spacing_seconds / 3600
                rows.append(
                    (source.key, report.outcome, listed, requests, floor, per,
                     requests / floor if floor else float("nan"), size, live.spacing_seconds,
                     hours)
                )  # fmt: skip
            db.close()
    finally:
        stop_samples(samples)
    print(
        "| source | outcome | listed | requests | floor | requests/registrant | x floor "
        "| live size | spacing s | est. hours live |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for key, message in failures:
        print(f"{key}: {message}", file=sys.stderr)
    for key, outcome, listed, requests, floor, per, ratio, size, spacing, hours in rows:
        print(
            f"| {key} | {outcome} | {listed} | {requests} | {floor} | {per:.2f} | {ratio:.2f} "
            f"| {size:,} | {spacing:g} | {hours:.1f} |"
        )


if __name__ == "__main__":
    main()
