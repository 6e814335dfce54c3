"""Replies sent straight through ASGI by middleware that answers before any framework does (the
rate limits' 429, Datasette's 405): a small JSON error body, as every API error reads."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable

Send = Callable[[dict], Awaitable[None]]


async def json_error(
    send: Send, status: int, message: str, headers: Iterable[tuple[bytes, bytes]] = ()
) -> None:
    """Answer `{"error": message, "status": status}` with its status and any extra headers."""
    body = json.dumps({"error": message, "status": status}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
