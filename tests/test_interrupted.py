"""An import killed with SIGKILL mid-run changes nothing; the next run completes normally."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace

from emulators.alinity import AlinityEmulator
from emulators.people import alberta_physiotherapists
from registry.imports.importer import run_source, source_lock
from tests.runs import sample_source, snapshot


def test_kill_9_mid_import_leaves_last_good_data_and_next_run_completes(db, settings, tmp_path):
    people = alberta_physiotherapists(60, seed=21)
    with AlinityEmulator(people) as register:
        source = sample_source(settings, register.base_url)
        assert run_source(db, settings.with_source(source), source).outcome == "success"
        before = snapshot(db)
        changed = [replace(p, standing="Suspended") for p in people[:5]] + people[5:]
        register.set_people(changed)
        config = tmp_path / "ops.toml"
        config.write_text(
            f"[sources.cpta]\nbase_url = '{register.base_url}'\nspacing_seconds = 0.02\n",
            encoding="utf-8",
        )
        seen = len(register.requests)
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "registry",
                "import",
                "cpta",
                "--config",
                str(config),
                "--db",
                str(tmp_path / "registry.db"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while len(register.requests) < seen + 40 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
        assert len(register.requests) >= seen + 40, "the import was killed mid-crawl"
        assert snapshot(db) == before
        runs = [r["outcome"] for r in db.query("select outcome from import_runs order by id")]
        assert runs == ["success", "running"]
        # The dead process's lock is free again; the next run completes and closes the old one.
        again = run_source(db, settings.with_source(source), source)
    assert again.outcome == "success" and again.counts.changed == 5
    runs = list(db.query("select outcome, message from import_runs order by id"))
    assert [r["outcome"] for r in runs] == ["success", "failed", "success"]
    assert runs[1]["message"].startswith("interrupted")


def test_a_second_run_of_the_same_source_is_skipped(db, settings):
    source = settings.sources["cpta"]
    with source_lock(db, "cpta"):
        report = run_source(db, settings, source)
    assert report.outcome == "skipped" and "another import of cpta is running" in report.message
    assert db.table("import_runs").count == 0
