"""Reading requests: unknown parameters and malformed dates are a 400 with a reason; the
registry connection of the thread a handler runs in."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request


def conn(request: Request) -> sqlite3.Connection:
    """This thread's read-only connection to the registry. Handlers that read are plain
    functions (Starlette runs them in its threadpool), or do their reading in
    `run_in_threadpool` after awaiting a body, so a slow read never holds up the event loop
    (or Datasette); each thread has its own connection (db.connections.PerThread)."""
    return request.app.state.conn.connection()


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


async def body_within(request: Request, limit: int, too_large: Callable[[], Exception]) -> bytes:
    """The request body, refused with `too_large()` once it is over `limit` bytes: by its declared
    length before anything is read, else as soon as the stream passes the limit."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise too_large()
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                raise too_large()
    except ClientDisconnect:
        # An upload the client gave up on: nothing to do, nothing worth a traceback in the log.
        raise HTTPException(400, "the request body was cut off: the client went away") from None
    return bytes(body)


def watch_token(request: Request, fallback: object = None) -> str | None:
    """A watch list's token: the `Authorization: Bearer` header's, else `fallback` (the API's
    `?token=`, the page's form field) when it is text."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return fallback.strip() if isinstance(fallback, str) else None
