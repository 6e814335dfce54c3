"""History endpoints: what changed between runs, a registration's past, its state on a date."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from db.directory import authorized_kinds
from db.history import state_at
from registry.documents import documents, needling_answer
from registry.search import SearchError, decode_cursor, encode_cursor, page_size

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


def instant(value: str, name: str, *, end_of_day: bool) -> str:
    """A date or a date-time from a query string, as the UTC ISO 8601 text the database holds."""
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            clock = "23:59:59" if end_of_day else "00:00:00"
            return f"{day.isoformat()}T{clock}Z"
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        raise HTTPException(
            400,
            f"{name} must be a date (2026-03-01) or an ISO 8601 date-time "
            f"(2026-03-01T12:00:00Z), got {value[:40]!r}",
        ) from None


def only(request: Request, allowed: set[str]) -> None:
    unknown = set(request.query_params) - allowed
    if unknown:
        raise HTTPException(
            400,
            f"unknown parameter(s): {', '.join(sorted(unknown))}; use "
            f"{', '.join(sorted(allowed)) or 'none'}",
        )


def registration_id(db: sqlite3.Connection, regulator: str, number: str) -> str:
    """Our id for a regulator's registration number; 404 with a reason when there is none."""
    if not db.execute("select 1 from regulators where id = ?", [regulator]).fetchone():
        raise HTTPException(404, f"unknown regulator {regulator!r}; see /api/sources")
    row = db.execute(
        "select id from registrations where regulator_id = ? and registration_number = ? "
        "order by removed_at is not null, id limit 1",
        [regulator, number],
    ).fetchone()
    if row is None:
        raise HTTPException(404, f"no registration {number!r} on the {regulator} register")
    return row[0]


def as_of(db: sqlite3.Connection, doc: dict, at: str) -> dict:
    """A registration's document with its state replaced by the state in force at `at`."""
    state = state_at(db, doc["id"], at)
    if state is None:
        raise HTTPException(404, f"{doc['name']} was not yet on the register at {at}")
    kinds = authorized_kinds(
        state["status_class"], state["on_register"], (a["kind"] for a in state["authorizations"])
    )
    tracking = doc["regulator"]["needling"]
    return {
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
        "needling": {
            "tracking": tracking,
            "answer": needling_answer(tracking, bool(kinds)),
            "authorized": bool(kinds),
            "kinds": kinds,
            "authorizations": state["authorizations"],
        },
        "as_of": at,
        "state_valid_from": state["valid_from"],
        "state_valid_to": state["valid_to"],
    }


async def api_registration(request: Request) -> JSONResponse:
    """
    summary: One registration by regulator and registration number, now or on a past date
    parameters:
      - {name: regulator, in: path, required: true, schema: {type: string}, description: "Source id, e.g. cpta (see /api/sources)"}
      - {name: registration_number, in: path, required: true, schema: {type: string}}
      - {name: as_of, in: query, schema: {type: string}, description: "A date (end of that day, UTC) or date-time: the state in force then"}
    responses:
      200:
        description: The registration with authorizations, locations and evidence
      400:
        description: A bad as_of
      404:
        description: Unknown regulator, no such registration number, or not yet on the register at as_of
    """
    only(request, {"as_of"})
    db = request.app.state.conn
    rid = registration_id(
        db, request.path_params["regulator"], request.path_params["registration_number"]
    )
    doc = documents(db, [rid])[0]
    if "as_of" in request.query_params:
        doc = as_of(db, doc, instant(request.query_params["as_of"], "as_of", end_of_day=True))
    return JSONResponse(doc)


def _event(row: sqlite3.Row | tuple) -> dict:
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


async def api_history(request: Request) -> JSONResponse:
    """
    summary: "A registration's history: every event and every earlier state"
    parameters:
      - {name: regulator, in: path, required: true, schema: {type: string}}
      - {name: registration_number, in: path, required: true, schema: {type: string}}
    responses:
      200:
        description: "events (oldest first) and versions: earlier states with valid_from and valid_to"
      404:
        description: Unknown regulator or registration
    """
    only(request, set())
    db = request.app.state.conn
    rid = registration_id(
        db, request.path_params["regulator"], request.path_params["registration_number"]
    )
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
    return JSONResponse(
        {
            "id": rid,
            "first_seen": first_seen,
            "current_state_since": since,
            "events": events,
            "versions": versions,
        }
    )


async def api_changes(request: Request) -> JSONResponse:
    """
    summary: Changes between runs, oldest first, paged
    parameters:
      - {name: since, in: query, schema: {type: string}, description: "A date or date-time (UTC): events at or after it"}
      - {name: regulator, in: query, schema: {type: string}, description: "Source id, e.g. cpta"}
      - {name: kind, in: query, schema: {type: string, enum: [appeared, left, returned, status_changed, authorization_granted, authorization_removed, conditions_changed, location_changed, details_changed]}}
      - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 500, default: 100}}
      - {name: cursor, in: query, schema: {type: string}, description: "next_cursor of the previous page"}
    responses:
      200:
        description: "events: what changed, with its run and time; next_cursor"
      400:
        description: Bad input, with a message
    """
    only(request, {"since", "regulator", "kind", "limit", "cursor"})
    params = request.query_params
    db = request.app.state.conn
    where, args = ["e.id > ?"], []
    try:
        args.append(decode_cursor(params.get("cursor")))
    except SearchError as e:
        raise HTTPException(400, str(e)) from None
    if params.get("since"):
        where.append("e.at >= ?")
        args.append(instant(params["since"], "since", end_of_day=False))
    if params.get("regulator"):
        if not db.execute(
            "select 1 from regulators where id = ?", [params["regulator"]]
        ).fetchone():
            raise HTTPException(
                400, f"unknown regulator {params['regulator'][:40]!r}; see /api/sources"
            )
        where.append("e.regulator_id = ?")
        args.append(params["regulator"])
    if params.get("kind"):
        if params["kind"] not in EVENT_KINDS:
            raise HTTPException(
                400, f"unknown kind {params['kind'][:40]!r}; use one of {', '.join(EVENT_KINDS)}"
            )
        where.append("e.kind = ?")
        args.append(params["kind"])
    try:
        limit = page_size(params.get("limit"), 100, 500)
    except SearchError as e:
        raise HTTPException(400, str(e)) from None
    rows = db.execute(
        _EVENTS + f" where {' and '.join(where)} order by e.id limit ?", [*args, limit + 1]
    ).fetchall()
    events = [_event(r) for r in rows[:limit]]
    return JSONResponse(
        {
            "events": events,
            "next_cursor": encode_cursor(events[-1]["id"]) if len(rows) > limit else None,
        }
    )


routes = [
    Route(
        "/api/registrations/{regulator}/{registration_number}/history", api_history, methods=["GET"]
    ),
    Route(
        "/api/registrations/{regulator}/{registration_number}", api_registration, methods=["GET"]
    ),
    Route("/api/changes", api_changes, methods=["GET"]),
]
