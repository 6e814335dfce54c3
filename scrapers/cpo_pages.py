"""The CPO register's pages and exports read: the parsers of scrapers/cpo.py, pure functions of
response text, and the matching of CSV rows to search rows (docs/platforms/cpo.md, "Matching").

Where the live register differs from the shapes we rely on, they raise LayoutChanged and the run
fails without touching data.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from bs4 import BeautifulSoup

from scrapers.addresses import POSTAL, STREET, postal_code, postal_province
from scrapers.kinds import Wording
from scrapers.places import fold
from scrapers.records import LayoutChanged, Location
from scrapers.standing import CPO
from scrapers.text import family_given, squash

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

    def warning(self, on_roster: int) -> str:
        """What an operator is told about it, `on_roster` of its `rows` being on the roster."""
        known = self.known
        differ = [c.lower() for c in CSV_COLUMNS if not known[c] and any(r[c] for r in self.rows)]
        return (
            f"{self.search.name!r} ({self.search.guid}) is one of {len(self.rows)} CSV rows "
            "with the same name, clinic, postal code, status and city that differ in "
            f"{', '.join(differ) or 'nothing shown'}; imported with only what they share"
            + (
                f" ({on_roster} of them on the roster: no authorization shown unless the "
                "profile states one)"
                if 0 < on_roster < len(self.rows)
                else ""
            )
        )

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


def roster_counts(
    rows: list[dict[str, str]], roster_rows: list[dict[str, str]]
) -> tuple[dict[tuple, int], list[str]]:
    """How often each roster row (by `row_key`) is on the roster, and the roster rows the full
    export does not list as often: absent from it, or ambiguous among twins."""
    listed: dict[tuple, int] = defaultdict(int)
    for row in rows:
        listed[row_key(row)] += 1
    rostered: dict[tuple, int] = defaultdict(int)
    for row in roster_rows:
        rostered[row_key(row)] += 1
    problems = [
        f"roster row {key[0]!r} ({key[1]}) appears {count} time(s) on the roster "
        f"and {listed.get(key, 0)} time(s) in the full export"
        for key, count in rostered.items()
        if count != listed.get(key, 0)
    ]
    return rostered, problems


def lists_roster(printed: str, roster_wording: str) -> bool:
    """Whether a profile's "Authorized Activities" (one a line) include the roster's wording."""
    wording = fold(roster_wording)
    return any(fold(a) == wording for a in printed.split("\n") if a)


def profile_problems(
    printed: str, wording: Wording, roster_wording: str, on_roster: bool
) -> list[str]:
    """Where a profile's "Authorized Activities" disagree with the wording map or the roster."""
    says = lists_roster(printed, roster_wording)
    unknown = [a for a in printed.split("\n") if a and wording.unmapped(a)]
    problems = []
    if unknown:
        problems.append(f"needling wording not in the wording map: {'; '.join(unknown)}")
    if says != on_roster:
        problems.append(
            f"the profile {'lists' if says else 'does not list'} {roster_wording!r} but the "
            f"roster export {'does not' if says else 'does'}"
        )
    return problems
