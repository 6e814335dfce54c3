"""Helpers for the tests that import sources and run commands: sources pointed at an emulator,
what a database holds, the people a register change is about, and the CLI run in process."""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlite_utils import Database

from db import layout, open_db
from db.load import sync_regulators
from emulators.alinity import AlinityEmulator, Tenant
from emulators.nsphysio import DIRECTORY_PATH
from emulators.server import RequestLog
from registry.cli import cli
from registry.imports.importer import RunReport, run_source
from scrapers.sources import Settings, Source, load_settings
from tests.conftest import PEOPLE, copy_database, free_port, load, with_changes


def sample_source(settings, base: str, **changes):
    return replace(
        settings.sources["cpta"],
        **{
            "base_url": base,
            "spacing_seconds": 0.0,
            "backoff_seconds": 0.2,
            "sample": True,
            **changes,
        },
    )


@dataclass(frozen=True)
class Imported:
    """One good import of an emulated Alinity register, made once for a module's tests: the
    database it left (with its evidence archive beside it), what the register was asked, what
    the run reported and the progress lines it wrote. A test writes to a copy (`copy`)."""

    path: Path
    base_url: str
    requests: list[RequestLog]
    report: RunReport
    progress: list[str]

    @property
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[1])

    def copy(self, folder: Path) -> Path:
        """The database and its archive copied into `folder` (the database through SQLite)."""
        folder.mkdir(parents=True, exist_ok=True)
        archive = layout.archive_dir(self.path)
        if archive.exists():
            shutil.copytree(archive, layout.archive_dir(folder / self.path.name))
        return copy_database(self.path, folder / self.path.name)

    @contextlib.contextmanager
    def opened_copy(self, folder: Path) -> Iterator[Database]:
        """A copy (`copy`) opened, closed after."""
        db = open_db(self.copy(folder))
        try:
            yield db
        finally:
            db.close()


MakeSource = Callable[[Settings, str], Source]  # (settings, the emulator's base URL) -> source


def first_import(people, tenant: Tenant | None = None, source: MakeSource = sample_source):
    """A module's fixture: `import_once` of `people`, made for the module's first test that asks.
    Its register answered on a port kept for the module (`Imported.port`): profile URLs are part
    of a record's content, so a register asked again must answer there to be the same one."""
    port = free_port()

    @pytest.fixture(scope="module")
    def fixture(tmp_path_factory) -> Imported:
        folder = tmp_path_factory.mktemp("first")
        return import_once(folder, people, port=port, tenant=tenant, source=source)

    return fixture


def import_once(
    folder: Path,
    people,
    port: int = 0,
    tenant: Tenant | None = None,
    source: MakeSource = sample_source,
) -> Imported:
    """Import `people` from an emulated Alinity register (`tenant`) read as `source` makes it
    (CPTA's by default) into a new database in `folder`; the run must succeed."""
    settings = load_settings()
    path = folder / "registry.db"
    db = open_db(path)
    try:
        sync_regulators(db, settings.sources.values())
        lines: list[str] = []
        with AlinityEmulator(people, port=port, tenant=tenant) as register:
            made = source(settings, register.base_url)
            report = run_source(db, settings.with_source(made), made, progress=lines.append)
    finally:
        db.close()
    assert report.outcome == "success", report.message
    return Imported(path, register.base_url, list(register.requests), report, lines)


def snapshot(db) -> dict:
    """Every row of every data table: what "nothing changed" is checked against."""
    tables = ["registrations", "authorizations", "practice_locations", "directory"]
    return {t: [dict(r) for r in db.query(f"select * from {t} order by 1, 2")] for t in tables}


NEEDLES = "Using needles in practice"


def practising_with(people, needles: bool):
    return [
        p
        for p in people
        if p.standing == "Practising"
        and p.category == "General Register"
        and not p.conditions
        and (NEEDLES in p.authorizations) == needles
    ]


def declare(tmp_path, base: str, **extra) -> tuple:
    """Settings with Nova Scotia declared as an operator would, pointed at `base`."""
    declared = {
        "jurisdiction": "CA-NS",
        "regulator": "Nova Scotia Regulator of Physiotherapy (formerly Nova Scotia College of "
        "Physiotherapists)",
        "short_name": "NSRPT",
        "platform": "nsphysio",
        "base_url": base,
        "register_url": f"{base}{DIRECTORY_PATH}",
        "terms_note": "Synthetic sample of the member directory.",
        "needling": "not_tracked",
        "spacing_seconds": 0.0,
        "backoff_seconds": 0.2,
        "max_retries": 1,
        "sample": True,
        **extra,
    }
    lines = ["[sources.nscp]", *(f"{key} = {toml(value)}" for key, value in declared.items())]
    config = tmp_path / "ns.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings = load_settings(config)
    return settings, settings.sources["nscp"]


def toml(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {toml(v)}" for k, v in value.items()) + "}"
    return json.dumps(value)


def second_run(db):
    """Alice loses her authorization, Maya is suspended, Priya gets a condition, Hélène leaves,
    Anne-Marie moves (a change no notice is about)."""
    by_rg = {p.registrant_id: p for p in PEOPLE}
    changed = {
        "r1": with_changes(by_rg["r1"], authorizations=[]),
        "r3": with_changes(by_rg["r3"], status="Suspended", status_class="suspended"),
        "r6": with_changes(by_rg["r6"], conditions=["Supervision", "No needling"]),
        "r4": with_changes(by_rg["r4"], locations=[]),
    }
    load(db, [changed.get(p.registrant_id, p) for p in PEOPLE if p.registrant_id != "r8"])


def run(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env or {}, catch_exceptions=False)
