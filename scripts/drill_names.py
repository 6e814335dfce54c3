"""The Alinity drill on real names beside synthetic ones: requests against the proof floor.

For each recorded tenant variant (emulators.alinity.RECORDED_VARIANTS), crawls N people named
from the real names sample (`../shared/samples/names/`, read there, never copied; skipped where
absent) and N synthetic people with a register's name shape, in process (the same drill, the
emulator's search as a function), and prints a Markdown table for BENCHMARKS.md. With --http
(or --only-http), also imports every recorded variant over HTTP on 127.0.0.1 (the live-like
tenants first) and reports `import_runs`' figures.

Usage: .venv/bin/python scripts/drill_names.py [--count 1149] [--http | --only-http]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db import open_db  # noqa: E402
from db.load import sync_regulators  # noqa: E402
from emulators.alinity import (  # noqa: E402
    CPTBC,
    REALISTIC,
    RECORDED_VARIANTS,
    AlinityEmulator,
    requests_per_registrant,
)
from emulators.realnames import LABEL, really_named  # noqa: E402
from emulators.surnames import realistic_physiotherapists  # noqa: E402
from registry.imports.importer import run_source  # noqa: E402
from scrapers.sources import load_settings  # noqa: E402

HTTP_VARIANTS = {
    "substring, 403 after 8 searches a second (the live-like tenant)": REALISTIC,
    "prefix, cptbc keys, swapped fields, glued addresses": replace(
        CPTBC, matching="prefix", swapped=True, glued=True
    ),
}


def in_process(count: int) -> None:
    real = really_named(count, seed=22)
    synthetic = realistic_physiotherapists(count)
    print(f"In process, {count} people: {LABEL} | synthetic (emulators.surnames)\n")
    print("| tenant variant | names | found | searches | requests | proof floor | x proof floor |")
    print("|---|---|---|---|---|---|---|")
    for name, tenant in RECORDED_VARIANTS.items():
        for label, people in (("real", real), ("synthetic", synthetic)):
            if not people:
                continue
            r = requests_per_registrant(people, tenant)
            print(
                f"| {name} | {label} | {r['found']}/{r['registrants']} | {r['searches']} | "
                f"{r['requests']} | {r['proof_floor']} | **{r['proof_ratio']:.2f}** |",
                flush=True,
            )


def over_http(count: int) -> None:
    settings = load_settings()
    print(f"\nOver HTTP on 127.0.0.1, {count} people ({LABEL}):\n")
    print("| tenant variant | outcome | listed | requests | floor | x floor | seconds |")
    print("|---|---|---|---|---|---|---|")
    people = really_named(count, seed=22)
    if not people:
        print("(the names sample is absent)")
        return
    for name, tenant in {**HTTP_VARIANTS, **RECORDED_VARIANTS}.items():
        with tempfile.TemporaryDirectory() as scratch, AlinityEmulator(people, tenant=tenant) as r:
            db = open_db(Path(scratch) / "drill.db")
            source = replace(
                settings.sources["cpta"],
                base_url=r.base_url,
                spacing_seconds=0.0,
                backoff_seconds=0.05,
                max_retries=0,
                # The adapter told what the tenant refuses, as an operator would configure it.
                options={**settings.sources["cpta"].options, "min_chars": tenant.min_chars},
            )
            sync_regulators(db, [source])
            started = time.monotonic()
            report = run_source(db, settings.with_source(source), source)
            listed, floor, requests = db.execute(
                "select listed, request_floor, requests from import_runs where id = ?",
                [report.run_id],
            ).fetchone()
            db.close()
        print(
            f"| {name} | {report.outcome} | {listed} | {requests} | {floor} | "
            f"**{requests / floor:.2f}** | {time.monotonic() - started:.0f} |",
            flush=True,
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1149, help="people a register")
    parser.add_argument("--http", action="store_true", help="also import over HTTP")
    parser.add_argument("--only-http", action="store_true", help="import over HTTP only")
    args = parser.parse_args(argv)
    if not args.only_http:
        in_process(args.count)
    if args.http or args.only_http:
        over_http(args.count)


if __name__ == "__main__":
    main()
