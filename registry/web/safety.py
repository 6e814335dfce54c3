"""Datasette at /data/, made safe to expose: bounded values, no fts3_tokenizer, our headers.

Arbitrary SQL is a feature of the site, so its cost must be bounded in memory as well as in time
(Datasette bounds time and rows): `select hex(zeroblob(5e7))` once returned 100 MB and took the
server to 1.1 GB. Each Datasette connection gets a cap on the length of any string or blob, and an
authorizer that refuses `fts3_tokenizer` (which can read and call memory addresses; SQLite's own
switch for it, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, is not exposed by Python's sqlite3).
The same authorizer reads the `file` column of `pragma_database_list` as NULL, so that SQL cannot
show where the database lives on this machine (Datasette allows that pragma in queries).
"""

from __future__ import annotations

import sqlite3

import datasette.handle_exception as datasette_errors
from datasette import hookimpl
from datasette.plugins import pm

from registry.releases.metadata import MAP_TILE_HOST
from registry.web.asgi import json_error

# The longest string or blob a Datasette query may make or read. Our longest stored values (JSON
# states, evidence) are a few KB; a result is still at most max_returned_rows rows of these.
MAX_LENGTH = 1_000_000
DENIED_FUNCTIONS = frozenset({"fts3_tokenizer"})
ALLOWED_METHODS = frozenset({"GET", "HEAD", "POST", "OPTIONS"})

# Datasette's pages use inline scripts and styles, so its policy allows those; the map's tiles
# come from MAP_TILE_HOST; the rest is ours.
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    f"img-src 'self' data: {MAP_TILE_HOST}; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}
_ENCODED = [(k.encode(), v.encode()) for k, v in HEADERS.items()]


# (table, column) read as NULL: the database file's path on this machine.
HIDDEN_COLUMNS = frozenset({("pragma_database_list", "file")})


def authorizer(action: int, arg1, arg2, db_name, trigger) -> int:
    """Refuse calls to the functions in DENIED_FUNCTIONS, read HIDDEN_COLUMNS as NULL; allow
    everything else."""
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in DENIED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_READ and ((arg1 or "").lower(), (arg2 or "").lower()) in (
        HIDDEN_COLUMNS
    ):
        return sqlite3.SQLITE_IGNORE
    return sqlite3.SQLITE_OK


def secure(conn: sqlite3.Connection) -> None:
    """Bound value lengths and refuse fts3_tokenizer on one connection."""
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_LENGTH)
    conn.set_authorizer(authorizer)


class _Plugin:
    @staticmethod
    @hookimpl
    def prepare_connection(conn):
        secure(conn)


def register() -> None:
    """Register the plugin with Datasette (in-process, once)."""
    # Datasette 0.65 prints every query error with rich's traceback and locals when rich is
    # installed (schemathesis brings it), on the event loop: seconds per timed-out query.
    datasette_errors.rich = None
    if not pm.has_plugin("registry-safety"):
        pm.register(_Plugin, name="registry-safety")


def hide_paths(datasette) -> None:
    """/-/databases.json without the database file's path on this machine (call before .app())."""
    shown = datasette._connected_databases  # a Datasette 0.65 internal: its only use
    datasette._connected_databases = lambda: [
        {k: v for k, v in d.items() if k != "path"} for d in shown()
    ]


def guarded(app):
    """Datasette's ASGI app with 405 for methods it does not serve and our security headers."""

    async def asgi(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        if scope["method"] not in ALLOWED_METHODS:
            allow = ", ".join(sorted(ALLOWED_METHODS)).encode()
            return await json_error(send, 405, "method not allowed", [(b"allow", allow), *_ENCODED])

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in _ENCODED if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await app(scope, receive, send_with_headers)

    return asgi
