"""Webhook receivers on 127.0.0.1 for the tests of watch lists' deliveries."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Served:
    """A test server on 127.0.0.1 (its `url` ends in /hook) for the length of a `with` block."""

    def serve(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class Receiver(Served):
    """A webhook receiver on 127.0.0.1 that answers `fail_first` requests with `fail_status`."""

    def __init__(self, fail_first: int = 0, fail_status: int = 503):
        self.requests: list[tuple[dict, bytes]] = []
        self.fail_first, self.fail_status = fail_first, fail_status
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (the standard library's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                failing = len(receiver.requests) <= receiver.fail_first
                self.send_response(receiver.fail_status if failing else 204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.serve(Handler)


class Trickle(Served):
    """A receiver on 127.0.0.1 that reads the POST, then answers one byte every `every` seconds
    (a status line and an endless header) until the test ends: each read is quick, the answer
    never ends."""

    def __init__(self, every: float = 0.2):
        self.requests = 0
        self.stop = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (the standard library's name)
                self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests += 1
                answer = b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100_000
                for byte in answer:
                    if receiver.stop.wait(every):
                        return
                    try:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                    except OSError:
                        return  # the sender gave up

            def log_message(self, *args):
                pass

        self.serve(Handler)

    def __exit__(self, *exc):
        self.stop.set()
        super().__exit__(*exc)
