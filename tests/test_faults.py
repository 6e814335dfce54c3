"""Faults of a live register, emulated over real HTTP: each run's outcome and message, and the
data left exactly as it was (a run that recovers from a passing fault changes nothing either,
since the register's content is the same)."""

from __future__ import annotations

import pytest

from emulators.alinity import AlinityEmulator
from emulators.people import alberta_physiotherapists
from registry.imports.importer import run_source
from scrapers.sources import load_settings
from tests.conftest import emulated
from tests.runs import first_import

SEARCH = "/client/PublicDirectory/Registrants"
DETAIL = "/Client/PublicDirectory/Registrant/"
TABLES = [
    "registrations",
    "authorizations",
    "practice_locations",
    "directory",
    "registration_versions",
    "events",
]
PEOPLE = alberta_physiotherapists(40, seed=31)


def data(db) -> dict:
    return {t: [dict(r) for r in db.query(f"select * from {t} order by 1, 2")] for t in TABLES}


def source_for(settings, base_url: str):
    return emulated(settings.sources["cpta"], base_url, max_retries=2, timeout_seconds=0.5)


# One good import of PEOPLE. Every emulator here answers on its port (`baseline.port`): a run
# that recovers from a fault must find the very same register as the baseline did.
baseline = first_import(PEOPLE, source=source_for)


@pytest.fixture
def db_copy(baseline, tmp_path):
    with baseline.opened_copy(tmp_path) as db:
        yield db


def malformed(register):
    register.fail_next(
        SEARCH,
        200,
        headers={"Content-Type": "application/json"},
        body=b'\xef\xbb\xbf{"EnableCaptcha": false, "Records": [{"rg": ',
        count=1,
    )


def renamed(register):
    body = (
        b'{"EnableCaptcha": false, "SearchCriteria": [], "Records": [{"id": "x", '
        b'"rl": "A, B (1)", "prl": "", "c": "[]", "cv": "", "pdcv": "", "address": ""}]}'
    )
    register.fail_next(SEARCH, 200, headers={"Content-Type": "application/json"}, body=body)


FAULTS = {
    # name: (set up the fault, expected outcome, words the message must hold)
    "429 forever": (
        lambda r: r.fail_next(SEARCH, 429, headers={"Retry-After": "0"}, count=99),
        "failed",
        "429",
    ),
    "403 forever": (lambda r: r.fail_next(SEARCH, 403, count=99), "failed", "403"),
    "500 forever": (lambda r: r.fail_next(SEARCH, 500, count=99), "failed", "500"),
    "timeouts": (lambda r: r.stall_next(SEARCH, 1.0, count=99), "failed", "Registrants"),
    "connection resets": (lambda r: r.reset_next(SEARCH, count=99), "failed", "Registrants"),
    "truncated replies": (lambda r: r.truncate_next(SEARCH, count=99), "failed", "Registrants"),
    "malformed JSON": (malformed, "failed", "not JSON"),
    "renamed fields": (renamed, "failed", "lacks rg"),
    "malformed detail page": (
        lambda r: r.fail_next(DETAIL, 200, body=b"<html><body>Oops</body></html>", count=99),
        "failed",
        "could not be read",
    ),
    "detail pages gone": (
        lambda r: r.fail_next(DETAIL, 404, count=99),
        "failed",
        "could not be read",
    ),
    "robots.txt disallows": (None, "failed", "robots.txt"),
    # The adapter stops first: common two-letter prefixes must find people.
    "empty register": (lambda r: r.set_people([]), "failed", "common prefixes"),
    "half the people gone": (lambda r: r.set_people(PEOPLE[:20]), "rejected", "--accept-shrink"),
    "429 once, Retry-After honoured": (
        lambda r: r.fail_next(SEARCH, 429, headers={"Retry-After": "1"}),
        "success",
        "40 records",
    ),
    "403 burst, then recovers": (
        lambda r: r.fail_next(SEARCH, 403, count=2),
        "success",
        "0 changed",
    ),
    "one reset, then recovers": (lambda r: r.reset_next(DETAIL), "success", "0 changed"),
    "one timeout, then recovers": (lambda r: r.stall_next(DETAIL, 1.0), "success", "0 changed"),
    "one truncated reply, then recovers": (
        lambda r: r.truncate_next(SEARCH),
        "success",
        "0 changed",
    ),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_fault(fault, baseline, db_copy):
    arrange, outcome, words = FAULTS[fault]
    settings = load_settings()
    before = data(db_copy)
    robots = "User-agent: *\nDisallow: /client/\n" if arrange is None else "User-agent: *\n"
    with AlinityEmulator(PEOPLE, robots_txt=robots, port=baseline.port) as register:
        if arrange:
            arrange(register)
        source = source_for(settings, register.base_url)
        report = run_source(db_copy, settings.with_source(source), source)
    assert report.outcome == outcome, report.message
    assert words in report.message
    assert data(db_copy) == before
    run = next(db_copy.query("select * from import_runs order by id desc limit 1"))
    assert (run["outcome"], run["message"]) == (outcome, report.message)
    if fault.startswith("429 once"):
        assert 429 in register.statuses and report.requests > len(PEOPLE)
