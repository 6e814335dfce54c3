"""College of Physiotherapists of Ontario (CPO): CSV export + paged search + profile pages.

The CSV export lists everyone (and, with `acu=True`, the acupuncture roster) but carries no id; the
server-rendered search pages carry each person's profile GUID (the stable id) but only a few
columns. The adapter fetches both, matches CSV rows to search rows by name + clinic + postal code
(the rule is in docs/platforms/cpo.md), and optionally reads each profile for the masked
registration number. Parsers are pure functions of the response text; where the live register
differs from the shapes we know, they raise LayoutChanged and the run fails without touching data.
"""

from __future__ import annotations

import csv
import io
import logging
import math
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit

from bs4 import BeautifulSoup

from scrapers.http import FetchError, PoliteClient
from scrapers.kinds import KINDS
from scrapers.places import fold
from scrapers.records import Authorization, Evidence, LayoutChanged, Location, Registration
from scrapers.sources import Source

log = logging.getLogger(__name__)

DEFAULT_OPTIONS = {
    # Profiles live on a second host (the Dynamics portal), not on base_url.
    "profile_base_url": "https://portal.collegept.org",
    # One request per person (about 19,300 on the live register): at 3 s spacing, about 16 hours.
    "profiles": True,
    "page_size": 10,
    # The roster the `acu=True` export filters to, in the regulator's words; must be in `wording`.
    "roster_wording": "Acupuncture (including dry needling)",
}

SEARCH_PATH = "/PublicRegister/ContactSearch"
CSV_PATH = "/PublicRegister/ContactSearchCsv"
PROFILE_PATH = "/en-US/public-register/display-member-contact/"
CSV_FLAGS = ("asi", "sm", "pfi", "acu", "wc", "ts")  # the roster filters of the export

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
NEEDLING_HINT = re.compile(r"needl|acupunct|\bIMS\b|intramuscular", re.I)
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_POSTAL = re.compile(r"^([A-Z]\d[A-Z])\s?(\d[A-Z]\d)$")
# First letter of a postal code -> province (Canada Post's forward sortation areas).
_POSTAL_PROVINCE = {
    "A": "NL",
    "B": "NS",
    "C": "PE",
    "E": "NB",
    "G": "QC",
    "H": "QC",
    "J": "QC",
    "K": "ON",
    "L": "ON",
    "M": "ON",
    "N": "ON",
    "P": "ON",
    "R": "MB",
    "S": "SK",
    "T": "AB",
    "V": "BC",
    "X": "NT",
    "Y": "YT",
}


# ---------------------------------------------------------------- pure parsers


def csv_url(base_url: str, *, acu: bool) -> str:
    """The export URL with every roster flag off except, optionally, acupuncture."""
    query = {"o": "fullName", "p": "1"}
    query.update({flag: "True" if flag == "acu" and acu else "False" for flag in CSV_FLAGS})
    return f"{base_url}{CSV_PATH}?{urlencode(query)}"


def search_url(base_url: str, page: int) -> str:
    return f"{base_url}{SEARCH_PATH}?p={page}"


def profile_url(profile_base_url: str, guid: str) -> str:
    return f"{profile_base_url.rstrip('/')}{PROFILE_PATH}?id={guid}"


def _clean(value: str | None) -> str:
    return " ".join((value or "").split())


def normalize_postal(value: str | None) -> str | None:
    """ "m5v2t6" -> "M5V 2T6"; anything that is not a Canadian postal code is kept as printed."""
    text = _clean(value).upper()
    if not text:
        return None
    m = _POSTAL.match(text)
    return f"{m[1]} {m[2]}" if m else text


def parse_csv(text: str) -> list[dict[str, str]]:
    """The rows of a CSV export (BOM already stripped), keyed by the column names we use."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = [_clean(h).upper() for h in next(reader)]
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


@dataclass(frozen=True)
class SearchPage:
    rows: list[SearchRow]
    last_page: int
    total: int


_TOTAL = re.compile(r"([\d,]+)\s+results?", re.I)


def parse_search_page(page: str) -> SearchPage:
    """Rows, the last page number from the pager, and the result count of a search page."""
    soup = BeautifulSoup(page, "html.parser")
    table = soup.find("table", id="contact-search-results")
    if table is None:
        raise LayoutChanged("the search page has no table#contact-search-results")
    headers = [_clean(th.get_text()) for th in table.select("thead th")]
    missing = [c for c in SEARCH_COLUMNS if c not in headers]
    if missing:
        raise LayoutChanged(
            f"the search table lacks column(s) {', '.join(missing)}; it has {', '.join(headers)}"
        )
    col = {c: headers.index(c) for c in SEARCH_COLUMNS}
    rows = []
    for tr in table.select("tbody tr"):
        cells = tr.find_all("td")
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
                name=_clean(link.get_text()),
                status=_clean(cells[col["Registration Status"]].get_text()),
                clinic=_clean(cells[col["Clinic Name"]].get_text()),
                city=_clean(cells[col["City"]].get_text()),
                postal_code=_clean(cells[col["Postal Code"]].get_text()),
            )
        )
    summary = soup.find(class_="search-summary")
    m = _TOTAL.search(summary.get_text()) if summary else None
    if m is None:
        raise LayoutChanged("the search page has no '.search-summary' with 'N results'")
    total = int(m[1].replace(",", ""))
    pages = [1]
    for a in soup.select("ul.pagination a[href]"):
        p = parse_qs(urlsplit(a["href"]).query).get("p", [""])[0]
        if p.isdigit():
            pages.append(int(p))
    for current in soup.select("ul.pagination li.active"):  # the page shown is not a link
        if _clean(current.get_text()).isdigit():
            pages.append(int(_clean(current.get_text())))
    if total and not soup.select("ul.pagination") and total > len(rows):
        raise LayoutChanged(f"{total} results but no ul.pagination pager")
    return SearchPage(rows=rows, last_page=max(pages), total=total)


def parse_profile(page: str) -> dict[str, str]:
    """Label -> value of a profile page's details table; the registration number is required."""
    soup = BeautifulSoup(page, "html.parser")
    table = soup.find("table", class_="member-contact__details")
    if table is None:
        raise LayoutChanged("the profile page has no table.member-contact__details")
    details = {}
    for tr in table.find_all("tr"):
        th, td = tr.find("th"), tr.find("td")
        if th is None or td is None:
            continue
        items = [_clean(li.get_text()) for li in td.find_all("li")]
        details[_clean(th.get_text())] = "\n".join(items) if items else _clean(td.get_text())
    if "Registration Number" not in details:
        raise LayoutChanged("the profile page has no 'Registration Number' row")
    name = soup.find(class_="member-contact__name")
    details["_name"] = _clean(name.get_text()) if name else ""
    return details


def split_name(name: str) -> tuple[str | None, str | None]:
    """ "Côté, Anne-Marie" -> ("Côté", "Anne-Marie"); a name without a comma is not split."""
    family, comma, given = name.partition(",")
    if not comma:
        return None, None
    return family.strip() or None, given.strip() or None


_CITY_PROVINCE_POSTAL = re.compile(
    r"^(?P<city>.+?),\s*(?P<province>[A-Z]{2})\s+(?P<postal>[A-Z]\d[A-Z]\s?\d[A-Z]\d)$", re.I
)
_STREET = re.compile(r"^(\d|p\.?\s?o\.?\s+box|suite|unit|#)", re.I)


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
        street_at = next((i for i, p in enumerate(parts[:-2]) if _STREET.match(p)), None)
        if m is None or street_at is None:
            raise LayoutChanged(f"an additional practice location does not parse: {chunk!r}")
        organization = ", ".join(parts[:street_at]) or None
        locations.append(
            Location(
                organization=organization,
                address=", ".join(parts[street_at:-2]) or None,
                city=m["city"].strip(),
                province=m["province"].upper(),
                postal_code=normalize_postal(m["postal"]),
                phone=None,
            )
        )
    return locations


def primary_location(row: dict[str, str]) -> Location | None:
    """The CSV row's own practice location; None when the register lists none."""
    postal = normalize_postal(row["POSTAL CODE"])
    fields = {
        "organization": row["CLINIC NAME"] or None,
        "address": _clean(row["ADDRESS"]) or None,
        "city": row["CITY"] or None,
        "postal_code": postal,
        "phone": row["PHONE"] or None,
    }
    if not any(fields.values()):
        return None
    province = _POSTAL_PROVINCE.get(postal[0]) if postal and _POSTAL.match(postal) else None
    return Location(province=province, **fields)


def classify_status(status: str | None) -> str:
    """ "Independent Practice", "Suspended", "Resigned", ... -> our status classes."""
    s = fold(status or "")
    if "suspend" in s:
        return "suspended"
    if any(w in s for w in ("resign", "revok", "expired", "deceased", "cancel", "lapsed")):
        return "cancelled"
    if any(w in s for w in ("non-practi", "inactive", "retired")):
        return "non_practising"
    if any(w in s for w in ("practice", "practis", "courtesy", "active")):
        return "practising"
    return "unknown"


def match_key(name: str, clinic: str, postal: str | None) -> tuple[str, str, str]:
    """What a CSV row and a search row are matched on: folded name, clinic, postal code."""
    return fold(name), fold(clinic), (normalize_postal(postal) or "").replace(" ", "")


def match_rows(
    csv_rows: list[dict[str, str]], search_rows: list[SearchRow]
) -> tuple[
    list[tuple[dict[str, str], SearchRow]], list[tuple[dict[str, str], str]], list[SearchRow]
]:
    """Pair CSV rows with search rows (see docs/platforms/cpo.md, "Matching").

    Returns (pairs, CSV rows that could not be matched with the reason, unmatched search rows).
    1. name + clinic + postal code, when that key picks one CSV row and one search row;
    2. else within that key, also the status, when that picks one of each;
    3. else, when the key's CSV rows are identical in every column and there are as many search
       rows, they are paired in order: nothing published tells them apart, so no pairing says
       anything the register does not.
    """
    by_key_csv: dict[tuple, list[dict[str, str]]] = defaultdict(list)
    by_key_search: dict[tuple, list[SearchRow]] = defaultdict(list)
    for row in csv_rows:
        by_key_csv[match_key(row["NAME"], row["CLINIC NAME"], row["POSTAL CODE"])].append(row)
    for srow in search_rows:
        by_key_search[match_key(srow.name, srow.clinic, srow.postal_code)].append(srow)
    pairs: list[tuple[dict[str, str], SearchRow]] = []
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
        else:
            failed_keys.add(key)
            failed.extend(
                (r, f"matches {len(found)} search rows on name + clinic + postal code")
                for r in leftover
            )
    paired = {s.guid for _, s in pairs}
    stray = [
        s
        for s in search_rows
        if s.guid not in paired and match_key(s.name, s.clinic, s.postal_code) not in failed_keys
    ]
    return pairs, failed, stray


def row_key(row: dict[str, str]) -> tuple[str, ...]:
    """A CSV row by every column: how a roster row is found among everyone's rows."""
    return tuple(_clean(row[c]) for c in CSV_COLUMNS)


# ---------------------------------------------------------------- crawling


@dataclass
class Crawl:
    """Crawl state for one source: the client, what was fetched, and record-level errors."""

    source: Source
    client: PoliteClient
    progress: Callable[[str], None] = lambda message: None
    errors: list[dict] = field(default_factory=list)

    def search_rows(self) -> tuple[list[SearchRow], dict[str, Evidence]]:
        """Every row of every search page, and the evidence of the page each came from."""
        base = self.source.base_url
        size = self.source.options["page_size"]
        first = self.client.get(search_url(base, 1))
        page = parse_search_page(first.text())
        rows: dict[str, SearchRow] = {}
        evidence: dict[str, Evidence] = {}
        total = page.total
        expected_last = max(1, math.ceil(total / size))
        if page.last_page != expected_last:
            raise LayoutChanged(
                f"the pager ends at page {page.last_page} but {total} results at {size} a "
                f"page make {expected_last}: the page size changed"
            )
        drift = False
        for number in range(1, expected_last + 1):
            fetched = first
            if number > 1:
                fetched = self.client.get(search_url(base, number))
                page = parse_search_page(fetched.text())
            drift = drift or page.total != total
            want = size if number < expected_last else total - size * (expected_last - 1)
            if not drift and len(page.rows) != want:
                raise LayoutChanged(
                    f"search page {number} has {len(page.rows)} rows where {want} were expected"
                )
            for row in page.rows:
                rows.setdefault(row.guid, row)
                evidence.setdefault(row.guid, fetched.evidence())
            self.progress(f"{self.source.key}: search page {number}/{expected_last}, {len(rows)}")
        if drift or len(rows) != total:
            # Rows shift between pages when the register changes while we page: some people are
            # then listed twice and others not at all. The run fails; the next one will do.
            self.errors.append(
                {
                    "url": search_url(base, 1),
                    "error": f"the search pages listed {len(rows)} different people where the "
                    f"first page reported {total} results and the last {page.total}: the "
                    "register changed while it was being paged",
                }
            )
        return list(rows.values()), evidence

    def authorization(self) -> Authorization:
        wording = self.source.options["roster_wording"]
        kinds = {fold(w): (w, k) for w, k in self.source.wording.items()}
        if fold(wording) not in kinds or kinds[fold(wording)][1] not in KINDS:
            raise LayoutChanged(
                f"the roster wording {wording!r} is not in the source's wording map"
            )
        printed, kind = kinds[fold(wording)]
        return Authorization(wording=printed, kind=kind, mechanism=self.source.mechanism or "")

    def profile(self, guid: str) -> tuple[dict[str, str], Evidence]:
        url = profile_url(self.source.options["profile_base_url"], guid)
        fetched = self.client.get(url)
        return parse_profile(fetched.text()), fetched.evidence()


def crawl(
    source: Source,
    client: PoliteClient,
    progress: Callable[[str], None] = lambda message: None,
    errors: list[dict] | None = None,
) -> Iterator[Registration]:
    """Yield every registrant of the CPO register; record-level failures go to `errors`."""
    state = Crawl(source, client, progress, errors if errors is not None else [])
    roster_authorization = state.authorization()
    search_rows, search_evidence = state.search_rows()
    everyone_url = csv_url(source.base_url, acu=False)
    everyone = client.get(everyone_url)
    rows = parse_csv(everyone.text())
    roster_url = csv_url(source.base_url, acu=True)
    roster = client.get(roster_url)
    roster_rows = parse_csv(roster.text())
    progress(f"{source.key}: {len(rows)} in the export, {len(roster_rows)} on the roster")

    listed: dict[tuple, int] = defaultdict(int)
    for row in rows:
        listed[row_key(row)] += 1
    rostered: dict[tuple, int] = defaultdict(int)
    for row in roster_rows:
        rostered[row_key(row)] += 1
    for key, count in rostered.items():
        if count != listed.get(key, 0):  # absent from the export, or ambiguous among twins
            state.errors.append(
                {
                    "url": roster_url,
                    "error": f"roster row {key[0]!r} ({key[1]}) appears {count} time(s) on the "
                    f"roster and {listed.get(key, 0)} time(s) in the full export",
                }
            )
    if source.needling == "tracked" and rows and not roster_rows:
        raise LayoutChanged("the acupuncture roster export is empty: the acu filter changed")
    if len(rows) >= 10 and len(roster_rows) == len(rows):
        raise LayoutChanged("the roster export lists everyone: the acu filter is being ignored")

    pairs, failed, stray = match_rows(rows, search_rows)
    for row, why in failed:
        state.errors.append({"url": everyone_url, "error": f"CSV row {row['NAME']!r} {why}"})
    for srow in stray:
        state.errors.append(
            {
                "url": search_evidence[srow.guid].url,
                "error": f"search row {srow.name!r} ({srow.guid}) has no row in the CSV export",
            }
        )
    started = time.monotonic()
    for i, (row, srow) in enumerate(pairs, 1):
        url = profile_url(source.options["profile_base_url"], srow.guid)
        try:
            registration = _registration(
                state, row, srow, rostered, roster_authorization, url,
                {
                    "listing": everyone.evidence(),
                    "search": search_evidence[srow.guid],
                    "roster": roster.evidence(),
                },
            )  # fmt: skip
        except (FetchError, LayoutChanged) as e:
            state.errors.append({"url": url, "error": str(e)})
            continue
        left = (time.monotonic() - started) / i * (len(pairs) - i)
        progress(
            f"{source.key}: {i}/{len(pairs)} registrants read, {client.requests_made} requests, "
            f"{len(state.errors)} errors, about {left / 60:.0f} min left"
        )
        yield registration


def _registration(
    state: Crawl,
    row: dict[str, str],
    srow: SearchRow,
    rostered: dict[tuple, int],
    roster_authorization: Authorization,
    url: str,
    evidence: dict[str, Evidence],
) -> Registration:
    source = state.source
    name = _clean(row["NAME"])
    family, given = split_name(name)
    locations = [loc for loc in [primary_location(row)] if loc]
    locations += parse_additional_locations(row["ADDITIONAL PRACTICE LOCATIONS"])
    on_roster = rostered.get(row_key(row), 0) > 0
    number = None
    if source.options["profiles"]:
        details, evidence["detail"] = state.profile(srow.guid)
        number = details["Registration Number"] or None
        printed = details.get("Authorized Activities")
        if printed is not None:
            listed = [a for a in printed.split("\n") if a]
            says = any(fold(a) == fold(roster_authorization.wording) for a in listed)
            unknown = [a for a in listed if NEEDLING_HINT.search(a) and fold(a) not in {
                fold(w) for w in source.wording}]  # fmt: skip
            if unknown:
                raise LayoutChanged(
                    f"needling wording not in the wording map: {'; '.join(unknown)}"
                )
            if says != on_roster:
                raise LayoutChanged(
                    f"the profile {'lists' if says else 'does not list'} "
                    f"{roster_authorization.wording!r} but the roster export "
                    f"{'does not' if says else 'does'}"
                )
    return Registration(
        regulator=source.key,
        registrant_id=srow.guid,
        registration_number=number,
        name=name,
        family_name=family,
        given_names=given,
        category=None,
        status=row["REGISTRATION STATUS"] or None,
        status_class=classify_status(row["REGISTRATION STATUS"]),
        conditions=[],
        profile_url=url,
        authorizations=[roster_authorization] if on_roster else [],
        locations=locations,
        evidence=evidence,
    )
