"""PoliteClient against a real local HTTP server that plays scripted answers per path."""

from __future__ import annotations

import email.utils
import hashlib
import logging
import re
import socket
import struct
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from scrapers.http import (
    Blocked,
    FetchError,
    HttpPolicy,
    NotFound,
    PoliteClient,
    RobotsDisallowed,
    ServerError,
    TransportFailure,
    UnexpectedStatus,
)
from scrapers.records import Evidence

UA = "needling-registry/0.1 (+https://example.org/contact)"

# Special scripted actions besides (status, headers, body) tuples.
SLOW = "slow"  # sit on the request for longer than the client's timeout
RESET = "reset"  # close the connection with a TCP RST, no response
DROP = "drop"  # close the connection cleanly without a response
TRUNCATE = "truncate"  # promise more bytes than are sent, then close


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic() when the server read the request


class Script:
    """Per-path queues of answers; the last answer of a queue repeats forever."""

    def __init__(self) -> None:
        self.routes: dict[str, deque] = {}
        self.requests: list[Seen] = []
        self.errors: list[BaseException] = []
        self.stop = threading.Event()
        self.base = ""

    def on(self, path: str, *answers) -> None:
        self.routes[path] = deque(answers)

    def next(self, path: str):
        queue = self.routes.get(path)
        if not queue:
            return (404, {}, b"not scripted")
        return queue.popleft() if len(queue) > 1 else queue[0]

    def url(self, path: str) -> str:
        return self.base + path

    def paths(self) -> list[str]:
        return [seen.path for seen in self.requests]

    def hits(self, path: str) -> list[Seen]:
        return [seen for seen in self.requests if seen.path == path]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # no 40 ms delayed-ACK stalls between header and body
    timeout = 5  # an idle keep-alive connection never outlives a test for long

    def log_message(self, format, *args) -> None:
        pass  # keep test output quiet

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        script: Script = self.server.script  # type: ignore[attr-defined]
        at = time.monotonic()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        script.requests.append(Seen(self.command, self.path, dict(self.headers), body, at))
        answer = script.next(self.path)
        if answer == SLOW:
            script.stop.wait(1.0)
            self.close_connection = True
        elif answer == RESET:
            linger = struct.pack("ii", 1, 0)
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
            self.close_connection = True
            self.connection.close()
        elif answer == DROP:
            self.close_connection = True
        elif answer == TRUNCATE:
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"only part of it")
            self.close_connection = True
        else:
            status, headers, content = answer
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        error = sys.exc_info()[1]
        if not isinstance(error, OSError):  # broken pipes after a client timeout are expected
            self.script.errors.append(error)  # type: ignore[attr-defined]


@pytest.fixture
def server():
    script = Script()
    httpd = Server(("127.0.0.1", 0), Handler)
    httpd.script = script  # type: ignore[attr-defined]
    script.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    yield script
    script.stop.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=2)
    assert not script.errors, f"handler crashed: {script.errors!r}"


class RecordingSleep:
    """Records every sleep without sleeping, so back-offs of minutes cost nothing."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(float(seconds))


class FakeTime:
    """A clock that only moves when slept on: spacing becomes exactly observable."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(float(seconds))
        self.now += float(seconds)


@pytest.fixture
def make_client():
    clients: list[PoliteClient] = []

    def make(*, sleep=None, clock=time.monotonic, transport=None, **overrides):
        fields = {
            "user_agent": UA,
            "spacing_seconds": 0.0,
            "timeout_seconds": 2.0,
            "max_retries": 4,
            "backoff_seconds": 1.0,
        }
        fields.update(overrides)
        sleep = sleep if sleep is not None else RecordingSleep()
        client = PoliteClient(HttpPolicy(**fields), sleep=sleep, clock=clock, transport=transport)
        client.recorded_sleep = sleep  # type: ignore[attr-defined]
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def ok(body: bytes = b"ok", **headers: str):
    return (200, headers, body)


# -- identity and robots.txt ------------------------------------------------------------------


def test_user_agent_on_robots_and_requests(server, make_client):
    server.on("/page", ok())
    make_client().get(server.url("/page"))
    assert server.paths() == ["/robots.txt", "/page"]
    assert [seen.headers["User-Agent"] for seen in server.requests] == [UA, UA]


def test_policy_requires_a_user_agent():
    with pytest.raises(ValueError, match="user_agent"):
        HttpPolicy(user_agent=" ")


def test_robots_disallow_for_our_agent_is_obeyed(server, make_client):
    robots = b"User-agent: *\nDisallow: /\n\nUser-agent: needling-registry\nDisallow: /private\n"
    server.on("/robots.txt", ok(robots))
    server.on("/public", ok())
    server.on("/private/x", ok())
    client = make_client()
    with pytest.raises(RobotsDisallowed) as caught:
        client.get(server.url("/private/x"))
    assert caught.value.url == server.url("/private/x")
    assert "disallowed" in str(caught.value)
    assert client.get(server.url("/public")).status == 200  # our group beats the `*` group
    assert server.paths() == ["/robots.txt", "/public"]


def test_robots_404_allows_everything(server, make_client):
    server.on("/robots.txt", (404, {}, b"nope"))
    server.on("/anything", ok(b"here"))
    assert make_client().get(server.url("/anything")).content == b"here"
    assert server.paths() == ["/robots.txt", "/anything"]


def test_robots_5xx_disallows_everything_and_is_not_refetched(server, make_client):
    server.on("/robots.txt", (500, {}, b"boom"))
    server.on("/page", ok())
    client = make_client(max_retries=2)
    for _ in range(2):
        with pytest.raises(RobotsDisallowed, match="unreachable"):
            client.get(server.url("/page"))
    assert server.paths() == ["/robots.txt"] * 3  # 1 try + 2 retries, once for the host
    assert client.waits == [1.0, 2.0]


def test_robots_transport_failure_disallows_everything(server, make_client):
    server.on("/robots.txt", RESET)
    server.on("/page", ok())
    client = make_client(max_retries=1)
    with pytest.raises(RobotsDisallowed, match="unreachable"):
        client.get(server.url("/page"))
    assert "/page" not in server.paths()


def test_robots_fetched_once_per_host(server, make_client):
    server.on("/page", ok())
    client = make_client()
    for _ in range(5):
        client.get(server.url("/page"))
    assert server.paths().count("/robots.txt") == 1
    assert client.requests_made == 6


def test_robots_skipped_when_not_respected(server, make_client):
    server.on("/robots.txt", ok(b"User-agent: *\nDisallow: /\n"))
    server.on("/page", ok())
    make_client(respect_robots=False).get(server.url("/page"))
    assert server.paths() == ["/page"]


def test_crawl_delay_raises_spacing(server, make_client):
    server.on("/robots.txt", ok(b"User-agent: *\nCrawl-delay: 5\n"))
    server.on("/page", ok())
    fake = FakeTime()
    client = make_client(sleep=fake.sleep, clock=fake.clock, spacing_seconds=1.0)
    for _ in range(3):
        client.get(server.url("/page"))
    assert fake.sleeps == [5.0, 5.0, 5.0]  # robots, then each page, 5 s apart start to start
    assert client.waits == []  # spacing is not a back-off


# -- retries and back-off ---------------------------------------------------------------------


def test_429_honours_retry_after_seconds(server, make_client, caplog):
    server.on("/page", (429, {"Retry-After": "7"}, b"slow down"), ok(b"fine"))
    client = make_client(backoff_seconds=60)
    with caplog.at_level(logging.WARNING, logger="scrapers.http"):
        fetched = client.get(server.url("/page"))
    assert fetched.content == b"fine"
    assert client.waits == [7.0]
    assert client.recorded_sleep.calls == [7.0]
    assert client.retries == 1
    assert client.requests_made == 3  # robots.txt + 429 + 200
    [record] = [r for r in caplog.records if r.name == "scrapers.http"]
    assert record.levelno == logging.WARNING
    assert server.url("/page") in record.getMessage()
    assert "429" in record.getMessage() and "7s" in record.getMessage()


def test_retry_after_as_http_date(server, make_client):
    when = datetime.now(UTC) + timedelta(seconds=30)
    server.on("/page", (503, {"Retry-After": email.utils.format_datetime(when, True)}, b""), ok())
    client = make_client(backoff_seconds=600)
    client.get(server.url("/page"))
    [wait] = client.waits
    assert 28 <= wait <= 30


def test_retry_after_is_clamped(server, make_client):
    past = email.utils.format_datetime(datetime.now(UTC) - timedelta(hours=1), True)
    server.on("/far", (429, {"Retry-After": "100000"}, b""), ok())
    server.on("/past", (429, {"Retry-After": past}, b""), ok())
    client = make_client(max_backoff_seconds=50)
    client.get(server.url("/far"))
    client.get(server.url("/past"))
    assert client.waits == [50.0, 0.0]


def test_403_backs_off_exponentially(server, make_client):
    server.on("/page", (403, {}, b""), (403, {}, b""), (403, {}, b""), ok())
    client = make_client(backoff_seconds=2)
    assert client.get(server.url("/page")).status == 200
    assert client.waits == [2.0, 4.0, 8.0]
    assert client.retries == 3
    assert len(server.hits("/page")) == 4


def test_backoff_is_capped(server, make_client):
    server.on("/page", (502, {}, b""), (502, {}, b""), (502, {}, b""), ok())
    client = make_client(backoff_seconds=2, max_backoff_seconds=5)
    client.get(server.url("/page"))
    assert client.waits == [2.0, 4.0, 5.0]


@pytest.mark.parametrize(
    ("status", "error"), [(503, ServerError), (500, ServerError), (403, Blocked), (429, Blocked)]
)
def test_persistent_failure_gives_up_after_max_retries(server, make_client, status, error):
    server.on("/page", (status, {}, b"no"))
    client = make_client(max_retries=3, backoff_seconds=60)
    with pytest.raises(error) as caught:
        client.get(server.url("/page"))
    assert len(server.hits("/page")) == 4
    assert caught.value.status == status
    assert caught.value.url == server.url("/page")
    message = str(caught.value)
    assert server.url("/page") in message and str(status) in message
    assert "after 4 attempts (last wait 240s)" in message
    assert "\n" not in message
    assert client.waits == [60.0, 120.0, 240.0]


@pytest.mark.parametrize(
    ("status", "error"),
    [(404, NotFound), (410, NotFound), (400, UnexpectedStatus), (401, UnexpectedStatus)],
)
def test_client_errors_are_not_retried(server, make_client, status, error):
    server.on("/page", (status, {}, b"no"), ok())
    client = make_client()
    with pytest.raises(error) as caught:
        client.get(server.url("/page"))
    assert caught.value.status == status
    assert (
        str(caught.value)
        == f"{error.__name__}: {server.url('/page')} answered {status} after 1 attempt"
    )
    assert len(server.hits("/page")) == 1
    assert client.waits == [] and client.retries == 0


def test_timeout_is_retried(server, make_client):
    server.on("/page", SLOW, ok(b"late but fine"))
    client = make_client(timeout_seconds=0.3)
    assert client.get(server.url("/page")).content == b"late but fine"
    assert len(server.hits("/page")) == 2
    assert client.waits == [1.0]


@pytest.mark.parametrize("failure", [RESET, DROP, TRUNCATE])
def test_broken_connection_is_retried(server, make_client, failure):
    server.on("/page", failure, ok(b"second time lucky"))
    client = make_client()
    assert client.get(server.url("/page")).content == b"second time lucky"
    assert len(server.hits("/page")) == 2
    assert client.retries == 1


@pytest.mark.parametrize("failure", [RESET, TRUNCATE, SLOW])
def test_persistent_transport_failure(server, make_client, failure):
    server.on("/page", failure)
    client = make_client(max_retries=2, timeout_seconds=0.3)
    with pytest.raises(TransportFailure) as caught:
        client.get(server.url("/page"))
    assert not isinstance(caught.value, httpx.HTTPError)
    assert caught.value.status is None
    assert server.url("/page") in str(caught.value)
    assert "after 3 attempts" in str(caught.value)
    assert len(server.hits("/page")) == 3


def test_connection_refused():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/page"
    with PoliteClient(
        HttpPolicy(user_agent=UA, spacing_seconds=0, max_retries=1, respect_robots=False),
        sleep=RecordingSleep(),
    ) as client:
        with pytest.raises(TransportFailure):
            client.get(url)
        assert client.requests_made == 2
    with PoliteClient(HttpPolicy(user_agent=UA, max_retries=0), sleep=RecordingSleep()) as client:
        with pytest.raises(RobotsDisallowed, match="unreachable"):
            client.get(url)


def test_invalid_url_is_a_fetch_error(make_client):
    with pytest.raises(FetchError):
        make_client().get("not a url")


# -- spacing ----------------------------------------------------------------------------------


def test_spacing_between_requests_to_one_host(server, make_client):
    for path in ("/a", "/b", "/c"):
        server.on(path, ok())
    client = make_client(spacing_seconds=0.5, sleep=time.sleep)
    for path in ("/a", "/b", "/c"):
        client.get(server.url(path))
    assert server.paths() == ["/robots.txt", "/a", "/b", "/c"]
    # Measured on arrival at the server, on the kept-alive connection robots.txt opened (a new
    # connection's setup time would blur the first gap). Without spacing the gaps are ~1 ms.
    # A busy machine (CI's two cores under the whole suite) delayed one arrival by 60 ms: the
    # spacing is long enough that 150 ms of such jitter still tells it apart from none.
    starts = [seen.at for seen in server.requests[1:]]
    gaps = [later - earlier for earlier, later in zip(starts, starts[1:], strict=False)]
    assert all(gap >= 0.35 for gap in gaps), gaps
    assert starts[-1] - starts[0] >= 0.85, gaps  # and jitter does not accumulate


def test_spacing_zero_never_sleeps(server, make_client):
    server.on("/page", ok())
    client = make_client(spacing_seconds=0)
    for _ in range(3):
        client.get(server.url("/page"))
    assert client.recorded_sleep.calls == []


def test_spacing_applies_per_host(server, make_client):
    server.on("/page", ok())
    fake = FakeTime()
    client = make_client(
        sleep=fake.sleep, clock=fake.clock, spacing_seconds=3, respect_robots=False
    )
    client.get(server.url("/page"))
    client.get(server.url("/page").replace("127.0.0.1", "localhost"))  # a different host
    assert fake.sleeps == []
    client.get(server.url("/page"))
    assert fake.sleeps == [3.0]


# -- what comes back --------------------------------------------------------------------------


def test_post_sends_form_and_keeps_body_as_request(server, make_client):
    server.on("/search", ok(b"results"))
    fetched = make_client().post(server.url("/search"), data={"name": "Côté", "page": "2"})
    [seen] = server.hits("/search")
    assert seen.method == "POST"
    assert seen.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert seen.body == b"name=C%C3%B4t%C3%A9&page=2"
    assert fetched.method == "POST"
    assert fetched.request == "name=C%C3%B4t%C3%A9&page=2"
    assert make_client().get(server.url("/search")).request == ""


def test_text_strips_bom_and_follows_charset(server, make_client):
    server.on("/bom", ok(b"\xef\xbb\xbfh\xc3\xa9llo", **{"Content-Type": "text/html"}))
    server.on(
        "/latin",
        ok("Québec".encode("latin-1"), **{"Content-Type": "text/html; charset=ISO-8859-1"}),
    )
    client = make_client()
    assert client.get(server.url("/bom")).text() == "héllo"
    assert client.get(server.url("/latin")).text() == "Québec"


def test_hash_and_evidence(server, make_client):
    body = b"<html>Anne-Marie C\xc3\xb4t\xc3\xa9</html>"
    server.on("/profile", ok(body, **{"X-Test": "yes"}))
    before = datetime.now(UTC).replace(microsecond=0)
    fetched = make_client().get(server.url("/profile"))
    after = datetime.now(UTC)
    assert fetched.sha256 == hashlib.sha256(body).hexdigest()
    assert fetched.content == body
    assert fetched.headers["X-Test"] == "yes"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", fetched.fetched_at)
    stamp = datetime.strptime(fetched.fetched_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert before <= stamp <= after
    assert fetched.evidence() == Evidence(
        url=server.url("/profile"),
        fetched_at=fetched.fetched_at,
        sha256=fetched.sha256,
        method="GET",
        request="",
    )


def test_redirects_are_followed(server, make_client):
    server.on("/old", (302, {"Location": "/new"}, b""))
    server.on("/new", ok(b"moved"))
    client = make_client()
    fetched = client.get(server.url("/old"))
    assert fetched.content == b"moved"
    assert fetched.url == server.url("/new")
    assert client.requests_made == 3


def test_cookies_persist_across_requests(server, make_client):
    server.on("/login", ok(**{"Set-Cookie": "session=abc123; Path=/"}))
    server.on("/next", ok())
    client = make_client()
    client.get(server.url("/login"))
    client.get(server.url("/next"))
    assert "Cookie" not in server.hits("/login")[0].headers
    assert server.hits("/next")[0].headers["Cookie"] == "session=abc123"
