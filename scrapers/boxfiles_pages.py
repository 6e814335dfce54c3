"""Bulk licensee files in a public Box shared folder: the parsers of scrapers/boxfiles.py, pure
functions of the bytes received.

Two shapes, each from another public scraper's code (labels and details in
docs/platforms/boxfiles.md): the shared-link page embeds the folder's listing as JSON after
`Box.postStreamData = ` (its `/app-api/enduserapp/shared-item` gives the `sharedName`, its
`/app-api/enduserapp/shared-folder` the `items`, each with an `id` and a `name`); a file is
downloaded from `/index.php?rm=box_download_shared_file&shared_name=<name>&file_id=f_<id>`. The
file is delimited text: New Jersey's `%`-delimited with an Oracle SQL pseudo-header on its first
line (columns known by position), California's tab-separated with a header of column names.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlencode

from scrapers.places import fold
from scrapers.records import Evidence, LayoutChanged, Location, Registration
from scrapers.sources import Source
from scrapers.standing import BOXFILES
from scrapers.text import squash

POST_STREAM = "Box.postStreamData"
SHARED_ITEM = "/app-api/enduserapp/shared-item"
SHARED_FOLDER = "/app-api/enduserapp/shared-folder"
DOWNLOAD_PATH = "/index.php"

# Our fields -> what a record needs; `fields` in the options maps each to a column of the file.
FIELDS = ("number", "status", "category", "family", "given", "middle", "city", "state", "zip")
REQUIRED_FIELDS = ("number", "status", "family")

classify_status = BOXFILES.classify


@dataclass(frozen=True)
class BoxItem:
    """One entry of a shared folder's listing."""

    id: str
    name: str
    type: str  # "file" or "folder", as listed ("file" when the listing does not say)


@dataclass(frozen=True)
class Folder:
    shared_name: str | None
    items: list[BoxItem]


def parse_folder(html: str) -> Folder:
    """The listing embedded in a shared-link page; a page without it is LayoutChanged."""
    start = html.find(POST_STREAM)
    if start < 0:
        raise LayoutChanged(
            f"the shared folder page has no {POST_STREAM}: Box changed its page, or the link "
            "no longer leads to a public folder"
        )
    equals = html.find("=", start + len(POST_STREAM))
    try:
        data, _ = json.JSONDecoder().raw_decode(html[equals + 1 :].lstrip())
    except (json.JSONDecodeError, ValueError) as e:
        raise LayoutChanged(f"the shared folder page's {POST_STREAM} is not JSON: {e}") from None
    if not isinstance(data, dict) or not isinstance(data.get(SHARED_FOLDER), dict):
        raise LayoutChanged(f"the shared folder page's data has no {SHARED_FOLDER!r} listing")
    raw_items = data[SHARED_FOLDER].get("items")
    if not isinstance(raw_items, list):
        raise LayoutChanged(f"the shared folder listing has no list of items ({SHARED_FOLDER})")
    items = []
    for raw in raw_items:
        if not isinstance(raw, dict) or raw.get("id") in (None, "") or not raw.get("name"):
            raise LayoutChanged(f"a shared folder item without an id and a name: {raw!r:.200}")
        kind = str(raw.get("type") or "file").lower()
        items.append(BoxItem(str(raw["id"]), str(raw["name"]), kind))
    shared = data.get(SHARED_ITEM)
    name = shared.get("sharedName") if isinstance(shared, dict) else None
    return Folder(str(name) if name else None, items)


def pick_file(items: list[BoxItem], pattern: str, date_format: str) -> tuple[BoxItem, date | None]:
    """The current file: among the files whose name matches `pattern` (a regular expression),
    the one whose `date` group (read with `date_format`) is newest. Several matching files
    without a date, none matching, or an unreadable date are LayoutChanged, naming what was
    listed."""
    try:
        regex = re.compile(pattern)
    except re.error as e:
        raise LayoutChanged(f"option file_pattern is not a regular expression: {e}") from None
    files = [i for i in items if i.type == "file"]
    dated: list[tuple[date | None, BoxItem]] = []
    for item in files:
        match = regex.search(item.name)
        if not match:
            continue
        when = None
        if "date" in regex.groupindex and match.group("date"):
            try:
                when = datetime.strptime(match.group("date"), date_format).date()
            except ValueError:
                raise LayoutChanged(
                    f"file {item.name!r}: date {match.group('date')!r} is not {date_format}"
                ) from None
        dated.append((when, item))
    if not dated:
        seen = "; ".join(i.name for i in files) or "no files"
        raise LayoutChanged(f"no file in the shared folder matches {pattern!r} (listed: {seen})")
    if len(dated) > 1 and any(when is None for when, _ in dated):
        names = "; ".join(i.name for _, i in dated)
        raise LayoutChanged(f"several files match {pattern!r} and not by date: {names}")
    when, item = max(dated, key=lambda pair: (pair[0] or date.min, pair[1].name))
    return item, when


def download_url(base_url: str, shared_name: str, file_id: str) -> str:
    query = urlencode(
        {"rm": "box_download_shared_file", "shared_name": shared_name, "file_id": f"f_{file_id}"}
    )
    return f"{base_url}{DOWNLOAD_PATH}?{query}"


@dataclass
class Table:
    """A delimited file read: its columns, the rows kept (line number, row), how many rows each
    value of the filter column has (every row of the file), and rows that could not be read."""

    header: str
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    skipped: int = 0  # kept by the filter but dropped by `skip` (organizations)
    problems: list[tuple[int, str]] = field(default_factory=list)
    lines: int = 0  # data lines read


def decode(body: bytes, encoding: str) -> str:
    """The file as text: a UTF-8 BOM wins, else `encoding`; undecodable bytes replaced."""
    if body.startswith(b"\xef\xbb\xbf"):
        return body[3:].decode("utf-8", errors="replace")
    try:
        return body.decode(encoding, errors="replace")
    except LookupError:
        raise LayoutChanged(f"option encoding {encoding!r} is not an encoding") from None


def parse_table(body: bytes, options: dict) -> Table:
    """Read a delimited file (options `delimiter`, `header`, `columns`, `header_marker`,
    `encoding`), keeping the rows whose `filter_column` is one of `filter_values` (folded; all
    rows when none are given) and not matched by `skip` (column -> value)."""
    delimiter = str(options["delimiter"])
    if not delimiter:
        raise LayoutChanged("option delimiter is empty")
    # Lines end at LF (CRLF or LF); str.splitlines would also split at a form feed or a U+2028
    # inside a field, and cut a row in two.
    lines = [line.removesuffix("\r") for line in decode(body, str(options["encoding"])).split("\n")]
    if not lines or lines == [""]:
        raise LayoutChanged("the file is empty")
    header = lines[0]
    if options["header"] == "pseudo":
        marker = str(options["header_marker"])
        if marker and marker not in header:
            raise LayoutChanged(
                f"the file's first line is not the pseudo-header (no {marker!r}): "
                f"{squash(header)[:200]!r}"
            )
        columns = [str(c) for c in options["columns"]]
    elif options["header"] == "names":
        columns = [squash(c) for c in header.split(delimiter)]
    else:
        raise LayoutChanged(f"option header must be 'pseudo' or 'names', not {options['header']!r}")
    check_columns(columns, options)
    index = {name: i for i, name in enumerate(columns)}
    fields = options["fields"]
    at_filter = index[options["filter_column"]]
    skip = {index[c]: fold(str(v)) for c, v in options["skip"].items() if c in index}
    # Only the columns a record or the filter reads are kept: the file has every board's rows.
    kept = sorted({index[c] for c in [*fields.values(), options["filter_column"]]} | set(skip))
    needed = kept[-1] + 1
    wanted = {fold(str(v)) for v in options["filter_values"]}
    keep: dict[str, bool] = {}  # a filter value as printed -> kept (folded once per value)
    table = Table(header, columns)
    for number, line in enumerate(lines[1:], 2):
        if not line.strip():
            continue
        table.lines += 1
        cells = line.split(delimiter)
        value = " ".join(cells[at_filter].split()) if len(cells) > at_filter else None
        if value is not None:
            table.counts[value] += 1
            if value not in keep:
                keep[value] = not wanted or fold(value) in wanted
            if not keep[value]:
                continue
        if len(cells) < needed:
            table.problems.append(
                (number, f"line {number} has {len(cells)} fields, at least {needed} expected")
            )
            continue
        if any(fold(cells[i]) == v for i, v in skip.items()):
            table.skipped += 1
            continue
        table.rows.append((number, {columns[i]: " ".join(cells[i].split()) for i in kept}))
    return table


def check_columns(columns: list[str], options: dict) -> None:
    """Fail when a column the options name is not among the file's."""
    missing = missing_columns(columns, options)
    if missing:
        raise LayoutChanged(
            f"the file has no column(s) {', '.join(missing)}: its columns changed "
            f"(seen: {', '.join(columns)[:500]})"
        )


def missing_columns(columns: list[str], options: dict) -> list[str]:
    fields = options["fields"]
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise LayoutChanged(f"option fields names unknown field(s) {', '.join(unknown)}")
    absent = [f for f in REQUIRED_FIELDS if f not in fields]
    if absent:
        raise LayoutChanged(f"option fields must map {', '.join(absent)} to a column")
    wanted = [*fields.values(), options["filter_column"]]
    return [c for c in dict.fromkeys(wanted) if c not in columns]


def listed_name(row: dict, fields: dict) -> tuple[str, str | None, str | None]:
    """("LAST, FIRST MIDDLE", family, given) as the file prints them."""
    family = row.get(fields["family"]) or None
    parts = [row.get(fields[f], "") for f in ("given", "middle") if f in fields]
    given = " ".join(p for p in parts if p) or None
    return ", ".join(p for p in (family, given) if p), family, given


def location(row: dict, fields: dict) -> Location | None:
    """The city, state and ZIP of record; never the street (the file's addresses of record
    may be homes, and a patient needs the town)."""
    values: dict[str, str | None] = {
        attr: row.get(fields[name]) or None
        for attr, name in (("city", "city"), ("province", "state"), ("postal_code", "zip"))
        if name in fields
    }
    if not any(values.values()):
        return None
    province, city = values.get("province"), values.get("city")
    if province:
        values["province"] = province.upper()
    if city and city.isupper():
        values["city"] = city.title()
    return Location(
        city=values.get("city"),
        province=values.get("province"),
        postal_code=values.get("postal_code"),
    )


def registration(
    row: dict, source: Source, evidence: dict[str, Evidence], where: str
) -> Registration:
    """One row of the file -> Registration (authorizations come from the source's scope)."""
    fields = source.options["fields"]
    number = row.get(fields["number"]) or ""
    if not number:
        raise LayoutChanged(f"a row without a licence number ({where})")
    name, family, given = listed_name(row, fields)
    status = row.get(fields["status"]) or None
    place = location(row, fields)
    return Registration(
        regulator=source.key,
        registrant_id=number,
        registration_number=number,
        name=name,
        family_name=family,
        given_names=given,
        category=row.get(fields["category"]) if "category" in fields else None,
        status=status,
        status_class=classify_status(status),
        conditions=[],
        profile_url=None,  # the register publishes a file, no page per person
        authorizations=[],
        locations=[place] if place else [],
        evidence=evidence,
    )
