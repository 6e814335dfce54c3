"""The one contract every register platform's adapter keeps, and the one crawl loop over it.

An adapter module (scrapers/alinity.py, scrapers/cpo.py, ...) provides:

- `DEFAULT_OPTIONS`: its options, overridable per source in sources.toml or an operator's config;
- `ADAPTER`: an object with the methods of `Adapter` below.

The adapter says only what is particular to its platform: how to list a register (`listings`),
how to turn one listed item into a `Registration` (`read`, which may fetch a detail page), which
URL an item's errors cite (`where`), how few requests a complete crawl could make (`floor`), and
what to check on the live site before a source is enabled (`preflight`). Everything else is here,
once: errors collected per record, progress with an estimate of the time left, and the guards
"nobody listed" and "nobody authorized means the layout changed".
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from scrapers.http import FetchError, PoliteClient
from scrapers.records import Authorization, LayoutChanged, Registration
from scrapers.sources import Source

log = logging.getLogger(__name__)


@dataclass
class Crawl:
    """One crawl of one source: what every adapter method is given, and what it leaves behind."""

    source: Source
    client: PoliteClient
    progress: Callable[[str], None] = lambda message: None
    errors: list[dict] = field(default_factory=list)
    # What the adapter learned while listing (the row cap, searches made, ...), for the run's
    # record and the preflight; free-form, keyed by the adapter.
    notes: dict[str, Any] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return f"{self.source.base_url}{path}"

    def error(self, url: str, message: str) -> None:
        self.errors.append({"url": url, "error": message})

    def warn(self, url: str, message: str) -> None:
        """Something a person should know that does not fail the run (a registrant imported
        with less than usual, say): logged, and counted in the run's message."""
        log.warning("%s: %s: %s", self.source.key, url, message)
        self.notes.setdefault("warnings", []).append({"url": url, "warning": message})


@dataclass(frozen=True)
class Check:
    """One expectation of an adapter, checked against a live site by `registry preflight`."""

    name: str  # what was expected, e.g. "a two-letter search finds people"
    ok: bool
    seen: str  # what was seen, verbatim where it is the register's own wording


@runtime_checkable
class Adapter(Protocol):
    """What a platform provides; see the module docstring."""

    def listings(self, crawl: Crawl) -> Sequence[Any]:
        """Every listed registrant (platform-shaped items), fetched as frugally as the register
        allows. Raises LayoutChanged or FetchError when the register cannot be listed at all."""
        ...

    def read(self, crawl: Crawl, item: Any) -> Registration:
        """One listed item as a record; may fetch its detail pages. Raises FetchError or
        LayoutChanged for this record only (the loop records it and goes on)."""
        ...

    def where(self, crawl: Crawl, item: Any) -> str:
        """The URL an error about this item cites."""
        ...

    def floor(self, crawl: Crawl, listed: int) -> int:
        """The fewest requests any complete crawl of `listed` registrants could make:
        what the run's requests are measured against."""
        ...

    def preflight(self, crawl: Crawl) -> Iterator[Check]:
        """Check, in a small documented number of requests, each expectation this adapter relies
        on, printing what was seen. Never writes anything."""
        ...


def adapter_of(source: Source) -> Adapter:
    return source.adapter().ADAPTER


def pace(source: Source, requests: int, refusals: int = 0) -> str:
    """What `requests` cost at the source's live pace: its spacing between requests, and its
    back-off after each refusal (403/429/5xx) the register was seen to make."""
    seconds = requests * source.spacing_seconds + refusals * source.backoff_seconds
    text = f"{_duration(seconds)} at {source.spacing_seconds:g} s a request"
    if refusals:
        text += f" and {refusals} back-offs of {source.backoff_seconds:g} s"
    return text


def expected_pace(source: Source, last: dict | None, client: PoliteClient) -> str:
    """The time a crawl of the source is expected to take at its live pace, before it starts:
    from the last successful run's requests and refusals where there is one, else from the
    adapter's floor for the register's recorded size (`live_size`), a lower bound."""
    if last and last.get("requests"):
        refusals = int(last.get("refusals") or 0)
        return (
            f"about {pace(source, int(last['requests']), refusals)} (as the last run: "
            f"{last['requests']} requests, {last.get('listed') or '?'} registrants)"
        )
    if source.live_size:
        floor = adapter_of(source).floor(Crawl(source, client), source.live_size)
        return (
            f"at least {pace(source, floor)} (the floor of {floor} requests for the "
            f"{source.live_size} registrants last recorded; no earlier run)"
        )
    return "unknown until a first run (no earlier run, no recorded size)"


def crawl(
    source: Source,
    client: PoliteClient,
    progress: Callable[[str], None] = lambda message: None,
    errors: list[dict] | None = None,
    notes: dict[str, Any] | None = None,
) -> Iterator[Registration]:
    """Yield every registrant of a source; record-level failures go to `errors`.

    `notes` receives what the adapter learned, and `floor` and `listed` (for requests per
    registrant against the floor)."""
    adapter = adapter_of(source)
    state = Crawl(source, client, progress, errors if errors is not None else [], notes or {})
    if notes is not None:
        state.notes = notes
    listed = adapter.listings(state)
    state.notes["listed"] = len(listed)
    state.notes["floor"] = adapter.floor(state, len(listed))
    if not listed:
        raise LayoutChanged(
            f"{source.key}: nobody is listed: the register is empty, refused our searches, or its "
            "layout changed; nothing was changed"
        )
    yield from _read_all(source, adapter, state, listed)
    # Reading may have shown requests the listing could not foresee (practice details whose
    # visibility only the detail pages carry): the floor counts them too.
    state.notes["floor"] = adapter.floor(state, len(listed))


def _read_all(
    source: Source, adapter: Adapter, state: Crawl, listed: Sequence[Any]
) -> Iterator[Registration]:
    any_authorized = False
    started = time.monotonic()
    total = len(listed)
    for i, item in enumerate(listed, 1):
        try:
            registration = adapter.read(state, item)
        except (FetchError, LayoutChanged) as e:
            state.error(adapter.where(state, item), str(e))
            continue
        if source.scope:
            registration.authorizations = [*by_scope(source), *registration.authorizations]
        any_authorized = any_authorized or bool(registration.authorizations)
        if i == total or i % 25 == 0:
            left = (time.monotonic() - started) / i * (total - i)
            state.progress(
                f"{source.key}: {i}/{total} registrants read, {state.client.requests_made} "
                f"requests, {len(state.errors)} errors, about {_duration(left)} left"
            )
        yield registration
    # Registrants that could not be read fail the run on their own, with their own errors.
    if source.needling == "tracked" and not any_authorized and not state.errors:
        raise LayoutChanged(
            f"{source.key}: none of {total} registrants has a needling authorization: the "
            "register's field or wording changed; nothing was changed"
        )


def by_scope(source: Source) -> list[Authorization]:
    """What every registrant of a scope-of-practice source may do, in the law's words: the
    same for each, and told apart from a per-person authorization by its mechanism."""
    return [
        Authorization(wording=wording, kind=kind, mechanism="scope_of_practice")
        for wording, kind in source.scope.items()
    ]


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def run_preflight(source: Source, client: PoliteClient) -> list[Check]:
    """Every check of a source's adapter; a check that cannot run is a failed check."""
    state = Crawl(source, client)
    checks: list[Check] = []
    try:
        checks.extend(adapter_of(source).preflight(state))
    except (FetchError, LayoutChanged) as e:
        checks.append(Check("the register answers as the adapter expects", False, str(e)))
    return checks
