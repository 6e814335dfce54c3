"""A connection's settings changed for a while and put back (SQLite's `pragma`s)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


@contextlib.contextmanager
def setting(conn, name: str, value: int) -> Iterator[None]:
    """An integer setting of the connection for a while; it is put back."""
    (before,) = conn.execute(f"pragma {name}").fetchone()
    conn.execute(f"pragma {name} = {int(value)}")
    try:
        yield
    finally:
        conn.execute(f"pragma {name} = {int(before)}")
