"""Nova Scotia's member directory read: the parsers of scrapers/nsphysio.py, pure functions of the
page text. Shapes and what is guessed: docs/platforms/nsphysio.md.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime

from bs4 import BeautifulSoup, Tag

from scrapers.kinds import NEEDLING_HINT
from scrapers.places import fold
from scrapers.records import Evidence, LayoutChanged, Location, Registration
from scrapers.standing import NSPHYSIO
from scrapers.text import family_given, node_lines, plain, squash

log = logging.getLogger(__name__)

# Our field -> the header the register prints over it [reported; ten columns: live 2026-06-15].
# A table lacking any of them, under these words, is a changed layout: the run fails and nothing
# is changed.
COLUMNS = {
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


@dataclass(frozen=True)
class Row:
    """One body row of the directory: each cell's lines by our field name, or why it is unusable."""

    position: int  # 1-based, among the table's body rows, for messages
    cells: dict[str, list[str]]
    problem: str | None = None

    def text(self, name: str) -> str:
        return " ".join(self.cells.get(name, []))


def header_key(header: str) -> str:
    """A column header as compared: whitespace collapsed, a final colon dropped, case folded."""
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
    return [] if row is None else [header_key(c.get_text(" ")) for c in row.find_all(["th", "td"])]


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
    columns = columns or COLUMNS
    wanted = {header_key(label): name for name, label in columns.items()}
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
        missing = [label for label in columns.values() if header_key(label) not in headers]
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


def directory_headers(page: str, columns: dict[str, str] | None = None) -> list[str]:
    """The header row of the page's table closest to the directory, as printed; [] if none."""
    columns = columns or COLUMNS
    wanted = {header_key(label) for label in columns.values()}
    soup = BeautifulSoup(page, "html.parser")
    best: list[str] = []
    for table in soup.find_all("table"):
        row = _header_row(table)
        if row is None:
            continue
        printed = [" ".join(c.get_text(" ").split()) for c in row.find_all(["th", "td"])]
        if len(wanted & {header_key(h) for h in printed}) > len(
            wanted & {header_key(h) for h in best}
        ):
            best = printed
    return best


def regulator_names(page: str) -> list[str]:
    """The page's `<title>` and the sentences naming a regulator or college of physiotherapy."""
    soup = BeautifulSoup(page, "html.parser")
    title = " ".join(soup.title.get_text().split()) if soup.title else ""
    found = {" ".join(m.split()) for m in _REGULATOR_NAME.findall(soup.get_text(" "))}
    return [t for t in (title, *sorted(found)) if t]


_REGULATOR_NAME = re.compile(r"Nova Scotia (?:Regulator|College) of Physiotherap\w+", re.I)
