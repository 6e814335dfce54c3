"""Datasette's pages at /data/ in a real headless Chromium: axe-core finds no serious or critical
violation on any page we serve (index, database, each table, a row, each saved query, SQL), every
page has `lang` and a link back to the site, and the pages fit a 390 px phone.

Screenshots go to test-artifacts/screenshots/ (git-ignored).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from db import places
from registry.gazetteer import city_centre
from registry.releases.metadata import MAP_TILE_HOST
from registry.settings import METADATA
from tests.browsing import BROWSER_TESTS, SCREENSHOTS, Watch, serious_violations, serving
from tests.patients import patient_database

pytestmark = BROWSER_TESTS
_DB = json.loads(METADATA.read_text(encoding="utf-8"))["databases"]["registry"]
TABLES = [name for name, table in _DB["tables"].items() if not table.get("hidden")]
QUERIES = list(_DB["queries"])


# A 1x1 PNG for every map tile: the tests never reach OpenStreetMap.
TILE = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


TILES = MAP_TILE_HOST + "/"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    path = patient_database(tmp_path_factory.mktemp("data-pages") / "registry.db")
    # Every location on the map, from the gazetteer's city centres, as an import places them.
    with sqlite3.connect(path) as conn:
        places.fill(conn, city_centre)
    with serving(path) as url:
        yield url, path


@pytest.fixture(params=[390, 1024], ids=["phone", "desktop"])
def page(request, browser, site):
    context = browser.new_context(
        viewport={"width": request.param, "height": 844}, is_mobile=request.param == 390
    )
    context.route(
        TILES + "**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=TILE),
    )
    page = context.new_page()
    page.watch = Watch(page, site[0])
    yield page
    page.watch.foreign = [u for u in page.watch.foreign if not u.startswith(TILES)]
    page.watch.clean()
    context.close()


def data_pages(db_path: Path) -> list[str]:
    row = sqlite3.connect(db_path).execute("select id from registrations order by id").fetchone()
    return [
        "/data/",
        "/data/registry",
        *(f"/data/registry/{name}" for name in TABLES),
        f"/data/registry/registrations/{row[0]}",
        *(f"/data/registry/{name}" for name in QUERIES),
        "/data/registry/state_as_of?as_of=2026-06-30&regulator=cpta",
        "/data/registry?sql=select+name,+city+from+directory",
        "/data/registry/directory?_filter_column=city&_filter_op=exact&_filter_value=Red+Deer",
    ]


def test_every_data_page_passes_axe_has_lang_and_a_link_home(page, site):
    base, path = site
    width = page.viewport_size["width"]
    for url in data_pages(path):
        response = page.goto(base + url)
        assert response.status == 200, url
        assert page.locator("html").get_attribute("lang") == "en", url
        home = page.get_by_role("link", name="Needling Registry home")
        assert home.get_attribute("href") == "/", url
        assert page.locator("main").count() == 1, url
        assert serious_violations(page) == [], url
        # Nothing wider than the screen but the tables' own scrolling wrapper.
        assert page.evaluate("document.documentElement.scrollWidth") <= width, url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(base + "/data/registry/directory")
    page.screenshot(path=SCREENSHOTS / f"data-directory-{width}.png", full_page=True)


def test_filters_and_the_sql_box_have_names(page, site):
    base, _ = site
    page.goto(base + "/data/registry/directory")
    assert page.get_by_label("New filter: column").count() == 1
    assert page.get_by_label("New filter: operator").count() == 1
    assert page.get_by_label("New filter: value").count() == 1
    page.goto(base + "/data/registry")
    assert page.get_by_label("SQL query").count() >= 1


def test_the_home_link_leads_to_the_site_and_data_to_datasette(page, site):
    base, _ = site
    page.goto(base + "/data/registry/regulators")
    assert page.get_by_role("link", name="data", exact=True).get_attribute("href") == "/data/"
    with page.expect_navigation():
        page.get_by_role("link", name="Needling Registry home").click()
    assert page.url == base + "/"


def test_the_map_of_practice_locations_clusters_markers_offline(page, site):
    base, _ = site
    page.goto(base + "/data/registry/practice_locations")
    page.locator(".leaflet-container").wait_for()
    page.locator(".marker-cluster, .leaflet-marker-icon").first.wait_for()
    page.locator(".leaflet-tile-loaded").first.wait_for()
    # Alberta, Ontario, British Columbia and Nova Scotia: each register on the map.
    placed = sqlite3.connect(site[1]).execute(
        "select distinct province from practice_locations where map_latitude is not null"
    )
    assert {row[0] for row in placed} >= {"AB", "ON", "BC", "NS"}
    # Leaflet and its clusters come from Datasette's plugins, not from a CDN.
    scripts = page.evaluate("[...document.scripts].map(s => s.src).filter(Boolean)")
    assert scripts and all(s.startswith(base + "/data/") for s in scripts)
    assert any(u.startswith(TILES) for u in page.watch.foreign), "tiles from the tile layer"
    assert serious_violations(page) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=SCREENSHOTS / f"data-map-{page.viewport_size['width']}.png", full_page=True
    )
