"""Read-only connections to the registry database, for the web and the CLI alike."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any


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

    def __getattr__(self, name: str) -> Any:
        return getattr(self.connection(), name)

    def close(self) -> None:
        with self._lock:
            for conn in self._opened:
                conn.close()
            self._opened.clear()
