"""The demo imports its sample registers as they stood over past months, dated then, so that the
changes per month, the history pages and "no longer on the register" show real changes.
"""

from __future__ import annotations

from datetime import date

import pytest
from starlette.testclient import TestClient

from db import open_db
from emulators.cpo import ontario_physiotherapists
from emulators.history import cpo, monthly_states
from registry.imports.demo import PAST_MONTHS, month_ago
from registry.web.app import create_app
from tests.conftest import copy_database


@pytest.fixture(scope="module")
def demo(demo_database, tmp_path_factory):
    path = copy_database(demo_database, tmp_path_factory.mktemp("demo") / "registry.db")
    with TestClient(create_app(path)) as client:
        yield path, client


def test_past_imports_are_dated_in_past_months(demo):
    path, _ = demo
    db = open_db(path)
    runs = list(db.query("select regulator_id, started_at, ended_at, outcome from import_runs"))
    db.close()
    assert {r["outcome"] for r in runs} == {"success"}
    per_source = {key: [r for r in runs if r["regulator_id"] == key] for key in PAST_MONTHS}
    for key, months in PAST_MONTHS.items():
        dates = [r["started_at"] for r in per_source[key]]
        # As it stood `months` months ago, then each month, then today.
        assert dates[:-1] == [month_ago(m) for m in range(months, 0, -1)]
        assert dates[-1][:10] == date.today().isoformat()
        assert [r["ended_at"] for r in per_source[key]][:-1] == dates[:-1]


def test_the_saved_query_shows_grants_and_removals_in_two_months(demo):
    _, client = demo
    response = client.get(
        "/data/registry/grants_and_removals_per_month.json", params={"_shape": "array"}
    )
    assert response.status_code == 200, response.text
    rows = response.json()
    busy = {r["month"] for r in rows if r["granted"] and r["removed"]}
    assert len(busy) >= 2, rows
    assert month_ago(1)[:7] in busy
    # Alberta, the page's example (`?regulator=cpta`), has changes of its own.
    alberta = client.get(
        "/data/registry/grants_and_removals_per_month.json",
        params={"_shape": "array", "regulator": "cpta"},
    ).json()
    assert [r["month"] for r in alberta] == [date.today().isoformat()[:7]]
    assert alberta[0]["granted"] > 0 and alberta[0]["removed"] > 0


def test_people_who_left_show_it_on_their_page_and_in_their_history(demo):
    path, client = demo
    db = open_db(path)
    left = db.execute(
        "select regulator_id, registration_number, removed_at from registrations "
        "where removed_at is not null and removed_at < ? and regulator_id = 'nscp' limit 1",
        [date.today().isoformat()],
    ).fetchone()
    db.close()
    assert left is not None, "nobody left Nova Scotia's sample register in a past month"
    regulator, number, removed_at = left
    page = client.get(f"/p/{regulator}/{number}")
    assert page.status_code == 200
    assert f"No longer on the register since {removed_at[:10]}." in page.text
    history = client.get(f"/api/registrations/{regulator}/{number}/history").json()
    assert [(e["kind"], e["at"]) for e in history["events"]] == [("left", removed_at)]


def test_monthly_states_undo_each_kind_of_change():
    """Going back a month: holders granted it that month lose it, people it was removed from
    regain it, joiners go, leavers come back, a recent suspension is undone."""
    people = ontario_physiotherapists(200)
    states = monthly_states(people, cpo(), 2, share=0.02)
    assert len(states) == 3
    today, before = states[-1], states[-2]
    assert len(today) == 200 - 2 * 4
    now = {p.guid: p for p in today}
    then = {p.guid: p for p in before}
    assert len(set(then) - set(now)) == 4  # left last month
    assert len(set(now) - set(then)) == 4  # joined last month
    both = set(now) & set(then)
    granted = [g for g in both if now[g].rostered and not then[g].rostered]
    removed = [g for g in both if then[g].rostered and not now[g].rostered]
    assert len(granted) == 4 and len(removed) == 4
    assert monthly_states(people, cpo(), 2, share=0.02) == states  # a pure function


def test_every_enabled_source_is_in_the_demo():
    from registry.imports.demo import SAMPLES
    from scrapers.sources import load_settings

    enabled = {k for k, s in load_settings().sources.items() if s.enabled}
    assert enabled <= set(SAMPLES), enabled - set(SAMPLES)


def test_winnipeg_finds_manitoba_physiotherapists_and_red_deer_a_naturopath_s_acupuncture(demo):
    _, client = demo
    winnipeg = client.get("/api/search", params={"city": "Winnipeg", "show": "all"}).json()
    assert winnipeg["results"], winnipeg
    assert {r["regulator"]["id"] for r in winnipeg["results"]} == {"cpm"}
    db = open_db(demo[0])
    held = db.execute(
        "select count(*) from authorizations a join registrations r"
        " on r.id = a.registration_id where r.regulator_id = 'cnda' and a.kind = 'acupuncture'"
    ).fetchone()[0]
    db.close()
    assert held > 0
