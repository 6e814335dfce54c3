"""The scheduler's loop (registry/imports/schedule.run_due), driven by an injected clock: runs
what is due, tells after runs, naps until the next is due, and says when nothing is enabled."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from db import open_db
from registry.imports.schedule import NothingToSchedule, run_due
from scrapers.sources import load_settings

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


class Stop(Exception):
    pass


def only_cpta():
    settings = load_settings()
    sources = {
        k: s if k == "cpta" else replace(s, enabled=False) for k, s in settings.sources.items()
    }
    return replace(settings, sources=sources)


def test_a_source_never_run_is_run_at_once_then_the_loop_naps(tmp_path):
    db = open_db(tmp_path / "r.db")
    ran, told, naps, said = [], [], [], []

    def nap(seconds):
        naps.append(seconds)
        raise Stop

    with pytest.raises(Stop):
        run_due(
            db,
            only_cpta(),
            run=lambda source: ran.append(source.key),
            after_runs=lambda: told.append(True),
            nap=nap,
            echo=said.append,
            clock=lambda: T0,
        )
    assert ran == ["cpta"] and told == [True]
    # Nothing recorded a run, so the source is still due now: the shortest nap, a second.
    assert naps == [1.0]
    assert said == [
        "2026-11-01T12:00:00Z running cpta",
        f"next: cpta at {datetime.min:%Y-%m-%dT%H:%M:%SZ}",
    ]


def test_once_runs_one_round_and_nothing_enabled_is_said(tmp_path):
    db = open_db(tmp_path / "r.db")
    ran = []
    options = dict(after_runs=lambda: None, nap=lambda s: None, echo=lambda m: None)
    run_due(
        db, only_cpta(), run=lambda s: ran.append(s.key), once=True, clock=lambda: T0, **options
    )
    assert ran == ["cpta"]
    settings = only_cpta()
    none = replace(
        settings,
        sources={k: replace(s, enabled=False) for k, s in settings.sources.items()},
    )
    with pytest.raises(NothingToSchedule, match="no source is enabled"):
        run_due(db, none, run=ran.append, clock=lambda: T0 + timedelta(days=1), **options)
    assert ran == ["cpta"]
