"""Nova Scotia Regulator of Physiotherapy (formerly the College): one static HTML table, one GET.

The member directory is a static Joomla page [live 2026-06-15] whose one table, ten columns, lists
the registrants (about 1,654 rows on 2026-05-28, about 780 on 2026-06-15: past registrants may no
longer be listed). The adapter finds that table among the page's others by its header row, reads
each row into a `Registration` keyed on the licence number, and yields no authorizations: the
register has no needling column, so the source declares needling "not_tracked". It keeps the
contract of scrapers/adapter.py; its parsers are in scrapers/nsphysio_pages.py. Shapes and what is
guessed: docs/platforms/nsphysio.md.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from scrapers.adapter import Check, Crawl
from scrapers.http import FetchError
from scrapers.nsphysio_pages import (
    COLUMNS,
    directory_headers,
    header_key,
    parse_directory,
    registration,
    regulator_names,
)
from scrapers.places import fold
from scrapers.records import LayoutChanged, Registration
from scrapers.sources import Source

log = logging.getLogger(__name__)

DEFAULT_OPTIONS: dict[str, Any] = {"path": "/for-the-public/member-directory", "columns": COLUMNS}


def _current(record: Registration) -> bool:
    return record.status_class != "cancelled"


@dataclass(frozen=True)
class Unreadable:
    """A directory row that cannot be a record, and why (read() raises it as a record error)."""

    position: int
    problem: str


class NSPhysio:
    """The member directory on the contract of scrapers/adapter.py: one GET lists everyone."""

    def listings(self, crawl: Crawl) -> list[Registration | Unreadable]:
        """Every row of the directory as a record, or as why it is unreadable; a licence listed
        twice is one record (the current row over a resigned one, else the first)."""
        source = crawl.source
        if source.needling == "tracked":
            raise LayoutChanged(
                f"{source.key}: the nsphysio directory has no needling column, but the source "
                "declares needling = tracked; declare not_tracked (or unknown)"
            )
        page = crawl.client.get(self._url(crawl))
        rows = parse_directory(page.text(), _columns(source))
        crawl.progress(f"{source.key}: member directory read, {len(rows)} rows")
        evidence = page.evidence()
        found: dict[str, Registration] = {}
        bad: list[Unreadable] = []
        for row in rows:
            try:
                record = registration(row, source.key, page.url, evidence)
            except ValueError as e:
                bad.append(Unreadable(row.position, str(e)))
                continue
            earlier = found.get(record.registrant_id)
            if earlier is not None and earlier.content() != record.content():
                newer_is_current = _current(record) and not _current(earlier)
                keep, drop = (record, earlier) if newer_is_current else (earlier, record)
                log.warning(
                    "%s: licence %s is listed twice; keeping %r, not %r",
                    source.key,
                    record.registrant_id,
                    keep.status,
                    drop.status,
                )
                record = keep
            found[record.registrant_id] = record
        crawl.notes["rows"] = len(rows)
        return [*found.values(), *bad]

    def read(self, crawl: Crawl, item: Registration | Unreadable) -> Registration:
        if isinstance(item, Unreadable):
            raise LayoutChanged(f"row {item.position}: {item.problem}")
        return item

    def where(self, crawl: Crawl, item: Registration | Unreadable) -> str:
        return self._url(crawl)

    def floor(self, crawl: Crawl, listed: int) -> int:
        return 1  # the whole directory is one page

    def preflight(self, crawl: Crawl) -> Iterator[Check]:
        """Three requests at most (robots.txt, the page; a redirect): the page answers, its
        directory table has the ten headers, its rows read, and who the page says it is."""
        url = self._url(crawl)
        try:
            page = crawl.client.get(url)
        except FetchError as e:
            yield Check(f"the member directory answers at {url}", False, str(e))
            return
        text = page.text()
        yield Check(f"the member directory answers at {url}", True, f"{len(page.content)} bytes")
        columns = _columns(crawl.source)
        headers = directory_headers(text, columns)
        wanted = {header_key(label) for label in columns.values()}
        missing = [
            label for label in columns.values() if header_key(label) not in map(header_key, headers)
        ]
        seen = " | ".join(headers) if headers else "no table on the page"
        if missing:
            seen += f" (missing: {', '.join(missing)})"
        yield Check(
            f"a table with the {len(wanted)} directory headers", not missing and bool(headers), seen
        )
        try:
            rows = parse_directory(text, columns)
        except LayoutChanged as e:
            yield Check("the directory's rows read", False, str(e))
        else:
            bad = [r for r in rows if r.problem]
            seen = f"{len(rows)} rows, {len(bad)} unreadable"
            if bad:
                seen += f" (first: row {bad[0].position}: {bad[0].problem})"
            yield Check("the directory's rows read", bool(rows) and not bad, seen)
        current = crawl.source.regulator.split(" (formerly ")[0]
        names = regulator_names(text)
        shown = any(fold(current) in fold(n) for n in names)
        stale = not shown and any("college" in fold(n) for n in names[1:])
        yield Check(
            f"the page names the regulator {current} (if it names one)",
            not stale,
            " / ".join(names) or "no regulator named on the page",
        )

    def _url(self, crawl: Crawl) -> str:
        return crawl.url(crawl.source.options["path"])


def _columns(source: Source) -> dict[str, str]:
    # An operator renaming one column gives just that one: the others keep their defaults.
    return {**COLUMNS, **source.options["columns"]}


ADAPTER = NSPhysio()
