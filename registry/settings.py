"""The site's settings, read once when the server starts (`registry serve`, or the ASGI factory
`registry.web.app:from_environment`), never at request time."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from urllib.parse import urlsplit

from db.layout import registry_db
from registry.limits import Limits
from registry.lookup.freshness import freshness_limits
from scrapers.sources import load_settings

METADATA = Path(__file__).resolve().parents[1] / "metadata.json"
# Datasette's templates and CSS made accessible (lang, labels, contrast, a link to the site),
# used by the site and by releases (registry/releases/publish.py).
DATASETTE_TEMPLATES = Path(__file__).resolve().parent / "web" / "datasette_templates"
DATASETTE_STATIC = Path(__file__).resolve().parent / "web" / "datasette_static"
DATASETTE_PLUGINS = Path(__file__).resolve().parent / "web" / "datasette_plugins"
# Served at /data/site-assets/; not "registry-...", which datasette-hashed-urls would take for
# the database "registry" in a release.
DATASETTE_STATIC_MOUNT = "site-assets"
NO_SQL_ENV = "REGISTRY_NO_SQL"
ANSWERS_ENV = "REGISTRY_ANSWERS"
READ_THREADS_ENV = "REGISTRY_READ_THREADS"


def read_threads(value: str) -> int:
    """How many threads run the site's reads at once ($REGISTRY_READ_THREADS), at least 1."""
    if not value.strip():
        return SiteSettings.read_threads
    if not value.strip().isdigit() or int(value) < 1:
        raise ValueError(f"${READ_THREADS_ENV} must be a whole number of at least 1, got {value!r}")
    return int(value)


def answers_kept(value: str) -> int:
    """How many whole answers the site keeps ($REGISTRY_ANSWERS): a count, 0 for none."""
    if not value.strip():
        return SiteSettings.answers
    if not value.strip().isdigit():
        raise ValueError(f"${ANSWERS_ENV} must be a whole number (0: keep none), got {value!r}")
    return int(value)


PUBLIC_URL_ENV = "REGISTRY_PUBLIC_URL"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
MAP_TILES_ENV = "REGISTRY_MAP_TILES"
MAP_ATTRIBUTION_ENV = "REGISTRY_MAP_ATTRIBUTION"
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)

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


@dataclass(frozen=True)
class TileServer:
    """Where the results map's tiles come from: OpenStreetMap's unless $REGISTRY_MAP_TILES
    names another (an https URL template with {z}, {x} and {y}); the page's Content-Security-
    Policy allows images from its host and no other. `attribution` is HTML, from us or the
    operator (never from a register)."""

    url: str = OSM_TILES
    attribution: str = OSM_ATTRIBUTION

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        missing = [p for p in ("{z}", "{x}", "{y}") if p not in self.url]
        if parts.scheme != "https" or not parts.hostname or missing:
            raise ValueError(
                f"${MAP_TILES_ENV} must be an https URL with {{z}}, {{x}} and {{y}}: {self.url!r}"
            )
        if any(c in parts.netloc for c in " ;,'\"\n"):
            raise ValueError(f"${MAP_TILES_ENV} has an unusable host: {parts.netloc!r}")

    @property
    def origin(self) -> str:
        """What the CSP's img-src allows: https://tile.openstreetmap.org."""
        return f"https://{urlsplit(self.url).netloc}"

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> TileServer:
        url = environ.get(MAP_TILES_ENV) or OSM_TILES
        default = OSM_ATTRIBUTION if url == OSM_TILES else ""
        return cls(url=url, attribution=environ.get(MAP_ATTRIBUTION_ENV) or default)


@dataclass(frozen=True)
class SiteSettings:
    """Everything the web layer needs to know, decided before the first request.

    `allow_sql=False` turns Datasette's arbitrary SQL off (saved queries still run). `limits`:
    per-client rates and quotas (registry/limits.py). `public_url`: the site's address as the
    public sees it, for links in feeds; never taken from the Host header. `freshness`: each
    source's freshness limit in hours, from the sources' declarations and the operator config.
    `map_tiles`: the results map's tile server ($REGISTRY_MAP_TILES, $REGISTRY_MAP_ATTRIBUTION).
    """

    db_path: Path
    metadata_path: Path = METADATA
    allow_sql: bool = True
    limits: Limits = field(default_factory=Limits)
    public_url: str = DEFAULT_PUBLIC_URL
    freshness: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    map_tiles: TileServer = field(default_factory=TileServer)
    answers: int = 4096  # answers kept (registry/web/responses.py); 0: none ($REGISTRY_ANSWERS)
    # Threads that run requests' database work at once ($REGISTRY_READ_THREADS). More only
    # contend for the interpreter's lock: at 1,000,000 registrations, 32 clients got 131 API
    # answers/s from Starlette's default of 40 threads, 430 from 2 (BENCHMARKS.md).
    read_threads: int = 2

    @classmethod
    def load(
        cls,
        db_path: str | os.PathLike | None = None,
        config: str | os.PathLike | None = None,
        *,
        allow_sql: bool | None = None,
        limits: Limits | None = None,
        public_url: str | None = None,
        metadata_path: str | os.PathLike = METADATA,
        environ: Mapping[str, str] = os.environ,
    ) -> SiteSettings:
        """Arguments first, then the environment ($REGISTRY_DB, $REGISTRY_CONFIG,
        $REGISTRY_NO_SQL, $REGISTRY_PUBLIC_URL, $REGISTRY_LIMIT_*), then the defaults.

        A broken operator config fails here, at start, not on a request."""
        if allow_sql is None:
            allow_sql = environ.get(NO_SQL_ENV, "") in ("", "0")
        return cls(
            db_path=Path(db_path) if db_path is not None else registry_db(),
            metadata_path=Path(metadata_path),
            allow_sql=allow_sql,
            limits=limits or Limits.from_environment(environ),
            public_url=(public_url or environ.get(PUBLIC_URL_ENV) or DEFAULT_PUBLIC_URL).rstrip(
                "/"
            ),
            freshness=MappingProxyType(dict(freshness_limits(load_settings(config)))),
            map_tiles=TileServer.from_environment(environ),
            answers=answers_kept(environ.get(ANSWERS_ENV, "")),
            read_threads=read_threads(environ.get(READ_THREADS_ENV, "")),
        )
