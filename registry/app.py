"""One local server: the search API at /api, the pages at /, and Datasette at /data/."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import sqlite3
import threading
from pathlib import Path

from datasette.app import Datasette
from datasette.plugins import pm
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount

from registry import api, clinics, pages, safety, watch
from registry.csvsafe import NeutraliseCSV
from registry.datasette_fixes import single_prefix
from registry.limits import Limits, RateLimits

METADATA = Path(__file__).resolve().parents[1] / "metadata.json"
# Datasette's templates and CSS made accessible (lang, labels, contrast, a link to the site).
DATASETTE_TEMPLATES = Path(__file__).resolve().parent / "datasette_templates"
DATASETTE_STATIC = Path(__file__).resolve().parent / "datasette_static"
# Served at /data/site-assets/; not "registry-...", which datasette-hashed-urls would take for
# the database "registry" in a release.
DATASETTE_STATIC_MOUNT = "site-assets"
NO_SQL_ENV = "REGISTRY_NO_SQL"
PUBLIC_URL_ENV = "REGISTRY_PUBLIC_URL"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"

# A public instance must hold up: bounded SQL time, bounded rows, facets inside the SQL limit.
DATASETTE_SETTINGS = {
    "base_url": "/data/",
    "sql_time_limit_ms": 1000,
    "facet_time_limit_ms": 500,
    "max_returned_rows": 1000,
    "default_page_size": 50,
    # One thread for Datasette's queries: a running query takes the GIL every 1,000 SQLite steps
    # (its time limit's progress handler), which starves the event loop (scripts/isolation.py).
    "num_sql_threads": 1,
    "suggest_facets": False,  # each suggestion costs queries on every table page
}


def read_only(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
    conn.execute("PRAGMA query_only = 1")
    return conn


class Connections:
    """A read-only connection per thread, used like one sqlite3.Connection.

    The API's endpoints run in Starlette's threadpool, each thread on its own connection, so
    that their reads neither wait on the event loop nor share a connection across threads.
    """

    def __init__(self, path: Path):
        self.path = path
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = read_only(self.path)
            with self._lock:
                self._opened.append(conn)
        return conn

    def __getattr__(self, name):
        return getattr(self.connection(), name)

    def close(self) -> None:
        with self._lock:
            for conn in self._opened:
                conn.close()
            self._opened.clear()


class RedactTokens(logging.Filter):
    """Hides watch-list tokens sent as ?token= from access-log lines (uvicorn.access)."""

    PATTERN = re.compile(r"((?:^|[?&])token=)[^&\s]*")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                self.PATTERN.sub(r"\1REDACTED", a) if isinstance(a, str) else a for a in record.args
            )
        elif isinstance(record.msg, str):
            record.msg = self.PATTERN.sub(r"\1REDACTED", record.msg)
        return True

    def __eq__(self, other) -> bool:
        return isinstance(other, RedactTokens)

    __hash__ = logging.Filter.__hash__


async def http_error(request: Request, exc: HTTPException) -> Response:
    """JSON for the API and programs; a page for people following a link to a page."""
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


async def server_error(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"error": "internal error; it has been logged", "status": 500}, 500)


def create_app(
    db_path: str | Path,
    metadata_path: str | Path = METADATA,
    allow_sql: bool = True,
    limits: Limits | None = None,
    public_url: str | None = None,
) -> Starlette:
    """The whole site over one database file, which must exist (create it with an import).

    allow_sql=False turns Datasette's arbitrary SQL off; saved queries still run. `limits`:
    per-client rates and quotas (default: from the environment, registry/limits.py).
    `public_url`: the site's address as the public sees it, for links in feeds (default
    $REGISTRY_PUBLIC_URL, else http://127.0.0.1:8000); never taken from the Host header.
    """
    db_path = Path(db_path)
    if not db_path.exists():
        raise FileNotFoundError(f"no database at {db_path}; run `registry import` first")
    metadata = json.loads(Path(metadata_path).read_text(encoding="utf-8"))
    settings = {**DATASETTE_SETTINGS, "default_allow_sql": allow_sql}
    safety.register()
    # datasette-gzip is for releases (registry/publish.py); here NeutraliseCSV reads the bodies.
    if pm.has_plugin("gzip"):
        pm.unregister(name="gzip")
    logging.getLogger("uvicorn.access").addFilter(RedactTokens())  # once: filters are equal
    datasette = Datasette(
        [str(db_path)],
        metadata=metadata,
        settings=settings,
        template_dir=str(DATASETTE_TEMPLATES),
        static_mounts=[(DATASETTE_STATIC_MOUNT, str(DATASETTE_STATIC))],
        cors=True,  # public, read-only data, read by Observable (datasette-export-notebook)
    )
    safety.hide_paths(datasette)
    limits = limits or Limits.from_environment()
    public_url = (public_url or os.environ.get(PUBLIC_URL_ENV) or DEFAULT_PUBLIC_URL).rstrip("/")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        app.state.limits = limits
        app.state.public_url = public_url
        app.state.conn = Connections(db_path)
        clinics.start(app, db_path)  # clinic data: a separate, writable database
        await datasette.invoke_startup()
        try:
            yield
        finally:
            clinics.stop(app)
            app.state.conn.close()

    return Starlette(
        routes=[
            *api.routes,
            *pages.routes,
            *clinics.routes,
            *watch.routes,
            # Guarded (value sizes, methods, headers); no live formulas in its CSV.
            Mount("/data", app=NeutraliseCSV(safety.guarded(single_prefix(datasette.app())))),
        ],
        middleware=[Middleware(RateLimits, limits=limits)],
        exception_handlers={HTTPException: http_error, Exception: server_error},
        lifespan=lifespan,
    )


def from_environment() -> Starlette:
    """ASGI factory: `uvicorn --factory registry.app:from_environment`, database $REGISTRY_DB;
    REGISTRY_NO_SQL=1 turns arbitrary SQL off."""
    from db import default_path

    return create_app(default_path(), allow_sql=os.environ.get(NO_SQL_ENV, "") in ("", "0"))
