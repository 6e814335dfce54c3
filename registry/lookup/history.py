"""A registration's past: its state on a date, its events and earlier versions, and the changes
between runs (the history endpoints, registry/web/history.py, answer with these)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from typing import Any, cast

from db.directory import authorized_kinds
from db.history import state_at
from registry.lookup.answers import Document, DocumentAsOf, Event, RegistrationHistory
from registry.lookup.numbers import is_masked
from registry.lookup.standing import needling_answer, standing_fields

EVENT_KINDS = (
    "appeared",
    "left",
    "returned",
    "status_changed",
    "authorization_granted",
    "authorization_removed",
    "conditions_changed",
    "location_changed",
    "details_changed",
)


class NotFound(LookupError):
    """No such regulator or registration, or none in force at a date; the message says which."""


class Ambiguous(NotFound):
    """A registration number several registrations share (Ontario's masked "XXX45")."""


def registration_id(db: sqlite3.Connection, regulator: str, key: str) -> str:
    """Our id for a registration, given its regulator and either the regulator's own id for the
    registrant (what follows "regulator:" in our id: Alinity's GUID, OPPQ's profile name) or its
    registration number; NotFound with a reason when there is none, Ambiguous when a (masked)
    number fits several."""
    if not db.execute("select 1 from regulators where id = ?", [regulator]).fetchone():
        raise NotFound(f"unknown regulator {regulator!r}; see /api/sources")
    own = f"{regulator}:{key}"
    if db.execute("select 1 from registrations where id = ?", [own]).fetchone():
        return own
    rows = db.execute(
        "select id from registrations where regulator_id = ? and registration_number = ? "
        "order by removed_at is not null, id limit 2",
        [regulator, key],
    ).fetchall()
    if not rows:
        raise NotFound(f"no registration {key!r} on the {regulator} register")
    if len(rows) > 1:
        raise Ambiguous(
            f"several registrations on the {regulator} register share the number {key!r} "
            "(the register masks it): use the registration's id instead (the part after "
            f"'{regulator}:' in the id /api/search gives)"
        )
    return rows[0][0]


def page_key(doc: Mapping[str, Any]) -> str | None:
    """What a registration's own page and API address use: its registration number where that
    names it alone, else the regulator's id for the registrant."""
    number = doc.get("registration_number")
    if number and not is_masked(number):
        return str(number)
    _, _, own = str(doc.get("id") or "").partition(":")
    return own or None


def as_of(db: sqlite3.Connection, doc: Document, at: str) -> DocumentAsOf:
    """A registration's document with its state replaced by the state in force at `at`."""
    state = state_at(db, doc["id"], at)
    if state is None:
        raise NotFound(f"{doc['name']} was not yet on the register at {at}")
    kinds = authorized_kinds(
        state["status_class"], state["on_register"], (a["kind"] for a in state["authorizations"])
    )
    tracking = doc["regulator"]["needling"]
    standing = standing_fields(state["status"], state["status_class"], state["on_register"])
    as_then = {
        **doc,
        **{
            k: state[k]
            for k in (
                "registration_number",
                "name",
                "category",
                "status",
                "status_class",
                "conditions",
                "locations",
                "on_register",
            )
        },
        "standing": standing,
        "needling": {
            "tracking": tracking,
            "answer": needling_answer(standing["state"], tracking, bool(kinds)),
            "authorized": bool(kinds),
            "kinds": kinds,
            "authorizations": state["authorizations"],
        },
        "as_of": at,
        "state_valid_from": state["valid_from"],
        "state_valid_to": state["valid_to"],
    }
    return cast(DocumentAsOf, as_then)


def _event(row: sqlite3.Row | tuple) -> Event:
    event_id, run_id, regulator, rid, at, kind, detail, name, number = row
    return {
        "id": event_id,
        "at": at,
        "kind": kind,
        "regulator": regulator,
        "registration_id": rid,
        "registration_number": number,
        "name": name,
        "import_run": run_id,
        "detail": json.loads(detail),
    }


_EVENTS = """
select e.id, e.run_id, e.regulator_id, e.registration_id, e.at, e.kind, e.detail, r.name,
  r.registration_number
from events e join registrations r on r.id = e.registration_id
"""


def registration_history(db: sqlite3.Connection, rid: str) -> RegistrationHistory:
    """Every event of a registration (oldest first) and its earlier states."""
    events = [
        _event(r) for r in db.execute(_EVENTS + " where e.registration_id = ? order by e.id", [rid])
    ]
    versions = [
        {
            "valid_from": valid_from,
            "valid_to": valid_to,
            "ended_by_run": run_id,
            **json.loads(state),
        }
        for valid_from, valid_to, run_id, state in db.execute(
            "select valid_from, valid_to, run_id, state from registration_versions "
            "where registration_id = ? order by valid_from",
            [rid],
        )
    ]
    first_seen, since = db.execute(
        "select first_seen, coalesce(valid_since, first_seen) from registrations where id = ?",
        [rid],
    ).fetchone()
    return {
        "id": rid,
        "first_seen": first_seen,
        "current_state_since": since,
        "events": events,
        "versions": versions,
    }


def dates(db: sqlite3.Connection, rid: str) -> tuple[str, str, str] | None:
    """A registration's id, since when its current state holds (or when first seen), and when it
    was first seen; None when there is no such registration."""
    return db.execute(
        "select id, coalesce(valid_since, first_seen), first_seen from registrations where id = ?",
        [rid],
    ).fetchone()


def authorized_since(conn, rid: str, authorized_now: bool, current_since: str) -> str | None:
    """Since when the register has shown an authorization without a break, from the history:
    the current state's start, carried back over the earlier versions that held one too."""
    if not authorized_now:
        return None
    since = current_since
    versions = conn.execute(
        "select valid_from, valid_to, state from registration_versions "
        "where registration_id = ? order by valid_from desc",
        [rid],
    ).fetchall()
    for valid_from, valid_to, state in versions:
        if valid_to != since or not json.loads(state).get("authorizations"):
            break
        since = valid_from
    return since


def regulator_exists(db: sqlite3.Connection, regulator: str) -> bool:
    return db.execute("select 1 from regulators where id = ?", [regulator]).fetchone() is not None


def changes(
    db: sqlite3.Connection,
    after_id: int,
    limit: int,
    since: str | None = None,
    regulator: str | None = None,
    kind: str | None = None,
) -> tuple[list[Event], bool]:
    """Up to `limit` events after event `after_id`, oldest first, and whether more follow."""
    where: list[str] = ["e.id > ?"]
    args: list[int | str] = [after_id]
    for clause, value in (
        ("e.at >= ?", since),
        ("e.regulator_id = ?", regulator),
        ("e.kind = ?", kind),
    ):
        if value:
            where.append(clause)
            args.append(value)
    rows = db.execute(
        _EVENTS + f" where {' and '.join(where)} order by e.id limit ?", [*args, limit + 1]
    ).fetchall()
    return [_event(r) for r in rows[:limit]], len(rows) > limit
