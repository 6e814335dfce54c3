"""An import run's states, in one place: what each means, how import_runs records it, and which
state may follow which.

    running ──> applied ──> success
       │
       ├──> failed | rejected | interrupted

`running` is written when the run starts. `applied` is written by `db.load.apply_run` in the
very transaction that commits the run's data, so that a kill between that commit and the end of
the run cannot leave applied data under a run marked failed; the run's end (`finish_run`) then
makes it `success`, adding its requests, errors and final message. A run that ends without
applying is `failed` (could not read the register), `rejected` (read, but refused: empty or
shrunken) or `interrupted` (stopped, or its process died: the next run of the source closes it).

import_runs keeps the outcomes it always has (running, success, failed, rejected), so readers
and releases see no new word: `applied` is a `success` whose record is unfinished (no errors
list yet; `finish_run` always writes one), and `interrupted` is a `failed` whose message says
so. `state_of` reads a row back into its state; nothing else should parse a run's message.
"""

from __future__ import annotations

from enum import StrEnum


class RunState(StrEnum):
    RUNNING = "running"  # started; nothing applied
    APPLIED = "applied"  # the data is committed; the run's record is not finished yet
    SUCCESS = "success"  # applied and recorded
    FAILED = "failed"  # ended without changing anything: the register could not be read
    REJECTED = "rejected"  # read, but refused (empty, shrunken): nothing changed
    INTERRUPTED = "interrupted"  # stopped, or its process died, before applying: nothing changed

    @property
    def outcome(self) -> str:
        """What import_runs.outcome records for this state."""
        return {
            RunState.APPLIED: "success",
            RunState.INTERRUPTED: "failed",
        }.get(self, self.value)

    @property
    def changed_data(self) -> bool:
        """Whether a run in this state applied its records."""
        return self in (RunState.APPLIED, RunState.SUCCESS)


# Which state may follow which; a state not listed is final.
NEXT: dict[RunState, frozenset[RunState]] = {
    RunState.RUNNING: frozenset(
        {RunState.APPLIED, RunState.FAILED, RunState.REJECTED, RunState.INTERRUPTED}
    ),
    RunState.APPLIED: frozenset({RunState.SUCCESS}),
}

# Appended to an applied run's summary until its end is recorded (shown if it never is).
APPLIED_UNFINISHED = " (applied; the import ended before its run record was completed)"
# The message of a run whose process died; the next run of its source writes it.
DIED = "interrupted: the import ended before finishing (killed or crashed); nothing was changed"
# The message of a run stopped (Ctrl-C) before it applied anything.
STOPPED = "interrupted; nothing was changed"
# Added to an applied run's summary when it was stopped after its data's commit.
STOPPED_AFTER_APPLYING = "interrupted after the data was applied"


def may_follow(before: RunState, after: RunState) -> bool:
    return after in NEXT.get(before, frozenset())


def state_of(outcome: str, message: str | None, errors: str | None) -> RunState:
    """The state an import_runs row records (its outcome, message and errors columns)."""
    if outcome == "success":
        return RunState.SUCCESS if errors is not None else RunState.APPLIED
    if outcome == "failed" and (message or "").startswith("interrupted"):
        return RunState.INTERRUPTED
    return RunState(outcome)
