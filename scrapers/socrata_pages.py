"""Socrata (SODA 2) datasets of licences: the parsers of scrapers/socrata.py, pure functions of the
replies. One row is one licence; which columns hold the name, number, type, status and place is
the source's `fields` option, so Washington's, Illinois's and Colorado's datasets are config
entries. The shapes, and which of them are guesses, are in docs/platforms/socrata.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from scrapers.places import fold
from scrapers.records import Evidence, LayoutChanged, Location, Registration
from scrapers.sources import Source
from scrapers.standing import Standings
from scrapers.text import squash

RESOURCE_PATH = "/resource/{dataset}.json"

# Fields every source must map to a column (the role -> the dataset's column name).
REQUIRED_FIELDS = ("number", "type", "status", "last_name", "first_name")
# Optional roles: read when the source maps them and a row has them.
OPTIONAL_FIELDS = ("middle_name", "suffix", "city", "state", "zip", "verify_url")
FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS
STATUS_CLASSES = ("suspended", "cancelled", "non_practising", "practising")


def resource_url(base_url: str, dataset: str, params: list[tuple[str, str]]) -> str:
    """`{base}/resource/{dataset}.json?$where=...`: SoQL parameter names kept literal."""
    query = "&".join(f"{name}={quote(str(value), safe=',:')}" for name, value in params)
    return f"{base_url}{RESOURCE_PATH.format(dataset=dataset)}" + (f"?{query}" if query else "")


def parse_page(body: str) -> list[dict]:
    """The rows of a SODA JSON reply; a SODA error object or any other shape is LayoutChanged."""
    try:
        data = json.loads(body)
    except json.JSONDecodeError as e:
        raise LayoutChanged(f"dataset reply is not JSON: {e}") from None
    if isinstance(data, dict):
        message = data.get("message") or data.get("error") or "no message"
        raise LayoutChanged(f"dataset answered an error object instead of rows: {message}")
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        raise LayoutChanged("dataset reply is not a JSON array of row objects")
    return data


def parse_counts(body: str, column: str) -> list[tuple[str, int]]:
    """(value, rows) from a `$select=<column>,count(*)&$group=<column>` reply, as printed; SODA
    names the count column after the aggregate (`count`, or `count_1` and the like)."""
    out = []
    for row in parse_page(body):
        counts = [v for k, v in row.items() if k.startswith("count")]
        if column not in row or len(counts) != 1:
            raise LayoutChanged(f"grouping query row without a {column} and a count: {row}")
        out.append((str(row[column]), int(counts[0])))
    return out


def fields_of(options: dict) -> dict[str, str]:
    """The source's role -> column map, checked: every required role mapped, no unknown role."""
    if not isinstance(options["fields"], dict) or not all(
        isinstance(v, str) for v in options["fields"].values()
    ):
        raise LayoutChanged("option fields must be a table of role = column name")
    fields = dict(options["fields"])
    unknown = sorted(set(fields) - set(FIELDS))
    missing = [f for f in REQUIRED_FIELDS if not fields.get(f)]
    if unknown or missing:
        raise LayoutChanged(
            "option fields must map " + ", ".join(REQUIRED_FIELDS) + " (and may map "
            f"{', '.join(OPTIONAL_FIELDS)}); unknown: {', '.join(unknown) or 'none'}, "
            f"missing: {', '.join(missing) or 'none'}"
        )
    return fields


def standings(options: dict) -> Standings:
    """The source's status vocabulary (option `status_words`: class -> words found anywhere in
    the folded status), tried suspended, cancelled, non_practising, practising."""
    words = options["status_words"]
    if not isinstance(words, dict) or not all(
        isinstance(w, list) and all(isinstance(x, str) for x in w) for w in words.values()
    ):
        raise LayoutChanged("option status_words must be a table of class = [words]")
    unknown = sorted(set(words) - set(STATUS_CLASSES))
    if unknown:
        raise LayoutChanged(
            f"option status_words has unknown class(es) {', '.join(unknown)}; "
            f"classes: {', '.join(STATUS_CLASSES)}"
        )
    rules = tuple(
        (c, tuple(fold(w) for w in words.get(c, ()))) for c in STATUS_CLASSES if words.get(c)
    )
    return Standings(rules)


def page_params(options: dict, offset: int, after: str | None = None) -> list[tuple[str, str]]:
    """One page of the crawl's query. Paging `offset`: `$order` (a stable order), `$limit` and
    `$offset`. Paging `keyset`: ordered by the row id `:id` (selected with `:id,*`), each page
    asking for ids after the last one seen, with no `$offset`."""
    size = str(options["page_size"])
    if options["paging"] == "keyset":
        where = options["where"]
        if after is not None:
            escaped = after.replace("'", "''")
            where = f"({where}) AND :id > '{escaped}'"
        return [
            ("$select", ":id,*"),
            ("$where", where),
            ("$order", ":id"),
            ("$limit", size),
        ]
    return [
        ("$where", options["where"]),
        ("$order", options["order"]),
        ("$limit", size),
        ("$offset", str(offset)),
    ]


def check_columns(rows: list[dict], fields: dict[str, str], where: str = "a page") -> None:
    """Fail when no row of a non-empty page has a column of a required role.

    SODA leaves null columns out of a row, so one row lacking a column proves nothing; a whole
    page lacking it means the column was renamed or dropped.
    """
    if not rows:
        return
    present = set().union(*rows)
    missing = [fields[f] for f in REQUIRED_FIELDS if fields[f] not in present]
    if missing:
        raise LayoutChanged(
            f"no row of {where} has the column(s) {', '.join(missing)}: the dataset's columns "
            f"changed (seen: {', '.join(sorted(present))})"
        )


def cell(row: dict, fields: dict[str, str], role: str) -> str:
    """A row's text for a role, whitespace squashed; "" when unmapped or absent."""
    column = fields.get(role)
    value = row.get(column) if column else None
    if isinstance(value, dict):  # a SODA URL column: {"url": "..."}
        value = value.get("url")
    return squash(str(value)) if value is not None else ""


def projection(row: dict, fields: dict[str, str]) -> tuple[str, ...]:
    """What the adapter reads of a row: two rows of one licence that agree on it are one."""
    return tuple(cell(row, fields, role) for role in FIELDS)


@dataclass
class Split:
    """Rows sorted by role: licences of the source's types, and how many others."""

    licenses: list[dict] = field(default_factory=list)
    other_types: dict[str, int] = field(default_factory=dict)


def split_rows(rows: list[dict], options: dict) -> Split:
    fields = fields_of(options)
    wanted = {fold(t) for t in options["license_types"]}
    out = Split()
    for row in rows:
        kind = cell(row, fields, "type")
        if fold(kind) in wanted:
            out.licenses.append(row)
        else:
            out.other_types[kind] = out.other_types.get(kind, 0) + 1
    return out


def listed_name(row: dict, fields: dict[str, str]) -> tuple[str, str | None, str | None]:
    """Row names -> ("LAST, FIRST MIDDLE", family, given) as the dataset prints them; a suffix
    ("JR") follows the family name."""
    family = cell(row, fields, "last_name") or None
    suffix = cell(row, fields, "suffix")
    given_parts = [cell(row, fields, r) for r in ("first_name", "middle_name")]
    given = " ".join(p for p in given_parts if p) or None
    head = " ".join(p for p in (family, suffix) if p)
    name = ", ".join(p for p in (head, given) if p)
    return name, family, given


def location(row: dict, fields: dict[str, str]) -> Location | None:
    """The published place of a row (city, state, ZIP), None when it has none."""
    values: dict[str, Any] = {
        "city": cell(row, fields, "city") or None,
        "province": cell(row, fields, "state").upper() or None,  # a US state code, e.g. "WA"
        "postal_code": cell(row, fields, "zip") or None,
    }
    if not any(values.values()):
        return None
    return Location(**values)


def verify_url(row: dict, fields: dict[str, str]) -> str | None:
    """The register's own verification link of a row, when it publishes an http(s) one."""
    url = cell(row, fields, "verify_url")
    return url if url.lower().startswith(("https://", "http://")) else None


def registration(
    row: dict, source: Source, evidence: Evidence, profile_url: str, classify: Standings
) -> Registration:
    """One licence row -> Registration. A whole-profession dataset carries no authorization of
    its own: a scope-of-practice source's come from the crawl (scrapers/adapter.py)."""
    fields = fields_of(source.options)
    name, family, given = listed_name(row, fields)
    status = cell(row, fields, "status") or None
    place = location(row, fields)
    number = cell(row, fields, "number")
    return Registration(
        regulator=source.key,
        registrant_id=number,
        registration_number=number,
        name=name,
        family_name=family,
        given_names=given,
        category=cell(row, fields, "type") or None,
        status=status,
        status_class=classify.classify(status),
        conditions=[],
        profile_url=verify_url(row, fields) or profile_url,
        authorizations=[],
        locations=[place] if place else [],
        evidence={"listing": evidence},
    )


def survey_params(options: dict) -> list[tuple[str, str]]:
    """One grouping query: each credential type the survey filter catches, with its count."""
    column = fields_of(options)["type"]
    return [
        ("$select", f"{column},count(*)"),
        ("$where", options["survey_where"] or options["where"]),
        ("$group", column),
        ("$order", column),
        ("$limit", "1000"),
    ]
