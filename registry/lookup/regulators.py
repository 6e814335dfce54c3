"""The regulators we read, as the API lists them (terms, counts, last imports) and as the search
page lists the registers read here (where, when last read, and how)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping

from db import reads
from registry.lookup import freshness
from registry.lookup.answers import ReadHere

_REGULATORS = "select * from regulators order by jurisdiction, id"
_LAST_SUCCESS = (
    "id",
    "started_at",
    "ended_at",
    "records_seen",
    "added",
    "changed",
    "removed",
    "requests",
)
_LAST_RUN = ("id", "started_at", "ended_at", "outcome", "message")


def described(db: sqlite3.Connection) -> list[dict]:
    """Every regulator with its terms, counts, last successful import and last run
    (/api/sources)."""
    successes = reads.last_successes(db)
    latest = reads.latest_runs(db)
    cursor = db.execute(_REGULATORS)
    names = [c[0] for c in cursor.description]
    sources = []
    for values in cursor.fetchall():
        row = dict(zip(names, values, strict=True))
        success, last = successes.get(row["id"]), latest.get(row["id"])
        row["wording"] = json.loads(row["wording"]) if row["wording"] else None
        row["scope"] = json.loads(row["scope"]) if row.get("scope") else None
        row["on_register"] = (success or {}).get("on_register") or 0
        row["authorized"] = (success or {}).get("authorized") or 0
        row["last_success"] = {k: success[k] for k in _LAST_SUCCESS} if success else None
        row["last_run"] = {k: last[k] for k in _LAST_RUN} if last else None
        for key in ("sample", "enabled"):
            row[key] = bool(row[key])
        sources.append(row)
    return sources


def read_here(conn: sqlite3.Connection, stale_after: Mapping[str, float]) -> list[ReadHere]:
    """The registers we read, for the page without a search: where, when last read, and how."""
    states = freshness.states(conn, stale_after)
    rows = conn.execute(
        "select id, sample from regulators where coverage = 'supported' order by jurisdiction, id"
    ).fetchall()
    return [
        {"state": states[rid], "sample": bool(sample)}
        for rid, sample in rows
        if rid in states and (states[rid].last_success or states[rid].last_outcome)
    ]
