"""Replaying a register's history over HTTP: each state served in turn by the emulator, imported,
then read back through the API as events and as states on past dates."""

from __future__ import annotations

from dataclasses import replace

import pytest
from starlette.testclient import TestClient

from db import open_db
from emulators.alinity import AlinityEmulator
from emulators.people import alberta_physiotherapists
from registry.imports.importer import run_source
from registry.web.app import create_app
from scrapers.sources import load_settings
from tests.clock import utc_ago
from tests.conftest import emulated
from tests.runs import NEEDLES, practising_with


@pytest.fixture(scope="module")
def replay(tmp_path_factory):
    """Three states of one register, imported one after another; returns what changed."""
    tmp_path = tmp_path_factory.mktemp("replay")
    settings = load_settings()
    db = open_db(tmp_path / "registry.db")
    people = alberta_physiotherapists(60, seed=5)
    holder, other_holder = practising_with(people, True)[:2]
    newcomer_to_needles = practising_with(people, False)[0]
    leaver = people[-1]
    joiner = replace(
        alberta_physiotherapists(61, seed=99)[-1],
        rg="00000000-0000-4000-8000-000000099999",
        registration_number="99999",
    )
    first = people
    second = [
        replace(p, standing="Suspended")
        if p is holder
        else replace(p, authorizations=[a for a in p.authorizations if a != NEEDLES])
        if p is other_holder
        else replace(p, authorizations=[*p.authorizations, NEEDLES])
        if p is newcomer_to_needles
        else p
        for p in people
        if p is not leaver
    ] + [joiner]
    third = [*second, leaver]
    times = []
    with AlinityEmulator(first) as register:
        source = emulated(settings.sources["cpta"], register.base_url)
        for minutes_ago, state in zip((3, 2, 1), (first, second, third), strict=True):
            register.set_people(state)
            # Times are kept to the second: each run is dated a second after the time kept
            # before it, and a minute after the previous run.
            times.append(utc_ago(minutes_ago * 60 + 1))
            at = utc_ago(minutes_ago * 60)
            report = run_source(db, settings.with_source(source), source, at=at)
            assert report.outcome == "success", report.message
    with TestClient(create_app(tmp_path / "registry.db")) as client:
        yield (
            client,
            times,
            {
                "holder": holder,
                "other": other_holder,
                "granted": newcomer_to_needles,
                "leaver": leaver,
                "joiner": joiner,
            },
        )


def test_replayed_history_yields_exactly_the_expected_events(replay):
    client, _, who = replay
    body = client.get("/api/changes", params={"regulator": "cpta"}).json()
    got = sorted((e["import_run"], e["registration_number"], e["kind"]) for e in body["events"])
    expected = sorted(
        [
            (2, who["holder"].registration_number, "status_changed"),
            (2, who["other"].registration_number, "authorization_removed"),
            (2, who["granted"].registration_number, "authorization_granted"),
            (2, who["leaver"].registration_number, "left"),
            (2, who["joiner"].registration_number, "appeared"),
            (3, who["leaver"].registration_number, "returned"),
        ]
    )
    assert got == expected
    assert body["next_cursor"] is None


def test_changes_filters_and_pages(replay):
    client, _, who = replay
    left = client.get("/api/changes", params={"kind": "left"}).json()["events"]
    assert [e["registration_number"] for e in left] == [who["leaver"].registration_number]
    pages, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/changes", params=params).json()
        pages.append(len(page["events"]))
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert pages == [2, 2, 2]
    assert client.get("/api/changes", params={"since": "2999-01-01"}).json()["events"] == []


def test_state_as_of_each_run(replay):
    client, times, who = replay
    number = who["holder"].registration_number
    url = f"/api/registrations/cpta/{number}"
    now = client.get(url).json()
    # Standing first: a suspended person may not needle, whatever the register records.
    assert now["status"] == "Suspended" and now["needling"]["answer"] == "not_practising"
    assert now["standing"]["state"] == "not_practising"
    before = client.get(url, params={"as_of": times[1]}).json()
    assert before["status"] == "Practising" and before["needling"]["answer"] == "authorized"
    assert before["state_valid_to"] is not None
    history = client.get(url + "/history").json()
    assert [e["kind"] for e in history["events"]] == ["status_changed"]
    assert [v["status"] for v in history["versions"]] == ["Practising"]
    leaver = client.get(
        f"/api/registrations/cpta/{who['leaver'].registration_number}", params={"as_of": times[2]}
    ).json()
    assert leaver["on_register"] is False
    missing = client.get(
        f"/api/registrations/cpta/{who['joiner'].registration_number}",
        params={"as_of": "2000-01-01"},
    )
    assert missing.status_code == 404 and "not yet on the register" in missing.json()["error"]


@pytest.mark.parametrize(
    ("path", "params", "message"),
    [
        ("/api/changes", {"since": "yesterday"}, "since must be a date"),
        ("/api/changes", {"regulator": "nowhere"}, "unknown regulator"),
        ("/api/changes", {"kind": "exploded"}, "unknown kind"),
        ("/api/changes", {"limit": "0"}, "limit must be"),
        ("/api/changes", {"cursor": "!!"}, "cursor is not valid"),
        ("/api/changes", {"sinse": "2026-01-01"}, "unknown parameter"),
        ("/api/registrations/cpta/1", {"as_of": "13/01/2026"}, "as_of must be a date"),
    ],
)
def test_history_bad_input_is_a_clear_400(replay, path, params, message):
    client, _, who = replay
    if path.startswith("/api/registrations"):
        path = f"/api/registrations/cpta/{who['holder'].registration_number}"
    response = client.get(path, params=params)
    assert response.status_code == 400 and message in response.json()["error"]
