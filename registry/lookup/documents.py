"""A registration as the API returns it, assembled from the normalized tables for one page."""

from __future__ import annotations

import sqlite3
from typing import Any, cast

import orjson

from db import reads
from db.directory import authorized_kinds
from db.responses import evidence_sql
from registry.lookup.answers import Document, DocumentRegulator
from registry.lookup.standing import needling_answer, standing_fields

# One row per registration, its lists (authorizations, practice locations, evidence) as JSON
# built by SQLite: a page of 20 results is one query, about half the time of one query per table
# and the dictionaries built from their rows (BENCHMARKS.md).
_REGISTRATIONS = f"""
select r.id, r.regulator_id, r.registration_number, r.name, r.family_name, r.given_names,
  r.category, r.status, r.status_class, coalesce(nullif(r.conditions, ''), '[]'), r.profile_url,
  r.first_seen, r.last_seen, r.removed_at,
  (select json_group_array(json_object('wording', a.wording, 'kind', a.kind,
      'mechanism', a.mechanism,
      'by_scope', json(case when a.mechanism = 'scope_of_practice' then 'true' else 'false' end)))
    from (select * from authorizations where registration_id = r.id order by id) a),
  (select json_group_array(json_object('organization', l.organization, 'address', l.address,
      'city', l.city, 'province', l.province, 'postal_code', l.postal_code, 'phone', l.phone))
    from (select * from practice_locations where registration_id = r.id order by position) l),
  {evidence_sql("r.response_ids")},
  coalesce(r.profession, 'physiotherapist')
from registrations r where r.id in (select value from json_each(?))
"""
# A profession as a sentence names one: "an acupuncturist".
PROFESSION_WORDS = {
    "physiotherapist": "a physiotherapist",
    "acupuncturist": "an acupuncturist",
    "physician": "a physician",
    "naturopath": "a naturopathic doctor",
    "occupational_therapist": "an occupational therapist",
    "athletic_trainer": "an athletic trainer",
    "chiropractor": "a chiropractor",
}


def basis(mechanism: str | None, profession: str | None) -> str:
    """How an authorization is held, in plain English (the pages say it in French too,
    registry/web/i18n.py): by the scope of practice of the whole profession, or in person."""
    if mechanism == "scope_of_practice":
        who = PROFESSION_WORDS.get(profession or "", "the profession")
        return f"may, by the scope of practice of {who}"
    how = f" ({mechanism.replace('_', ' ')})" if mechanism else ""
    return f"authorized in person by the regulator{how}"


_REGULATORS = """
select id, name, short_name, jurisdiction, register_url, terms_note, needling, sample,
  coalesce(profession, 'physiotherapist') as profession, mechanism
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


def _rows(conn: sqlite3.Connection, sql: str, ids: list) -> list[dict[str, Any]]:
    cursor = conn.execute(sql.format(marks=",".join("?" * len(ids))), ids)
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def documents(conn: sqlite3.Connection, ids: list[str], *, as_json: bool = False) -> list[Document]:
    """Full API documents for registration ids, in the order given.

    With `as_json`, a document's conditions, authorizations, practice locations and evidence are
    left as the JSON SQLite built (orjson.Fragment), for an answer that only encodes them again.
    """
    if not ids:
        return []
    rows = {row[0]: row for row in conn.execute(_REGISTRATIONS, [orjson.dumps(ids).decode()])}
    regulator_ids = sorted({row[1] for row in rows.values()})
    regulators = {
        g["id"]: cast(DocumentRegulator, dict(g, sample=bool(g["sample"])))
        for g in _rows(conn, _REGULATORS, regulator_ids)
    }
    seen: dict[tuple[str, str | None], str | None] = {}  # one query per regulator, not per row
    parsed = orjson.Fragment if as_json else orjson.loads
    out: list[Document] = []
    for rid in ids:
        (
            _,
            regulator_id,
            number,
            name,
            family_name,
            given_names,
            category,
            status,
            status_class,
            conditions,
            profile_url,
            first_seen,
            stored_last_seen,
            removed_at,
            held_json,
            locations,
            evidence,
            profession,
        ) = rows[rid]
        regulator = regulators[regulator_id]
        on_register = removed_at is None
        held = orjson.loads(held_json)
        kinds = authorized_kinds(status_class, on_register, (a["kind"] for a in held))
        standing = standing_fields(status, status_class, on_register)
        out.append(
            {
                "id": rid,
                "regulator": regulator if as_json else regulator.copy(),
                "registration_number": number,
                "name": name,
                # Who the person is: a physiotherapist's authorization and an acupuncturist's
                # scope of practice are never mixed (each authorization's `by_scope` says which).
                "profession": profession,
                # Standing before anything about needling: whether this person may practise.
                "standing": standing,
                "family_name": family_name,
                "given_names": given_names,
                "category": category,
                "status": status,
                "status_class": status_class,
                "on_register": on_register,
                "no_longer_on_register_since": removed_at,
                "conditions": parsed(conditions),
                "needling": {
                    "tracking": regulator["needling"],
                    "answer": needling_answer(
                        standing["state"], regulator["needling"], bool(kinds)
                    ),
                    "authorized": bool(kinds),
                    "kinds": kinds,
                    "authorizations": orjson.Fragment(held_json) if as_json else held,
                },
                "locations": parsed(locations),
                "profile_url": profile_url,
                "first_seen": first_seen,
                "last_seen": _cached_last_seen(conn, seen, regulator_id, removed_at)
                or stored_last_seen,
                "evidence": parsed(evidence),
            }
        )
    return out
