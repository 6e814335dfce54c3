"""History endpoints: what changed between runs, a registration's past, its state on a date
(the reads are registry.lookup.history)."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from registry.lookup import history
from registry.lookup.documents import documents
from registry.lookup.search import SearchError, decode_cursor, encode_cursor, page_size
from registry.web.params import conn, instant, only
from registry.web.responses import JSON


def api_registration(request: Request) -> JSONResponse:
    """
    summary: One registration by regulator and registration number (or the regulator's own id), now or on a past date
    parameters:
      - {name: regulator, in: path, required: true, schema: {type: string}, description: "Source id, e.g. cpta (see /api/sources)"}
      - {name: registration_number, in: path, required: true, schema: {type: string}, description: "The registration number, or, where numbers are missing or masked (Ontario, Quebec), the part of the registration's id after 'regulator:'"}
      - {name: as_of, in: query, schema: {type: string}, description: "A date (end of that day, UTC) or date-time: the state in force then"}
    responses:
      200:
        description: The registration with authorizations, locations and evidence
      400:
        description: A bad as_of
      404:
        description: Unknown regulator, no such registration number, or not yet on the register at as_of
      409:
        description: A masked number several registrations share; use the registration's id
    """
    only(request, {"as_of"})
    db = conn(request)
    try:
        rid = _registration(request)
        doc = documents(db, [rid])[0]
        if "as_of" in request.query_params:
            at = instant(request.query_params["as_of"], "as_of", end_of_day=True)
            doc = history.as_of(db, doc, at)
    except history.NotFound as e:
        raise HTTPException(404, str(e)) from None
    return JSON(doc)


def _registration(request: Request) -> str:
    try:
        return history.registration_id(
            conn(request),
            request.path_params["regulator"],
            request.path_params["registration_number"],
        )
    except history.Ambiguous as e:
        raise HTTPException(409, str(e)) from None


def api_history(request: Request) -> JSONResponse:
    """
    summary: "A registration's history: every event and every earlier state"
    parameters:
      - {name: regulator, in: path, required: true, schema: {type: string}}
      - {name: registration_number, in: path, required: true, schema: {type: string}, description: "The registration number, or the part of the registration's id after 'regulator:'"}
    responses:
      200:
        description: "events (oldest first) and versions: earlier states with valid_from and valid_to"
      404:
        description: Unknown regulator or registration
      409:
        description: A masked number several registrations share; use the registration's id
    """
    only(request, set())
    try:
        rid = _registration(request)
    except history.NotFound as e:
        raise HTTPException(404, str(e)) from None
    return JSON(history.registration_history(conn(request), rid))


def api_changes(request: Request) -> JSONResponse:
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
    db = conn(request)
    try:
        after = decode_cursor(params.get("cursor"))
    except SearchError as e:
        raise HTTPException(400, str(e)) from None
    since = instant(params["since"], "since", end_of_day=False) if params.get("since") else None
    regulator = params.get("regulator") or None
    if regulator and not history.regulator_exists(db, regulator):
        raise HTTPException(400, f"unknown regulator {regulator[:40]!r}; see /api/sources")
    kind = params.get("kind") or None
    if kind and kind not in history.EVENT_KINDS:
        raise HTTPException(
            400, f"unknown kind {kind[:40]!r}; use one of {', '.join(history.EVENT_KINDS)}"
        )
    try:
        limit = page_size(params.get("limit"), 100, 500)
    except SearchError as e:
        raise HTTPException(400, str(e)) from None
    events, more = history.changes(db, after, limit, since, regulator, kind)
    return JSON(
        {"events": events, "next_cursor": encode_cursor(events[-1]["id"]) if more else None}
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
