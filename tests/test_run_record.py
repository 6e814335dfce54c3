"""The run record tells the truth at every kill point.

An import killed inside the apply's transaction changed nothing, and the next run says so; one
killed after the data's commit but before its run record was completed applied its data, and its
run stays "success", so that its events (and the receipts that cite them) point at a good run.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import pytest

from emulators.alinity import AlinityEmulator
from emulators.people import alberta_physiotherapists
from registry.imports.importer import run_source
from tests.runs import first_import, sample_source, snapshot

# Runs `registry import cpta` in a process that dies (os._exit, as a kill -9 would leave it) at
# the given point.
DRIVER = """
import os, sys
import db.load, registry.imports.importer
point = sys.argv[3]
def die(*args, **kwargs):
    os._exit(9)
if point == "in_apply":  # inside the apply's transaction, before its commit
    db.load.Writer.sync = die
elif point == "after_apply":  # after the data's commit, before the run record is finished
    registry.imports.importer.finish_run = die
from registry.cli import cli
cli(["import", "cpta", "--config", sys.argv[1], "--db", sys.argv[2]])
"""


PEOPLE = alberta_physiotherapists(40, seed=5)
first = first_import(PEOPLE)  # one good import: where each kill point's test starts


@pytest.fixture
def db(first, tmp_path):
    """A copy of that import's database (at tmp_path / "registry.db")."""
    with first.opened_copy(tmp_path) as database:
        yield database


@pytest.mark.parametrize("point", ["in_apply", "after_apply"])
def test_the_run_record_is_true_at_every_kill_point(first, db, settings, tmp_path, point):
    people = PEOPLE
    suspended = [replace(p, standing="Suspended") for p in people[:3]] + people[3:]
    with AlinityEmulator(suspended, port=first.port) as register:
        source = sample_source(settings, register.base_url)
        before = snapshot(db)
        config = tmp_path / "ops.toml"
        config.write_text(
            f"[sources.cpta]\nbase_url = '{register.base_url}'\nspacing_seconds = 0\n",
            encoding="utf-8",
        )
        died = subprocess.run(
            [sys.executable, "-c", DRIVER, str(config), str(tmp_path / "registry.db"), point],
            capture_output=True,
            text=True,
        )
        assert died.returncode == 9, died.stderr
        runs = list(db.query("select id, outcome, message from import_runs order by id"))
        again = run_source(db, settings.with_source(source), source)
    runs_after = list(db.query("select id, outcome, message from import_runs order by id"))
    killed = runs_after[1]
    if point == "in_apply":
        assert snapshot(db) != before  # the next run applied the changes...
        assert runs[1]["outcome"] == "running"
        assert killed["outcome"] == "failed" and "nothing was changed" in killed["message"]
        assert again.counts.changed == 3  # ...which the killed run had not
    else:
        assert runs[1]["outcome"] == "success"  # on record before anything else ran
        assert killed["outcome"] == "success"
        assert killed["message"].startswith("40 records: 0 added, 3 changed")
        assert "applied" in killed["message"]
        assert again.counts.changed == 0 and again.outcome == "success"
    # Every event points at a run that succeeded.
    outcomes = {
        row["outcome"]
        for row in db.query(
            "select distinct r.outcome from events e join import_runs r on r.id = e.run_id"
        )
    }
    assert outcomes == {"success"}
    assert db.execute("select count(*) from events").fetchone()[0] >= 3
