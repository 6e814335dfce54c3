"""The site's settings, read once when the server starts (`registry serve`, or the ASGI factory
`registry.web.app:from_environment`), never at request time."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from db.layout import registry_db
from registry.limits import Limits
from registry.verify import freshness_limits
from scrapers.sources import load_settings

METADATA = Path(__file__).resolve().parents[1] / "metadata.json"
# Datasette's templates and CSS made accessible (lang, labels, contrast, a link to the site),
# used by the site and by releases (registry/publish.py).
DATASETTE_TEMPLATES = Path(__file__).resolve().parent / "web" / "datasette_templates"
DATASETTE_STATIC = Path(__file__).resolve().parent / "web" / "datasette_static"
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


@dataclass(frozen=True)
class SiteSettings:
    """Everything the web layer needs to know, decided before the first request.

    `allow_sql=False` turns Datasette's arbitrary SQL off (saved queries still run). `limits`:
    per-client rates and quotas (registry/limits.py). `public_url`: the site's address as the
    public sees it, for links in feeds; never taken from the Host header. `freshness`: each
    source's freshness limit in hours, from the sources' declarations and the operator config.
    """

    db_path: Path
    metadata_path: Path = METADATA
    allow_sql: bool = True
    limits: Limits = field(default_factory=Limits)
    public_url: str = DEFAULT_PUBLIC_URL
    freshness: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))

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
        )
