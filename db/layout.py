"""Where every file lives, decided in one place: the registry database, the clinics database,
the evidence archive and the import locks. Everything else is placed relative to the registry
database, so one `--db` (or $REGISTRY_DB) moves a whole installation:

    db/registry.db                    the registry ($REGISTRY_DB)
    db/registry.clinics.db            receipts and watch lists ($REGISTRY_CLINICS_DB)
    db/archive/registry/              every response each run was given (db/archive.py)
    db/locks/registry.<source>.lock   one import of a source at a time
    db/demo/registry.db               the demo's registry, and its own files beside it
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

DB_ENV = "REGISTRY_DB"
CLINICS_ENV = "REGISTRY_CLINICS_DB"
DEFAULT_DB = Path("db") / "registry.db"
DEMO_DB = Path("db") / "demo" / "registry.db"
SQLITE_SIDECARS = ("", "-wal", "-shm")


def registry_db() -> Path:
    """The registry database: $REGISTRY_DB, else db/registry.db."""
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB)


def clinics_db(registry: str | os.PathLike) -> Path:
    """The clinics database: $REGISTRY_CLINICS_DB, else beside the registry database
    (`registry.db` -> `registry.clinics.db`)."""
    if os.environ.get(CLINICS_ENV):
        return Path(os.environ[CLINICS_ENV])
    registry = Path(registry)
    return registry.with_name(f"{registry.stem}.clinics.db")


def archive_dir(registry: str | os.PathLike | None) -> Path:
    """The evidence archive of a registry database; a new temporary folder for an in-memory one."""
    if registry is None:
        return Path(tempfile.mkdtemp()) / "archive"
    registry = Path(registry)
    return registry.parent / "archive" / registry.stem


def lock_file(registry: str | os.PathLike | None, source: str) -> Path:
    """The lock that keeps imports of one source into one database from overlapping."""
    if registry is None:
        return Path(tempfile.gettempdir()) / f"memory.{source}.lock"
    registry = Path(registry)
    return registry.parent / "locks" / f"{registry.stem}.{source}.lock"


def sqlite_files(path: str | os.PathLike) -> list[Path]:
    """A SQLite database file with its write-ahead log and shared-memory files."""
    return [Path(f"{path}{suffix}") for suffix in SQLITE_SIDECARS]
