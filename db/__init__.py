"""The database: schema migrations, loading and the derived directory. Reads nothing above it."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlite_utils import Database

from db import layout
from db.migrations import migrate
from db.pragmas import setting

log = logging.getLogger(__name__)

DB_ENV = layout.DB_ENV
DEFAULT_PATH = layout.DEFAULT_DB


def default_path() -> Path:
    """The registry database ($REGISTRY_DB, else db/registry.db): see db/layout.py."""
    return layout.registry_db()


class DatabaseError(Exception):
    """The database file cannot be used; the message says why."""


# Pages of 16 KiB rather than SQLite's 4 KiB: a large load writes and checkpoints a quarter as
# many pages (about 10% faster at 1,000,000 registrations), and searches stay well within their
# targets (BENCHMARKS.md). A database created with another page size keeps it.
PAGE_SIZE = 16384


def check_file(path: Path) -> None:
    """Refuse a path that is a folder, before anything writes to it.

    Whether a file is SQLite is asked of SQLite itself (`connect`), never by reading the file with
    Python's own `open()`: closing any other descriptor on a live SQLite file drops every POSIX
    lock this process holds on it, and the next process would then checkpoint and delete the
    `-wal` and `-shm` files that a server is still using (sqlite.org/howtocorrupt.html, 2.2)."""
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a database file")


def db_file(db: Database) -> Path | None:
    """The file behind a Database, or None for an in-memory one."""
    path = next(row[2] for row in db.execute("pragma database_list") if row[1] == "main")
    return Path(path) if path else None


def connect(
    path: Path,
    what: str = "database",
    *,
    check_same_thread: bool = True,
    page_size: int | None = None,
) -> Database:
    """Open a SQLite file for writing, in WAL mode; DatabaseError says why it cannot be.

    `page_size` applies to a file created now; an existing file keeps its own."""
    check_file(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = Database(sqlite3.connect(path, check_same_thread=check_same_thread))
        db.execute("PRAGMA schema_version").fetchone()
    except sqlite3.DatabaseError as e:
        if "not a database" in str(e):
            raise DatabaseError(f"{path} is not a SQLite database") from None
        raise DatabaseError(f"cannot open the {what} at {path}: {e}") from None
    except (OSError, sqlite3.Error) as e:
        raise DatabaseError(f"cannot open the {what} at {path}: {e}") from None
    db.execute("PRAGMA busy_timeout = 10000")
    # In WAL mode NORMAL is safe from corruption; a power cut may lose the last commit only.
    db.execute("PRAGMA synchronous = NORMAL")
    if page_size:
        db.execute(f"PRAGMA page_size = {int(page_size)}")  # before WAL: only then it can apply
    if db.journal_mode != "wal":
        # A new file: turning WAL on needs the file to itself, and SQLite answers "database is
        # locked" at once, without waiting, to a second process doing the same (servers that
        # start together create the clinics database at the same moment). One at a time; the
        # others find WAL on.
        with one_writer(path):
            db.enable_wal()
    return db


@contextlib.contextmanager
def pages_written_once(db: Database) -> Iterator[None]:
    """Fill an empty database under a rollback journal instead of WAL, when no other connection
    has its file open (call it outside a transaction, holding the importers' lock:
    `one_writer`).

    In WAL mode every page a transaction writes goes to the `-wal` file first, and the
    checkpoint copies it into the database: a first import of 1,000,000 registrations wrote its
    1.55 GB twice, and each page it read back was looked for in the WAL's index first. A
    rollback journal keeps only the pages a transaction changes that were in the file when it
    began: the pages of an empty database's first fill are written once, and no `-wal` as large
    as the database grows beside it.

    SQLite leaves WAL only when no other connection has the file open, and says "database is
    locked" at once (no busy wait here): then WAL stays and the write goes on as always, readers
    unblocked. Otherwise a reader that opens the file meanwhile waits for the commit, or is
    told the database is busy (the site answers 503). WAL is on again after the block, and
    synchronous is FULL during it: NORMAL is safe from corruption in WAL mode only."""
    conn = db.conn
    path = db_file(db)
    mode = "memory"
    if path is not None:
        with setting(conn, "busy_timeout", 0):
            try:
                (mode,) = conn.execute("pragma journal_mode = delete").fetchone()
            except sqlite3.OperationalError:  # another connection has the file open
                mode = "wal"
    if mode != "delete":
        yield
        return
    try:
        with setting(conn, "synchronous", 2):  # FULL
            yield
    finally:
        try:
            conn.execute("pragma journal_mode = wal")  # waits for readers (busy_timeout)
        except sqlite3.OperationalError as e:
            # The data is committed; the next `connect` to the file turns WAL on again.
            log.warning("%s stays in rollback-journal mode for now: %s", path, e)


@contextlib.contextmanager
def references_unchecked(db: Database) -> Iterator[None]:
    """Foreign keys not enforced for a while (call it outside a transaction: SQLite ignores the
    pragma inside one), then enforced again.

    For a first import's fill only, whose writer checks the references it writes itself
    (db/load.py `_check_references`): enforced, each row written looks up the rows it refers
    to, a registration its regulator and its run, each part its registration: about 1.1 s of
    a first import of 1,000,000 (BENCHMARKS.md, session 30)."""
    with setting(db.conn, "foreign_keys", 0):
        yield


@contextlib.contextmanager
def os_lock(lock: Path, busy: Callable[[], Exception] | None = None) -> Iterator[None]:
    """An OS lock on the file `lock`, held until the block ends or its process dies however it
    dies. It waits for another holder; with `busy`, it does not wait and raises what `busy`
    makes instead."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (fcntl.LOCK_NB if busy else 0))
        except BlockingIOError:
            assert busy is not None
            raise busy() from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def one_writer(path: Path) -> Iterator[None]:
    """One process at a time writing to the database at `path`: an OS lock beside it
    (`locks/<db>.lock`), held until the block ends or its process dies however it dies. For
    what may outlast SQLite's busy timeout (an import's apply) or what SQLite does not wait
    for (turning WAL on). `<db>.lock` sits beside the sources' `<db>.<source>.lock`: no source
    key can name it."""
    with os_lock(layout.lock_file(path, "any").with_name(f"{path.stem}.lock")):
        yield


def open_db(path: str | os.PathLike | None = None) -> Database:
    """Open (and migrate) the database; WAL lets readers keep serving while an import writes."""
    db = connect(Path(path or default_path()), page_size=PAGE_SIZE)
    # A bounded page cache (64 MiB) keeps a large run's transaction from spilling to disk early
    # while keeping memory flat however large the input.
    db.execute("PRAGMA cache_size = -65536")
    migrate(db)
    return db
