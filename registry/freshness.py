"""How current each regulator's data is: when it was last read, and whether its latest run failed.

A source is stale when its last successful import is older than STALE_INTERVALS times its import
interval (`interval_hours` in its declaration: a weekly source is stale after two weeks), and
failing when its latest run did not succeed (`failed` or `rejected`); the last good copy is still
served, and the page says so.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

STALE_INTERVALS = 2
DEFAULT_INTERVAL_HOURS = 168.0

_STATES = """
select g.id, g.name, g.short_name, g.jurisdiction, g.needling,
  (select max(ended_at) from import_runs where regulator_id = g.id and outcome = 'success'),
  (select outcome from import_runs where regulator_id = g.id and outcome != 'running'
   order by id desc limit 1),
  (select coalesce(ended_at, started_at) from import_runs
   where regulator_id = g.id and outcome != 'running' order by id desc limit 1)
from regulators g where g.coverage = 'supported'
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


def parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def states(
    conn: sqlite3.Connection,
    intervals: dict[str, float],
    now: datetime | None = None,
) -> dict[str, SourceState]:
    """Every supported regulator's state; `intervals` maps source keys to interval_hours."""
    now = now or datetime.now(UTC)
    found = {}
    for rid, name, short, jurisdiction, needling, success, outcome, run_at in conn.execute(_STATES):
        hours = intervals.get(rid, DEFAULT_INTERVAL_HOURS) or DEFAULT_INTERVAL_HOURS
        last = parse_time(success)
        stale = last is None or now - last > timedelta(hours=STALE_INTERVALS * hours)
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
