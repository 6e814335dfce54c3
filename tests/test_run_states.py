"""An import run's states (db/runs.py): each way a run can go, as import_runs records it, only
ever along the allowed transitions; the applied state is read from the record, not its text."""

from __future__ import annotations

import pytest

from db.load import (
    Rejected,
    applied,
    apply_run,
    check_run_size,
    close_interrupted_runs,
    finish_run,
    run_state,
    start_run,
)
from db.runs import NEXT, RunState, may_follow, state_of
from tests.conftest import PEOPLE


def test_every_state_is_recorded_and_read_back(db):
    walked = []

    def step(run_id):
        walked.append(run_state(db, run_id))

    good = start_run(db, "cpta")
    step(good)
    counts = apply_run(db, "cpta", good, PEOPLE)
    step(good)
    # Applied, not finished: the data stands, and its summary comes from the counts recorded.
    assert applied(db, good) == counts.summary()
    finish_run(db, good, "success", "done", requests=3, errors=[])
    step(good)
    assert walked == [RunState.RUNNING, RunState.APPLIED, RunState.SUCCESS]
    assert applied(db, good) == "done"

    refused = start_run(db, "cpta")
    with pytest.raises(Rejected) as refusal:
        check_run_size(db, "cpta", 0, max_shrink=0.5, accept_shrink=False)
    finish_run(db, refused, RunState.REJECTED.outcome, str(refusal.value), requests=1, errors=[])
    assert run_state(db, refused) is RunState.REJECTED and applied(db, refused) is None

    failed = start_run(db, "cpta")
    finish_run(db, failed, RunState.FAILED.outcome, "HTTP 503", requests=5, errors=[])
    assert run_state(db, failed) is RunState.FAILED and applied(db, failed) is None

    died = start_run(db, "cpta")  # its process dies: the next run of the source closes it
    assert close_interrupted_runs(db, "cpta") == 1
    assert run_state(db, died) is RunState.INTERRUPTED and applied(db, died) is None
    outcomes = [r["outcome"] for r in db.query("select outcome from import_runs order by id")]
    assert outcomes == ["success", "rejected", "failed", "failed"]  # the words readers know
    assert run_state(db, 999) is None


def test_only_the_allowed_transitions():
    assert {s for s in RunState if may_follow(RunState.RUNNING, s)} == {
        RunState.APPLIED,
        RunState.FAILED,
        RunState.REJECTED,
        RunState.INTERRUPTED,
    }
    assert {s for s in RunState if may_follow(RunState.APPLIED, s)} == {RunState.SUCCESS}
    # Applied data is never unapplied: nothing leads from applied or success to a failure.
    for final in (RunState.SUCCESS, RunState.FAILED, RunState.REJECTED, RunState.INTERRUPTED):
        assert final not in NEXT
    assert not any(may_follow(RunState.APPLIED, s) for s in (RunState.FAILED, RunState.RUNNING))


def test_states_map_onto_the_recorded_outcomes():
    assert {s: s.outcome for s in RunState} == {
        RunState.RUNNING: "running",
        RunState.APPLIED: "success",
        RunState.SUCCESS: "success",
        RunState.FAILED: "failed",
        RunState.REJECTED: "rejected",
        RunState.INTERRUPTED: "failed",
    }
    assert state_of("success", "x (applied; ...)", None) is RunState.APPLIED
    assert state_of("success", "x", "[]") is RunState.SUCCESS
    assert state_of("failed", "interrupted; nothing was changed", "[]") is RunState.INTERRUPTED
    assert state_of("failed", "HTTP 503", "[]") is RunState.FAILED
    assert [s for s in RunState if s.changed_data] == [RunState.APPLIED, RunState.SUCCESS]
