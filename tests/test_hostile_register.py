"""A hostile register under someone else's control: an endless body, a gzip bomb, an answer
trickled one byte at a time, implausibly long fields, a redirect inward. Each run is refused
quickly with a short message, and the data of the last good run stays exactly as it was.

The bounds are set small here (a megabyte, a second) so that each case takes about a second;
the defaults (scrapers/http.py, db/load.py) are what a live register gets."""

from __future__ import annotations

import json
import time
from dataclasses import replace

import pytest

from db import open_db
from db.load import MAX_CHARS, MAX_ERROR_CHARS, MAX_ERRORS, MAX_MESSAGE, finish_run, start_run
from emulators.nsphysio import DIRECTORY_PATH, NSPhysioEmulator, nova_scotia_physiotherapists
from emulators.server import gzip_bomb
from registry.imports.importer import run_source
from scrapers.http import HttpPolicy, PoliteClient, RunTooLong, TooLarge, UnsafeRedirect
from tests.runs import declare

PEOPLE = nova_scotia_physiotherapists(30, seed=7)
TABLES = ["registrations", "practice_locations", "directory", "events"]
LIMITS = {"max_response_bytes": 1_000_000, "response_seconds": 1.0, "max_retries": 0}
UA = "needling-registry-tests/0.1 (+https://example.org/contact)"


def data(db) -> dict:
    return {t: [dict(r) for r in db.query(f"select * from {t} order by 1, 2")] for t in TABLES}


@pytest.fixture
def imported(tmp_path):
    """A database holding one good import of PEOPLE, the register still serving, and the source
    declared with small bounds."""
    db = open_db(tmp_path / "registry.db")
    # no ETags: every answer is the whole page, never a 304
    with NSPhysioEmulator(PEOPLE, etags=False) as register:
        settings, source = declare(tmp_path, register.base_url, **LIMITS)
        assert run_source(db, settings, source).outcome == "success"
        yield db, register, settings, source
    db.close()


def refused(imported, words: str, seconds: float = 5.0):
    """Run the source again: it fails within `seconds`, saying `words`, changing nothing."""
    db, register, settings, source = imported
    before = data(db)
    started = time.monotonic()
    report = run_source(db, settings, source)
    took = time.monotonic() - started
    assert report.outcome == "failed", report.message
    assert words in report.message
    assert len(report.message) < 500
    assert took < seconds, f"the refusal took {took:.1f}s"
    assert data(db) == before
    stored = db.execute("select message from import_runs where id = ?", [report.run_id])
    assert stored.fetchone()[0] == report.message
    return report


def test_an_endless_body_is_cut_off_at_the_byte_limit(imported):
    imported[1].endless_next(DIRECTORY_PATH)
    report = refused(imported, "more than 1,000,000 bytes (as sent)")
    assert report.message.startswith("TooLarge: http://127.0.0.1")


def test_a_gzip_bomb_is_cut_off_at_the_decompressed_limit(imported):
    imported[1].bomb_next(DIRECTORY_PATH, 200_000_000)  # about 200 KB on the wire
    refused(imported, "more than 1,000,000 bytes (decompressed)")


def test_a_trickling_register_meets_one_deadline_for_the_whole_answer(imported):
    # 20 bytes a second: the status line and headers alone would take some 10 s, each read
    # well inside the per-read timeout; the answer's deadline is 1 s.
    db, register, settings, source = imported
    register.trickle_next(DIRECTORY_PATH, 0.05)
    refused(imported, "the response took longer than 1s, the most allowed", seconds=3.0)
    # the source's lock went with the run: the next one runs (and finds the register unchanged)
    assert run_source(db, settings, source).outcome == "success"


def test_a_trickled_body_after_quick_headers_meets_the_deadline_too(imported):
    db, register, settings, source = imported
    # headers in a tenth of a second, the body of some 40 KB in 20 s at least
    register.trickle_next(DIRECTORY_PATH, 0.0005)
    refused(imported, "took longer than 1s", seconds=3.0)


def test_implausibly_long_fields_refuse_the_run(imported):
    db, register, settings, source = imported
    huge = "A" * 100_000  # (the page stays under the test's 1 MB bound)
    register.set_people([replace(PEOPLE[0], family_name=huge), *PEOPLE[1:]])
    report = refused(imported, "characters long, more than the 2,000 allowed")
    assert "implausible record, nothing was changed" in report.message
    assert huge[:100] not in report.message


def test_fields_at_the_limit_are_kept_whole(imported):
    db, register, settings, source = imported
    family = "B" * (MAX_CHARS["family_name"] // 2)
    register.set_people([replace(PEOPLE[0], family_name=family), *PEOPLE[1:]])
    report = run_source(db, settings, source)
    assert report.outcome == "success", report.message
    names = [r["family_name"] for r in db.query("select family_name from registrations")]
    assert family in names


def test_a_run_records_a_bounded_message_and_bounded_errors(imported):
    db = imported[0]
    run_id = start_run(db, "nscp")
    errors = [{"url": f"http://x/{i}", "error": "E" * 1_000_000} for i in range(1_000)]
    finish_run(db, run_id, "failed", "M" * 1_000_000, requests=1, errors=errors)
    message, stored = db.execute(
        "select message, errors from import_runs where id = ?", [run_id]
    ).fetchone()
    assert len(message) <= MAX_MESSAGE
    assert message.endswith("… (998,040 more characters)")
    kept = json.loads(stored)
    assert len(kept) == MAX_ERRORS + 1
    assert all(len(e["error"]) <= MAX_ERROR_CHARS for e in kept)
    assert kept[-1] == {"url": "", "error": "... and 900 more errors"}


def test_a_redirect_to_another_host_at_an_inward_address_is_refused(imported):
    db, register, settings, source = imported
    port = register.base_url.rsplit(":", 1)[1]
    elsewhere = f"http://localhost:{port}{DIRECTORY_PATH}"  # another name, a loopback address
    register.fail_next(DIRECTORY_PATH, 302, headers={"Location": elsewhere})
    report = refused(imported, "another host at an inward address")
    assert report.message.startswith("UnsafeRedirect: ")
    assert not [r for r in register.requests if r.headers["host"].startswith("localhost")]


def test_a_redirect_on_the_register_s_own_host_is_followed(imported):
    db, register, settings, source = imported
    register.fail_next(DIRECTORY_PATH, 302, headers={"Location": f"{DIRECTORY_PATH}/"})
    report = run_source(db, settings, source)
    assert report.outcome == "success", report.message


# -- the client on its own --------------------------------------------------------------------


class FakeTime:
    """A clock that only moves when slept on."""

    def __init__(self) -> None:
        self.now = 1000.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_a_run_stops_at_its_overall_time_limit():
    fake = FakeTime()
    with NSPhysioEmulator(PEOPLE[:3]) as register:
        policy = HttpPolicy(user_agent=UA, spacing_seconds=4.0, max_run_seconds=10.0)
        with PoliteClient(policy, sleep=fake.sleep, clock=fake.clock) as client:
            url = register.base_url + DIRECTORY_PATH
            client.get(url)  # robots.txt at 1000, the page at 1004
            client.get(url)  # at 1008
            with pytest.raises(RunTooLong, match=r"taken 12 s, the most allowed is 10 s"):
                client.get(url)  # would start at 1012
    assert len(register.requests) == 3


def test_the_bounds_hold_for_every_transport():
    """A replayed or mocked transport (no socket deadline) still gets the byte bound."""
    import httpx

    bomb = gzip_bomb(5_000_000)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=bomb, headers={"Content-Encoding": "gzip"})

    policy = HttpPolicy(user_agent=UA, respect_robots=False, max_response_bytes=1_000_000)
    with PoliteClient(policy, transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(TooLarge, match="decompressed"):
            client.get("http://register.example/page")


def test_unsafe_redirect_is_a_fetch_error_not_retried():
    import httpx

    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(302, headers={"Location": "http://169.254.169.254/latest/"})

    policy = HttpPolicy(user_agent=UA, respect_robots=False, max_retries=3)
    with PoliteClient(policy, transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(UnsafeRedirect, match=r"inward address \(169.254.169.254\)"):
            client.get("http://register.example/page")
    assert calls == ["http://register.example/page"]
