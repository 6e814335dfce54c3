"""Nova Scotia Regulator of Physiotherapy (formerly the College): one static HTML table, one GET.

The member directory is a static Joomla page [live 2026-06-15] whose one table, ten columns, lists
the registrants (about 1,654 rows on 2026-05-28, about 780 on 2026-06-15: past registrants may no
longer be listed). The adapter finds that table among the page's others by its header row, reads
each row into a `Registration` keyed on the licence number, and yields no authorizations: the
register has no needling column, so the source declares needling "not_tracked". It keeps the
contract of scrapers/adapter.py. Shapes and what is guessed: docs/platforms/nsphysio.md.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bs4 import BeautifulSoup, Tag

from scrapers.adapter import Check, Crawl
from scrapers.http import FetchError
from scrapers.kinds import NEEDLING_HINT
from scrapers.places import fold
from scrapers.records import Evidence, LayoutChanged, Location, Registration
from scrapers.sources import Source
from scrapers.standing import NSPHYSIO
from scrapers.text import family_given, node_lines, plain, squash

log = logging.getLogger(__name__)

DEFAULT_OPTIONS: dict[str, Any] = {
    "path": "/for-the-public/member-directory",
    # Our field -> the header the register prints over it [reported; ten columns: live
    # 2026-06-15]. A table lacking any of them, under these words, is a changed layout: the run
    # fails and nothing is changed.
    "columns": {
        "name": "Name",
        "number": "Licence Number",
        "status": "License Status",
        "conditions": "Conditions",
        "specialty": "Area of Specialty",
        "registered": "Registration Date",
        "expiry": "Expiry Date",
        "resigned": "Resigned Date",
        "employers": "Employer(s)",
        "prescriber": "Authorized Prescriber",
    },
}

# Employer lines may end with the city, after ", ", " - " or in parentheses. Only a known Nova
# Scotia community (or any place followed by ", NS") is read as a city: "Nova Scotia Health -
# Halifax Infirmary" names a site, and "Smith, Jones & Associates" a firm.
COMMUNITIES = frozenset(
    fold(name)
    for name in (
        "Amherst",
        "Annapolis Royal",
        "Antigonish",
        "Baddeck",
        "Bedford",
        "Berwick",
        "Bridgetown",
        "Bridgewater",
        "Chester",
        "Cheticamp",
        "Clare",
        "Cole Harbour",
        "Dartmouth",
        "Digby",
        "Eastern Passage",
        "Elmsdale",
        "Enfield",
        "Fall River",
        "Glace Bay",
        "Greenwood",
        "Guysborough",
        "Halifax",
        "Hammonds Plains",
        "Hantsport",
        "Inverness",
        "Kentville",
        "Kingston",
        "Liverpool",
        "Lower Sackville",
        "Lunenburg",
        "Mahone Bay",
        "Middleton",
        "Musquodoboit Harbour",
        "New Glasgow",
        "New Minas",
        "New Waterford",
        "North Sydney",
        "Oxford",
        "Parrsboro",
        "Pictou",
        "Port Hawkesbury",
        "Sackville",
        "Shelburne",
        "Springhill",
        "Stellarton",
        "Stewiacke",
        "Sydney",
        "Sydney Mines",
        "Tantallon",
        "Timberlea",
        "Trenton",
        "Truro",
        "Westville",
        "Windsor",
        "Wolfville",
        "Yarmouth",
    )
)

_EMPTY = {"", "-", "–", "—", "none", "n/a", "na", "nil"}


# ---------------------------------------------------------------- pure parsers


@dataclass(frozen=True)
class Row:
    """One body row of the directory: each cell's lines by our field name, or why it is unusable."""

    position: int  # 1-based, among the table's body rows, for messages
    cells: dict[str, list[str]]
    problem: str | None = None

    def text(self, name: str) -> str:
        return " ".join(self.cells.get(name, []))


def _norm(header: str) -> str:
    return " ".join(header.replace("\xa0", " ").split()).rstrip(":").strip().casefold()


def cell_lines(cell: Tag) -> list[str]:
    """A cell's lines: split at `<br>`, `<p>`, `<li>` and newlines, whitespace collapsed,
    curly apostrophes (a CMS's typography) straightened, empty lines and "None" / "N/A" dropped."""
    lines = (plain(line) for line in node_lines(cell, blocks=("p", "li", "div")))
    return [line for line in lines if line.casefold() not in _EMPTY]


def _header_row(table: Tag) -> Tag | None:
    head = table.find("thead")
    rows = (head or table).find_all("tr")
    return rows[0] if rows else None


def _headers(table: Tag) -> list[str]:
    row = _header_row(table)
    return [] if row is None else [_norm(c.get_text(" ")) for c in row.find_all(["th", "td"])]


def _body_rows(table: Tag, header: Tag | None) -> list[Tag]:
    """The table's own rows after the header, less header-like rows (a `tfoot` repeating it)."""
    return [
        tr
        for tr in table.find_all("tr")
        if tr is not header
        and tr.find_parent("table") is table
        and tr.find("td", recursive=False) is not None
    ]


def parse_directory(page: str, columns: dict[str, str] | None = None) -> list[Row]:
    """The directory's rows, from the table whose header row holds every expected column.

    Other tables on the page (licence categories, the calendar widget) are passed over. Raises
    LayoutChanged when no table has the expected headers, when the best match lacks some (a
    column renamed or dropped), or when a column about needling appears.
    """
    columns = columns or DEFAULT_OPTIONS["columns"]
    wanted = {_norm(label): name for name, label in columns.items()}
    soup = BeautifulSoup(page, "html.parser")
    tables = [(t, _headers(t)) for t in soup.find_all("table")]
    scored = sorted(
        ((len(wanted.keys() & set(h)), i) for i, (_, h) in enumerate(tables)), reverse=True
    )
    best = scored[0][0] if scored else 0
    if best < 2:
        raise LayoutChanged(
            f"no table on the page has the member directory's headers "
            f"({', '.join(columns.values())}): the page changed, or this is not the directory"
        )
    if best < len(wanted):
        _, headers = tables[scored[0][1]]
        missing = [label for label in columns.values() if _norm(label) not in headers]
        raise LayoutChanged(
            f"the member directory table lacks the column(s) {', '.join(missing)}; its headers "
            f"are now: {', '.join(headers)}"
        )
    rows: list[Row] = []
    for table, headers in tables:
        if not wanted.keys() <= set(headers):
            continue
        needling = [h for h in headers if NEEDLING_HINT.search(h)]
        if needling:
            raise LayoutChanged(
                f"the member directory has a column about needling now ({', '.join(needling)}): "
                "the regulator may track it; review the source's needling declaration and the "
                "adapter"
            )
        extra = [h for h in headers if h not in wanted]
        if extra:
            log.warning("member directory has new column(s), not read: %s", ", ".join(extra))
        header = _header_row(table)
        for position, tr in enumerate(_body_rows(table, header), len(rows) + 1):
            cells = tr.find_all(["td", "th"], recursive=False)
            if len(cells) != len(headers):
                text = " | ".join(" ".join(c.get_text(" ").split()) for c in cells)
                problem = f"{len(cells)} cells where the header has {len(headers)}: {text[:200]}"
                rows.append(Row(position, {}, problem))
                continue
            lines = {
                wanted[h]: cell_lines(cell)
                for h, cell in zip(headers, cells, strict=True)
                if h in wanted
            }
            if any(lines.values()):  # a blank spacer row is nobody
                rows.append(Row(position, lines))
    return rows


def parse_name(listed: str) -> tuple[str, str | None, str | None]:
    """ "Surname, First" -> (name, family, given); without a comma the family is the whole name."""
    name = squash(plain(listed))
    return name, *family_given(name)


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y")


def parse_date(text: str) -> date | None:
    """A date as the table prints it; None when empty or in a form not known (never guessed:
    "03/04/2021" could be either day first or month first)."""
    text = " ".join(text.replace(".", "").split())
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def has_resigned(resigned: str, registered: str) -> bool:
    """Whether a Resigned Date means the person is gone: yes, unless a later Registration Date
    says they were licensed again (the old date may stay listed)."""
    if not resigned:
        return False
    left, joined = parse_date(resigned), parse_date(registered)
    return not (left and joined and joined > left)


def classify_status(status: str, resigned: bool = False) -> str:
    """License Status in the register's words -> practising / suspended / ... / unknown.

    A registrant who resigned is "cancelled" whatever the status column still says.
    """
    return "cancelled" if resigned else NSPHYSIO.classify(status)


_TRAILING_CITY = (
    re.compile(r"^(?P<org>.+?)\s*\((?P<city>[^()]+)\)$"),
    re.compile(r"^(?P<org>.+?)\s*,\s*(?P<city>[^,]+?)\s*,\s*(?:NS|N\.S\.|Nova Scotia)$", re.I),
    re.compile(r"^(?P<org>.+?)\s*,\s*(?P<city>[^,]+)$"),
    re.compile(r"^(?P<org>.+?)\s+[-–—]\s+(?P<city>.+)$"),
)


def parse_employer(line: str) -> Location:
    """One line of Employer(s) -> a Location: the organization, and the city only when the line
    names a Nova Scotia community after it. Nothing else is published, so nothing else is set."""
    for pattern in _TRAILING_CITY:
        m = pattern.match(line)
        if not m:
            continue
        city = m["city"].strip()
        explicit = pattern is _TRAILING_CITY[1]
        if (explicit or fold(city) in COMMUNITIES) and m["org"].strip():
            return Location(organization=m["org"].strip(), city=city, province="NS")
    return Location(organization=line)


def registration(row: Row, key: str, page_url: str, evidence: Evidence) -> Registration:
    """One directory row as a Registration; ValueError when the row cannot be one."""
    if row.problem:
        raise ValueError(row.problem)
    number = row.text("number")
    if not number:
        raise ValueError(f"no licence number for {row.text('name')!r}")
    name, family, given = parse_name(row.text("name"))
    if not name:
        raise ValueError(f"no name for licence {number}")
    listed_status = row.text("status")
    resigned_on = row.text("resigned")
    gone = has_resigned(resigned_on, row.text("registered"))
    status = listed_status
    if gone and "resign" in fold(listed_status):
        status = f"{listed_status} {resigned_on}"  # "Resigned 2020-07-19"
    elif gone:
        status = " - ".join(s for s in (listed_status, f"Resigned {resigned_on}") if s)
    locations: list[Location] = []
    for line in row.cells.get("employers", []):
        location = parse_employer(line)
        if location not in locations:
            locations.append(location)
    return Registration(
        regulator=key,
        registrant_id=number,
        registration_number=number,
        name=name,
        family_name=family,
        given_names=given,
        category=None,
        status=status or None,
        status_class=classify_status(listed_status, gone),
        conditions=list(row.cells.get("conditions", [])),
        profile_url=page_url,
        authorizations=[],  # the register has no needling column
        locations=locations,
        evidence={"listing": evidence},
    )


def _current(record: Registration) -> bool:
    return record.status_class != "cancelled"


def directory_headers(page: str, columns: dict[str, str] | None = None) -> list[str]:
    """The header row of the page's table closest to the directory, as printed; [] if none."""
    columns = columns or DEFAULT_OPTIONS["columns"]
    wanted = {_norm(label) for label in columns.values()}
    soup = BeautifulSoup(page, "html.parser")
    best: list[str] = []
    for table in soup.find_all("table"):
        row = _header_row(table)
        if row is None:
            continue
        printed = [" ".join(c.get_text(" ").split()) for c in row.find_all(["th", "td"])]
        if len(wanted & {_norm(h) for h in printed}) > len(wanted & {_norm(h) for h in best}):
            best = printed
    return best


def regulator_names(page: str) -> list[str]:
    """The page's `<title>` and the sentences naming a regulator or college of physiotherapy."""
    soup = BeautifulSoup(page, "html.parser")
    title = " ".join(soup.title.get_text().split()) if soup.title else ""
    found = {" ".join(m.split()) for m in _REGULATOR_NAME.findall(soup.get_text(" "))}
    return [t for t in (title, *sorted(found)) if t]


_REGULATOR_NAME = re.compile(r"Nova Scotia (?:Regulator|College) of Physiotherap\w+", re.I)


# ---------------------------------------------------------------- the adapter contract


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
        wanted = {_norm(label) for label in columns.values()}
        missing = [label for label in columns.values() if _norm(label) not in map(_norm, headers)]
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
    return {**DEFAULT_OPTIONS["columns"], **source.options["columns"]}


ADAPTER = NSPhysio()
