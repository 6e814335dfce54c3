"""Test deliveries from the watch-list screen, sent by threads of their own.

A test delivery waits on a server we do not control. Sent from the threads that serve pages and
searches, two slow receivers would hold them all and take the site down; so they are sent here,
by `WORKERS` threads that do nothing else, each POST ended within its overall deadline
(registry.clinics.webhooks.send_test).
The page waits a moment for the answer without holding a thread
and otherwise says the test is on its way; the outcome is kept (in memory, the latest per list)
for the list's page to show. One test per list is on its way at a time, and at most
`MAX_WAITING` in all: beyond that `submit` says no, and the page asks to try again later.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from db.load import utcnow
from registry.clinics import webhooks

WORKERS = 2  # threads that send test deliveries
MAX_WAITING = 16  # test deliveries on their way at once, across every list
KEPT = 1_000  # lists whose latest outcome is kept
WAIT = 3.0  # seconds the page waits for the receiver's answer

Sender = Callable[[str, str, str], tuple[int | None, str | None]]


@dataclass(frozen=True)
class WebhookTestOutcome:
    """A list's latest test delivery: on its way (`done` False), accepted or failed."""

    sent_at: str
    done: bool = False
    status: int | None = None
    error: str | None = None


class WebhookTests:
    def __init__(
        self,
        send: Sender = webhooks.send_test,
        workers: int = WORKERS,
        max_waiting: int = MAX_WAITING,
    ) -> None:
        self._send = send
        self._max_waiting = max_waiting
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="webhook-test")
        self._lock = threading.Lock()
        self._on_way: dict[str, Future] = {}
        self._latest: OrderedDict[str, WebhookTestOutcome] = OrderedDict()

    def submit(self, list_id: str, url: str, secret: str) -> Future | None:
        """The list's test delivery on its way (a new one, or the one already going), or None
        when too many are waiting."""
        with self._lock:
            going = self._on_way.get(list_id)
            if going is not None:
                return going
            if len(self._on_way) >= self._max_waiting:
                return None
            self._keep(list_id, WebhookTestOutcome(utcnow()))
            future = self._pool.submit(self._run, list_id, url, secret)
            self._on_way[list_id] = future
            return future

    def _run(self, list_id: str, url: str, secret: str) -> WebhookTestOutcome:
        sent_at = utcnow()
        try:
            status, error = self._send(list_id, url, secret)
        except Exception as e:  # noqa: BLE001 (said on the page; the sender never stops)
            status, error = None, f"{type(e).__name__}: {e}"
        outcome = WebhookTestOutcome(sent_at, True, status, error)
        with self._lock:
            self._on_way.pop(list_id, None)
            self._keep(list_id, outcome)
        return outcome

    def _keep(self, list_id: str, outcome: WebhookTestOutcome) -> None:
        self._latest[list_id] = outcome
        self._latest.move_to_end(list_id)
        while len(self._latest) > KEPT:
            self._latest.popitem(last=False)

    def latest(self, list_id: str) -> WebhookTestOutcome | None:
        with self._lock:
            return self._latest.get(list_id)

    def forget(self, list_id: str) -> None:
        """A deleted list, or one whose webhook changed: its old outcome no longer applies."""
        with self._lock:
            self._latest.pop(list_id, None)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
