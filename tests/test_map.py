"""The results map, in-process (issue 15, item 7): the tile server comes from the settings,
defaulting to OpenStreetMap's; the CSP of a page with a map allows that host's images and no
other, pages without a map allow none; the map's data is register text made safe for a
<script> data block; a bad tile setting fails at start."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from registry.settings import OSM_TILES, SiteSettings, TileServer
from registry.web.app import create_app
from registry.web.pages import CSP, csp_with_tiles
from tests.patients import SCRIPT_NAME, patient_database


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    return patient_database(tmp_path_factory.mktemp("map") / "registry.db")


def get(path, url, environ=None):
    settings = SiteSettings.load(path, environ=environ or {})
    with TestClient(create_app(settings)) as client:
        return client.get(url)


def test_the_default_tile_server_is_openstreetmaps(path):
    response = get(path, "/?city=Red+Deer&within=200")
    soup = BeautifulSoup(response.text, "html.parser")
    box = soup.select_one("#map")
    assert box.has_attr("hidden")  # the script shows it; without one there is no map
    assert box["data-tiles"] == OSM_TILES == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert "OpenStreetMap" in box["data-attribution"]
    csp = response.headers["content-security-policy"]
    assert csp == csp_with_tiles("https://tile.openstreetmap.org")
    assert "img-src 'self' https://tile.openstreetmap.org;" in csp
    assert csp.replace(" https://tile.openstreetmap.org", "") == CSP  # nothing else loosened
    scripts = [s["src"] for s in soup.select("script[src]")]
    assert any("/static/vendor/leaflet/leaflet." in s for s in scripts)
    assert any("/static/map." in s for s in scripts)


def test_points_are_the_cards_with_a_known_place_and_safe_in_a_script(path):
    soup = BeautifulSoup(get(path, "/?city=Red+Deer&within=200&show=all").text, "html.parser")
    raw = soup.select_one("script#map-points").string
    assert "<" not in raw and ">" not in raw and "&" not in raw
    points = json.loads(raw)
    cards = soup.select(".result h2.name")
    assert [p["card"] for p in points] == [h["id"] for h in cards]
    assert [p["name"] for p in points] == [h.get_text() for h in cards]
    assert SCRIPT_NAME.split(">")[0].strip("<") in " ".join(p["name"] for p in points)
    red_deer = [p for p in points if p["place"] and (p["lat"], p["lon"]) == (52.26682, -113.802)]
    assert red_deer and all(p["url"].startswith("/p/") for p in points)


def test_a_configured_tile_server_is_the_only_one_allowed(path):
    environ = {"REGISTRY_MAP_TILES": "https://tiles.example.org/osm/{z}/{x}/{y}.png"}
    response = get(path, "/?city=Red+Deer&within=200", environ)
    csp = response.headers["content-security-policy"]
    assert "img-src 'self' https://tiles.example.org;" in csp and "openstreetmap" not in csp
    box = BeautifulSoup(response.text, "html.parser").select_one("#map")
    assert box["data-tiles"] == environ["REGISTRY_MAP_TILES"] and box["data-attribution"] == ""


@pytest.mark.parametrize("url", ["/", "/about-needling", "/?city=Nowhereville", "/?city=Halifax"])
def test_pages_without_a_map_allow_no_images_from_elsewhere(path, url):
    response = get(path, url)
    assert response.headers["content-security-policy"] == CSP
    assert 'id="map"' not in response.text and "leaflet" not in response.text


@pytest.mark.parametrize(
    "url",
    [
        "http://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "https://tile.openstreetmap.org/tiles.png",
        "javascript:alert(1)//{z}{x}{y}",
        "https:///{z}/{x}/{y}.png",
        "https://a.org;script-src */{z}/{x}/{y}",
    ],
)
def test_a_bad_tile_setting_fails_at_start(url):
    with pytest.raises(ValueError, match="REGISTRY_MAP_TILES"):
        TileServer.from_environment({"REGISTRY_MAP_TILES": url})
