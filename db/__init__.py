"""The database: schema migrations, loading and the derived directory. Reads nothing above it."""

from __future__ import annotations

import os
from pathlib import Path

from sqlite_utils import Database

from db.migrations import migrate

DB_ENV = "REGISTRY_DB"
DEFAULT_PATH = Path("db") / "registry.db"


def default_path() -> Path:
    return Path(os.environ.get(DB_ENV) or DEFAULT_PATH)


def open_db(path: str | os.PathLike | None = None, *, create: bool = True) -> Database:
    """Open (and migrate) the database; WAL lets readers keep serving while an import writes."""
    path = Path(path or default_path())
    if not create and not path.exists():
        raise FileNotFoundError(f"no database at {path}; run `registry import` or `registry demo`")
    path.parent.mkdir(parents=True, exist_ok=True)
    db = Database(path)
    db.execute("PRAGMA busy_timeout = 10000")
    # A bounded page cache (64 MiB) keeps a large run's transaction from spilling to disk early
    # while keeping memory flat however large the input.
    db.execute("PRAGMA cache_size = -65536")
    # In WAL mode NORMAL is safe from corruption; a power cut may lose the last commit only.
    db.execute("PRAGMA synchronous = NORMAL")
    db.enable_wal()
    migrate(db)
    return db
