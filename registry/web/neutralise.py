"""Datasette's CSV export made safe for spreadsheets: ASGI middleware that re-writes each cell
with the rule every CSV we produce follows (registry/csvsafe.py), as the answer streams."""

from __future__ import annotations

import codecs
import csv
import io
from typing import Any

from registry.csvsafe import rows_to_csv


def _complete(text: str) -> int:
    """Where the last whole CSV record of `text` (which starts a record) ends; 0 if none."""
    end, quoted = 0, False
    for i, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        elif ch == "\n" and not quoted:
            end = i + 1
    return end


def _is_csv_request(scope: dict) -> bool:
    query = scope.get("query_string", b"").decode("latin-1")
    return scope["path"].endswith(".csv") or "_format=csv" in query


class NeutraliseCSV:
    """ASGI middleware: Datasette's CSV responses (`.csv`, `?_format=csv`) re-written cell by
    cell with `neutralise`, as they stream (whole records at a time)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or not _is_csv_request(scope):
            await self.app(scope, receive, send)
            return
        # Asked uncompressed from the app inside (e.g. datasette-gzip in a release): the cells
        # are read here; whatever wraps this may compress the neutralised answer.
        scope = {
            **scope,
            "headers": [(k, v) for k, v in scope["headers"] if k.lower() != b"accept-encoding"],
        }
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        state: dict[str, Any] = {"csv": False, "buffer": ""}

        async def send_neutralised(message) -> None:
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", []))
                kind = headers.get(b"content-type", b"").decode("latin-1")
                state["csv"] = kind.startswith(("text/csv", "text/plain"))
                if state["csv"]:  # the length changes
                    message = {
                        **message,
                        "headers": [
                            (k, v) for k, v in message["headers"] if k.lower() != b"content-length"
                        ],
                    }
                await send(message)
                return
            if message["type"] != "http.response.body" or not state["csv"]:
                await send(message)
                return
            more = message.get("more_body", False)
            text = state["buffer"] + decoder.decode(message.get("body", b""), final=not more)
            end = _complete(text) if more else len(text)
            done, state["buffer"] = text[:end], text[end:]
            body = rows_to_csv(csv.reader(io.StringIO(done, newline=""))) if done else ""
            await send({**message, "body": body.encode("utf-8")})

        await self.app(scope, receive, send_neutralised)
