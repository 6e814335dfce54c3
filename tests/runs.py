"""Helpers for the tests that import sources and run commands: sources pointed at an emulator,
what a database holds, the people a register change is about, and the CLI run in process."""

from __future__ import annotations

import json
from dataclasses import replace

from click.testing import CliRunner

from emulators.nsphysio import DIRECTORY_PATH
from registry.cli import cli
from scrapers.sources import load_settings
from tests.conftest import PEOPLE, load, with_changes


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
