"""History: a registration's earlier states, and the events that separate consecutive runs.

The registrations table holds each registration's current state, in force since `valid_since`.
When a run changes it, the state it replaces is kept in registration_versions with the interval it
was in force, and the differences become events. Nothing is written for what did not change, so
the state on any past date is either the current row or exactly one version.
"""

from __future__ import annotations

import json
import sqlite3

from scrapers.records import Registration

STATE_FIELDS = ("registration_number", "name", "category", "status", "status_class")
LOCATION_FIELDS = (
    "organization",
    "address",
    "city",
    "province",
    "postal_code",
    "phone",
    "latitude",
    "longitude",
)


def state_of(rec: Registration, on_register: bool = True) -> dict:
    """The published state of a record as it arrives from a source."""
    return {
        **{f: getattr(rec, f) for f in STATE_FIELDS},
        "conditions": list(rec.conditions),
        "authorizations": [vars(a) for a in rec.authorizations],
        "locations": [_location(vars(loc)) for loc in rec.locations],
        "on_register": on_register,
    }


def _location(fields: dict) -> dict:
    """A location's state; coordinates only where the register publishes them."""
    if fields.get("latitude") is None and fields.get("longitude") is None:
        return {k: v for k, v in fields.items() if k not in ("latitude", "longitude")}
    return fields


def snapshot(conn: sqlite3.Connection, ids: list[str]) -> dict[str, dict]:
    """Current states (and since when) of registrations, as stored, by id."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    states: dict[str, dict] = {}
    for row in conn.execute(
        f"select id, {', '.join(STATE_FIELDS)}, conditions, removed_at, "
        f"coalesce(valid_since, first_seen) from registrations where id in ({marks})",
        ids,
    ):
        rid, *fields, conditions, removed_at, since = row
        states[rid] = {
            **dict(zip(STATE_FIELDS, fields, strict=True)),
            "conditions": json.loads(conditions or "[]"),
            "authorizations": [],
            "locations": [],
            "on_register": removed_at is None,
            "_since": since,
        }
    for rid, wording, kind, mechanism in conn.execute(
        f"select registration_id, wording, kind, mechanism from authorizations "
        f"where registration_id in ({marks}) order by id",
        ids,
    ):
        states[rid]["authorizations"].append(
            {"wording": wording, "kind": kind, "mechanism": mechanism}
        )
    for rid, *loc in conn.execute(
        f"select registration_id, organization, address, city, province, postal_code, phone, "
        f"latitude, longitude from practice_locations where registration_id in ({marks}) "
        f"order by position",
        ids,
    ):
        states[rid]["locations"].append(_location(dict(zip(LOCATION_FIELDS, loc, strict=True))))
    return states


def changes(old: dict | None, new: dict) -> list[tuple[str, dict]]:
    """The events between two states of one registration (old None: it appeared)."""
    if old is None:
        return [("appeared", {"after": _public(new)})]
    if old["on_register"] and not new["on_register"]:
        return [("left", {"before": _public(old)})]
    events: list[tuple[str, dict]] = []
    if not old["on_register"] and new["on_register"]:
        events.append(("returned", {"after": _public(new)}))
    if (old["status"], old["status_class"]) != (new["status"], new["status_class"]):
        events.append(
            (
                "status_changed",
                {
                    "before": old["status"],
                    "after": new["status"],
                    "after_class": new["status_class"],
                },
            )
        )
    before = {(a["wording"], a["kind"]): a for a in old["authorizations"]}
    after = {(a["wording"], a["kind"]): a for a in new["authorizations"]}
    events += [
        ("authorization_granted", {"authorization": a})
        for key, a in after.items()
        if key not in before
    ]
    events += [
        ("authorization_removed", {"authorization": a})
        for key, a in before.items()
        if key not in after
    ]
    if old["conditions"] != new["conditions"]:
        events.append(
            ("conditions_changed", {"before": old["conditions"], "after": new["conditions"]})
        )
    if old["locations"] != new["locations"]:
        events.append(("location_changed", {"before": old["locations"], "after": new["locations"]}))
    details = {
        f: {"before": old[f], "after": new[f]}
        for f in ("registration_number", "name", "category")
        if old[f] != new[f]
    }
    if details:
        events.append(("details_changed", details))
    return events


def _public(state: dict) -> dict:
    return {k: v for k, v in state.items() if not k.startswith("_")}


def record(
    conn: sqlite3.Connection,
    regulator_id: str,
    run_id: int,
    now: str,
    pairs: list[tuple[str, dict | None, dict]],
    *,
    events_for_new: bool,
) -> None:
    """Keep replaced states as versions and write the events of each (id, old, new) pair."""
    versions, events = [], []
    for rid, old, new in pairs:
        if old is not None:
            versions.append(
                (
                    rid,
                    regulator_id,
                    old["_since"],
                    now,
                    run_id,
                    json.dumps(_public(old), ensure_ascii=False),
                )
            )
        if old is None and not events_for_new:
            continue
        events += [
            (run_id, regulator_id, rid, now, kind, json.dumps(detail, ensure_ascii=False))
            for kind, detail in changes(old, new)
        ]
    conn.executemany(
        "insert into registration_versions (registration_id, regulator_id, valid_from, valid_to, "
        "run_id, state) values (?, ?, ?, ?, ?, ?)",
        versions,
    )
    conn.executemany(
        "insert into events (run_id, regulator_id, registration_id, at, kind, detail) "
        "values (?, ?, ?, ?, ?, ?)",
        events,
    )


def state_at(conn: sqlite3.Connection, registration_id: str, at: str) -> dict | None:
    """The registration's state in force at `at` (ISO 8601), or None before it was first seen."""
    row = conn.execute(
        "select coalesce(valid_since, first_seen) from registrations where id = ?",
        [registration_id],
    ).fetchone()
    if row is None:
        return None
    if at >= row[0]:
        (state,) = snapshot(conn, [registration_id]).values()
        return {**_public(state), "valid_from": row[0], "valid_to": None}
    version = conn.execute(
        "select state, valid_from, valid_to from registration_versions "
        "where registration_id = ? and valid_from <= ? and valid_to > ? "
        "order by valid_from desc limit 1",
        [registration_id, at, at],
    ).fetchone()
    if version is None:
        return None
    return {**json.loads(version[0]), "valid_from": version[1], "valid_to": version[2]}
