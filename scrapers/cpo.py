"""College of Physiotherapists of Ontario (CPO): CSV export + paged search, profiles optional.

The CSV export lists everyone (and, with `acu=True`, the acupuncture roster) but carries no id; the
server-rendered search pages carry each person's profile GUID (the stable id) but only a few
columns. The adapter fetches both, matches CSV rows to search rows by name + clinic + postal code
(the rule is in docs/platforms/cpo.md), and may read each profile for the masked registration
number. Profiles live on a Dynamics portal that fills them with JavaScript, so a profile that yields
nothing is normal and never fails a record: the import stands on the CSV and search pages alone.
Parsers are pure functions of the response text; where the live register differs from the shapes
we rely on, they raise LayoutChanged and the run fails without touching data.
"""

from __future__ import annotations

import csv
import io
import logging
import math
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from bs4 import BeautifulSoup

from scrapers.adapter import Check, Crawl
from scrapers.addresses import POSTAL, STREET, postal_code, postal_province
from scrapers.http import FetchError
from scrapers.kinds import Wording
from scrapers.places import fold
from scrapers.records import Authorization, Evidence, LayoutChanged, Location, Registration
from scrapers.sources import Source
from scrapers.standing import CPO
from scrapers.text import family_given, squash

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

SEARCH_PATH = "/PublicRegister/ContactSearch"
CSV_PATH = "/PublicRegister/ContactSearchCsv"
PROFILE_PATH = "/en-US/public-register/display-member-contact/"
# The whole filter set the register's own export and search links carry, in their order [code];
# the first six are the rostered controlled acts. The register is sent all of them, every time.
FILTERS = (
    "asi", "sm", "pfi", "acu", "wc", "ts", "dftph", "bccf", "ctn", "pcl", "ppc", "anp", "wwa",
    "ohip", "st",
)  # fmt: skip

CSV_COLUMNS = (
    "NAME",
    "REGISTRATION STATUS",
    "CLINIC NAME",
    "ADDRESS",
    "POSTAL CODE",
    "CITY",
    "PHONE",
    "ADDITIONAL PRACTICE LOCATIONS",
)
SEARCH_COLUMNS = ("Name", "Registration Status", "Clinic Name", "City", "Postal Code")
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_NUMBER_HEADER = re.compile(r"^registration\s*(number|no\.?|#)$", re.I)
# "1 - 10 of 19,305 Physiotherapists" [live 2026-05-31], in whatever element holds it.
_COUNT = re.compile(r"(\d[\d,]*)\s*[-–]\s*(\d[\d,]*)\s+of\s+(\d[\d,]*)\s+Physiotherapists?\b", re.I)


# ---------------------------------------------------------------- pure parsers


def query(page: int, *, acu: bool = False) -> str:
    """The query string of a search page or export: the whole filter set, all off but `acu`."""
    params = {"o": "fullName", "p": str(page)}
    params |= {f: "True" if f == "acu" and acu else "False" for f in FILTERS}
    params["docs"] = "0"
    return urlencode(params)


def csv_url(base_url: str, *, acu: bool) -> str:
    """The export URL with every roster filter off except, optionally, acupuncture."""
    return f"{base_url}{CSV_PATH}?{query(1, acu=acu)}"


def search_url(base_url: str, page: int) -> str:
    return f"{base_url}{SEARCH_PATH}?{query(page)}"


def profile_url(profile_base_url: str, guid: str) -> str:
    return f"{profile_base_url.rstrip('/')}{PROFILE_PATH}?id={guid}"


def csv_header(text: str) -> list[str]:
    """The export's header row as printed (BOM already stripped); [] for an empty body."""
    return next(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")), [])


def parse_csv(text: str) -> list[dict[str, str]]:
    """The rows of a CSV export (BOM already stripped), keyed by the column names we use."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = [squash(h).upper() for h in next(reader)]
    except StopIteration:
        raise LayoutChanged("the CSV export is empty: not even a header row") from None
    if header and header[0].startswith("<"):
        raise LayoutChanged("the CSV export answered with HTML, not CSV")
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise LayoutChanged(
            f"the CSV export lacks column(s) {', '.join(missing)}; it has {', '.join(header)}"
        )
    where = {c: header.index(c) for c in CSV_COLUMNS}
    rows = []
    for number, cells in enumerate(reader, 2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise LayoutChanged(
                f"CSV line {number} has {len(cells)} cells where the header has {len(header)}"
            )
        rows.append({c: cells[i].strip() for c, i in where.items()})
    return rows


@dataclass(frozen=True)
class SearchRow:
    """One row of a search page: the profile GUID and the columns a CSV row is matched on."""

    guid: str
    name: str
    status: str
    clinic: str
    city: str
    postal_code: str
    number: str | None = None  # a "Registration Number" column, masked as printed, if shown


@dataclass(frozen=True)
class Count:
    """The count a search page states, e.g. "1 - 10 of 19,305 Physiotherapists"."""

    first: int
    last: int
    total: int
    text: str  # verbatim


@dataclass(frozen=True)
class SearchPage:
    rows: list[SearchRow]
    count: Count

    @property
    def total(self) -> int:
        return self.count.total


def _int(text: str) -> int:
    return int(text.replace(",", ""))


def parse_count(soup: BeautifulSoup) -> Count:
    """The page's "F - L of N Physiotherapists", wherever it sits and however it is marked up."""
    m = _COUNT.search(squash(soup.get_text(" ")))
    if m is None:
        raise LayoutChanged(
            "the search page states no count like '1 - 10 of 19,305 Physiotherapists'"
        )
    return Count(_int(m[1]), _int(m[2]), _int(m[3]), m[0])


def _results_table(soup: BeautifulSoup):
    """The table whose header holds every search column, with those headers."""
    seen = []
    for table in soup.find_all("table"):
        headers = [squash(th.get_text()) for th in table.find_all("th")]
        if all(c in headers for c in SEARCH_COLUMNS):
            return table, headers
        seen.append(" | ".join(headers) or "(no headers)")
    raise LayoutChanged(
        f"no search table has the columns {', '.join(SEARCH_COLUMNS)}; "
        f"tables seen: {'; '.join(seen) or 'none'}"
    )


def parse_search_page(page: str) -> SearchPage:
    """The rows and the stated count of one search page."""
    soup = BeautifulSoup(page, "html.parser")
    count = parse_count(soup)
    if count.total == 0:
        return SearchPage(rows=[], count=count)
    table, headers = _results_table(soup)
    col = {c: headers.index(c) for c in SEARCH_COLUMNS}
    number_at = next((i for i, h in enumerate(headers) if _NUMBER_HEADER.match(h)), None)
    rows = []
    for tr in table.find_all("tr"):
        cells = tr.find_all("td")
        if not cells:
            continue
        if len(cells) != len(headers):
            raise LayoutChanged(f"a search row has {len(cells)} cells for {len(headers)} columns")
        link = cells[col["Name"]].find("a", href=True)
        if link is None:
            raise LayoutChanged("a search row's name has no profile link")
        ids = parse_qs(urlsplit(link["href"]).query).get("id", [])
        if len(ids) != 1 or not _GUID.match(ids[0]):
            raise LayoutChanged(f"a profile link has no GUID id: {link['href']!r}")
        rows.append(
            SearchRow(
                guid=ids[0].lower(),
                name=squash(link.get_text()),
                status=squash(cells[col["Registration Status"]].get_text()),
                clinic=squash(cells[col["Clinic Name"]].get_text()),
                city=squash(cells[col["City"]].get_text()),
                postal_code=squash(cells[col["Postal Code"]].get_text()),
                number=squash(cells[number_at].get_text()) or None
                if number_at is not None
                else None,
            )
        )
    return SearchPage(rows=rows, count=count)


def parse_profile(page: str) -> dict[str, str]:
    """Label -> value of a profile's details; {} when the page holds none.

    The portal fills profiles with JavaScript [live 2026-05-13], so a plain GET may bring only the
    shell: that is an empty profile, not a layout change. Details are read from any table row with
    a header cell and a data cell, and from any definition list.
    """
    soup = BeautifulSoup(page, "html.parser")
    details: dict[str, str] = {}
    for tr in soup.find_all("tr"):
        th, td = tr.find("th"), tr.find("td")
        if th is None or td is None:
            continue
        items = [squash(li.get_text()) for li in td.find_all("li")]
        details[squash(th.get_text())] = "\n".join(items) if items else squash(td.get_text())
    for dt in soup.find_all("dt"):
        dd = dt.find_next_sibling("dd")
        if dd is not None:
            details.setdefault(squash(dt.get_text()), squash(dd.get_text()))
    return {label: value for label, value in details.items() if label}


def split_name(name: str) -> tuple[str | None, str | None]:
    """ "Côté, Anne-Marie" -> ("Côté", "Anne-Marie"); a name without a comma is not split."""
    return family_given(name) if "," in name else (None, None)


_CITY_PROVINCE_POSTAL = re.compile(
    rf"^(?P<city>.+?),\s*(?P<province>[A-Z]{{2}})\s+(?P<postal>{POSTAL})$", re.I
)


def parse_additional_locations(cell: str) -> list[Location]:
    """ "Org, 12 Main St, Kingston, ON K7L 1A1 | ..." -> Locations [guess at the format].

    Each location: an optional organization (the parts before the first street-like part), the
    street, then "City, PR A1A 1A1". A location that does not read this way is a layout change.
    """
    locations = []
    for chunk in (c.strip() for c in cell.split("|")):
        if not chunk:
            continue
        parts = [p.strip() for p in chunk.split(",")]
        tail = ", ".join(parts[-2:]) if len(parts) >= 2 else ""
        m = _CITY_PROVINCE_POSTAL.match(tail)
        street_at = next((i for i, p in enumerate(parts[:-2]) if STREET.match(p)), None)
        if m is None or street_at is None:
            raise LayoutChanged(f"an additional practice location does not parse: {chunk!r}")
        organization = ", ".join(parts[:street_at]) or None
        locations.append(
            Location(
                organization=organization,
                address=", ".join(parts[street_at:-2]) or None,
                city=m["city"].strip(),
                province=m["province"].upper(),
                postal_code=postal_code(m["postal"]),
                phone=None,
            )
        )
    return locations


def primary_location(row: dict[str, str]) -> Location | None:
    """The CSV row's own practice location; None when the register lists none."""
    postal = postal_code(row["POSTAL CODE"])
    fields: dict[str, Any] = {
        "organization": row["CLINIC NAME"] or None,
        "address": squash(row["ADDRESS"]) or None,
        "city": row["CITY"] or None,
        "postal_code": postal,
        "phone": row["PHONE"] or None,
    }
    if not any(fields.values()):
        return None
    return Location(province=postal_province(postal), **fields)


# "Independent Practice", "Suspended", "Resigned", ... -> our status classes.
classify_status = CPO.classify


def match_key(name: str, clinic: str, postal: str | None) -> tuple[str, str, str]:
    """What a CSV row and a search row are matched on: folded name, clinic, postal code."""
    return fold(name), fold(clinic), (postal_code(postal) or "").replace(" ", "")


@dataclass(frozen=True)
class Ambiguous:
    """A search row whose CSV row cannot be told apart from others (docs/platforms/cpo.md,
    "Matching", rule 4): it is one of `rows`, which share its name, clinic, postal code, status
    and city but differ in other columns. It is imported as its own registrant, with only what
    every one of `rows` says."""

    search: SearchRow
    rows: tuple[dict[str, str], ...]

    @property
    def known(self) -> dict[str, str]:
        """Each CSV column where all of `rows` agree; blank where they differ."""
        return {
            c: self.rows[0][c]
            if all(squash(r[c]) == squash(self.rows[0][c]) for r in self.rows)
            else ""
            for c in CSV_COLUMNS
        }


def _visible(status: str, city: str) -> tuple[str, str]:
    """What a search row shows beyond the match key: status and city, folded."""
    return fold(status), fold(city)


def match_rows(
    csv_rows: list[dict[str, str]], search_rows: list[SearchRow]
) -> tuple[
    list[tuple[dict[str, str], SearchRow]],
    list[Ambiguous],
    list[tuple[dict[str, str], str]],
    list[SearchRow],
]:
    """Pair CSV rows with search rows (see docs/platforms/cpo.md, "Matching").

    Returns (pairs, ambiguous search rows, CSV rows that could not be matched with the reason,
    unmatched search rows).
    1. name + clinic + postal code, when that key picks one CSV row and one search row;
    2. else within that key, also the status, when that picks one of each;
    3. else, when the key's CSV rows are identical in every column and there are as many search
       rows, they are paired in order: nothing published tells them apart, so no pairing says
       anything the register does not; so too within one status and city (step 4);
    4. else, when the key's remaining CSV rows and search rows come in equal numbers for each
       status and city, rows that still differ make every such search row its own registrant,
       `Ambiguous` among the CSV rows it could be: nobody is dropped and no two people merged.
    """
    by_key_csv: dict[tuple, list[dict[str, str]]] = defaultdict(list)
    by_key_search: dict[tuple, list[SearchRow]] = defaultdict(list)
    for row in csv_rows:
        by_key_csv[match_key(row["NAME"], row["CLINIC NAME"], row["POSTAL CODE"])].append(row)
    for srow in search_rows:
        by_key_search[match_key(srow.name, srow.clinic, srow.postal_code)].append(srow)
    pairs: list[tuple[dict[str, str], SearchRow]] = []
    ambiguous: list[Ambiguous] = []
    failed: list[tuple[dict[str, str], str]] = []
    failed_keys = set()
    for key, rows in by_key_csv.items():
        found = by_key_search.get(key, [])
        if not found:
            failed.extend((r, "matches no search row (name + clinic + postal code)") for r in rows)
            failed_keys.add(key)
            continue
        if len(rows) == 1 and len(found) == 1:
            pairs.append((rows[0], found[0]))
            continue
        leftover, rest = [], list(found)
        for row in rows:
            status = fold(row["REGISTRATION STATUS"])
            same = [s for s in found if fold(s.status) == status]
            twins = [r for r in rows if fold(r["REGISTRATION STATUS"]) == status]
            if len(same) == 1 and len(twins) == 1:
                pairs.append((row, same[0]))
                rest.remove(same[0])
            else:
                leftover.append(row)
        if not leftover:
            continue
        identical = all(r == leftover[0] for r in leftover[1:])
        if identical and len(leftover) == len(rest):
            pairs.extend(zip(leftover, rest, strict=True))
            continue
        alike: dict[tuple, list[dict[str, str]]] = defaultdict(list)
        for row in leftover:
            alike[_visible(row["REGISTRATION STATUS"], row["CITY"])].append(row)
        seen: dict[tuple, list[SearchRow]] = defaultdict(list)
        for srow in rest:
            seen[_visible(srow.status, srow.city)].append(srow)
        if {k: len(v) for k, v in alike.items()} == {k: len(v) for k, v in seen.items()}:
            for k, group in seen.items():
                if all(r == alike[k][0] for r in alike[k][1:]):  # rule 3 within status and city
                    pairs.extend(zip(alike[k], group, strict=True))
                else:
                    ambiguous.extend(Ambiguous(srow, tuple(alike[k])) for srow in group)
        else:
            failed_keys.add(key)
            failed.extend(
                (r, f"matches {len(found)} search rows on name + clinic + postal code")
                for r in leftover
            )
    paired = {s.guid for _, s in pairs} | {a.search.guid for a in ambiguous}
    stray = [
        s
        for s in search_rows
        if s.guid not in paired and match_key(s.name, s.clinic, s.postal_code) not in failed_keys
    ]
    return pairs, ambiguous, failed, stray


def row_key(row: dict[str, str]) -> tuple[str, ...]:
    """A CSV row by every column: how a roster row is found among everyone's rows."""
    return tuple(squash(row[c]) for c in CSV_COLUMNS)


# ---------------------------------------------------------------- the adapter


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

        listed: dict[tuple, int] = defaultdict(int)
        for row in rows:
            listed[row_key(row)] += 1
        rostered: dict[tuple, int] = defaultdict(int)
        for row in roster_rows:
            rostered[row_key(row)] += 1
        for key, count in rostered.items():
            if count != listed.get(key, 0):  # absent from the export, or ambiguous among twins
                crawl.error(
                    roster.url,
                    f"roster row {key[0]!r} ({key[1]}) appears {count} time(s) on the roster "
                    f"and {listed.get(key, 0)} time(s) in the full export",
                )

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
            differ = [
                c.lower() for c in CSV_COLUMNS if not known[c] and any(r[c] for r in item.rows)
            ]
            crawl.warn(
                self.where(crawl, listed_rows[-1]),
                f"{item.search.name!r} ({item.search.guid}) is one of {len(item.rows)} CSV rows "
                "with the same name, clinic, postal code, status and city that differ in "
                f"{', '.join(differ) or 'nothing shown'}; imported with only what they share"
                + (
                    f" ({on_roster} of them on the roster: no authorization shown unless the "
                    "profile states one)"
                    if 0 < on_roster < len(item.rows)
                    else ""
                ),
            )
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
            if _lists_roster(crawl, details["Authorized Activities"]):
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
        wording = crawl.source.options["roster_wording"]
        listed = [a for a in printed.split("\n") if a]
        says = _lists_roster(crawl, printed)
        known = Wording(crawl.source.wording, crawl.source.mechanism)
        unknown = [a for a in listed if known.unmapped(a)]
        problems = []
        if unknown:
            problems.append(f"needling wording not in the wording map: {'; '.join(unknown)}")
        if says != bool(item.authorization):
            problems.append(
                f"the profile {'lists' if says else 'does not list'} {wording!r} but the roster "
                f"export {'does not' if says else 'does'}"
            )
        for problem in problems:
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


def _lists_roster(crawl: Crawl, printed: str) -> bool:
    """Whether a profile's "Authorized Activities" (one a line) include the roster's wording."""
    wording = fold(crawl.source.options["roster_wording"])
    return any(fold(a) == wording for a in printed.split("\n") if a)


ADAPTER = Cpo()
