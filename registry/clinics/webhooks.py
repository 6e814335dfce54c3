"""Webhook deliveries: each watch list's undelivered notices POSTed to its URL, signed, retried.

The body is JSON `{"watch_list", "sent_at", "delivery", "notices": [...]}`. The header
`X-Registry-Signature: sha256=<hex>` is the HMAC-SHA256 of the exact body bytes under the list's
secret (given once, when the list was created); `sent_at` inside the signed body lets a receiver
refuse old replays. A failed POST (connection error, timeout, 408, 429 or 5xx) is retried with
exponential back-off, and so is a 3xx (redirects are not followed, so a redirect is not a
delivery); notices still undelivered are tried again on the next `registry watch deliver`. Any
other 4xx is not retried within the run. Deliveries go only to public addresses
(`registry.clinics.egress`), lists concurrently.

Every POST has an overall deadline, from connecting to the receiver's last byte (`total`), and
the whole run one too (`budget`): a receiver that trickles its answer a byte at a time holds up
nothing but its own list, and only until then. Each batch's outcome is recorded as soon as it
ends, so a run that is stopped, or another that follows it, never sends a notice again that a
receiver already accepted; `delivery_lock` keeps two runs over one database from overlapping.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import queue
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import httpx
from sqlite_utils import Database
from tenacity import (
    RetryError,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from db import layout, os_lock
from db.load import utcnow
from registry.clinics import egress
from registry.clinics.watch import Notice, items_of, notices

SIGNATURE_HEADER = "X-Registry-Signature"
BATCH = 100  # notices per POST


class TransientFailure(Exception):
    """A delivery attempt worth retrying."""


class PermanentFailure(Exception):
    """A delivery the receiver refused (a 4xx other than 408 and 429)."""


@dataclass
class Outcome:
    list_id: str
    url: str
    delivered: int = 0
    failed: int = 0
    attempts: int = 0
    errors: list[str] = field(default_factory=list)


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify_signature(secret: str, body: bytes, header: str) -> bool:
    """What a receiver does: recompute and compare in constant time."""
    return hmac.compare_digest(sign(secret, body), header or "")


def _post(
    client: httpx.Client,
    url: str,
    body: bytes,
    signature: str,
    delivery: str,
    timeout: float,
    total: float,
) -> int:
    """One POST, ended within `total` seconds whatever the receiver does; its status."""
    try:
        # The response body is never read: a receiver cannot make us wait for it. The deadline
        # bounds the rest (connecting, sending, the status line and headers).
        with (
            egress.deadline(total),
            client.stream(
                "POST",
                url,
                content=body,
                timeout=timeout,
                headers={
                    "Content-Type": "application/json",
                    SIGNATURE_HEADER: signature,
                    "X-Registry-Delivery": delivery,
                },
            ) as response,
        ):
            status = response.status_code
    except httpx.HTTPError as e:
        if egress.is_refusal(e):
            raise PermanentFailure(str(e)) from None
        raise TransientFailure(f"{type(e).__name__}: {e}") from None
    if 300 <= status < 400:
        raise TransientFailure(f"HTTP {status} (redirects are not followed)")
    if status in (408, 429) or status >= 500:
        raise TransientFailure(f"HTTP {status}")
    if status >= 400:
        raise PermanentFailure(f"HTTP {status}")
    return status


def _record(db: Database, list_id: str, batch: list[Notice], attempts: int, status, error) -> None:
    now = utcnow()
    with db.conn:
        db.conn.executemany(
            "insert into webhook_deliveries (list_id, notice_id, attempts, last_status, "
            "last_error, last_attempt_at, delivered_at) values (?, ?, ?, ?, ?, ?, ?) "
            "on conflict (list_id, notice_id) do update set "
            "attempts = attempts + excluded.attempts, last_status = excluded.last_status, "
            "last_error = excluded.last_error, last_attempt_at = excluded.last_attempt_at, "
            "delivered_at = excluded.delivered_at",
            [
                (list_id, n["id"], attempts, status, error, now, None if error else now)
                for n in batch
            ],
        )


NOT_ATTEMPTED = "not attempted: the run's time budget was spent"
CUT_SHORT = "cut short: the run's time budget was spent"
EARLIER_FAILED = "not attempted: an earlier batch of this list failed"
GRACE = 5.0  # seconds past the run's deadline the run waits for a worker to say it ended


@dataclass
class _Batch:
    notices: list[Notice]
    body: bytes
    signature: str
    delivery: str
    tries: int = 0
    status: int | None = None
    error: str | None = NOT_ATTEMPTED


def _batches(registry, db: Database, freshness, list_id: str, secret: str) -> list[_Batch]:
    done = {
        row[0]
        for row in db.execute(
            "select notice_id from webhook_deliveries where list_id = ? "
            "and delivered_at is not null",
            [list_id],
        )
    }
    watched = notices(registry, items_of(db, list_id), freshness)
    pending = [n for n in watched if n["id"] not in done]
    pending.reverse()  # oldest first
    out = []
    for i in range(0, len(pending), BATCH):
        batch = pending[i : i + BATCH]
        delivery = secrets.token_hex(8)
        body = json.dumps(
            {"watch_list": list_id, "sent_at": utcnow(), "delivery": delivery, "notices": batch},
            ensure_ascii=False,
        ).encode("utf-8")
        out.append(_Batch(batch, body, sign(secret, body), delivery))
    return out


def _send_all(
    url: str,
    batches: list[_Batch],
    deadline: float,
    ended: Callable[[_Batch], None],
    *,
    attempts: int,
    first_wait: float,
    max_wait: float,
    timeout: float,
    total: float,
    transport: httpx.BaseTransport | None,
) -> None:
    """One list's batches in order, each retried with back-off, none started after `deadline`
    and every request ended by then; `ended(batch)` as soon as each batch's outcome is known.
    After a batch that failed, the list's later batches wait for the next run (in order).

    Runs in a worker thread and touches no database: the caller records what happened.
    """
    with (
        egress.deadline(max(0.0, deadline - time.monotonic())),
        httpx.Client(
            transport=transport or egress.PinnedTransport(),
            follow_redirects=False,
            trust_env=False,
        ) as client,
    ):
        tried_enough = stop_after_attempt(attempts)  # stateless: reads the attempt's number
        for batch in batches:
            if time.monotonic() >= deadline:
                return
            retrying = Retrying(
                stop=lambda state: tried_enough(state) or time.monotonic() >= deadline,
                wait=wait_exponential(multiplier=first_wait, max=max_wait),
                retry=retry_if_exception_type(TransientFailure),
                sleep=lambda s: time.sleep(max(0.0, min(s, deadline - time.monotonic()))),
                reraise=False,
            )
            try:
                for attempt in retrying:
                    with attempt:
                        batch.tries += 1
                        left = max(0.1, min(total, deadline - time.monotonic()))
                        batch.status = _post(
                            client,
                            url,
                            batch.body,
                            batch.signature,
                            batch.delivery,
                            min(timeout, left),
                            left,
                        )
                batch.error = None
            except (RetryError, PermanentFailure) as e:
                cause = e.last_attempt.exception() if isinstance(e, RetryError) else e
                batch.error = str(cause)
            ended(batch)
            if batch.error:
                for later in batches[batches.index(batch) + 1 :]:
                    later.error = EARLIER_FAILED
                return


def deliver(
    registry: sqlite3.Connection,
    db: Database,
    freshness: dict[str, float],
    *,
    attempts: int = 5,
    first_wait: float = 2.0,
    max_wait: float = 60.0,
    timeout: float = 10.0,
    total: float = 30.0,
    budget: float = 300.0,
    concurrency: int = 8,
    transport: httpx.BaseTransport | None = None,
) -> list[Outcome]:
    """Deliver every list's pending notices; one Outcome per list with a webhook.

    Lists are delivered concurrently (at most `concurrency` at a time), so one slow receiver
    delays only its own list. Every request has `timeout` seconds per phase (connect, write,
    read) and `total` seconds in all, from connecting to the receiver's last byte; the whole
    run `budget` seconds, after which nothing new is started, no request goes on, and what was
    not delivered waits for the next run. Each batch is recorded in `webhook_deliveries` as
    soon as it ends. The URL is checked again here
    (`registry.clinics.egress`): a list created before
    the check, or a name that now resolves inward, gets nothing.
    """
    deadline = time.monotonic() + budget
    lists = db.execute(
        "select id, webhook_url, webhook_secret from watch_lists where webhook_url is not null "
        "order by created_at"
    ).fetchall()
    work: list[tuple[Outcome, list[_Batch]]] = []
    jobs: queue.SimpleQueue[int] = queue.SimpleQueue()
    for list_id, url, secret in lists:
        batches = _batches(registry, db, freshness, list_id, secret)
        try:
            egress.check_url(url, resolve_host=False)  # the address is checked on connecting
            if batches:
                jobs.put(len(work))
        except egress.UnsafeURL as e:
            for batch in batches:
                batch.error = str(e)
        work.append((Outcome(list_id, url), batches))
    ended: queue.SimpleQueue[tuple[int, _Batch | None]] = queue.SimpleQueue()

    def worker() -> None:
        while True:
            try:
                index = jobs.get_nowait()
            except queue.Empty:
                return
            outcome, batches = work[index]

            def report(batch: _Batch, index: int = index) -> None:
                ended.put((index, batch))

            try:
                _send_all(
                    outcome.url,
                    batches,
                    deadline,
                    report,
                    attempts=attempts,
                    first_wait=first_wait,
                    max_wait=max_wait,
                    timeout=timeout,
                    total=total,
                    transport=transport,
                )
            finally:
                ended.put((index, None))

    running = jobs.qsize()
    # Daemon threads: a worker stuck where no deadline reaches (a name server that never
    # answers) cannot keep the process alive after the run has given up on it.
    for n in range(min(max(1, concurrency), running)):
        threading.Thread(target=worker, name=f"webhook-{n}", daemon=True).start()
    recorded: set[int] = set()

    def record(outcome: Outcome, batch: _Batch, error: str | None) -> None:
        recorded.add(id(batch))
        _record(db, outcome.list_id, batch.notices, batch.tries, batch.status, error)
        if error:
            outcome.failed += len(batch.notices)
            outcome.errors.append(error)
        else:
            outcome.delivered += len(batch.notices)
        outcome.attempts += batch.tries

    while running:
        try:
            index, done = ended.get(timeout=max(0.0, deadline + GRACE - time.monotonic()))
        except queue.Empty:
            break  # a worker is past the run's deadline: what it holds waits for the next run
        if done is None:
            running -= 1
        else:
            record(work[index][0], done, done.error)
    for outcome, batches in work:
        for batch in batches:
            if id(batch) not in recorded:
                # Tried and not reported: cut short in flight, unless the receiver accepted it.
                error = batch.error if batch.tries == 0 or batch.error is None else CUT_SHORT
                record(outcome, batch, error)
    return [outcome for outcome, _ in work]


class DeliveryBusy(Exception):
    """Another delivery run over this database has not ended."""


@contextlib.contextmanager
def delivery_lock(registry_path: str | os.PathLike) -> Iterator[None]:
    """One delivery run at a time per database, across processes (an OS file lock, released
    when its process dies): two runs at once could each send the same notice."""
    lock_path = layout.lock_file(registry_path, "webhook-deliveries")
    busy = (
        f"another webhook delivery run over this database is still going ({lock_path}); "
        "what it has not delivered waits for the next run"
    )
    with os_lock(lock_path, lambda: DeliveryBusy(busy)):
        yield


def send_test(
    list_id: str,
    url: str,
    secret: str,
    *,
    timeout: float = 10.0,
    total: float = 15.0,
    transport: httpx.BaseTransport | None = None,
) -> tuple[int | None, str | None]:
    """One signed test delivery, `{"watch_list", "sent_at", "delivery", "test": true,
    "notices": []}`, not retried, ended within `total` seconds: (the receiver's status, None)
    when it accepted, else (None, why). Only to public addresses, as every delivery
    (registry.clinics.egress). The site sends these from threads of their own
    (registry.web.watch_pages)."""
    try:
        egress.check_url(url, resolve_host=False)  # the address is checked on connecting
    except egress.UnsafeURL as e:
        return None, str(e)
    delivery = "test-" + secrets.token_hex(8)
    body = json.dumps(
        {
            "watch_list": list_id,
            "sent_at": utcnow(),
            "delivery": delivery,
            "test": True,
            "notices": [],
        }
    ).encode("utf-8")
    with httpx.Client(
        transport=transport or egress.PinnedTransport(),
        follow_redirects=False,
        trust_env=False,
    ) as client:
        try:
            status = _post(client, url, body, sign(secret, body), delivery, timeout, total)
            return status, None
        except (TransientFailure, PermanentFailure) as e:
            return None, str(e)
