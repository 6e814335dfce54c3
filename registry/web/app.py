"""One local server: the search API at /api, the pages at /, and Datasette at /data/."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import sqlite3
from pathlib import Path
from urllib.parse import unquote_plus

from anyio import to_thread
from datasette.app import Datasette
from datasette.plugins import pm
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from db import DatabaseError, connect
from db.connections import Connections
from registry import gazetteer
from registry.lookup import cities
from registry.settings import (
    DATASETTE_SETTINGS,
    DATASETTE_STATIC,
    DATASETTE_STATIC_MOUNT,
    DATASETTE_TEMPLATES,
    SiteSettings,
)
from registry.web import api, clinics, i18n, pages, safety, watch, watch_pages
from registry.web.datasette_fixes import single_prefix
from registry.web.neutralise import NeutraliseCSV
from registry.web.ratelimits import RateLimits
from registry.web.responses import Answers
from registry.web.webhook_tests import WebhookTests


class RedactTokens(logging.Filter):
    """Hides watch-list tokens sent as ?token= from access-log lines (uvicorn.access).

    The log has the query as sent, so a parameter is recognised by its decoded name, as the app
    reads it: `?%74oken=` and `?tok%65n=` are the app's `token` too, and are hidden as well.
    """

    # A parameter's name and value in a query string (after ? or &, up to & or white space).
    PARAMETER = re.compile(r"(?<=[?&])([^=&\s]*)=([^&\s]*)")

    @classmethod
    def redact(cls, text: str) -> str:
        if "=" not in text:
            return text
        return cls.PARAMETER.sub(
            lambda m: (
                f"{m.group(1)}=REDACTED"
                if unquote_plus(m.group(1)).strip().lower() == "token"
                else m.group(0)
            ),
            text,
        )

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(self.redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = self.redact(record.msg)
        return True

    def __eq__(self, other) -> bool:
        return isinstance(other, RedactTokens)

    __hash__ = logging.Filter.__hash__


async def http_error(request: Request, exc: Exception) -> Response:
    """JSON for the API and programs; a page for people following a link to a page."""
    assert isinstance(exc, HTTPException)  # the handler for HTTPException only
    headers = getattr(exc, "headers", None)
    wants_page = "text/html" in request.headers.get("accept", "")
    if wants_page and not request.url.path.startswith(("/api/", "/data/")):
        response = pages.error_page(request, exc.status_code, exc.detail)
        response.headers.update(headers or {})
        return response
    return JSONResponse(
        {"error": exc.detail, "status": exc.status_code},
        exc.status_code,
        headers=headers,
    )


BUSY = i18n.MESSAGES[i18n.DEFAULT]["error.busy"]  # a page says it in its own language


async def database_busy(request: Request, exc: Exception) -> Response:
    """503 with Retry-After when SQLite says the database is locked: a first import into an
    empty database holds it for the length of its write (db `pages_written_once`).

    Or when an importer died during such a fill: its journal must be rolled back before anyone
    reads, which a read-only connection cannot do (SQLITE_READONLY_ROLLBACK). The primary does
    it as any command that opens the database for writing would (db `connect`, which also turns
    WAL on again), and the next request is answered; a replica never writes. Any other SQLite
    error is a server error."""
    if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_READONLY_ROLLBACK:
        if not request.app.state.replica:
            await run_in_threadpool(_roll_back, request.app.state.conn.path)
        retry = "5"
    elif "database is locked" in str(exc):
        retry = "60"
    else:
        raise exc
    return await http_error(request, HTTPException(503, BUSY, headers={"Retry-After": retry}))


def _roll_back(path: Path) -> None:
    with contextlib.suppress(DatabaseError):  # an importer has it again: the next request asks
        connect(path).close()


async def server_error(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"error": "internal error; it has been logged", "status": 500}, 500)


REPLICA_ENV = "REGISTRY_REPLICA"
PRIMARY_ONLY = (
    "this server is a read replica: verification, receipts and watch lists are served by the "
    "site's primary server, where the proxy sends these paths (docs/operating.md)"
)


def on_primary(routes: list[Route]) -> list[Route]:
    """The clinic routes as a read replica answers them: 421 Misdirected Request (the request
    reached a server that cannot answer it), in words, at the same paths and methods, documented
    as on the primary. A replica has no clinics database: it never writes."""
    out = []
    for route in routes:

        async def refuse(request: Request) -> Response:
            raise HTTPException(421, PRIMARY_ONLY)

        refuse.__doc__ = route.endpoint.__doc__  # /api/openapi.json describes the primary's
        out.append(
            Route(
                route.path,
                refuse,
                methods=sorted(route.methods or ()),
                include_in_schema=route.include_in_schema,
            )
        )
    return out


def create_app(settings: SiteSettings | str | Path, *, replica: bool = False) -> Starlette:
    """The whole site over one database file, which must exist (create it with an import).

    `settings` is read once, here (registry/settings.py); a path is short for
    `SiteSettings.load(path)`, the defaults and the environment over that database. A `replica`
    serves the public reads (pages, API, Datasette) of its database, a copy of a published
    release, and never writes: the clinic routes answer that the primary serves them.
    """
    if not isinstance(settings, SiteSettings):
        settings = SiteSettings.load(settings)
    db_path = settings.db_path
    if not db_path.exists():
        raise FileNotFoundError(f"no database at {db_path}; run `registry import` first")
    metadata = json.loads(settings.metadata_path.read_text(encoding="utf-8"))
    datasette_settings = {**DATASETTE_SETTINGS, "default_allow_sql": settings.allow_sql}
    safety.register()
    # datasette-gzip is for releases (registry/releases/publish.py); here NeutraliseCSV reads the
    # bodies.
    if pm.has_plugin("gzip"):
        pm.unregister(name="gzip")
    logging.getLogger("uvicorn.access").addFilter(RedactTokens())  # once: filters are equal
    datasette = Datasette(
        [str(db_path)],
        metadata=metadata,
        settings=datasette_settings,
        template_dir=str(DATASETTE_TEMPLATES),
        static_mounts=[(DATASETTE_STATIC_MOUNT, str(DATASETTE_STATIC))],
        cors=True,  # public, read-only data, read by Observable (datasette-export-notebook)
    )
    safety.hide_paths(datasette)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        app.state.settings = settings
        app.state.replica = replica
        app.state.limits = settings.limits
        app.state.public_url = settings.public_url
        app.state.freshness = settings.freshness
        app.state.conn = Connections(db_path)
        # Kept answers of the public reads (responses.py), unless settings.answers is 0.
        app.state.answers = Answers(settings.answers) if settings.answers else None
        # Requests' database work runs in Starlette's threadpool (anyio's default limiter):
        # a few threads at once, not 40 contending for the interpreter's lock.
        to_thread.current_default_thread_limiter().total_tokens = settings.read_threads
        if not replica:
            clinics.start(app, db_path)  # clinic data: a separate, writable database
        # Test deliveries wait on other people's servers: threads of their own, never these.
        app.state.webhook_tests = WebhookTests()
        await datasette.invoke_startup()
        # The practice cities (seconds to read at a million registrations), before the first
        # page needs them, in a thread as every read.
        with contextlib.suppress(sqlite3.Error):  # a database without tables yet: later
            await run_in_threadpool(lambda: cities.cities(app.state.conn.connection()))
        try:
            yield
        finally:
            app.state.webhook_tests.close()
            if not replica:
                clinics.stop(app)
            app.state.conn.close()

    clinic_routes = [*clinics.routes, *watch.routes, *watch_pages.routes]
    return Starlette(
        routes=[
            *api.routes,
            *pages.routes,
            *(on_primary(clinic_routes) if replica else clinic_routes),
            # Guarded (value sizes, methods, headers); no live formulas in its CSV.
            Mount("/data", app=NeutraliseCSV(safety.guarded(single_prefix(datasette.app())))),
        ],
        middleware=[
            Middleware(RateLimits, limits=settings.limits),
            # HTML and JSON; level 6 costs a third of the default 9 for 1% more bytes
            Middleware(GZipMiddleware, minimum_size=1000, compresslevel=6),
        ],
        exception_handlers={
            HTTPException: http_error,
            sqlite3.OperationalError: database_busy,
            Exception: server_error,
        },
        lifespan=lifespan,
    )


def from_environment() -> Starlette:
    """ASGI factory: `uvicorn --factory registry.web.app:from_environment`, database $REGISTRY_DB,
    config $REGISTRY_CONFIG; REGISTRY_NO_SQL=1 turns arbitrary SQL off; REGISTRY_REPLICA=1
    serves a read replica."""
    replica = os.environ.get(REPLICA_ENV, "") not in ("", "0")
    app = create_app(SiteSettings.load(), replica=replica)
    gazetteer.warm()  # in the background, so that the first near search does not wait for it
    return app
