"""Charts of the saved queries grants_and_removals_per_month and _per_regulator: SVG drawn by the
template from the query's rows (no script), with the numbers of the rows, axe-clean in Chromium
on a phone and a desktop, offline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from db import open_db
from db.load import sync_regulators
from registry.web.app import create_app
from scrapers.sources import load_settings
from tests.conftest import load, person, with_changes
from tests.histories import three_runs

BC = [person(f"b{i}", "Lee", f"Sam{i}", regulator="chcpbc", city="Victoria") for i in range(4)]


@pytest.fixture(scope="module")
def chart_db(tmp_path_factory) -> Path:
    """cpta: January, March (one authorization removed, one granted by a newcomer... see
    tests/histories.py), April (one granted back); chcpbc: May, then June with two granted and
    one removed."""

    path = tmp_path_factory.mktemp("charts") / "registry.db"
    database = open_db(path)
    sync_regulators(database, load_settings().sources.values())
    three_runs(database)
    start = [
        BC[0],
        with_changes(BC[1], authorizations=[]),
        with_changes(BC[2], authorizations=[]),
        BC[3],
    ]
    load(database, start, regulator="chcpbc", now="2026-05-02T00:00:00Z")
    june = [with_changes(BC[0], authorizations=[]), BC[1], BC[2], BC[3]]
    load(database, june, regulator="chcpbc", now="2026-06-02T00:00:00Z")
    database.close()
    return path


@pytest.fixture(scope="module")
def client(chart_db):
    with TestClient(create_app(chart_db), raise_server_exceptions=False) as c:
        yield c


def counts(client, query: str) -> list[dict]:
    return client.get(f"/data/registry/{query}.json?_shape=array").json()


def bars(html: str) -> list[tuple[str, str]]:
    """(class, tooltip) of every bar in the page's chart."""
    return re.findall(r'<rect class="(granted|removed)"[^>]*><title>([^<]*)</title>', html)


def test_the_monthly_chart_draws_each_rows_numbers_per_regulator(client):
    rows = counts(client, "grants_and_removals_per_month")
    assert [(r["month"], r["regulator_id"], r["granted"], r["removed"]) for r in rows] == [
        ("2026-03", "cpta", 0, 1),
        ("2026-04", "cpta", 1, 0),
        ("2026-06", "chcpbc", 2, 1),
    ]
    page = client.get("/data/registry/grants_and_removals_per_month")
    assert page.status_code == 200
    assert '<svg viewBox="0 0 360' in page.text and 'role="img"' in page.text
    assert re.findall(r'<g class="panel" data-regulator="([^"]+)"', page.text) == [
        "chcpbc",
        "cpta",
    ]
    assert bars(page.text) == [
        ("granted", "2026-06: 2 granted"),
        ("removed", "2026-06: 1 removed"),
        ("removed", "2026-03: 1 removed"),
        ("granted", "2026-04: 1 granted"),
    ]
    # Each row and panel names its regulator, not only its key.
    assert {r["regulator"] for r in rows} == {
        "College of Physiotherapists of Alberta",
        "College of Health and Care Professionals of British Columbia",
    }
    headings = re.findall(r'<text x="0" y="\d+" class="chart-heading">([^<]+)</text>', page.text)
    assert headings == [
        "College of Health and Care Professionals of British Columbia",
        "College of Physiotherapists of Alberta",
    ]
    assert (
        "College of Health and Care Professionals of British Columbia: 2 granted, 1 removed, "
        "2026-03 to 2026-06." in page.text
    )
    assert "<script" not in page.text.split('class="registry-chart"')[1].split("</figure>")[0]
    # One regulator: one panel.
    one = client.get("/data/registry/grants_and_removals_per_month?regulator=cpta")
    assert re.findall(r'data-regulator="([^"]+)"', one.text) == ["cpta"]


def test_the_regulator_chart_draws_the_totals_and_follows_the_months(client):
    assert [
        (r["regulator_id"], r["granted"], r["removed"])
        for r in counts(client, "grants_and_removals_per_regulator")
    ] == [("chcpbc", 2, 1), ("cpta", 1, 1)]
    page = client.get("/data/registry/grants_and_removals_per_regulator")
    assert bars(page.text) == [
        ("granted", "chcpbc: 2 granted"),
        ("removed", "chcpbc: 1 removed"),
        ("granted", "cpta: 1 granted"),
        ("removed", "cpta: 1 removed"),
    ]
    april = client.get(
        "/data/registry/grants_and_removals_per_regulator?since=2026-04&until=2026-05"
    )
    assert bars(april.text) == [("granted", "cpta: 1 granted"), ("removed", "cpta: 0 removed")]


def test_the_per_city_monthly_series_is_a_saved_query_with_a_chart(client):
    rows = counts(client, "authorized_per_city_per_month")
    series = {(r["city"], r["month"]): r["authorized"] for r in rows if r["province"] == "AB"}
    # Red Deer: Alice and Anne-Marie in January; in March Alice's authorization is removed and
    # Zoe arrives; in April Alice's comes back. Edmonton: Maya, until she leaves in March.
    assert [series.get(("Red Deer", m)) for m in ("2026-01", "2026-02", "2026-03", "2026-04")] == [
        2,
        2,
        2,
        3,
    ]
    assert [series.get(("Edmonton", m)) for m in ("2026-01", "2026-02", "2026-03")] == [1, 1, None]
    assert series[("St. Albert", "2026-03")] == 1  # Liam practises again in March
    # British Columbia: read from May; June's grants and removal change Victoria's count.
    victoria = [(r["month"], r["authorized"]) for r in rows if r["city"] == "Victoria"]
    assert victoria == [("2026-05", 2), ("2026-06", 3)]
    one = client.get(
        "/data/registry/authorized_per_city_per_month.json",
        params={"_shape": "array", "province": "ab", "city": "red deer"},
    ).json()
    # January to June: the months from the first read of any register to the last.
    assert {r["city"] for r in one} == {"Red Deer"} and len(one) == 6
    page = client.get("/data/registry/authorized_per_city_per_month")
    assert page.status_code == 200
    panels = re.findall(r'<g class="panel" data-city="([^"]+)"', page.text)
    # The most people first (the test people all practise at an AB address, see conftest).
    assert panels[:2] == ["Red Deer, AB", "Victoria, AB"]
    bars_ = re.findall(r'<rect class="authorized"[^>]*><title>([^<]*)</title>', page.text)
    assert bars_[:4] == [
        "2026-01: 2 authorized",
        "2026-02: 2 authorized",
        "2026-03: 2 authorized",
        "2026-04: 3 authorized",
    ]
    assert "<script" not in page.text.split('class="registry-chart"')[1].split("</figure>")[0]


def test_no_rows_no_chart(client):
    page = client.get("/data/registry/grants_and_removals_per_month?regulator=oppq")
    assert page.status_code == 200
    assert "registry-chart" not in page.text and "0 results" in page.text


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1024], ids=["phone", "desktop"])
def test_the_charts_render_offline_and_pass_axe(chart_db, width):
    from playwright.sync_api import sync_playwright

    from tests.browsing import (
        CHROMIUM,
        CHROMIUM_ARGS,
        SCREENSHOTS,
        Watch,
        serious_violations,
        serving,
    )

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    with serving(chart_db) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": width, "height": 844}, is_mobile=width == 390
        )
        page = context.new_page()
        page.watch = Watch(page, base)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for query, panels in [
            ("grants_and_removals_per_month", 2),
            ("grants_and_removals_per_regulator", 2),
            ("authorized_per_city_per_month", 6),
        ]:
            assert page.goto(f"{base}/data/registry/{query}").status == 200
            chart = page.get_by_role("img", name=re.compile("granted and removed|per city"))
            assert chart.count() == 1, query
            box = chart.bounding_box()
            assert 100 < box["width"] <= width and box["height"] > 50, query
            assert page.locator("svg .panel").count() == panels, query
            bar = page.locator("svg rect.granted, svg rect.authorized").first
            assert bar.bounding_box()["height"] > 5, query
            assert serious_violations(page) == [], query
            assert page.evaluate("document.documentElement.scrollWidth") <= width, query
            page.screenshot(path=SCREENSHOTS / f"chart-{query}-{width}.png", full_page=True)
        page.watch.clean()
        context.close()
        browser.close()
