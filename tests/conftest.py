"""Shared fixtures: registrations made in code, and databases loaded from them."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import zlib
from contextlib import closing
from dataclasses import asdict, replace
from pathlib import Path

import pytest
from filelock import FileLock

from db import open_db
from db.load import apply_run, finish_run, start_run, sync_regulators
from scrapers.records import Authorization, Evidence, Location, Registration
from scrapers.sources import Source, load_settings
from tests.clock import FakeClock

# The browser tests' fixtures (`browser`, and `server`: the patient page's site).
pytest_plugins = ["tests.browsing"]

# No test may touch the internet: the HTTP layer refuses every host but 127.0.0.1.
os.environ["REGISTRY_OFFLINE"] = "1"


def only(*keys: str) -> str:
    """Operator-config TOML that disables every live source but `keys` (tables for those follow
    in the test's own text), so a test that imports "every enabled source" stays on 127.0.0.1."""
    return "".join(
        f"[sources.{key}]\nenabled = false\n\n"
        for key, source in load_settings().sources.items()
        if source.coverage == "supported" and key not in keys
    )


NEEDLES = Authorization(
    "Using needles in practice", "needling", "restricted_activity_authorization"
)


def person(
    rg: str,
    family: str,
    given: str,
    *,
    number: str | None = None,
    city: str = "Calgary",
    organization: str | None = "Bow River Physiotherapy",
    status: str = "Practising",
    status_class: str = "practising",
    needling: bool = True,
    conditions: list[str] | None = None,
    regulator: str = "cpta",
) -> Registration:
    """A synthetic registrant in the shape an adapter yields."""
    return Registration(
        regulator=regulator,
        registrant_id=rg,
        registration_number=number or str(10000 + zlib.crc32(rg.encode()) % 89999),
        name=f"{family}, {given}",
        family_name=family,
        given_names=given,
        category="General Register",
        status=status,
        status_class=status_class,
        conditions=conditions or [],
        profile_url=f"https://example.test/Client/PublicDirectory/Registrant/{rg}",
        authorizations=[NEEDLES] if needling else [],
        locations=[Location(organization, "1 Main Street", city, "AB", "T2P 1A1", "403-555-0100")],
        evidence={
            "listing": Evidence(
                "https://example.test/client/PublicDirectory/Registrants",
                "2026-11-23T10:00:00Z",
                "ab" * 32,
                "POST",
                "querySID=1",
            )
        },
    )


# What the demo's tests and the browser's run over: every sample register imported over HTTP as
# `registry demo` does, with its past months (fewer people, for speed).
DEMO = ["demo", "--no-serve", "--count", "60"]


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory, worker_id) -> Path:
    """The demo's database, made by `registry demo` once per test run: the pytest-xdist
    workers share it (the first to ask makes it, the others wait for it). Read it, or write to
    a copy (`copy_database`)."""
    root = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        root = root.parent  # the workers' common directory, this run's only
    path = root / "demo" / "registry.db"
    done = path.parent / "made"
    with FileLock(root / "demo.lock"):
        if not done.exists():
            path.parent.mkdir(exist_ok=True)
            made = subprocess.run(
                [sys.executable, "-m", "registry", *DEMO, "--db", str(path)],
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert made.returncode == 0, made.stdout + made.stderr
            done.touch()
    return path


def free_port() -> int:
    """A port free on 127.0.0.1 now (for a server to start on, or an emulator that must answer
    on the same one again)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_database(source: Path, destination: Path) -> Path:
    """A copy of a database made through SQLite (its backup API), for a test to write to."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source)) as original:
        with closing(sqlite3.connect(destination)) as copy:
            original.backup(copy)
    return destination


def emulated(source: Source, base_url: str, **changes) -> Source:
    """A declared source pointed at an emulator on 127.0.0.1: no spacing, quick back-off."""
    quick = {"spacing_seconds": 0.0, "backoff_seconds": 0.05, "max_retries": 1}
    return replace(source, base_url=base_url, **quick | changes)


@pytest.fixture
def clock() -> FakeClock:
    """A clock that moves only when slept on (tests/clock.py): back-offs and penalties at once."""
    return FakeClock()


@pytest.fixture
def settings():
    return load_settings()


@pytest.fixture
def db(tmp_path, settings):
    database = open_db(tmp_path / "registry.db")
    sync_regulators(database, settings.sources.values())
    yield database
    database.close()


def load(database, records, regulator: str = "cpta", now: str | None = None):
    """One successful run, as the importer records it."""
    run_id = start_run(database, regulator)
    counts = apply_run(database, regulator, run_id, records, now=now)
    finish_run(database, run_id, "success", "test", requests=0, errors=[], counts=asdict(counts))
    return run_id, counts


PEOPLE = [
    person("r1", "Roberts", "Alice", number="20001", city="Red Deer"),
    person("r2", "Robert", "Jean", number="20002", city="Calgary", needling=False),
    person("r3", "Robinson", "Maya", number="20003", city="Edmonton"),
    person(
        "r4",
        "Côté",
        "Anne-Marie",
        number="20004",
        city="Red Deer",
        organization="Clinique Physio Saint-Albert",
    ),
    person(
        "r5",
        "O'Brien",
        "Liam",
        number="20005",
        city="St. Albert",
        status="Suspended",
        status_class="suspended",
    ),
    person(
        "r6", "Smith-Jones", "Priya", number="20006", city="Lethbridge", conditions=["Supervision"]
    ),
    person("r7", "Nguyễn", "Thi", number="20007", city="Medicine Hat"),
    person("r8", "Lévesque", "Hélène", number="20008", city="Red Deer", needling=False),
]


@pytest.fixture
def loaded(db):
    load(db, PEOPLE)
    return db


def with_changes(record: Registration, **changes) -> Registration:
    return replace(record, **changes)
