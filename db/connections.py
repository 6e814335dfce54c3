"""Connections to the databases, one per thread, for the web and the CLI alike."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

# Reads map the file (SQLite's own memory-mapped I/O, capped at its default maximum) and keep a
# larger page cache: a page of search results reads about 100 B-tree pages, and copying each one
# out of the OS cache with read() cost more than the lookups themselves (BENCHMARKS.md).
MMAP_BYTES = 2_147_418_112
READ_CACHE_KIB = 32_768


# How long a read waits for a lock: in WAL mode a read never waits but while the file is being
# recovered; a first import fills an empty database under a rollback journal (db
# `pages_written_once`), under a second for a real register's people, and a read that would wait
# longer is told the database is busy (503) rather than hold a thread (sqlite3's default: 5 s).
READ_WAIT_SECONDS = 1.0


def read_only(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=ro",
        uri=True,
        check_same_thread=False,
        timeout=READ_WAIT_SECONDS,
    )
    conn.execute("PRAGMA query_only = 1")
    conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
    conn.execute(f"PRAGMA cache_size = -{READ_CACHE_KIB}")
    return conn


class _Closable(Protocol):
    def close(self) -> None: ...


C = TypeVar("C", bound=_Closable)


class PerThread(Generic[C]):
    """A connection per thread, opened on first use by `opener`, used like one connection.

    The web's handlers run in Starlette's threadpool (plain `def` endpoints, or
    `run_in_threadpool` after reading a body), each thread on its own connection, so that
    SQLite neither blocks the event loop nor shares a connection across threads.
    """

    def __init__(self, path: Path, opener: Callable[[Path], C]):
        self.path = path
        self._opener = opener
        self._local = threading.local()
        self._opened: list[C] = []
        self._lock = threading.Lock()

    def connection(self) -> C:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._opener(self.path)
            with self._lock:
                self._opened.append(conn)
        return conn

    def __getattr__(self, name: str) -> Any:
        return getattr(self.connection(), name)

    def close(self) -> None:
        with self._lock:
            for conn in self._opened:
                conn.close()
            self._opened.clear()


class Connections(PerThread[sqlite3.Connection]):
    """A read-only connection to the registry database per thread."""

    def __init__(self, path: Path):
        super().__init__(path, read_only)
