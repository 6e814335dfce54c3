"""What every emulated register shares: a quiet threaded HTTP server on 127.0.0.1, the request
log, scripted faults (an answer, a reset, a stall, a truncated body, and a hostile register's
endless body, gzip bomb and one-byte-at-a-time trickle), start and stop.

A platform's emulator subclasses `Emulator` and implements `_answer(request) -> Reply | None`
(None resets the connection); `_take_fault` gives it the next scripted fault for a path.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit


@dataclass(frozen=True)
class RequestLog:
    """One request as it arrived. Header names are lower-cased; `time` is the emulator's clock
    (`time.monotonic()` unless a test gave it another, so bursts and penalties need no waiting)."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    time: float

    def params(self) -> dict[str, str]:
        """The query string as a dict (the last value of a repeated name)."""
        return {k: v[-1] for k, v in parse_qs(self.query, keep_blank_values=True).items()}


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    # A hostile register's ways of answering (the handler sends them; see `Emulator`):
    endless: bool = False  # no length; `body`, then filler bytes until the client leaves
    trickle: float = 0.0  # seconds between bytes: the whole answer, headers too, a byte at a time


def gzip_bomb(size: int) -> bytes:
    """A gzip body that inflates to `size` zero bytes (about a thousandth of that on the wire)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: the gzip format
    block = bytes(1 << 20)
    parts = []
    for start in range(0, size, len(block)):
        parts.append(packer.compress(block[: min(len(block), size - start)]))
    parts.append(packer.flush())
    return b"".join(parts)


@dataclass
class Fault:
    prefix: str  # lower-cased path prefix
    remaining: int
    reply: Reply | None  # None: reset the connection
    stall: float = 0.0  # seconds to wait before answering normally (a slow server)
    truncate: bool = False  # answer normally but cut the body short and close
    trickle: float = 0.0  # answer normally, but one byte every `trickle` seconds


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler: type, emulator: Emulator):
        self.emulator = emulator
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, handler)

    def track(self, connection: socket.socket, alive: bool) -> None:
        with self._connections_lock:
            if alive:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections, self._connections = self._connections, set()
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that went away is not news; bugs in answering are kept in `errors`


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Microsoft-IIS/10.0"
    sys_version = ""
    timeout = 30
    server: Server

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without this, Nagle and delayed ACKs add 40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, False)

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _handle(self) -> None:
        body = self._read_body()
        parts = urlsplit(self.path)
        request = RequestLog(
            method=self.command,
            path=parts.path,
            query=parts.query,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            time=self.server.emulator.clock(),
        )
        reply = self.server.emulator._answer(request)
        if reply is None:
            # An abortive close: the client sees a reset, not an answer.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        if reply.trickle:
            self._trickle(reply)
            return
        if reply.endless:
            self._endless(reply)
            return
        truncate = reply.headers.pop("X-Truncate", None) is not None
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("Cache-Control", "private")
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body[: len(reply.body) // 2] if truncate else reply.body)
        if truncate:
            self.wfile.flush()
            self.close_connection = True

    def _endless(self, reply: Reply) -> None:
        """Headers without a length, then the body, then filler until the client goes away."""
        self.close_connection = True
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Connection", "close")
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        filler = b"<p>" + b"more " * 13_000 + b"</p>\n"
        stopping = self.server.emulator.stopping
        try:
            self.wfile.write(reply.body)
            while not stopping.is_set():
                self.wfile.write(filler)
        except OSError:
            pass  # the client stopped reading: what it should do

    def _trickle(self, reply: Reply) -> None:
        """The whole answer, status line and headers included, one byte every `reply.trickle`
        seconds, until it is sent, the client leaves or the emulator stops."""
        self.close_connection = True
        head = [f"HTTP/1.1 {reply.status} Slow", f"Content-Type: {reply.content_type}"]
        head += [f"Content-Length: {len(reply.body)}", "Connection: close"]
        head += [f"{name}: {value}" for name, value in reply.headers.items()]
        data = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + reply.body
        stopping = self.server.emulator.stopping
        try:
            for i in range(len(data)):
                self.wfile.write(data[i : i + 1])
                self.wfile.flush()
                if stopping.wait(reply.trickle):
                    return
        except OSError:
            pass

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _handle


class Emulator:
    """Start, stop and fault scripting for an emulated register (see the module docstring).

    A subclass implements `_route(request) -> Reply` (and `_server_error` for its own 500
    page); the base `_answer` logs, applies `fail_next` / `reset_next` / `truncate_next` faults
    and a hostile register's `endless_next` / `bomb_next` / `trickle_next`, and records
    statuses. An emulator with more (Alinity's throttling and stalls) overrides it.

    The subclass's __init__ sets `port` and calls `Emulator.__init__`; `handler` is the request
    handler class, `name` names the serving thread, `error_content_type` is that of scripted
    error pages.
    """

    handler: type[BaseHTTPRequestHandler] = Handler
    name = "emulator"
    error_content_type = "text/html; charset=utf-8"

    def __init__(self, port: int = 0, clock: Callable[[], float] = time.monotonic) -> None:
        self.port = port
        self.clock = clock  # what stamps each request's `time` (bursts, penalties)
        self.base_url = ""
        self.requests: list[RequestLog] = []
        self.statuses: list[int | None] = []  # status of each answer, None for a reset
        self.errors: list[BaseException] = []  # exceptions raised while answering (served as 500)
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self.stopping = threading.Event()  # set by stop(): endless and trickling answers end

    def start(self) -> str:
        """Serve in a daemon thread; returns the base URL, e.g. "http://127.0.0.1:54321"."""
        if self._server is not None:
            return self.base_url
        self.stopping.clear()
        self._server = Server(("127.0.0.1", self.port), self.handler, self)
        host, port = self._server.server_address[:2]
        assert isinstance(host, str)  # an IPv4 socket's address
        self.base_url = f"http://{host}:{port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{self.name}-{port}",
            daemon=True,
        )
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        """Stop serving and close every open connection."""
        server, self._server = self._server, None
        if server is None:
            return
        self.stopping.set()
        server.shutdown()
        server.server_close()
        server.close_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def fail_next(
        self,
        path_prefix: str,
        status: int,
        *,
        headers: dict[str, str] | None = None,
        body: bytes = b"",
        count: int = 1,
    ) -> None:
        """Answer the next `count` requests whose path starts with `path_prefix` with `status`."""
        headers = dict(headers or {})
        content_type = self.error_content_type
        for name in [n for n in headers if n.lower() == "content-type"]:
            content_type = headers.pop(name)
        self._script(Fault(path_prefix.lower(), count, Reply(status, body, content_type, headers)))

    def reset_next(self, path_prefix: str, count: int = 1) -> None:
        """Reset the connection of the next `count` matching requests without answering."""
        self._script(Fault(path_prefix.lower(), count, None))

    def truncate_next(self, path_prefix: str, count: int = 1) -> None:
        """Answer the next `count` matching requests with half the body, then close."""
        self._script(Fault(path_prefix.lower(), count, None, truncate=True))

    def endless_next(self, path_prefix: str, count: int = 1) -> None:
        """Answer the next `count` matching requests with a body that never ends (no length)."""
        opening = b"<!DOCTYPE html><html><body>"
        self._script(Fault(path_prefix.lower(), count, Reply(200, opening, endless=True)))

    def bomb_next(self, path_prefix: str, size: int, count: int = 1) -> None:
        """Answer the next `count` matching requests with a gzip body inflating to `size` bytes."""
        headers = {"Content-Encoding": "gzip"}
        self._script(
            Fault(path_prefix.lower(), count, Reply(200, gzip_bomb(size), headers=headers))
        )

    def trickle_next(self, path_prefix: str, seconds: float, count: int = 1) -> None:
        """Answer the next `count` matching requests as usual, but one byte every `seconds`."""
        self._script(Fault(path_prefix.lower(), count, None, trickle=seconds))

    def _script(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def _take_fault(self, path: str) -> Fault | None:
        """The next scripted fault for `path`, if any (call with the lock held)."""
        lowered = unquote(path).lower()
        for fault in self._faults:
            if lowered.startswith(fault.prefix):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def _answer(self, request: RequestLog) -> Reply | None:
        """Log the request, then a scripted fault or `_route`'s answer (a bug in it: a 500)."""
        with self._lock:
            self.requests.append(request)
            fault = self._take_fault(request.path)
        if fault is not None and not (fault.truncate or fault.trickle):
            reply = fault.reply
        else:
            try:
                reply = self._route(request)
            except Exception as exc:  # a bug here must show as a 500, not a hung client
                with self._lock:
                    self.errors.append(exc)
                reply = self._server_error()
            if fault is not None and fault.truncate:
                reply.headers["X-Truncate"] = "1"
            if fault is not None and fault.trickle:
                reply.trickle = fault.trickle
        with self._lock:
            self.statuses.append(reply.status if reply else None)
        return reply

    def _route(self, request: RequestLog) -> Reply:
        raise NotImplementedError

    def set_people(self, people: Iterable[Any]) -> None:
        """Replace the register's content; later requests see the new people."""
        raise NotImplementedError

    def _server_error(self) -> Reply:
        return Reply(500, b"Internal Server Error", "text/plain; charset=utf-8")


def serve_until_interrupted(emulator: Emulator, path: str = "") -> None:
    """What each emulator's `python -m emulators.<platform>` does: serve on 127.0.0.1, print the
    address (with `path`, the register's page), and stop at Ctrl-C."""
    with emulator:
        print(f"{emulator.base_url}{path}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
