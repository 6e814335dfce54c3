"""Fast JSON, and a bounded cache of whole answers for the public reads.

Profiling the API and the patient page (BENCHMARKS.md) showed most of a request's CPU
outside SQL: the standard library's JSON encoder, gzip at level 9, and rendering the results'
templates. `JSON` encodes with orjson (about 12x faster on a page of results). `cached` keeps the
answers of the search API and the patient pages, keyed on the request (its URL and the headers
that choose its language) and on the import runs' version (db.reads.runs_version): an import
that starts or ends changes the version, and so does any commit to the file (its size and time,
`files_version`), so a cached answer is never served after new data.
Answers that depend on the clock (a source turning stale) are kept for TTL seconds at most.
"""

from __future__ import annotations

import functools
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from db import reads
from registry.web.params import conn

# SiteSettings.answers: 4,096 by default, and never more than MAX_BYTES of bodies: a page of
# results is about 50 KB, an API answer about 20 KB. A realistic day asks thousands of distinct
# searches (BENCHMARKS.md, the realistic mix); 512 answers kept about two thirds of its hits.
TTL = 30.0  # seconds
MAX_BYTES = 96 * 1024 * 1024


class JSON(JSONResponse):
    """A JSONResponse encoded by orjson: the same JSON (UTF-8, compact), several times faster."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


class Answers:
    """The last `size` answers (status, headers, body), at most `max_bytes` of bodies, least
    recently used out first."""

    def __init__(self, size: int, ttl: float = TTL, max_bytes: int = MAX_BYTES):
        self.size, self.ttl, self.max_bytes = size, ttl, max_bytes
        self._kept: OrderedDict[tuple, tuple[float, int, list, bytes]] = OrderedDict()
        self._lock = threading.Lock()
        self.bytes = 0  # of the bodies kept

    def get(self, key: tuple) -> Response | None:
        with self._lock:
            found = self._kept.get(key)
            if found is None:
                return None
            if time.monotonic() - found[0] > self.ttl:
                del self._kept[key]
                self.bytes -= len(found[3])
                return None
            self._kept.move_to_end(key)
        _, status, headers, body = found
        response = Response(body, status)
        response.raw_headers = list(headers)
        return response

    def put(self, key: tuple, response: Response) -> None:
        body = bytes(response.body)
        kept = (time.monotonic(), response.status_code, list(response.raw_headers), body)
        if len(body) > self.max_bytes:
            return
        with self._lock:
            old = self._kept.pop(key, None)
            self.bytes += len(body) - (len(old[3]) if old else 0)
            self._kept[key] = kept
            while len(self._kept) > self.size or self.bytes > self.max_bytes:
                self.bytes -= len(self._kept.popitem(last=False)[1][3])

    def __len__(self) -> int:
        return len(self._kept)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self.bytes = 0


def files_version(path: os.PathLike) -> tuple:
    """The database file's and its write-ahead log's size and modification time: a commit by any
    writer (an import, a migration, a hand edit) changes them, so a key holding them is never
    stale, even for a change no import run records."""
    out: list[int] = []
    for suffix in ("", "-wal"):
        try:
            stat = os.stat(f"{os.fspath(path)}{suffix}")
        except FileNotFoundError:
            out += [0, 0]
        else:
            out += [stat.st_mtime_ns, stat.st_size]
    return tuple(out)


def cached(handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
    """A plain (threadpool) handler whose 200 answers are kept in app.state.answers, when the
    site has one, until the next import run or TTL."""

    @functools.wraps(handler)
    def answer(request: Request) -> Response:
        answers: Answers | None = getattr(request.app.state, "answers", None)
        if answers is None or request.method != "GET":
            return handler(request)
        key = (
            str(request.url),
            request.headers.get("accept-language", ""),
            reads.runs_version(conn(request)),
            files_version(request.app.state.conn.path),
        )
        found = answers.get(key)
        if found is not None:
            return found
        response = handler(request)
        if response.status_code == 200:
            answers.put(key, response)
        return response

    return answer
