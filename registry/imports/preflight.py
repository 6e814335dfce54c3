"""`registry preflight`: prove or disprove each adapter against its live register in a minute.

Each source's adapter checks the expectations it relies on (scrapers/adapter.py `preflight`) in a
small budget of requests, spaced as the source declares; nothing is written to the database. With
a recording folder, every exchange is saved as a HAR cassette (scrapers/cassette.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from scrapers.adapter import Check, crawl, expected_pace, run_preflight
from scrapers.cassette import CassetteTransport, Exchange, Recorder, anonymise
from scrapers.cassette import read as read_cassette
from scrapers.cassette import write as write_cassette
from scrapers.http import FetchError, HttpPolicy, PoliteClient
from scrapers.records import LayoutChanged, Registration
from scrapers.sources import Settings, Source

# About a dozen requests a source: robots.txt, a shell or first page, a few searches
# or pages, a detail page or two. Documented in docs/preflight.md.
BUDGET = 15


@dataclass(frozen=True)
class SourceResult:
    source: str
    checks: list[Check]
    requests: int
    cassette: Path | None = None

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)


def check_source(
    settings: Settings,
    source: Source,
    *,
    budget: int = BUDGET,
    record: Path | None = None,
    replay: Path | None = None,
) -> SourceResult:
    """Run one source's preflight against its register (or a cassette of it)."""
    recorder = Recorder() if record else None
    policy = HttpPolicy(
        user_agent=settings.user_agent,
        spacing_seconds=0.0 if replay else source.spacing_seconds,
        backoff_seconds=source.backoff_seconds,
        max_retries=0 if replay else 1,
        timeout_seconds=source.timeout_seconds,
        max_requests=budget,
    )
    transport = CassetteTransport(read_cassette(replay)) if replay else None
    client = PoliteClient(
        policy, transport=transport, on_exchange=recorder.add if recorder else None
    )
    try:
        checks = run_preflight(source, client)
        refused = f"; this preflight was refused {client.retries} time(s)" if client.retries else ""
        checks.append(
            Check(
                "the time a crawl takes at the live pace",
                True,
                expected_pace(source, None, client) + refused,
            )
        )
    finally:
        client.close()
    saved = recorder.save(record / f"{source.key}.har") if recorder and record else None
    return SourceResult(source.key, checks, client.requests_made, saved)


def table(results: Iterable[SourceResult]) -> str:
    """Passes and failures, one line a check, with what was seen."""
    lines = []
    for result in results:
        verdict = "PASS" if result.ok else "FAIL"
        lines.append(f"{result.source}: {verdict} ({result.requests} requests)")
        for check in result.checks:
            seen = " ".join(check.seen.split())
            if len(seen) > 300:
                seen = seen[:297] + "..."
            lines.append(f"  [{'ok' if check.ok else 'FAIL'}] {check.name}: {seen}")
        if not result.checks:
            lines.append("  [FAIL] the adapter made no checks")
        if result.cassette:
            lines.append(f"  cassette: {result.cassette}")
    return "\n".join(lines)


def records_in(settings: Settings, source: Source, exchanges: list[Exchange]) -> list[Registration]:
    """Every record the source's adapter reads from a cassette, as far as it goes."""
    policy = HttpPolicy(
        user_agent=settings.user_agent, spacing_seconds=0.0, max_retries=0, respect_robots=False
    )
    client = PoliteClient(policy, transport=CassetteTransport(exchanges, lenient=True))
    found: list[Registration] = []
    try:
        for record in crawl(source, client, errors=[]):
            found.append(record)
    except (FetchError, LayoutChanged):
        pass  # a cassette of a preflight or a partial crawl: what was read is what there is
    finally:
        client.close()
    return found


def anonymise_cassette(
    settings: Settings, source: Source, cassette: Path, out: Path
) -> tuple[int, int]:
    """Write `out`: `cassette` with every person the adapter reads in it replaced by a synthetic
    one of the same shape. Returns (people, exchanges)."""
    exchanges = read_cassette(cassette)
    people = records_in(settings, source, exchanges)
    if not people:
        raise LayoutChanged(
            f"{source.key}'s adapter read nobody in {cassette}: record a whole import "
            "(registry import SOURCE --record DIR) to anonymise it"
        )
    write_cassette(out, anonymise(exchanges, people))
    return len(people), len(exchanges)
