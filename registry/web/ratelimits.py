"""The rate limits' ASGI middleware: 429 with Retry-After for a client over the limit of the
route it calls, before any work is done (the limits themselves: registry/limits.py)."""

from __future__ import annotations

import math
import time

from limits.errors import StorageError
from limits.strategies import MovingWindowRateLimiter

from registry.limits import Limits, client_of
from registry.web.asgi import json_error

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


class RateLimits:
    """ASGI middleware: 429 with Retry-After for a client over the limit of the route it calls."""

    def __init__(self, app, limits: Limits):
        self.app = app
        self.rates = limits.rates()
        self.limiter = MovingWindowRateLimiter(limits.store())

    async def __call__(self, scope, receive, send):
        rule = rule_for(scope.get("method", ""), scope.get("path", ""))
        if scope["type"] != "http" or rule is None:
            return await self.app(scope, receive, send)
        client = client_of(scope)
        for item in self.rates[rule]:
            try:
                allowed = self.limiter.hit(item, rule, client)
                stats = None if allowed else self.limiter.get_window_stats(item, rule, client)
            except StorageError:
                # Nothing is stored unbounded: without the count, the request is refused.
                return await json_error(
                    send,
                    503,
                    "the rate-limit store does not answer; retry in a minute",
                    [(b"retry-after", b"60")],
                )
            if not allowed:
                retry = max(1, math.ceil(stats.reset_time - time.time())) if stats else 1
                return await _too_many(send, rule, item, retry)
        await self.app(scope, receive, send)


async def _too_many(send, rule: str, item, retry_after: int) -> None:
    await json_error(
        send,
        429,
        f"too many requests: at most {item} for {rule.replace('_', ' ')} per client; "
        f"retry after {retry_after} s",
        [(b"retry-after", str(retry_after).encode())],
    )
