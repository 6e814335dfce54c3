"""Washington State Department of Health credential data (data.wa.gov, a Socrata dataset).

One paged SODA query returns every physical therapist licence row and every intramuscular
needling endorsement row (`$where` on `credentialtype`, `$order` on a stable key, `$limit` and
`$offset`); endorsements are then joined to licences by the holder's name and birth year, and one
Registration is yielded per PT licence, on the contract of scrapers/adapter.py. How endorsements
appear in the dataset is not recorded: the preflight prints the credential types (one grouping
query), and the source stays disabled until someone has seen them. Parsers are pure functions of
the response; the shapes and which of them are guesses are in docs/platforms/wa_doh.md. Where the
live dataset differs, parsing raises LayoutChanged and the run fails without touching data.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from scrapers.adapter import Check, Crawl
from scrapers.kinds import NEEDLING_HINT, Wording
from scrapers.places import fold
from scrapers.records import Authorization, Evidence, LayoutChanged, Location, Registration
from scrapers.sources import Source
from scrapers.standing import WA_DOH
from scrapers.text import squash

log = logging.getLogger(__name__)

DEFAULT_OPTIONS = {
    "dataset": "qxh8-f4bd",
    # Every PT licence and every needling endorsement, whatever the endorsement's exact words:
    # rows whose type is neither a licence type below nor a wording of the source are ignored,
    # unless they look like needling (then the run fails: the wording changed).
    "where": (
        "upper(credentialtype) like 'PHYSICAL THERAPIST%' "
        "OR upper(credentialtype) like '%NEEDLING%'"
    ),
    "order": "credentialnumber,:id",  # a stable order: paging with $offset is only safe with one
    "page_size": 1000,
    "max_pages": 100,  # a runaway guard: still full pages after this many fails the run
    "license_types": ["Physical Therapist License"],
    # Dataset column -> Location field. The dataset is reported to publish no address; columns
    # named here are read only when a row has them.
    "location_columns": {"city": "city", "province": "state", "postal_code": "zip"},
}

RESOURCE_PATH = "/resource/{dataset}.json"
# Columns the adapter reads; a page none of whose rows has one of them means the columns changed.
REQUIRED_COLUMNS = ("credentialnumber", "lastname", "firstname", "credentialtype", "status")
JOIN_COLUMNS = ("birthyear",)


# ---------------------------------------------------------------- pure parsers


def resource_url(base_url: str, dataset: str, params: list[tuple[str, str]]) -> str:
    """`{base}/resource/{dataset}.json?$where=...`: SoQL parameter names kept literal."""
    query = "&".join(f"{name}={quote(str(value), safe=',:')}" for name, value in params)
    return f"{base_url}{RESOURCE_PATH.format(dataset=dataset)}" + (f"?{query}" if query else "")


def page_params(options: dict, offset: int) -> list[tuple[str, str]]:
    return [
        ("$where", options["where"]),
        ("$order", options["order"]),
        ("$limit", str(options["page_size"])),
        ("$offset", str(offset)),
    ]


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


def check_columns(rows: list[dict], where: str = "a page") -> None:
    """Fail when no row of a non-empty page has a column the adapter reads.

    SODA leaves null columns out of a row, so one row lacking a column proves nothing; a whole
    page lacking it means the column was renamed or dropped.
    """
    if not rows:
        return
    present = set().union(*rows)
    missing = [c for c in REQUIRED_COLUMNS + JOIN_COLUMNS if c not in present]
    if missing:
        raise LayoutChanged(
            f"no row of {where} has the column(s) {', '.join(missing)}: the dataset's columns "
            f"changed (seen: {', '.join(sorted(present))})"
        )


# WA credential status words -> practising / suspended / cancelled / ... / unknown.
classify_status = WA_DOH.classify


def listed_name(row: dict) -> tuple[str, str | None, str | None]:
    """Row names -> ("LAST, FIRST MIDDLE", family, given) as the dataset prints them."""
    family = squash(str(row.get("lastname") or "")) or None
    given_parts = [squash(str(row.get(c) or "")) for c in ("firstname", "middlename")]
    given = " ".join(p for p in given_parts if p) or None
    name = ", ".join(p for p in (family, given) if p)
    return name, family, given


def identity(row: dict) -> tuple[str, str, str, str]:
    """The join key of a holder: folded last, first and middle names, and birth year."""
    return (
        fold(str(row.get("lastname") or "")),
        fold(str(row.get("firstname") or "")),
        fold(str(row.get("middlename") or "")),
        str(row.get("birthyear") or "").strip(),
    )


def location(row: dict, columns: dict[str, str]) -> Location | None:
    """The published place of a row, from the configured columns; None when it has none."""
    values: dict[str, Any] = {}
    for attr, column in columns.items():
        value = squash(str(row.get(column) or ""))
        values[attr] = value or None
    if not any(values.values()):
        return None
    if values.get("province"):
        values["province"] = values["province"].upper()  # a US state code, e.g. "WA"
    return Location(**values)


@dataclass
class Split:
    """Rows sorted by role: PT licences, needling endorsements, and types that look like needling
    but are in no wording map."""

    licenses: list[dict] = field(default_factory=list)
    endorsements: list[dict] = field(default_factory=list)
    unknown_needling: dict[str, int] = field(default_factory=dict)
    ignored: int = 0


def split_rows(rows: list[dict], source: Source) -> Split:
    license_types = {fold(t) for t in source.options["license_types"]}
    wording = Wording(source.wording, source.mechanism)
    out = Split()
    for row in rows:
        kind = fold(str(row.get("credentialtype") or ""))
        if kind in license_types:
            out.licenses.append(row)
        elif kind in wording:  # `kind` is folded, as the map's words are
            out.endorsements.append(row)
        elif NEEDLING_HINT.search(kind):
            out.unknown_needling[row["credentialtype"]] = (
                out.unknown_needling.get(row["credentialtype"], 0) + 1
            )
        else:
            out.ignored += 1
    return out


def join_endorsements(
    licenses: list[dict], endorsements: list[dict]
) -> tuple[dict[str, list[dict]], list[tuple[dict, str]]]:
    """Endorsement rows by the licence number they belong to, and the ones that cannot be placed.

    The dataset has no column linking an endorsement to its licence, so the rule is: an
    endorsement belongs to the PT licence of the holder with the same last, first and middle
    names (accent- and case-folded) and birth year. Where that holder has several PT licences
    (a renewed or reissued licence), it belongs to the one Active licence among them. An
    endorsement matching no licence, or several with no single Active one, is returned as a
    problem (only Active endorsements matter: others authorize nothing).
    """
    by_identity: dict[tuple, list[dict]] = {}
    for row in licenses:
        by_identity.setdefault(identity(row), []).append(row)
    joined: dict[str, list[dict]] = {}
    problems: list[tuple[dict, str]] = []
    for endorsement in endorsements:
        candidates = by_identity.get(identity(endorsement), [])
        if len(candidates) > 1:
            candidates = [
                c for c in candidates if classify_status(c.get("status")) == "practising"
            ] or candidates
        if len(candidates) == 1:
            joined.setdefault(candidates[0]["credentialnumber"], []).append(endorsement)
            continue
        if classify_status(endorsement.get("status")) != "practising":
            continue
        number = endorsement.get("credentialnumber")
        if not candidates:
            problems.append(
                (
                    endorsement,
                    f"active endorsement {number} matches no PT licence by name and birth year",
                )
            )
        else:
            numbers = ", ".join(sorted(c["credentialnumber"] for c in candidates))
            problems.append(
                (
                    endorsement,
                    f"active endorsement {number} matches several PT licences "
                    f"({numbers}) by name and birth year, none of them alone Active",
                )
            )
    return joined, problems


def authorizations(endorsements: list[dict], source: Source) -> list[Authorization]:
    """Active endorsements as authorizations, in the dataset's words, once per wording."""
    wording = Wording(source.wording, source.mechanism)
    found: list[Authorization] = []
    for row in endorsements:
        if classify_status(row.get("status")) != "practising":
            continue
        authorization = wording.authorization(row["credentialtype"])
        if authorization and all(a.wording != authorization.wording for a in found):
            found.append(authorization)
    return found


def registration(
    row: dict,
    endorsements: list[tuple[dict, Evidence]],
    source: Source,
    evidence: Evidence,
    profile_url: str,
) -> Registration:
    """One PT licence row (with the endorsement rows joined to it) -> Registration."""
    name, family, given = listed_name(row)
    status = squash(str(row.get("status") or "")) or None
    place = location(row, source.options["location_columns"])
    roles = {"listing": evidence}
    if endorsements:
        roles["endorsement"] = endorsements[0][1]
    return Registration(
        regulator=source.key,
        registrant_id=row["credentialnumber"],
        registration_number=row["credentialnumber"],
        name=name,
        family_name=family,
        given_names=given,
        category=row.get("credentialtype"),
        status=status,
        status_class=classify_status(status),
        conditions=[],
        profile_url=profile_url,
        authorizations=authorizations([e for e, _ in endorsements], source),
        locations=[place] if place else [],
        evidence=roles,
    )


# ---------------------------------------------------------------- the adapter contract


# Credential types the preflight's grouping query counts: physical therapy, needling, endorsements.
SURVEY_WHERE = (
    "upper(credentialtype) like '%PHYSICAL THERAP%' OR upper(credentialtype) like '%NEEDLING%' "
    "OR upper(credentialtype) like '%ENDORSEMENT%'"
)


def survey_params() -> list[tuple[str, str]]:
    """One grouping query: each credential type of interest and how many rows have it."""
    return [
        ("$select", "credentialtype,count(*)"),
        ("$where", SURVEY_WHERE),
        ("$group", "credentialtype"),
        ("$order", "credentialtype"),
        ("$limit", "1000"),
    ]


def parse_survey(body: str) -> list[tuple[str, int]]:
    """(credential type, rows) from the grouping query's reply, as printed; SODA names the
    count column after the aggregate (`count`, or `count_1` and the like)."""
    out = []
    for row in parse_page(body):
        counts = [v for k, v in row.items() if k.startswith("count")]
        if "credentialtype" not in row or len(counts) != 1:
            raise LayoutChanged(f"grouping query row without a type and a count: {row}")
        out.append((str(row["credentialtype"]), int(counts[0])))
    return out


@dataclass(frozen=True)
class Listed:
    """One PT licence row, the endorsement rows joined to it, and the pages they came from."""

    row: dict
    evidence: Evidence
    endorsements: list[tuple[dict, Evidence]]


class WaDoh:
    """The credential dataset on the contract of scrapers/adapter.py: one paged query lists
    licences and endorsements together; reading a licence needs no further request."""

    def listings(self, crawl: Crawl) -> list[Listed]:
        source = crawl.source
        listed = rows(crawl)
        evidence_of = {row["credentialnumber"]: ev for row, ev in listed}
        all_rows = [row for row, _ in listed]
        split = split_rows(all_rows, source)
        for wording, n in sorted(split.unknown_needling.items()):
            crawl.error(
                _url(crawl, [("credentialtype", wording)]),
                f"needling wording not in the source's wording map: {wording} ({n} rows)",
            )
        if all_rows and not split.licenses:
            types = sorted({str(r.get("credentialtype")) for r in all_rows})
            raise LayoutChanged(
                f"none of {len(all_rows)} rows has a licence type in "
                f"{source.options['license_types']}: the credential types changed "
                f"(seen: {', '.join(types[:10])})"
            )
        joined, problems = join_endorsements(split.licenses, split.endorsements)
        for endorsement, message in problems:
            number = endorsement["credentialnumber"]
            crawl.error(_url(crawl, [("credentialnumber", number)]), message)
        crawl.progress(
            f"{source.key}: {len(split.licenses)} PT licences, {len(split.endorsements)} "
            f"endorsement rows, {split.ignored} other rows, {len(crawl.errors)} errors"
        )
        return [
            Listed(
                row,
                evidence_of[row["credentialnumber"]],
                [
                    (e, evidence_of[e["credentialnumber"]])
                    for e in joined.get(row["credentialnumber"], [])
                ],
            )
            for row in split.licenses
        ]

    def read(self, crawl: Crawl, item: Listed) -> Registration:
        return registration(
            item.row, item.endorsements, crawl.source, item.evidence, self.where(crawl, item)
        )

    def where(self, crawl: Crawl, item: Listed) -> str:
        return _url(crawl, [("credentialnumber", item.row["credentialnumber"])])

    def floor(self, crawl: Crawl, listed: int) -> int:
        """The pages of the one query (licences and endorsements come together, so there are
        no separate endorsement queries): ceil(rows / page size), at least one."""
        rows_seen = int(crawl.notes.get("rows", listed))
        return max(1, math.ceil(rows_seen / int(crawl.source.options["page_size"])))

    def preflight(self, crawl: Crawl) -> Iterator[Check]:
        """Two requests after robots.txt: one page of the crawl's own query (its columns), and
        one grouping query printing every credential type of physical therapy, needling or
        endorsement with its count, and whether the source's wording is among them."""
        source = crawl.source
        sample_url = _url(crawl, page_params({**source.options, "page_size": 50}, 0))
        sample = parse_page(crawl.client.get(sample_url).text())
        present = sorted(set().union(*sample)) if sample else []
        missing = [c for c in REQUIRED_COLUMNS + JOIN_COLUMNS if c not in present]
        seen = ", ".join(present) or "no rows"
        yield Check(
            "the dataset has the columns the adapter reads "
            f"({', '.join(REQUIRED_COLUMNS + JOIN_COLUMNS)})",
            bool(sample) and not missing,
            seen + (f" (missing: {', '.join(missing)})" if sample and missing else ""),
        )
        places = [c for c in source.options["location_columns"].values() if c in present]
        yield Check(
            "whether the dataset has location columns (none seen live on 2026-06-16)",
            True,
            ", ".join(places) or "none",
        )
        types = parse_survey(crawl.client.get(_url(crawl, survey_params())).text())
        printed = "; ".join(f"{t}: {n}" for t, n in types) or "none"
        yield Check(
            "credential types of physical therapy, needling or endorsement (one grouping query)",
            bool(types),
            printed,
        )
        folded = {fold(t): t for t, _ in types}
        licences = [folded[fold(t)] for t in source.options["license_types"] if fold(t) in folded]
        yield Check(
            f"a licence type as configured ({', '.join(source.options['license_types'])})",
            bool(licences),
            ", ".join(licences) or "none of them",
        )
        wording = [folded[fold(w)] for w in source.wording if fold(w) in folded]
        needling = [t for t, _ in types if NEEDLING_HINT.search(t)]
        yield Check(
            f"an endorsement type worded as in the source ({', '.join(source.wording) or 'none'})",
            bool(wording),
            ", ".join(wording)
            or f"none; types that look like needling: {', '.join(needling) or 'none'}",
        )


def _url(crawl: Crawl, params: list[tuple[str, str]]) -> str:
    return resource_url(crawl.source.base_url or "", crawl.source.options["dataset"], params)


def rows(crawl: Crawl) -> list[tuple[dict, Evidence]]:
    """Every row the query matches, page by page, each with the evidence of its page."""
    options = crawl.source.options
    size, cap = int(options["page_size"]), int(options["max_pages"])
    if size < 1 or cap < 1:
        raise LayoutChanged("options page_size and max_pages must be at least 1")
    seen: dict[str, dict] = {}
    out: list[tuple[dict, Evidence]] = []
    total = 0
    for page in range(cap):
        url = _url(crawl, page_params(options, page * size))
        fetched = crawl.client.get(url)
        found = parse_page(fetched.text())
        check_columns(found, f"page {page + 1}")
        total += len(found)
        evidence = fetched.evidence()
        for row in found:
            number = row.get("credentialnumber")
            if not number or not row.get("credentialtype") or "status" not in row:
                crawl.error(
                    url,
                    "row without a credential number, type or status "
                    f"(number {number!r}, columns {', '.join(sorted(row))})",
                )
                continue
            if number in seen:
                if seen[number] != row:
                    crawl.error(url, f"credential {number} listed twice, differently")
                continue
            seen[number] = row
            out.append((row, evidence))
        crawl.progress(
            f"{crawl.source.key}: page {page + 1}: {len(out)} rows, "
            f"{crawl.client.requests_made} requests"
        )
        if len(found) > size:
            raise LayoutChanged(f"page {page + 1} has {len(found)} rows, over $limit={size}")
        if len(found) < size:
            crawl.notes["rows"] = total
            return out
    raise LayoutChanged(
        f"still a full page after {cap} pages of {size} rows: paging does not end "
        "(raise max_pages if the dataset really grew)"
    )


ADAPTER = WaDoh()
