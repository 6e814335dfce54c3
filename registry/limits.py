"""Per-client limits on the endpoints that store something (receipts, watch lists).

Every `GET /api/verify` and every roster row stores a receipt, and anyone may create watch lists,
so an unauthenticated client could fill the disk. Three bounds answer that (docs/operating.md):

- rate limits per client address (`limits`, moving windows in the store named by
  `REGISTRY_LIMIT_STORAGE`: in memory for one process, Redis for several workers or machines):
  over them a request gets 429 with `Retry-After`, before any work is done;
- a roster row is a receipt, so the roster limit and the roster's row cap (20,000) bound the
  receipts a client can store in a day;
- an identical answer for the same client within `receipt_window` seconds reuses the receipt
  already stored instead of storing another (`Recent`, kept in the clinics database, so that
  every worker sees it), so retries and reloads cost nothing.

What a client may ask is bounded too, not only what it may store: reading a watch list (its page,
feeds and API) checks its people again, so it has a rate of its own (`watch_read`).

The client is the connection's address. Behind a reverse proxy that is the proxy's address unless
the server is told to trust it (uvicorn `--proxy-headers --forwarded-allow-ips`), see
docs/operating.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, fields
from urllib.parse import urlsplit

from limits import parse_many
from limits._storage_scheme import SCHEMES  # the schemes storage_from_string knows
from limits.errors import ConfigurationError
from limits.storage import MemoryStorage, MovingWindowSupport, Storage, storage_from_string
from sqlite_utils import Database

ENV_PREFIX = "REGISTRY_LIMIT_"


@dataclass(frozen=True)
class Limits:
    """The limits in force; each rate is in `limits` notation, several separated by `;`."""

    verify: str = "300/minute;20000/day"  # GET /api/verify: one receipt each
    roster: str = "30/minute;500/day"  # POST /api/verify and /verify: a receipt per row
    watch_create: str = "30/hour;100/day"  # POST /api/watch: watch lists per client
    # Reading a watch list checks its people again: its page, its feeds, GET /api/watch.
    watch_read: str = "60/minute;5000/day"
    watch_items: int = 10_000  # registrations on one watch list
    receipt_window: float = 60.0  # seconds in which an identical answer reuses its receipt
    # Where the rates are counted, as a `limits` storage URI: "memory://" in this process, or
    # a store every worker and machine shares ("redis://host:6379/0").
    storage: str = "memory://"

    @classmethod
    def from_environment(cls, environ=os.environ) -> Limits:
        """Defaults, overridden by REGISTRY_LIMIT_VERIFY, ..._ROSTER, ..._WATCH_CREATE,
        ..._WATCH_READ, ..._WATCH_ITEMS, ..._RECEIPT_WINDOW and ..._STORAGE."""
        values = {}
        for f in fields(cls):
            raw = environ.get(ENV_PREFIX + f.name.upper())
            if raw:
                values[f.name] = type(getattr(cls, f.name))(raw)
        limits = cls(**values)
        limits.rates()  # fail at start, not on the first request
        if limits.shared:
            limits.store()  # an unknown store, or one without its client library
        return limits

    @property
    def shared(self) -> bool:
        """Whether the rates are counted where every process sees them (not in memory)."""
        return urlsplit(self.storage).scheme not in ("memory", "")

    def where(self) -> str:
        """The store's URI without its credentials, for messages and logs."""
        parts = urlsplit(self.storage)
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
        return parts._replace(netloc=netloc).geturl()

    def store(self) -> Storage:
        """The `limits` storage the rates are counted in; ValueError says why it cannot be."""
        scheme = urlsplit(self.storage).scheme
        if scheme in ("memory", ""):
            return MemoryStorage()
        kind = SCHEMES.get(scheme)
        if kind is None or scheme.startswith("async+"):
            raise ValueError(
                f"{ENV_PREFIX}STORAGE={self.where()}: not a store the limits library knows; "
                "use redis://HOST:6379/0 (docs/operating.md)"
            )
        if not issubclass(kind, MovingWindowSupport):
            raise ValueError(
                f"{ENV_PREFIX}STORAGE={self.where()}: this store cannot count moving windows; "
                "use redis://HOST:6379/0 (docs/operating.md)"
            )
        try:
            storage = storage_from_string(self.storage, wrap_exceptions=True)
        except ConfigurationError as e:
            hint = " (pip install 'needling-registry[redis]')" if "redis" in scheme else ""
            raise ValueError(f"{ENV_PREFIX}STORAGE={self.where()}: {e}{hint}") from None
        except (ValueError, TypeError) as e:
            raise ValueError(f"{ENV_PREFIX}STORAGE={self.where()}: {e}") from None
        assert isinstance(storage, Storage) and isinstance(storage, MovingWindowSupport)
        return storage

    def check(self, storage: Storage) -> None:
        """Refuse to start when the shared store does not answer (ValueError, in words)."""
        try:
            ok = storage.check()
        except Exception:  # the client's own errors, whatever they are
            ok = False
        if not ok:
            raise ValueError(f"the rate-limit store at {self.where()} does not answer")

    def rates(self) -> dict[str, list]:
        return {
            name: parse_many(getattr(self, name))
            for name in ("verify", "roster", "watch_create", "watch_read")
        }


def client_of(scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


class Recent:
    """Receipts given in the last `window` seconds, by client and content, in the clinics
    database (table `recent_receipts`), so that every worker of the server sees them.

    The key leaves out the receipt's id and time, so the same client asking the same question
    and getting the same answer within the window gets the receipt already stored, whichever
    worker answers. The client is part of the key: another clinic must not learn that someone
    checked a person a moment ago. Rows older than the window are deleted as new ones come, so
    the table holds at most a window's receipts (which the rate limits bound).
    """

    def __init__(self, window: float, clinics: Database, clock=time.time):
        self.window = window
        self.clinics = clinics  # one connection per thread (db.connections.PerThread) or one
        self.clock = clock

    @staticmethod
    def key(client: str, answer: dict) -> str:
        receipt = {k: v for k, v in answer["receipt"].items() if k not in ("id", "checked_at")}
        content = {**answer, "receipt": receipt}
        text = json.dumps([client, content], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get(self, key: str) -> str | None:
        """The body stored under `key` within the window, or None."""
        if self.window <= 0:
            return None
        row = self.clinics.execute(
            "select body from recent_receipts where key = ? and at >= ?",
            [key, self.clock() - self.window],
        ).fetchone()
        return row[0] if row else None

    def put(self, key: str, body: str) -> None:
        if self.window <= 0:
            return
        now = self.clock()
        with self.clinics.conn:
            self.clinics.execute("delete from recent_receipts where at < ?", [now - self.window])
            self.clinics.execute(
                "insert or replace into recent_receipts (key, at, body) values (?, ?, ?)",
                [key, now, body],
            )
