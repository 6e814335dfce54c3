"""Named reads: the questions every layer asks of the import runs, answered in one place.

Nothing outside db/ writes SQL against import_runs. "The last successful run of a source" is the
view last_successful_runs (migration m009); SQL elsewhere (saved queries, the search) may name the
view, and Python reads it through these functions.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlite_utils import Database

LAST_SUCCESS_VIEW = "last_successful_runs"


def _conn(db: sqlite3.Connection | Database) -> sqlite3.Connection:
    return db.conn if isinstance(db, Database) else db


def _rows(db: sqlite3.Connection | Database, sql: str, params: Any = ()) -> list[dict]:
    cursor = _conn(db).execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def last_successes(db: sqlite3.Connection | Database) -> dict[str, dict]:
    """Each source's last successful import run, by source key: every import_runs column, plus
    `successful_runs` (how many it has had) and `first_started_at` (when the first began).
    Sources that never had one are absent."""
    return {
        row["regulator_id"]: row
        for row in _rows(db, f"select * from {LAST_SUCCESS_VIEW} order by regulator_id")
    }


def latest_runs(db: sqlite3.Connection | Database, *, finished: bool = False) -> dict[str, dict]:
    """Each source's newest import run of any outcome, by source key; with `finished`, the newest
    that is no longer running (what a failing notice reports)."""
    where = "where outcome != 'running'" if finished else ""
    return {
        row["regulator_id"]: row
        for row in _rows(
            db,
            f"select r.* from import_runs r join (select regulator_id, max(id) as id "
            f"from import_runs {where} group by regulator_id) newest on newest.id = r.id "
            "order by r.regulator_id",
        )
    }


def last_success_before(
    db: sqlite3.Connection | Database, regulator_id: str, before: str | None
) -> str | None:
    """When the source's last successful run ended, or with `before`, its last that ended before
    then (for a registration found gone at `before`: when the register last listed it)."""
    return (
        _conn(db)
        .execute(
            "select max(ended_at) from import_runs where regulator_id = ? and outcome = 'success' "
            "and (? is null or ended_at < ?)",
            [regulator_id, before, before],
        )
        .fetchone()[0]
    )


def data_version(db: sqlite3.Connection | Database) -> tuple:
    """Changes whenever any source's data changes (a successful run): for caches of derived data."""
    return tuple(
        _conn(db).execute(f"select max(id), max(ended_at) from {LAST_SUCCESS_VIEW}").fetchone()
    )


def runs_version(db: sqlite3.Connection | Database) -> tuple:
    """Changes whenever any run starts or ends, whatever its outcome: for caches of whole
    answers, which also show failed and stale sources. A run's data is committed with its
    ended_at (db.load.apply_run), so no reader sees new data under an old version."""
    return tuple(
        _conn(db)
        .execute("select max(id), max(ended_at), count(*), count(ended_at) from import_runs")
        .fetchone()
    )


def run_totals(db: sqlite3.Connection | Database) -> dict:
    """All runs: how many, how many succeeded, when the first started and the last ended."""
    (totals,) = _rows(
        db,
        "select count(*) as total, sum(outcome = 'success') as successful, "
        "min(started_at) as first_started_at, max(ended_at) as last_ended_at from import_runs",
    )
    return totals
