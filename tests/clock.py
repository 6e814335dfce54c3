"""A clock for tests that moves only when something sleeps on it.

The HTTP client (`PoliteClient(sleep=..., clock=...)`) and the emulators (`clock=...`) both take
one, so a client's back-off and an emulator's burst penalty agree on the time without a test
waiting for either. `use_in_imports` makes every client `run_source` builds use it.
"""

from __future__ import annotations

import functools
import threading
from datetime import UTC, datetime, timedelta

import pytest

from registry.imports import importer
from scrapers.http import PoliteClient


class FakeClock:
    """`clock()` is the time now; `clock.sleep(s)` moves it on by `s` at once and keeps `s`."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.slept: list[float] = []
        self._lock = threading.Lock()  # the emulators read it from their own threads

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept.append(seconds)
            self.now += max(0.0, seconds)

    def use_in_imports(self, monkeypatch: pytest.MonkeyPatch) -> FakeClock:
        """Every client `run_source` builds sleeps on, and reads, this clock."""
        monkeypatch.setattr(
            importer, "PoliteClient", functools.partial(PoliteClient, sleep=self.sleep, clock=self)
        )
        return self


def utc_ago(seconds: float) -> str:
    """The UTC time `seconds` ago, to the second, as runs are dated (`run_source(at=...)`): runs
    dated apart need no sleeping between them."""
    moment = datetime.now(UTC) - timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
