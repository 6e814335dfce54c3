"""Requests to URLs that users gave us (webhooks): public addresses only, checked at connect time.

A webhook URL is chosen by whoever creates a watch list, so without care the server would POST
to itself, to its cloud's metadata service (169.254.169.254) or to a private network. Every
address a name resolves to must be public: loopback, private, shared (100.64/10), link-local,
multicast, unspecified and reserved addresses are refused, in IPv4 and IPv6, however spelled
(`127.1`, `2130706433`, `[::ffff:127.0.0.1]`, 6to4 and NAT64 wrappings of an IPv4 address).
The check is made inside the connection itself (`PinnedBackend`): the name is resolved once and
the socket connects to the address that was checked, so a DNS answer that changes between the
check and the connection (DNS rebinding) cannot get around it; TLS still verifies the original
host name, and the Host header is the URL's.

Every request made inside `deadline(seconds)` ends by then, from connecting to its last byte:
httpx's own timeouts are per phase (each read may take that long), so a receiver that answers a
byte every few seconds could otherwise hold a request for days. The deadline is checked on every
read and write of the connection (scrapers/http.py `DeadlineStream`, the importer's too) and
each one waits at most what is left.

A test receiver on 127.0.0.1 is reachable only when the operator sets
`REGISTRY_WEBHOOKS_ALLOW_PRIVATE=1` (off by default; docs/clinics.md).
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import os
import socket
import ssl
import time
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

import certifi
import httpcore
import httpx

from scrapers.http import DeadlineStream

ALLOW_PRIVATE_ENV = "REGISTRY_WEBHOOKS_ALLOW_PRIVATE"
MAX_URL = 2000
NAT64 = ipaddress.ip_network("64:ff9b::/96")
# Not global, but newer than this Python's tables: documentation (RFC 9637).
NOT_GLOBAL = (ipaddress.ip_network("3fff::/20"),)


class UnsafeURL(ValueError):
    """A URL we will not send to, with the reason in words."""


def allow_private() -> bool:
    """Whether the operator opted in to private and loopback receivers (for testing only)."""
    return os.environ.get(ALLOW_PRIVATE_ENV, "").strip().lower() in ("1", "true", "yes")


def _unwrapped(ip: ipaddress.IPv4Address | ipaddress.IPv6Address):
    """The IPv4 address an IPv6 address carries (mapped, 6to4, NAT64, Teredo), else itself."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return ip.ipv4_mapped
        if ip.sixtofour:
            return ip.sixtofour
        if ip.teredo:
            return ip.teredo[1]
        if ip in NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def refusal(address: str) -> str | None:
    """Why an IP address is no place for a webhook, or None when it is a public unicast address."""
    try:
        ip = _unwrapped(ipaddress.ip_address(address.split("%", 1)[0]))  # drop an IPv6 zone
    except ValueError:
        return f"{address!r} is not an IP address"
    for flag, words in (
        ("is_loopback", "a loopback address"),
        ("is_unspecified", "the unspecified address"),
        ("is_link_local", "a link-local address"),
        ("is_site_local", "a site-local address"),
        ("is_multicast", "a multicast address"),
        ("is_private", "a private address"),
        ("is_reserved", "a reserved address"),
    ):
        if getattr(ip, flag, False):  # is_site_local is IPv6 only
            return f"{address} is {words}"
    if not ip.is_global or any(ip in net for net in NOT_GLOBAL):
        return f"{address} is not a public address"
    return None


def _getaddrinfo(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def resolve(host: str, port: int, *, private: bool | None = None) -> list[str]:
    """The addresses of `host`, all of them checked; UnsafeURL if any is refused or none found.

    Every address must pass, not just one: a name that also points inward is refused whole.
    """
    try:
        addresses = _getaddrinfo(host, port)
    except (OSError, UnicodeError) as e:
        raise UnsafeURL(f"the host {host!r} could not be resolved ({e})") from None
    if not addresses:
        raise UnsafeURL(f"the host {host!r} has no address")
    if private if private is not None else allow_private():
        return addresses
    for address in addresses:
        why = refusal(address)
        if why:
            raise UnsafeURL(f"the host {host!r} resolves to {why}; webhooks go to public hosts")
    return addresses


def check_url(url: object, *, private: bool | None = None, resolve_host: bool = True) -> str:
    """The URL if a webhook may be sent to it, else UnsafeURL saying why.

    Checked: http(s) only, a host, no user:password part (it hides the real host from readers),
    and (with `resolve_host`) that every address of the host is public.
    """
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise UnsafeURL("webhook_url must be an http:// or https:// URL")
    if len(url) > MAX_URL:
        raise UnsafeURL("webhook_url is too long")
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as e:
        raise UnsafeURL(f"webhook_url is not a valid URL ({e})") from None
    if parsed.userinfo:
        raise UnsafeURL("webhook_url must not hold a user name or password")
    if not parsed.host:
        raise UnsafeURL("webhook_url has no host")
    if resolve_host:
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        resolve(parsed.host, port, private=private)
    return url


# When the requests of the current thread (or task) must have ended, on time.monotonic()'s clock.
_deadline: ContextVar[float | None] = ContextVar("egress_deadline", default=None)


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[float]:
    """Requests made inside end within `seconds` (or the enclosing deadline, if sooner)."""
    when = time.monotonic() + seconds
    outer = _deadline.get()
    token = _deadline.set(when if outer is None else min(when, outer))
    try:
        yield when
    finally:
        _deadline.reset(token)


PASSED = "the delivery's overall deadline passed"


class _ContextDeadline:
    """The deadline of the current thread or task (`deadline`), as a stream's `Limit`."""

    def remaining(self, timeout: float | None, exc: type[Exception]) -> float | None:
        """`timeout` cut to what is left before the deadline; `exc` when nothing is left."""
        when = _deadline.get()
        if when is None:
            return timeout
        left = when - time.monotonic()
        if left <= 0:
            raise exc(PASSED)
        return left if timeout is None else min(timeout, left)

    def passed_message(self) -> str | None:
        when = _deadline.get()
        return PASSED if when is not None and time.monotonic() >= when else None


_CONTEXT_DEADLINE = _ContextDeadline()


class PinnedBackend(httpcore.NetworkBackend):
    """httpcore's own socket backend, except that a connection first resolves and checks its
    host and then connects to one of the checked addresses (see the module docstring)."""

    def __init__(self, private: bool | None = None) -> None:
        self._inner = httpcore.SyncBackend()
        self._private = private

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = resolve(host, port, private=self._private)
        except UnsafeURL as e:
            raise httpcore.ConnectError(str(e)) from None
        last: Exception | None = None
        for address in addresses:
            try:
                stream = self._inner.connect_tcp(
                    address,
                    port,
                    _CONTEXT_DEADLINE.remaining(timeout, httpcore.ConnectTimeout),
                    local_address,
                    socket_options,
                )
                return DeadlineStream(stream, _CONTEXT_DEADLINE)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as e:
                last = e
        assert last is not None
        raise last

    def connect_unix_socket(self, path: str, timeout=None, socket_options=None):
        raise httpcore.ConnectError("webhooks are not sent over Unix sockets")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


@functools.cache
def _tls() -> ssl.SSLContext:
    """certifi's CA bundle, whatever the environment says: made once, since making it reads the
    whole bundle again (about 20 ms a delivery)."""
    return ssl.create_default_context(cafile=certifi.where())


class PinnedTransport(httpx.HTTPTransport):
    """httpx's transport over `PinnedBackend`, with no proxy (a proxy would connect for us)."""

    def __init__(self, *, private: bool | None = None, max_connections: int = 10) -> None:
        super().__init__(verify=_tls(), trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=_tls(),
            max_connections=max_connections,
            network_backend=PinnedBackend(private),
        )


def is_refusal(error: BaseException) -> bool:
    """Whether an httpx error is our own refusal of an address (not worth retrying)."""
    return isinstance(error, httpx.ConnectError) and "webhooks go to public hosts" in str(error)
