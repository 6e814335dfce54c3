"""Per-client limits on the endpoints that store something (receipts, watch lists).

Every `GET /api/verify` and every roster row stores a receipt, and anyone may create watch lists,
so an unauthenticated client could fill the disk. Three bounds answer that (docs/operating.md):

- rate limits per client address (`limits`, moving windows in memory): over them a request gets
  429 with `Retry-After`, before any work is done;
- a roster row is a receipt, so the roster limit and the roster's row cap (20,000) bound the
  receipts a client can store in a day;
- an identical answer for the same client within `receipt_window` seconds reuses the receipt
  already stored instead of storing another (`Recent`), so retries and reloads cost nothing.

What a client may ask is bounded too, not only what it may store: reading a watch list (its page,
feeds and API) checks its people again, so it has a rate of its own (`watch_read`).

The client is the connection's address. Behind a reverse proxy that is the proxy's address unless
the server is told to trust it (uvicorn `--proxy-headers --forwarded-allow-ips`), see
docs/operating.md.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, fields

from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from registry.asgi import json_error

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

    @classmethod
    def from_environment(cls, environ=os.environ) -> Limits:
        """Defaults, overridden by REGISTRY_LIMIT_VERIFY, ..._ROSTER, ..._WATCH_CREATE,
        ..._WATCH_READ, ..._WATCH_ITEMS and ..._RECEIPT_WINDOW."""
        values = {}
        for f in fields(cls):
            raw = environ.get(ENV_PREFIX + f.name.upper())
            if raw:
                values[f.name] = type(getattr(cls, f.name))(raw)
        limits = cls(**values)
        limits.rates()  # fail at start, not on the first request
        return limits

    def rates(self) -> dict[str, list]:
        return {
            name: parse_many(getattr(self, name))
            for name in ("verify", "roster", "watch_create", "watch_read")
        }


# (method, path) -> the rate that applies; HEAD counts as GET (rule_for)
RULES = {
    ("GET", "/api/verify"): "verify",
    ("POST", "/api/verify"): "roster",
    ("POST", "/verify"): "roster",
    ("POST", "/verify/one"): "verify",  # one person: one receipt, as GET /api/verify
    ("POST", "/api/watch"): "watch_create",
    ("POST", "/watch/new"): "watch_create",  # the watch-list screen (registry/watch_pages.py)
    ("POST", "/watch/webhook/test"): "watch_create",  # each sends a POST to a URL we were given
    # What one client may ask of the server, not only what it may store: each of these checks
    # a list's people again (a page of them on /watch, all of them in the API and the feeds).
    ("GET", "/watch"): "watch_read",
    ("POST", "/watch"): "watch_read",
    ("GET", "/api/watch"): "watch_read",
    ("GET", "/api/watch/feed.atom"): "watch_read",
    ("GET", "/api/watch/feed.json"): "watch_read",
}


def rule_for(method: str, path: str) -> str | None:
    """The rate a request counts against. A HEAD is served by the GET route (Starlette adds it
    to every GET), so it counts as a GET: otherwise it would be a way around the limit."""
    return RULES.get(("GET" if method == "HEAD" else method, path))


def client_of(scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


class RateLimits:
    """ASGI middleware: 429 with Retry-After for a client over the limit of the route it calls."""

    def __init__(self, app, limits: Limits):
        self.app = app
        self.rates = limits.rates()
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    async def __call__(self, scope, receive, send):
        rule = rule_for(scope.get("method", ""), scope.get("path", ""))
        if scope["type"] != "http" or rule is None:
            return await self.app(scope, receive, send)
        client = client_of(scope)
        for item in self.rates[rule]:
            if not self.limiter.hit(item, rule, client):
                reset = self.limiter.get_window_stats(item, rule, client).reset_time
                return await _too_many(send, rule, item, max(1, math.ceil(reset - time.time())))
        await self.app(scope, receive, send)


async def _too_many(send, rule: str, item, retry_after: int) -> None:
    await json_error(
        send,
        429,
        f"too many requests: at most {item} for {rule.replace('_', ' ')} per client; "
        f"retry after {retry_after} s",
        [(b"retry-after", str(retry_after).encode())],
    )


class Recent:
    """Receipts stored in the last `window` seconds, by client and content (thread-safe).

    The key leaves out the receipt's id and time, so the same client asking the same question
    and getting the same answer within the window gets the receipt already stored. The client is
    part of the key: another clinic must not learn that someone checked a person a moment ago.
    """

    def __init__(self, window: float = 60.0, size: int = 10_000):
        self.window = window
        self.size = size
        self._items: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()

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
        with self._lock:
            found = self._items.get(key)
            if found is None or found[0] < time.monotonic() - self.window:
                return None
            return found[1]

    def put(self, key: str, body: str) -> None:
        if self.window <= 0:
            return
        with self._lock:
            self._items[key] = (time.monotonic(), body)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
