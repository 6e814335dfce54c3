"""College of Physiotherapists of Ontario (CPO): CSV export + paged search, profiles optional.

The CSV export lists everyone (and, with `acu=True`, the acupuncture roster) but carries no id; the
server-rendered search pages carry each person's profile GUID (the stable id) but only a few
columns. The adapter fetches both, matches CSV rows to search rows by name + clinic + postal code
(the rule is in docs/platforms/cpo.md), and may read each profile for the masked registration
number. Profiles live on a Dynamics portal that fills them with JavaScript, so a profile that yields
nothing is normal and never fails a record: the import stands on the CSV and search pages alone.
The parsers and the matching, pure functions of the response text, are in scrapers/cpo_pages.py;
where the live register differs from the shapes we rely on, they raise LayoutChanged and the run
fails without touching data.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass

from bs4 import BeautifulSoup

from scrapers.adapter import Check, Crawl
from scrapers.cpo_pages import (
    SearchRow,
    classify_status,
    csv_header,
    csv_url,
    lists_roster,
    match_rows,
    parse_additional_locations,
    parse_count,
    parse_csv,
    parse_profile,
    parse_search_page,
    primary_location,
    profile_problems,
    profile_url,
    roster_counts,
    row_key,
    search_url,
    split_name,
)
from scrapers.http import FetchError
from scrapers.kinds import Wording
from scrapers.records import Authorization, Evidence, LayoutChanged, Registration
from scrapers.sources import Source
from scrapers.text import squash

log = logging.getLogger(__name__)

DEFAULT_OPTIONS = {
    # Profiles live on a second host (the Dynamics portal), not on base_url.
    "profile_base_url": "https://portal.collegept.org",
    # One request per person (about 19,300 on the live register): at 3 s spacing, about 16 hours.
    # They only add the masked registration number, and the portal may serve them empty.
    "profiles": True,
    # After this many profiles in a row yield nothing (JavaScript-only, or failed), stop asking.
    "profile_patience": 20,
    # The page size to expect when nothing was listed yet (the pages state their own).
    "page_size": 10,
    # The roster the `acu=True` export filters to, in the regulator's words; must be in `wording`.
    "roster_wording": "Acupuncture (including dry needling)",
}


@dataclass(frozen=True)
class Listed:
    """One registrant as listed: the CSV row, its search row, and what the listing proved."""

    row: dict[str, str]
    search: SearchRow
    authorization: Authorization | None  # the roster's, when the roster export lists the row
    evidence: dict[str, Evidence]
    # When the CSV row cannot be told apart (rule 4): how many CSV rows it may be, and how many of
    # those the roster lists; `row` then holds only what they all say.
    ambiguous: int = 0
    rostered: int = 0


def roster_authorization(source: Source) -> Authorization:
    """The roster's authorization in the source's own wording map; a gap there is a config error."""
    wording = source.options["roster_wording"]
    entry = Wording(source.wording, source.mechanism).entry(wording)
    if entry is None:
        raise LayoutChanged(f"the roster wording {wording!r} is not in the source's wording map")
    printed, kind = entry
    return Authorization(wording=printed, kind=kind, mechanism=source.mechanism or "")


class Cpo:
    """The CPO register on the adapter contract (scrapers/adapter.py)."""

    def listings(self, crawl: Crawl) -> list[Listed]:
        """Every search page, then the full and the roster export; CSV rows matched to search rows.

        The CSVs come last so the time between them and the search pages is short."""
        source = crawl.source
        authorization = roster_authorization(source)
        search_rows, search_evidence = self._search_rows(crawl)
        everyone = crawl.client.get(csv_url(source.base_url or "", acu=False))
        rows = parse_csv(everyone.text())
        roster = crawl.client.get(csv_url(source.base_url or "", acu=True))
        roster_rows = parse_csv(roster.text())
        crawl.notes["roster"] = len(roster_rows)
        crawl.progress(f"{source.key}: {len(rows)} in the export, {len(roster_rows)} on the roster")
        if len(rows) >= 10 and len(roster_rows) == len(rows):
            raise LayoutChanged("the roster export lists everyone: the acu filter is being ignored")

        rostered, problems = roster_counts(rows, roster_rows)
        for problem in problems:
            crawl.error(roster.url, problem)

        pairs, ambiguous, failed, stray = match_rows(rows, search_rows)
        for row, why in failed:
            crawl.error(everyone.url, f"CSV row {row['NAME']!r} {why}")
        for srow in stray:
            crawl.error(
                search_evidence[srow.guid].url,
                f"search row {srow.name!r} ({srow.guid}) has no row in the CSV export",
            )
        evidence = {"listing": everyone.evidence(), "roster": roster.evidence()}
        listed_rows = [
            Listed(
                row,
                srow,
                authorization if rostered.get(row_key(row), 0) else None,
                {**evidence, "search": search_evidence[srow.guid]},
            )
            for row, srow in pairs
        ]
        for item in ambiguous:
            on_roster = sum(bool(rostered.get(row_key(r), 0)) for r in item.rows)
            known = item.known
            listed_rows.append(
                Listed(
                    known,
                    item.search,
                    authorization if on_roster == len(item.rows) else None,
                    {**evidence, "search": search_evidence[item.search.guid]},
                    ambiguous=len(item.rows),
                    rostered=on_roster,
                )
            )
            crawl.warn(self.where(crawl, listed_rows[-1]), item.warning(on_roster))
        crawl.notes["ambiguous"] = len(ambiguous)
        return listed_rows

    def _search_rows(self, crawl: Crawl) -> tuple[list[SearchRow], dict[str, Evidence]]:
        """Every row of every search page, and the evidence of the page each came from."""
        base = crawl.source.base_url or ""
        first = crawl.client.get(search_url(base, 1))
        page = parse_search_page(first.text())
        total = page.total
        # The first page states its own size ("1 - 10 of ..."), and so how many pages there are.
        size = page.count.last - page.count.first + 1 if total else 1
        if total and (page.count.first != 1 or size < 1):
            raise LayoutChanged(f"the first search page states {page.count.text!r}")
        crawl.notes["page_size"] = size
        crawl.notes["count"] = page.count.text
        last = max(1, math.ceil(total / size))
        rows: dict[str, SearchRow] = {}
        evidence: dict[str, Evidence] = {}
        drift = False
        for number in range(1, last + 1):
            fetched = first
            if number > 1:
                fetched = crawl.client.get(search_url(base, number))
                page = parse_search_page(fetched.text())
            drift = drift or page.total != total
            want = size if number < last else total - size * (last - 1)
            if not drift and len(page.rows) != want:
                raise LayoutChanged(
                    f"search page {number} has {len(page.rows)} rows where {want} were expected "
                    f"({page.count.text!r})"
                )
            for row in page.rows:
                rows.setdefault(row.guid, row)
                evidence.setdefault(row.guid, fetched.evidence())
            crawl.progress(f"{crawl.source.key}: search page {number}/{last}, {len(rows)} people")
        if drift or len(rows) != total:
            # Rows shift between pages when the register changes while we page: some people are
            # then listed twice and others not at all. The run fails; the next one will do.
            crawl.error(
                search_url(base, 1),
                f"the search pages listed {len(rows)} different people where the first page "
                f"reported {total} results and the last {page.total}: the register changed "
                "while it was being paged",
            )
        return list(rows.values()), evidence

    def read(self, crawl: Crawl, item: Listed) -> Registration:
        """The record from the listing; the profile, when read and not empty, adds its number."""
        source = crawl.source
        row = item.row
        name = squash(row["NAME"])
        family, given = split_name(name)
        locations = [loc for loc in [primary_location(row)] if loc]
        locations += parse_additional_locations(row["ADDITIONAL PRACTICE LOCATIONS"])
        evidence = dict(item.evidence)
        number = item.search.number
        details = self._profile(crawl, item, evidence)
        if details:
            number = details.get("Registration Number") or number
        authorization = item.authorization
        if 0 < item.rostered < item.ambiguous and "Authorized Activities" in details:
            # Some of its look-alikes are on the roster: its own profile says whether it is.
            printed = details["Authorized Activities"]
            if lists_roster(printed, source.options["roster_wording"]):
                authorization = roster_authorization(source)
        return Registration(
            regulator=source.key,
            registrant_id=item.search.guid,
            registration_number=number,
            name=name,
            family_name=family,
            given_names=given,
            category=None,
            status=row["REGISTRATION STATUS"] or None,
            status_class=classify_status(row["REGISTRATION STATUS"]),
            conditions=[],
            profile_url=self.where(crawl, item),
            authorizations=[authorization] if authorization else [],
            locations=locations,
            evidence=evidence,
        )

    def _profile(self, crawl: Crawl, item: Listed, evidence: dict[str, Evidence]) -> dict:
        """A profile's details, or {}: never an error (see the module docstring).

        Counts what profiles gave in `crawl.notes["profiles"]`, and stops asking once
        `profile_patience` profiles in a row gave nothing."""
        options = crawl.source.options
        tally = crawl.notes.setdefault(
            "profiles", {"with data": 0, "empty": 0, "failed": 0, "not asked": 0, "in a row": 0}
        )
        if not options["profiles"] or tally["in a row"] >= options["profile_patience"]:
            tally["not asked"] += 1
            return {}
        url = self.where(crawl, item)
        try:
            fetched = crawl.client.get(url)
            details = parse_profile(fetched.text())
        except FetchError as e:
            log.warning("%s: profile %s not read: %s", crawl.source.key, url, e)
            tally["failed"] += 1
            details = {}
        else:
            tally["with data" if details else "empty"] += 1
        if not details:
            tally["in a row"] += 1
            if tally["in a row"] == options["profile_patience"]:
                crawl.progress(
                    f"{crawl.source.key}: {tally['in a row']} profiles in a row held no data "
                    "(the portal fills them with JavaScript, or failed): reading no more"
                )
            return {}
        tally["in a row"] = 0
        evidence["detail"] = fetched.evidence()
        if not item.ambiguous:  # an ambiguous row's roster is the profile's to say
            self._cross_check(crawl, item, details, url)
        return details

    def _cross_check(self, crawl: Crawl, item: Listed, details: dict, url: str) -> None:
        """Note (never fail on) a profile whose authorized activities disagree with the roster."""
        printed = details.get("Authorized Activities")
        if printed is None:
            return
        source = crawl.source
        wording = Wording(source.wording, source.mechanism)
        roster = source.options["roster_wording"]
        for problem in profile_problems(printed, wording, roster, bool(item.authorization)):
            log.warning("%s: %s: %s", crawl.source.key, url, problem)
            crawl.notes.setdefault("profile disagreements", []).append(
                {"url": url, "problem": problem}
            )

    def where(self, crawl: Crawl, item: Listed) -> str:
        return profile_url(crawl.source.options["profile_base_url"], item.search.guid)

    def floor(self, crawl: Crawl, listed: int) -> int:
        """Two exports and every search page; profiles are optional, so not counted."""
        size = crawl.notes.get("page_size") or crawl.source.options["page_size"]
        return 2 + max(1, math.ceil(listed / size))

    def preflight(self, crawl: Crawl) -> Iterator[Check]:
        """Four requests: the full export, the roster export, the first search page, a profile."""
        base = crawl.source.base_url or ""
        everyone = crawl.client.get(csv_url(base, acu=False))
        header = csv_header(everyone.text())
        rows: list[dict[str, str]] = []
        try:
            rows = parse_csv(everyone.text())
            yield Check("the CSV export has the expected header", True, ", ".join(header))
        except LayoutChanged as e:
            yield Check(
                "the CSV export has the expected header", False, f"{', '.join(header)} ({e})"
            )

        roster_rows: list[dict[str, str]] = []
        roster = crawl.client.get(csv_url(base, acu=True))
        try:
            roster_rows = parse_csv(roster.text())
        except LayoutChanged as e:
            yield Check("the acupuncture filter (acu=True) returns a subset", False, str(e))
        else:
            inside = {row_key(r) for r in rows}
            outside = sum(row_key(r) not in inside for r in roster_rows)
            yield Check(
                "the acupuncture filter (acu=True) returns a subset",
                bool(rows) and 0 < len(roster_rows) < len(rows) and not outside,
                f"{len(roster_rows):,} of {len(rows):,} rows"
                + (f"; {outside} of them not in the full export" if outside else ""),
            )

        first = crawl.client.get(search_url(base, 1))
        soup = BeautifulSoup(first.text(), "html.parser")
        try:
            count = parse_count(soup)
        except LayoutChanged as e:
            yield Check("the search states its count", False, str(e))
            return
        yield Check("the search states its count", True, count.text)
        yield Check(
            "the search count equals the CSV export's rows",
            count.total == len(rows),
            f"search {count.total:,}, CSV export {len(rows):,}",
        )
        try:
            page = parse_search_page(first.text())
        except LayoutChanged as e:
            yield Check("search rows link profiles by GUID", False, str(e))
            return
        yield Check(
            "search rows link profiles by GUID",
            bool(page.rows),
            f"{len(page.rows)} rows with profile GUIDs"
            + (
                "; a registration number column is shown"
                if any(r.number for r in page.rows)
                else ""
            ),
        )
        if not page.rows:
            return
        url = profile_url(crawl.source.options["profile_base_url"], page.rows[0].guid)
        name = "a profile can be fetched (its data is optional)"
        try:
            details = parse_profile(crawl.client.get(url).text())
        except FetchError as e:
            yield Check(name, False, f"{url}: {e}")
            return
        if details:
            number = details.get("Registration Number")
            labels = ", ".join(k for k in details if k != "Registration Number")
            seen = f"has data: Registration Number {number!r}; also {labels}"
        else:
            seen = "JavaScript-only: no data in the page as fetched (the import does not need it)"
        yield Check(name, True, seen)


ADAPTER = Cpo()
