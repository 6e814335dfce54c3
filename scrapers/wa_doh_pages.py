"""Washington's credential dataset read: the parsers of scrapers/wa_doh.py, pure functions of the
SODA replies, and the join of endorsements to licences (what any Socrata dataset shares, the URL
and the reply, is scrapers/socrata_pages.py). The shapes and which of them are guesses
are in docs/platforms/wa_doh.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scrapers.kinds import NEEDLING_HINT, Wording
from scrapers.places import fold
from scrapers.records import Authorization, Evidence, LayoutChanged, Location, Registration
from scrapers.socrata_pages import parse_page as parse_page
from scrapers.socrata_pages import resource_url as resource_url
from scrapers.sources import Source
from scrapers.standing import WA_DOH
from scrapers.text import squash

# Columns the adapter reads; a page none of whose rows has one of them means the columns changed.
REQUIRED_COLUMNS = ("credentialnumber", "lastname", "firstname", "credentialtype", "status")
JOIN_COLUMNS = ("birthyear",)


def page_params(options: dict, offset: int) -> list[tuple[str, str]]:
    return [
        ("$where", options["where"]),
        ("$order", options["order"]),
        ("$limit", str(options["page_size"])),
        ("$offset", str(offset)),
    ]


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
