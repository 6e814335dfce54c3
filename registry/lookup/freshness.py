"""How current each regulator's data is: when it was last read, and whether its latest run failed.

A source is stale when its last successful import is older than its freshness limit (the same
limit the clinics' verdicts use: `stale_after_hours` in its declaration, by default twice its
`interval_hours`, so a weekly source is stale after two weeks), and failing when its latest run
did not succeed (`failed` or `rejected`); the last good copy is still served, and the page says
so.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from db import reads
from scrapers.sources import Settings

DEFAULT_STALE_AFTER_HOURS = 336.0


def freshness_limits(settings: Settings) -> dict[str, float]:
    """Hours after its last successful import at which each source's data is stale."""
    return {
        key: source.stale_after_hours or 2 * source.interval_hours or DEFAULT_STALE_AFTER_HOURS
        for key, source in settings.sources.items()
    }


def fresh_until(ended_at: str | None, hours: float) -> datetime | None:
    """When data from an import that ended at `ended_at` goes stale; None when there is no such
    import (or its time cannot be read), so the data counts as stale now."""
    try:
        ended = datetime.fromisoformat(ended_at.replace("Z", "+00:00")) if ended_at else None
    except ValueError:
        return None
    if ended is None:
        return None
    return (ended if ended.tzinfo else ended.replace(tzinfo=UTC)) + timedelta(hours=hours)


_SUPPORTED = """
select id, name, short_name, jurisdiction, needling from regulators where coverage = 'supported'
"""


@dataclass(frozen=True)
class SourceState:
    id: str
    name: str
    short_name: str
    jurisdiction: str
    needling: str
    last_success: str | None
    last_outcome: str | None
    last_run_at: str | None
    stale: bool
    failing: bool

    @property
    def region(self) -> str:
        return self.jurisdiction.rpartition("-")[2]


def states(
    conn: sqlite3.Connection,
    limits: Mapping[str, float],
    now: datetime | None = None,
) -> dict[str, SourceState]:
    """Every supported regulator's state; `limits` maps source keys to the hours after their
    last successful import at which their data is stale (freshness_limits)."""
    now = now or datetime.now(UTC)
    found = {}
    successes = reads.last_successes(conn)
    finished = reads.latest_runs(conn, finished=True)
    for rid, name, short, jurisdiction, needling in conn.execute(_SUPPORTED):
        success = successes.get(rid, {}).get("ended_at")
        last = finished.get(rid) or {}
        outcome, run_at = last.get("outcome"), last.get("ended_at") or last.get("started_at")
        hours = limits.get(rid) or DEFAULT_STALE_AFTER_HOURS
        until = fresh_until(success, hours)
        stale = until is None or now >= until
        found[rid] = SourceState(
            rid,
            name,
            short or rid,
            jurisdiction,
            needling,
            success,
            outcome,
            run_at,
            stale,
            outcome in ("failed", "rejected"),
        )
    return found
