"""The results map, in-process: the tile server comes from the settings,
defaulting to OpenStreetMap's; the CSP of a page with a map allows that host's images and no
other, pages without a map allow none; the map's data is register text made safe for a
<script> data block; a bad tile setting fails at start."""

from __future__ import annotations

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


def test_cards_carry_their_place_for_the_map(path):
    soup = BeautifulSoup(get(path, "/?city=Red+Deer&within=200&show=all").text, "html.parser")
    cards = soup.select(".result")
    placed = {c.select_one("h2.name").get_text(): (c["data-lat"], c["data-lon"]) for c in cards}
    assert len(placed) == len(cards) >= 2  # every card here has a known city
    assert placed["Alice Roberts"] == ("52.26682", "-113.802")  # Red Deer's centre
    assert f"Eve {SCRIPT_NAME}" in placed  # markup as a name stays text, read by the script as text
    assert not soup.select("script:not([src])")  # no inline script, not even a data block


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
