"""Releases in tests: the date they are published on, and a release served by Datasette in a
process of its own, on a free port of 127.0.0.1."""

from __future__ import annotations

import contextlib
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from db import open_db
from db.load import sync_regulators
from registry.releases.publish import Release, publish
from scrapers.sources import load_settings
from tests.histories import three_runs

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def published(folder: Path) -> tuple[Path, Release]:
    """A registry database of three runs (tests/histories.py) made in `folder`, and its release
    there: for a module's tests that only read them."""
    source = folder / "registry.db"
    db = open_db(source)
    try:
        sync_regulators(db, load_settings().sources.values())
        three_runs(db)
    finally:
        db.close()
    return source, publish(source, folder / "releases", now=NOW)


@contextlib.contextmanager
def serving(command: list[str], port: int):
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/-/versions.json", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read().decode() if process.stdout else ""
                    raise AssertionError(f"datasette did not start: {output}") from None
                time.sleep(0.2)
        with httpx.Client(base_url=base, timeout=10, follow_redirects=True) as client:
            yield client
    finally:
        process.terminate()
        process.wait(10)
        if process.stdout:
            process.stdout.close()
