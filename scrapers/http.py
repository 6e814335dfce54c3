"""The one HTTP layer every register adapter uses: polite, robots-aware, retrying, evidenced.

Politeness lives here so no adapter can forget it: an identifying User-Agent, robots.txt obeyed
(RFC 9309), a minimum gap between requests to one host, and patient back-off when a server says
it is busy. Every successful response comes back as a `Fetched` that can vouch for itself.

A register is also untrusted, so every response is bounded here too: its bytes as sent and as
decompressed (`max_response_bytes`; an endless body or a gzip bomb is cut off, never held), its
time from the first byte sent to the last received (`response_seconds`, one deadline for the whole
answer rather than per read, so a register that trickles a byte every few seconds cannot hold a
run), and the whole run's time (`max_run_seconds`). Redirects are followed one hop at a time, and
one that leaves the register's host for a loopback, private or link-local address is refused.
"""

from __future__ import annotations

import codecs
import email.utils
import functools
import hashlib
import ipaddress
import logging
import math
import os
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from typing import Protocol

import httpcore
import httpx
import tenacity
from protego import Protego

from scrapers.records import Evidence

log = logging.getLogger("scrapers.http")

RETRYABLE_STATUSES = frozenset({403, 429}) | frozenset(range(500, 600))
UTF8_BOM = codecs.BOM_UTF8
MAX_REDIRECTS = 20

# Defaults of the bounds on what one register may send (HttpPolicy; a source can set its own,
# docs/sources.md): far above any register we read (the largest answer seen is a few MB), far
# below what would hurt the machine.
MAX_RESPONSE_BYTES = 50_000_000
RESPONSE_SECONDS = 120.0
MAX_RUN_SECONDS = 48 * 3600.0


# Set (as the test suite does) to make sure nothing leaves this machine: any host but the
# loopback one is refused with a FetchError before a connection is tried.
OFFLINE_ENV = "REGISTRY_OFFLINE"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class HttpPolicy:
    """How politely to talk to a register; one per source, usually from its config."""

    user_agent: str  # must identify us with a contact URL
    spacing_seconds: float = 3.0  # minimum gap between request starts to the same host
    timeout_seconds: float = 30.0
    max_retries: int = 4  # retries after the first attempt, for 403/429/5xx/transport errors
    backoff_seconds: float = 60.0  # first back-off without Retry-After; doubles each retry
    max_backoff_seconds: float = 600.0  # cap for any single wait, Retry-After included
    respect_robots: bool = True
    max_requests: int | None = None  # a budget (the preflight's): FetchError once it is spent
    # Bounds on a hostile or broken register (see the module docstring): bytes of one response,
    # as sent and as decompressed; seconds for one response, first byte sent to last received;
    # seconds for everything this client does (a run).
    max_response_bytes: int = MAX_RESPONSE_BYTES
    response_seconds: float = RESPONSE_SECONDS
    max_run_seconds: float = MAX_RUN_SECONDS

    def __post_init__(self) -> None:
        if not self.user_agent.strip():
            raise ValueError("HttpPolicy.user_agent is required (name us and give a contact URL)")


@dataclass(frozen=True)
class Fetched:
    """One successful response with what is needed to cite it as evidence later."""

    url: str  # final URL, after redirects: where these bytes came from
    method: str
    status: int
    headers: httpx.Headers
    content: bytes
    fetched_at: str  # ISO 8601 UTC, seconds precision, e.g. "2026-11-23T18:40:02Z"
    sha256: str  # hex digest of `content`
    request: str  # "" for GET, the urlencoded form body for POST
    not_modified: bool = False  # a 304: `content` is the earlier body the validators named

    def text(self) -> str:
        """The body as text: a UTF-8 BOM wins, else the header charset, else UTF-8."""
        if self.content.startswith(UTF8_BOM):
            return self.content[len(UTF8_BOM) :].decode("utf-8", errors="replace")
        text = self.content.decode(_charset(self.headers), errors="replace")
        return text.removeprefix("\ufeff")

    def evidence(self) -> Evidence:
        return Evidence(
            url=self.url,
            fetched_at=self.fetched_at,
            sha256=self.sha256,
            method=self.method,
            request=self.request,
        )


class FetchError(Exception):
    """A request that did not produce a usable response; str() is a one-line operator message."""

    def __init__(self, message: str, *, url: str, status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


class NotFound(FetchError):
    """404/410: the resource is gone; never retried."""


class Blocked(FetchError):
    """Still 403/429 after all retries: the server is refusing or rate-limiting us."""


class ServerError(FetchError):
    """Still 5xx after all retries."""


class TransportFailure(FetchError):
    """Timeouts, refused/reset connections or truncated bodies, after all retries."""


class RobotsDisallowed(FetchError):
    """robots.txt forbids the URL for us, or robots.txt was unreachable (RFC 9309 2.3.1.4)."""


class UnexpectedStatus(FetchError):
    """Any other non-2xx status (400, 401, 405, ...); not retried."""


class TooLarge(FetchError):
    """A response longer than `max_response_bytes`, as sent or decompressed; not retried."""


class UnsafeRedirect(FetchError):
    """A redirect from the register's host to another host at an inward address; not followed."""


class RunTooLong(FetchError):
    """The run has used its `max_run_seconds`; no further request is made."""


class Deadline:
    """When the response being received must be complete (`time.monotonic()`), or None."""

    def __init__(self) -> None:
        self.at: float | None = None
        self.seconds = 0.0  # how long the response was given, for the message

    def start(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def passed(self) -> bool:
        return self.at is not None and time.monotonic() >= self.at

    def message(self) -> str:
        return f"the response took longer than {self.seconds:g}s, the most allowed"

    def remaining(
        self, timeout: float | None, exc: type[Exception] = httpcore.ReadTimeout
    ) -> float | None:
        """A per-operation timeout shortened to what is left before the deadline."""
        if self.at is None:
            return timeout
        left = self.at - time.monotonic()
        if left <= 0:
            raise exc(self.message())
        return left if timeout is None else min(timeout, left)

    def passed_message(self) -> str | None:
        """Why an operation cut short to the deadline failed, once it has passed."""
        return self.message() if self.passed() else None


class Limit(Protocol):
    """A deadline a connection's operations are cut to (`Deadline`, or the webhooks' own)."""

    def remaining(self, timeout: float | None, exc: type[Exception]) -> float | None: ...

    def passed_message(self) -> str | None: ...


class DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every read and write ends by a deadline (httpx's own timeout is
    per read, so a peer trickling one byte at a time would otherwise never time out); an
    operation cut short by the deadline says so."""

    def __init__(self, inner: httpcore.NetworkStream, limit: Limit) -> None:
        self._inner = inner
        self._limit = limit

    def _within(self, exc: type[Exception], operation, timeout: float | None):
        try:
            return operation(self._limit.remaining(timeout, exc))
        except exc:
            if (why := self._limit.passed_message()) is not None:
                raise exc(why) from None
            raise

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._within(httpcore.ReadTimeout, lambda t: self._inner.read(max_bytes, t), timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._within(httpcore.WriteTimeout, lambda t: self._inner.write(buffer, t), timeout)

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        inner = self._within(
            httpcore.ConnectTimeout,
            lambda t: self._inner.start_tls(ssl_context, server_hostname, t),
            timeout,
        )
        return DeadlineStream(inner, self._limit)

    def get_extra_info(self, info: str):
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's socket backend with every stream bound to one `Deadline`."""

    def __init__(self, deadline: Deadline) -> None:
        self._inner = httpcore.SyncBackend()
        self._deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options=None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(
            host,
            port,
            self._deadline.remaining(timeout, httpcore.ConnectTimeout),
            local_address,
            socket_options,
        )
        return DeadlineStream(stream, self._deadline)

    def connect_unix_socket(self, path: str, timeout=None, socket_options=None):
        raise httpcore.ConnectError("registers are not read over Unix sockets")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


@functools.cache
def _tls() -> ssl.SSLContext:
    """The TLS settings of every client we make, httpx's default (certifi's CA bundle): made
    once, since making one reads the whole bundle again (about 20 ms)."""
    return httpx.create_ssl_context()


class _DeadlineTransport(httpx.HTTPTransport):
    """httpx's transport over `_DeadlineBackend` (the same pool httpx builds, with our backend)."""

    def __init__(self, deadline: Deadline) -> None:
        super().__init__(verify=_tls())
        self._pool = httpcore.ConnectionPool(
            ssl_context=_tls(),
            network_backend=_DeadlineBackend(deadline),
        )


@dataclass
class _Host:
    """What we know about one scheme+host+port: its robots rules and when we last started."""

    robots_checked: bool = False
    robots: Protego | None = None  # None: everything allowed
    robots_unreachable: bool = False  # robots.txt answered 5xx or not at all: disallow all
    spacing: float = 0.0
    last_start: float | None = None


class PoliteClient:
    """A session-keeping HTTP client that spaces, retries and checks robots.txt for its callers."""

    def __init__(
        self,
        policy: HttpPolicy,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        transport: httpx.BaseTransport | None = None,
        on_response: Callable[[Fetched], None] | None = None,
        validators: dict[str, dict] | None = None,
        stored: Callable[[str], bytes] | None = None,
        on_exchange: Callable[[httpx.Response], None] | None = None,
    ) -> None:
        self.policy = policy
        self._real_network = transport is None  # a given transport (a replay, a mock) is not
        self._on_response = on_response  # sees every answer handed to a caller (the archive)
        self._on_exchange = on_exchange  # sees every response, errors included (a cassette)
        # Conditional GETs: url -> {"etag", "last_modified", "sha256"} from earlier runs, and a
        # way to get the body a 304 stands for. New validators are collected in `validators_seen`.
        self._validators = validators or {}
        self._stored = stored
        self.validators_seen: dict[str, dict] = {}
        self.not_modified = 0
        self._sleep = sleep
        self._clock = clock
        self._hosts: dict[tuple[str, str, int | None], _Host] = {}
        self.requests_made = 0
        self.retries = 0
        self.waits: list[float] = []
        self._started = clock()
        self._deadline = Deadline()
        # Redirects are followed by hand (`_exchange`), one bounded hop at a time: httpx would
        # read a redirect's whole body, however long, before our checks could see it.
        self._client = httpx.Client(
            headers={"User-Agent": policy.user_agent},
            timeout=policy.timeout_seconds,
            follow_redirects=False,
            transport=transport if transport is not None else _DeadlineTransport(self._deadline),
            event_hooks={"request": [self._count_request]},
        )

    # -- public API ---------------------------------------------------------------------------

    def get(self, url: str, *, headers: dict | None = None) -> Fetched:
        """GET a URL politely; raises a FetchError subclass unless the final answer is 2xx."""
        return self._fetch("GET", url, data=None, headers=headers)

    def post(self, url: str, *, data: dict | None = None, headers: dict | None = None) -> Fetched:
        """POST a form politely; the urlencoded body is kept in `Fetched.request` as evidence."""
        return self._fetch("POST", url, data=data or {}, headers=headers)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- internals ----------------------------------------------------------------------------

    def _count_request(self, request: httpx.Request) -> None:
        self.requests_made += 1  # an httpx event hook: sees redirects and retries too

    def _check_offline(self, parsed: httpx.URL) -> None:
        if self._real_network and os.environ.get(OFFLINE_ENV) and parsed.host not in LOOPBACK:
            raise FetchError(
                f"FetchError: {OFFLINE_ENV} is set: refusing to contact {parsed.host}",
                url=str(parsed),
            )

    def _fetch(self, method: str, url: str, *, data: dict | None, headers: dict | None) -> Fetched:
        try:
            parsed = httpx.URL(url)  # parsed once: each httpx call below is given this
            self._check_offline(parsed)
            host = self._host(parsed)
            # The form as httpx encodes it, kept as evidence (a bare Request: no cookie jar)
            body = b"" if data is None else httpx.Request(method, parsed, data=data).content
        except httpx.InvalidURL as exc:
            raise FetchError(f"FetchError: invalid URL {url!r} ({exc})", url=url) from exc
        if self.policy.respect_robots:
            self._check_robots(parsed, host)
        known = self._validators.get(url) if method == "GET" and self._stored else None
        if known:
            conditions = {
                "If-None-Match": known.get("etag"),
                "If-Modified-Since": known.get("last_modified"),
            }
            headers = {**(headers or {}), **{k: v for k, v in conditions.items() if v}}
        result, attempts = self._send_with_retries(method, url, data, headers, host, parsed)
        stored = self._stored
        if known and stored and not isinstance(result, Exception) and result.status_code == 304:
            self.not_modified += 1
            self.validators_seen[url] = known
            return self._fetched(method, result, "", content=stored(known["sha256"]))
        if isinstance(result, Exception):
            raise TransportFailure(
                f"TransportFailure: {url} failed after {_plural(attempts)}"
                f"{self._last_wait(attempts)} ({_describe(result)})",
                url=url,
            ) from result
        if result.is_success:
            fetched = self._fetched(method, result, body.decode("ascii"))
            validators = {
                "etag": result.headers.get("ETag"),
                "last_modified": result.headers.get("Last-Modified"),
            }
            if method == "GET" and any(validators.values()):
                self.validators_seen[url] = {**validators, "sha256": fetched.sha256}
            if self._on_response:
                self._on_response(fetched)
            return fetched
        status = result.status_code
        kind = _error_kind(status)
        message = f"{kind.__name__}: {url} answered {status} after {_plural(attempts)}"
        raise kind(message + self._last_wait(attempts), url=url, status=status)

    def _host(self, url: httpx.URL) -> _Host:
        if url.scheme not in ("http", "https") or not url.host:
            raise httpx.InvalidURL("expected an absolute http(s) URL")
        key = (url.scheme, url.host, url.port)
        if key not in self._hosts:
            self._hosts[key] = _Host(spacing=self.policy.spacing_seconds)
        return self._hosts[key]

    def _check_robots(self, url: httpx.URL, host: _Host) -> None:
        """Fetch robots.txt once per host, then refuse URLs it disallows for our user agent."""

        def robots_url() -> str:
            return str(url.copy_with(path="/robots.txt", query=None, fragment=None))

        if not host.robots_checked:
            self._load_robots(robots_url(), host)
            host.robots_checked = True
        if host.robots_unreachable:
            raise RobotsDisallowed(
                f"RobotsDisallowed: {url} not fetched because {robots_url()} was unreachable "
                "(RFC 9309: assume everything is disallowed)",
                url=str(url),
            )
        if host.robots is not None and not host.robots.can_fetch(str(url), self.policy.user_agent):
            raise RobotsDisallowed(
                f"RobotsDisallowed: {url} is disallowed for our user agent by {robots_url()}",
                url=str(url),
            )

    def _load_robots(self, robots_url: str, host: _Host) -> None:
        """2xx: parse and obey; 4xx: everything allowed; 5xx or no answer: everything disallowed."""
        try:
            response, _ = self._send_with_retries("GET", robots_url, None, None, host)
        except FetchError:
            response = None  # e.g. a redirect loop: treat as unreachable, the cautious reading
        if isinstance(response, httpx.Response) and response.is_success:
            host.robots = Protego.parse(response.content.decode("utf-8", errors="replace"))
            delay = host.robots.crawl_delay(self.policy.user_agent)
            if delay is not None:
                host.spacing = max(host.spacing, float(delay))
        elif isinstance(response, httpx.Response) and 400 <= response.status_code < 500:
            host.robots = None  # "unavailable": RFC 9309 lets us crawl everything
        else:
            host.robots_unreachable = True
            log.warning("robots.txt unreachable at %s: disallowing the whole host", robots_url)

    def _build(
        self, method: str, url: httpx.URL | str, data: dict | None, headers: dict | None
    ) -> httpx.Request:
        return self._client.build_request(method, url, data=data, headers=headers)

    def _send_with_retries(
        self,
        method: str,
        url: str,
        data: dict | None,
        headers: dict | None,
        host: _Host,
        parsed: httpx.URL | None = None,
    ) -> tuple[httpx.Response | httpx.TransportError, int]:
        """Send with spacing and tenacity retries; return the last response or transport error.
        `parsed` is `url` already parsed (httpx then need not parse it again)."""
        attempts = 0
        target = parsed if parsed is not None else url

        def attempt() -> httpx.Response:
            nonlocal attempts
            attempts += 1
            budget = self.policy.max_requests
            if budget is not None and self.requests_made >= budget:
                raise FetchError(f"FetchError: the budget of {budget} requests is spent", url=url)
            self._check_run_time(url)
            self._space(host)
            self._check_run_time(url)
            # built per attempt so cookies set by an earlier answer are sent on the retry
            response = self._exchange(self._build(method, target, data, headers))
            if self._on_exchange:
                for answer in (*response.history, response):
                    self._on_exchange(answer)
            return response

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(httpx.TransportError)
            | tenacity.retry_if_result(lambda r: r.status_code in RETRYABLE_STATUSES),
            stop=tenacity.stop_after_attempt(self.policy.max_retries + 1),
            wait=self._wait,
            sleep=self._sleep,
            before_sleep=lambda state: self._record_wait(state, url),
            retry_error_callback=lambda state: _last_outcome(state),
        )
        try:
            return retrying(attempt), attempts
        except httpx.HTTPError as exc:  # not retryable, e.g. too many redirects: wrap it
            raise FetchError(f"FetchError: {url} failed ({_describe(exc)})", url=url) from exc

    def _check_run_time(self, url: str) -> None:
        spent = self._clock() - self._started
        if spent >= self.policy.max_run_seconds:
            raise RunTooLong(
                f"RunTooLong: the run has taken {_duration(spent)}, the most allowed is "
                f"{_duration(self.policy.max_run_seconds)}; stopped before {url}",
                url=url,
            )

    def _exchange(self, request: httpx.Request) -> httpx.Response:
        """Send a request and follow its redirects, each answer read within the bounds; a
        redirect to another host at an inward address is refused (UnsafeRedirect)."""
        left = self.policy.max_run_seconds - (self._clock() - self._started)
        seconds = max(0.0, min(self.policy.response_seconds, left))
        self._deadline.start(seconds)
        history: list[httpx.Response] = []
        try:
            while True:
                response = self._receive(request)
                if not response.has_redirect_location:
                    response.history = history
                    return response
                if len(history) >= MAX_REDIRECTS:
                    raise httpx.TooManyRedirects(
                        "Exceeded maximum allowed redirects.", request=request
                    )
                following = response.next_request
                assert following is not None  # httpx builds it for every redirect
                self._check_redirect(request.url, following.url)
                history.append(response)
                request = following
        except httpx.TimeoutException as e:
            if self._deadline.passed():  # a read cut short to the deadline: say which bound
                raise httpx.ReadTimeout(self._deadline.message(), request=request) from e
            raise
        finally:
            self._deadline.at = None

    def _receive(self, request: httpx.Request) -> httpx.Response:
        """One answer, its body read as it streams in and abandoned past a bound."""
        limit = self.policy.max_response_bytes
        response = self._client.send(request, stream=True)
        try:
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                sent = response.num_bytes_downloaded
                if size > limit or sent > limit:
                    what = "as sent" if sent > limit else "decompressed"
                    raise TooLarge(
                        f"TooLarge: {request.url} sent more than {limit:,} bytes ({what}), the "
                        "most allowed for one response; not read further",
                        url=str(request.url),
                    )
                chunks.append(chunk)
                if self._deadline.passed():  # also for a transport without _DeadlineBackend
                    raise httpx.ReadTimeout(self._deadline.message(), request=request)
            # what response.read() would have kept, had it been allowed to read everything
            response._content = b"".join(chunks)
        finally:
            response.close()
        return response

    def _check_redirect(self, origin: httpx.URL, target: httpx.URL) -> None:
        try:
            self._check_offline(target)
        except FetchError as e:
            raise FetchError(f"{e} (a redirect from {origin})", url=str(origin)) from None
        if target.host.lower() == origin.host.lower():
            return  # the register's own host, wherever it is (the test emulators are local)
        inward = _inward_address(target.host)
        if inward:
            raise UnsafeRedirect(
                f"UnsafeRedirect: {origin} redirected to {target}, another host at an inward "
                f"address ({inward}); not followed",
                url=str(origin),
            )

    def _space(self, host: _Host) -> None:
        """Sleep until the host's spacing has passed since the previous request started."""
        if host.spacing > 0 and host.last_start is not None:
            remaining = host.spacing - (self._clock() - host.last_start)
            if remaining > 0:
                self._sleep(remaining)
        host.last_start = self._clock()

    def _wait(self, state: tenacity.RetryCallState) -> float:
        """Retry-After when the server gave one, else exponential back-off; always capped."""
        last = _last_outcome(state)
        if isinstance(last, httpx.Response):
            retry_after = _retry_after_seconds(last.headers.get("Retry-After"))
            if retry_after is not None:
                return min(max(retry_after, 0.0), self.policy.max_backoff_seconds)
        backoff = self.policy.backoff_seconds * 2 ** (state.attempt_number - 1)
        return min(backoff, self.policy.max_backoff_seconds)

    def _record_wait(self, state: tenacity.RetryCallState, url: str) -> None:
        wait = float(state.upcoming_sleep)
        self.waits.append(wait)
        self.retries += 1
        last = _last_outcome(state)
        why = f"status {last.status_code}" if isinstance(last, httpx.Response) else _describe(last)
        log.warning("backing off %gs before retrying %s (%s)", wait, url, why)

    def _last_wait(self, attempts: int) -> str:
        return f" (last wait {self.waits[-1]:g}s)" if attempts > 1 else ""

    def _fetched(
        self, method: str, response: httpx.Response, request: str, content: bytes | None = None
    ) -> Fetched:
        received = datetime.now(UTC)
        body = response.content if content is None else content
        return Fetched(
            url=str(response.url),
            method=method,
            status=response.status_code,
            headers=response.headers,
            content=body,
            fetched_at=received.strftime("%Y-%m-%dT%H:%M:%SZ"),
            sha256=hashlib.sha256(body).hexdigest(),
            request=request,
            not_modified=content is not None,
        )


def _inward_address(host: str) -> str | None:
    """The first loopback, private, link-local or otherwise non-public address `host` is or
    resolves to, or None (a name that does not resolve fails later, when connecting)."""
    try:
        addresses = [str(ipaddress.ip_address(host.strip("[]").split("%", 1)[0]))]
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            return None
        addresses = [str(info[4][0]) for info in infos]
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        if not ip.is_global or ip.is_multicast or getattr(ip, "is_site_local", False):
            return address
    return None


def _duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds:g} s" if seconds < 60 else f"{seconds / 60:.1f} min"


def _retry_after_seconds(value: str | None) -> float | None:
    """Parse Retry-After as delta-seconds or an HTTP-date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return seconds if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (when - datetime.now(UTC)).total_seconds()


def _charset(headers: httpx.Headers) -> str:
    message = Message()
    message["content-type"] = headers.get("content-type", "")
    charset = message.get_content_charset() or "utf-8"
    try:
        return codecs.lookup(charset).name
    except LookupError:
        return "utf-8"


def _last_outcome(state: tenacity.RetryCallState) -> httpx.Response | BaseException:
    outcome = state.outcome
    assert outcome is not None
    if outcome.failed:
        failure = outcome.exception()
        assert failure is not None  # a failed outcome holds its exception
        return failure
    return outcome.result()


def _error_kind(status: int) -> type[FetchError]:
    if status in (404, 410):
        return NotFound
    if status in (403, 429):
        return Blocked
    if 500 <= status < 600:
        return ServerError
    return UnexpectedStatus


def _plural(attempts: int) -> str:
    return "1 attempt" if attempts == 1 else f"{attempts} attempts"


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
