"""When each source is next due: its own interval after its last run, plus a steady jitter.

Used by `registry schedule`, which runs due sources one after another (each under its own lock)
and sleeps until the next one is due. A cron job or systemd timer running `registry import` is
the alternative; docs/importing.md shows both.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from db import reads
from scrapers.sources import Settings, Source

# After a failed or rejected run, try again sooner than a whole interval, but not at once.
RETRY_AFTER = timedelta(hours=6)


def parse_time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def jitter(source: Source, last_run_id: int, share: float) -> timedelta:
    """A delay in [0, share * interval) that is the same for the same last run, so a restarted
    scheduler keeps its plan, and differs between sources, so they do not start together."""
    fraction = zlib.crc32(f"{source.key}:{last_run_id}".encode()) / 2**32
    return timedelta(hours=source.interval_hours * share * fraction)


def next_due(source: Source, last_run: dict | None, share: float) -> datetime | None:
    """When `source` should next run (None: never, it is disabled); `last_run` is its newest
    import_runs row, or None when it has never run (then it is due now)."""
    if not source.enabled or source.coverage != "supported":
        return None
    if last_run is None:
        return datetime.min.replace(tzinfo=UTC)
    started = parse_time(last_run["started_at"])
    if last_run["outcome"] == "success":
        wait = timedelta(hours=source.interval_hours)
    else:
        wait = min(RETRY_AFTER, timedelta(hours=source.interval_hours))
    return started + wait + jitter(source, last_run["id"], share)


def plan(
    settings: Settings, last_runs: dict[str, dict], now: datetime
) -> list[tuple[Source, datetime]]:
    """Every schedulable source with when it is next due, soonest first."""
    due = [
        (source, when)
        for source in settings.sources.values()
        if (when := next_due(source, last_runs.get(source.key), settings.jitter_share))
    ]
    return sorted(due, key=lambda pair: (pair[1], pair[0].key))


class NothingToSchedule(Exception):
    """No source is enabled, so there is nothing to wait for."""


def run_due(
    db,
    settings: Settings,
    *,
    run: Callable[[Source], object],
    after_runs: Callable[[], None],
    nap: Callable[[float], None],
    echo: Callable[[str], None],
    once: bool = False,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> None:
    """The scheduler's loop: run every source that is due (one after another), call
    `after_runs` when any ran, then nap until the next is due (at most an hour, at least a
    second) and start again; with `once`, return after the first round. Raises
    NothingToSchedule when no source is enabled."""
    while True:
        now = clock()
        upcoming = plan(settings, reads.latest_runs(db), now)
        ran = False
        for source, when in upcoming:
            if when <= now:
                echo(f"{now:%Y-%m-%dT%H:%M:%SZ} running {source.key}")
                run(source)
                ran = True
        if ran:
            after_runs()
        if once:
            return
        upcoming = plan(settings, reads.latest_runs(db), clock())
        if not upcoming:
            raise NothingToSchedule("no source is enabled; nothing to schedule")
        source, when = upcoming[0]
        wait = max(1.0, (when - clock()).total_seconds())
        echo(f"next: {source.key} at {when:%Y-%m-%dT%H:%M:%SZ}")
        nap(min(wait, 3600))
