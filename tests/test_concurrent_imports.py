"""Two imports of two different sources into one database at once: they wait for each other's
writes (no "database is locked"), both succeed, and each applies everything it read.

Each import runs in its own thread on its own connection, as two processes would; round after
round both registers change, so that every apply writes."""

from __future__ import annotations

import threading
from dataclasses import replace

from db import open_db
from emulators.nsphysio import DIRECTORY_PATH, NSPhysioEmulator, nova_scotia_physiotherapists
from registry.imports.importer import run_source
from scrapers.sources import load_settings
from tests.runs import toml

ROUNDS = 4
PEOPLE = {
    "nsa": nova_scotia_physiotherapists(120, seed=1),
    "nsb": nova_scotia_physiotherapists(120, seed=2),
}


def declared(tmp_path, registers: dict[str, NSPhysioEmulator]):
    lines = []
    for key, register in registers.items():
        base = register.base_url
        fields = {
            "jurisdiction": "CA-NS",
            "regulator": f"Register {key}",
            "short_name": key.upper(),
            "platform": "nsphysio",
            "base_url": base,
            "register_url": f"{base}{DIRECTORY_PATH}",
            "terms_note": "Synthetic.",
            "needling": "not_tracked",
            "spacing_seconds": 0.0,
            "max_retries": 0,
            "sample": True,
        }
        lines += [f"[sources.{key}]", *(f"{k} = {toml(v)}" for k, v in fields.items())]
    config = tmp_path / "two.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_settings(config)


def changed(people, round_: int):
    """Every person's status changes each round: each run has something to write."""
    status = "Suspended" if round_ % 2 else "Practicing Active"
    return [replace(p, status=status, resigned="") for p in people]


def run(path, settings, key: str, start: threading.Barrier, reports: dict) -> None:
    """One import on a connection of its own, as another process has, started with the other."""
    db = open_db(path)
    try:
        start.wait()
        reports[key] = run_source(db, settings, settings.sources[key])
    except Exception as e:  # a bare traceback is a failure too
        reports[key] = e
    finally:
        db.close()


def test_two_sources_imported_at_once_both_succeed_round_after_round(tmp_path):
    path = tmp_path / "registry.db"
    open_db(path).close()
    registers = {key: NSPhysioEmulator(people, etags=False) for key, people in PEOPLE.items()}
    for register in registers.values():
        register.start()
    try:
        settings = declared(tmp_path, registers)
        for round_ in range(ROUNDS):
            for key, register in registers.items():
                register.set_people(changed(PEOPLE[key], round_))
            reports: dict[str, object] = {}
            start = threading.Barrier(len(registers))
            threads = [
                threading.Thread(target=run, args=(path, settings, key, start, reports))
                for key in registers
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            for key in registers:
                report = reports[key]
                assert not isinstance(report, Exception), f"round {round_}, {key}: {report!r}"
                assert report.outcome == "success", f"round {round_}, {key}: {report.message}"
        db = open_db(path)
        try:
            for key, people in PEOPLE.items():
                runs = db.execute(
                    "select outcome, count(*) from import_runs where regulator_id = ? "
                    "group by outcome",
                    [key],
                ).fetchall()
                assert runs == [("success", ROUNDS)]
                listed = db.execute(
                    "select count(*) from registrations where regulator_id = ? and status = ?",
                    [key, "Suspended" if (ROUNDS - 1) % 2 else "Practicing Active"],
                ).fetchone()[0]
                assert listed == len({p.licence_number for p in people})
        finally:
            db.close()
    finally:
        for register in registers.values():
            register.stop()
