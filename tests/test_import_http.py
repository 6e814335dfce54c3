"""The importer against an emulated Alinity register over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
from dataclasses import replace
from urllib.parse import parse_qs

import pytest

from emulators.alinity import AlinityEmulator
from emulators.people import alberta_physiotherapists
from registry.imports.importer import run_source
from tests.runs import Imported, import_once, sample_source, snapshot

NEEDLES = "Using needles in practice"


def search_terms(request) -> tuple[str, str]:
    """(first, last) name prefixes of a logged Registrants search."""
    form = parse_qs(request.body.decode("utf-8"))
    values = {p["ID"]: p["Value"] for p in json.loads(form["queryParameters"][0])["Parameter"]}
    return values["TextOptionA"], values["TextOptionB"]


@pytest.fixture(scope="module")
def people():
    return alberta_physiotherapists(400)


@pytest.fixture(scope="module")
def thirty(tmp_path_factory, people) -> Imported:
    """One good import of the first 30 people: what the tests that start from one share."""
    return import_once(tmp_path_factory.mktemp("thirty"), people[:30])


@pytest.fixture
def db_of_thirty(thirty, tmp_path):
    """A copy of that import's database, for a test to write to."""
    with thirty.opened_copy(tmp_path / "thirty") as db:
        yield db


def test_full_import_finds_everyone_below_the_cap(db, settings, people):
    with AlinityEmulator(people) as register:
        source = sample_source(settings, register.base_url)
        report = run_source(db, settings.with_source(source), source)
    assert report.outcome == "success", report.message
    assert report.counts.records_seen == len(people) == report.counts.added
    stored = {r["registrant_id"]: r for r in db.query("select * from registrations")}
    assert set(stored) == {p.rg for p in people}
    asked = [search_terms(r) for r in register.requests if r.path.lower().endswith("/registrants")]
    assert max(len(last) for _, last in asked) >= 4, "the 25-row cap forced drilling down"
    assert "nguyen" in {last for first, last in asked if first}, "more Nguyens than the cap"
    assert any(p.family_name == "Nguyễn" for p in people), "letters beyond the alphabet are found"
    for p in people:
        row = stored[p.rg]
        assert row["registration_number"] == p.registration_number
        assert row["family_name"] == p.family_name and row["given_names"] == p.given_names
        held = [
            a["wording"]
            for a in db.query(
                "select wording from authorizations where registration_id = ?", [f"cpta:{p.rg}"]
            )
        ]
        assert held == [a for a in p.authorizations if a == NEEDLES]
        conditions = json.loads(row["conditions"])
        assert conditions == ([] if p.conditions_hidden else p.conditions)
    assert report.requests == len(register.requests)


def test_hidden_practice_details_are_never_requested(db, settings, people):
    people = people[:160]
    with AlinityEmulator(people) as register:
        source = sample_source(settings, register.base_url)
        assert run_source(db, settings.with_source(source), source).outcome == "success"
    asked = {r.path.rsplit("/", 1)[-1] for r in register.requests if "/moreinfo/" in r.path.lower()}
    hidden = {p.rg for p in people if p.practice_details_hidden}
    assert asked and not asked & hidden
    assert asked == {p.rg for p in people if not p.practice_details_hidden}
    for p in people:
        cities = [
            r["city"]
            for r in db.query(
                "select city from practice_locations where registration_id = ? order by position",
                [f"cpta:{p.rg}"],
            )
        ]
        if p.practice_details_hidden:
            assert cities == ([p.locations[0].city] if p.address_published else [])
        else:
            assert cities == [loc.city for loc in p.locations]


def test_identifies_itself_and_starts_with_robots_and_shell(thirty, settings):
    first = [r.path.lower() for r in thirty.requests[:2]]
    assert first == ["/robots.txt", "/client/publicdirectory"]
    agents = {r.headers.get("user-agent") for r in thirty.requests}
    assert agents == {settings.user_agent} and "+http" in settings.user_agent


def test_backs_off_on_403_bursts_and_completes(db, settings, people, clock, monkeypatch):
    crowd = people[:40]
    # The client's back-off and the emulator's penalty run on one clock that moves only when
    # the client sleeps: the same exchanges as on the real clock, without waiting for them.
    clock.use_in_imports(monkeypatch)
    with AlinityEmulator(
        crowd, burst_limit=20, burst_window=2.0, burst_penalty=0.3, clock=clock
    ) as register:
        source = sample_source(settings, register.base_url, backoff_seconds=0.4)
        report = run_source(db, settings.with_source(source), source)
        blocked = [s for s in register.statuses if s == 403]
    assert report.outcome == "success", report.message
    assert report.counts.records_seen == len(crowd)
    assert blocked, "the emulator throttled the burst"
    assert report.requests == len(register.requests)
    # Each 403 was followed by a back-off on the clock: 0.4 s, doubling while still refused.
    assert len(clock.slept) == len(blocked) and clock.slept[0] == 0.4


def test_robots_disallow_fails_the_run_and_changes_nothing(db_of_thirty, settings, people):
    db = db_of_thirty
    before = snapshot(db)
    with AlinityEmulator(people[:30], robots_txt="User-agent: *\nDisallow: /client/\n") as register:
        source = sample_source(settings, register.base_url)
        report = run_source(db, settings.with_source(source), source)
    assert report.outcome == "failed" and "robots" in report.message.lower()
    assert [r.path for r in register.requests] == ["/robots.txt"]
    assert snapshot(db) == before
    run = next(db.query("select * from import_runs order by id desc limit 1"))
    assert run["outcome"] == "failed" and run["requests"] == 1


def test_empty_register_is_rejected_and_changes_nothing(db_of_thirty, settings):
    db = db_of_thirty
    before = snapshot(db)
    with AlinityEmulator([]) as register:
        source = sample_source(settings, register.base_url)
        report = run_source(db, settings.with_source(source), source)
    # The adapter's own guard: common two-letter prefixes must find people before a crawl.
    assert report.outcome == "failed" and "common prefixes" in report.message
    assert snapshot(db) == before


def test_shrunken_register_is_rejected_unless_accepted(db, settings, people):
    with AlinityEmulator(people[:60]) as register:
        source = sample_source(settings, register.base_url)
        assert run_source(db, settings.with_source(source), source).outcome == "success"
        before = snapshot(db)
        register.set_people(people[:30])
        report = run_source(db, settings.with_source(source), source)
        assert report.outcome == "rejected" and "--accept-shrink" in report.message
        assert snapshot(db) == before
        accepted = run_source(db, settings.with_source(source), source, accept_shrink=True)
    assert accepted.outcome == "success" and accepted.counts.removed == 30
    gone = db.execute("select count(*) from registrations where removed_at is not null")
    assert gone.fetchone()[0] == 30


def test_server_errors_fail_the_run_cleanly(db, settings, people):
    with AlinityEmulator(people[:30]) as register:
        source = sample_source(settings, register.base_url, max_retries=1)
        register.fail_next("/client/PublicDirectory/Registrants", 503, count=100)
        report = run_source(db, settings.with_source(source), source)
    assert report.outcome == "failed" and "503" in report.message
    assert db.table("registrations").count == 0


def test_layout_change_fails_loudly(db, settings, people):
    with AlinityEmulator(people[:30]) as register:
        source = sample_source(settings, register.base_url)
        register.fail_next(
            "/client/PublicDirectory/Registrants",
            200,
            headers={"Content-Type": "application/json"},
            body=b'{"Rows": []}',
            count=1,
        )
        report = run_source(db, settings.with_source(source), source)
    assert report.outcome == "failed" and "no Records list" in report.message
    assert db.table("registrations").count == 0


def test_progress_reports_requests_records_errors_and_time_left(thirty):
    lines = thirty.progress
    assert any(line.startswith("cpta: listing: ") and "requests" in line for line in lines)
    last = lines[-1]
    assert last.startswith("cpta: 30/30 registrants read, ") and "0 errors" in last
    assert "left" in last


def test_the_suite_cannot_reach_the_internet(settings):
    from scrapers.http import FetchError, HttpPolicy, PoliteClient

    with PoliteClient(HttpPolicy(user_agent=settings.user_agent)) as client:
        with pytest.raises(FetchError, match="REGISTRY_OFFLINE is set: refusing"):
            client.get("https://cpta.alinityapp.com/client/publicdirectory")
        assert client.requests_made == 0


def test_british_columbia_is_the_same_adapter_configured(db, settings):
    from emulators.people import BC_DRY_NEEDLING, british_columbia_physiotherapists

    people = british_columbia_physiotherapists(80, seed=3)
    with AlinityEmulator(people) as register:
        source = replace(
            settings.sources["chcpbc"], base_url=register.base_url, spacing_seconds=0.0
        )
        report = run_source(db, settings.with_source(source), source)
    assert report.outcome == "success" and report.counts.added == 80
    held = {
        r["registrant_id"]: (r["wording"], r["kind"])
        for r in db.query(
            "select r.registrant_id, a.wording, a.kind from authorizations a "
            "join registrations r on r.id = a.registration_id where r.regulator_id = 'chcpbc'"
        )
    }
    assert held == {
        p.rg: (BC_DRY_NEEDLING, "needling") for p in people if BC_DRY_NEEDLING in p.authorizations
    }
    provinces = {
        r[0]
        for r in db.execute(
            "select distinct province from practice_locations where registration_id like 'chcpbc:%'"
        )
    }
    assert provinces == {"BC"}
