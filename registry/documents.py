"""A registration as the API returns it, assembled from the normalized tables for one page."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from db import reads
from db.directory import authorized_kinds
from db.responses import evidence_of

_REGISTRATIONS = """
select id, regulator_id, registration_number, name, family_name, given_names, category, status,
  status_class, conditions, profile_url, first_seen, last_seen, removed_at, response_ids
from registrations where id in ({marks})
"""
_AUTHORIZATIONS = """
select registration_id, wording, kind, mechanism from authorizations
where registration_id in ({marks}) order by id
"""
_LOCATIONS = """
select registration_id, organization, address, city, province, postal_code, phone
from practice_locations where registration_id in ({marks}) order by registration_id, position
"""
_REGULATORS = """
select id, name, short_name, jurisdiction, register_url, terms_note, needling, sample
from regulators where id in ({marks})
"""


def last_seen(conn: sqlite3.Connection, regulator_id: str, removed_at: str | None) -> str | None:
    """When the register last listed a registration: its source's latest good run, or for people
    who left, the last good run before they were found gone. (Runs that change nothing write
    nothing, so this is read from the runs rather than kept on every row.)"""
    return reads.last_success_before(conn, regulator_id, removed_at)


def _cached_last_seen(conn, cache: dict, regulator_id: str, removed_at: str | None) -> str | None:
    key = (regulator_id, removed_at)
    if key not in cache:
        cache[key] = last_seen(conn, regulator_id, removed_at)
    return cache[key]


def needling_answer(tracking: str, authorized: bool) -> str:
    """What "authorized to needle?" gets for an answer: never "no" where nobody tracks it.

    A listed authorization answers yes even where the regulator's tracking is unconfirmed.
    """
    if authorized:
        return "authorized"
    if tracking == "tracked":
        return "not_authorized"
    return "not_tracked" if tracking == "not_tracked" else "unknown"


def _rows(conn: sqlite3.Connection, sql: str, ids: list) -> list[dict[str, Any]]:
    cursor = conn.execute(sql.format(marks=",".join("?" * len(ids))), ids)
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def documents(conn: sqlite3.Connection, ids: list[str]) -> list[dict]:
    """Full API documents for registration ids, in the order given."""
    if not ids:
        return []
    registrations = {r["id"]: r for r in _rows(conn, _REGISTRATIONS, ids)}
    authorizations: dict[str, list] = {rid: [] for rid in ids}
    for a in _rows(conn, _AUTHORIZATIONS, ids):
        authorizations[a.pop("registration_id")].append(a)
    locations: dict[str, list] = {rid: [] for rid in ids}
    for loc in _rows(conn, _LOCATIONS, ids):
        locations[loc.pop("registration_id")].append(loc)
    regulator_ids = sorted({r["regulator_id"] for r in registrations.values()})
    regulators = {g["id"]: g for g in _rows(conn, _REGULATORS, regulator_ids)}
    seen: dict[tuple[str, str | None], str | None] = {}  # one query per regulator, not per row
    evidence = dict(
        zip(
            ids,
            evidence_of(conn, [registrations[rid]["response_ids"] for rid in ids]),
            strict=True,
        )
    )
    out = []
    for rid in ids:
        r = registrations[rid]
        regulator = dict(
            regulators[r["regulator_id"]], sample=bool(regulators[r["regulator_id"]]["sample"])
        )
        on_register = r["removed_at"] is None
        held = authorizations[rid]
        kinds = authorized_kinds(r["status_class"], on_register, (a["kind"] for a in held))
        out.append(
            {
                "id": rid,
                "regulator": regulator,
                "registration_number": r["registration_number"],
                "name": r["name"],
                "family_name": r["family_name"],
                "given_names": r["given_names"],
                "category": r["category"],
                "status": r["status"],
                "status_class": r["status_class"],
                "on_register": on_register,
                "no_longer_on_register_since": r["removed_at"],
                "conditions": json.loads(r["conditions"] or "[]"),
                "needling": {
                    "tracking": regulator["needling"],
                    "answer": needling_answer(regulator["needling"], bool(kinds)),
                    "authorized": bool(kinds),
                    "kinds": kinds,
                    "authorizations": held,
                },
                "locations": locations[rid],
                "profile_url": r["profile_url"],
                "first_seen": r["first_seen"],
                "last_seen": _cached_last_seen(conn, seen, r["regulator_id"], r["removed_at"])
                or r["last_seen"],
                "evidence": evidence[rid],
            }
        )
    return out
