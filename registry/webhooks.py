"""Webhook deliveries: each watch list's undelivered notices POSTed to its URL, signed, retried.

The body is JSON `{"watch_list", "sent_at", "delivery", "notices": [...]}`. The header
`X-Registry-Signature: sha256=<hex>` is the HMAC-SHA256 of the exact body bytes under the list's
secret (given once, when the list was created); `sent_at` inside the signed body lets a receiver
refuse old replays. A failed POST (connection error, timeout, 408, 429 or 5xx) is retried with
exponential back-off; notices still undelivered are tried again on the next `registry watch
deliver`. Any other 4xx is not retried within the run.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sqlite3
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

from db.load import utcnow
from registry.watch import items_of, notices

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


def _post(client: httpx.Client, url: str, body: bytes, signature: str, delivery: str) -> int:
    try:
        response = client.post(
            url,
            content=body,
            headers={
                "Content-Type": "application/json",
                SIGNATURE_HEADER: signature,
                "X-Registry-Delivery": delivery,
            },
        )
    except httpx.HTTPError as e:
        raise TransientFailure(f"{type(e).__name__}: {e}") from None
    if response.status_code in (408, 429) or response.status_code >= 500:
        raise TransientFailure(f"HTTP {response.status_code}")
    if response.status_code >= 400:
        raise PermanentFailure(f"HTTP {response.status_code}")
    return response.status_code


def _record(db: Database, list_id: str, batch: list[dict], attempts: int, status, error) -> None:
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


def deliver(
    registry: sqlite3.Connection,
    db: Database,
    freshness: dict[str, float],
    *,
    attempts: int = 5,
    first_wait: float = 2.0,
    max_wait: float = 60.0,
    timeout: float = 10.0,
    transport: httpx.BaseTransport | None = None,
) -> list[Outcome]:
    """Deliver every list's pending notices; one Outcome per list with a webhook."""
    outcomes = []
    lists = db.execute(
        "select id, webhook_url, webhook_secret from watch_lists where webhook_url is not null "
        "order by created_at"
    ).fetchall()
    with httpx.Client(timeout=timeout, transport=transport, follow_redirects=False) as client:
        for list_id, url, secret in lists:
            outcome = Outcome(list_id, url)
            outcomes.append(outcome)
            done = {
                row[0]
                for row in db.execute(
                    "select notice_id from webhook_deliveries where list_id = ? "
                    "and delivered_at is not null",
                    [list_id],
                )
            }
            pending = [
                n
                for n in notices(registry, items_of(db, list_id), freshness)
                if n["id"] not in done
            ]
            pending.reverse()  # oldest first
            for i in range(0, len(pending), BATCH):
                batch = pending[i : i + BATCH]
                delivery = secrets.token_hex(8)
                body = json.dumps(
                    {
                        "watch_list": list_id,
                        "sent_at": utcnow(),
                        "delivery": delivery,
                        "notices": batch,
                    },
                    ensure_ascii=False,
                ).encode("utf-8")
                signature = sign(secret, body)
                retrying = Retrying(
                    stop=stop_after_attempt(attempts),
                    wait=wait_exponential(multiplier=first_wait, max=max_wait),
                    retry=retry_if_exception_type(TransientFailure),
                    reraise=False,
                )
                tries = 0
                try:
                    for attempt in retrying:
                        with attempt:
                            tries += 1
                            status = _post(client, url, body, signature, delivery)
                    _record(db, list_id, batch, tries, status, None)
                    outcome.delivered += len(batch)
                except (RetryError, PermanentFailure) as e:
                    cause = e.last_attempt.exception() if isinstance(e, RetryError) else e
                    _record(db, list_id, batch, tries, None, str(cause))
                    outcome.failed += len(batch)
                    outcome.errors.append(str(cause))
                outcome.attempts += tries
    return outcomes
