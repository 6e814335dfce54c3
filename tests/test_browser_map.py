"""The results map in Chromium, offline as every test is: the list stays first and whole, the map
a toggle near the top ("Show these results on a map"); opened, it shows one marker per located
card, numbered as the cards are, its tiles asked of the configured tile server only (here
refused, as with no network, or answered with a blank tile), with no error and no CSP
violation; without JavaScript the toggle says the map needs it and nothing is missing. No
axe-core violation, English and French, on a phone and a desktop."""

from __future__ import annotations

import base64
from urllib.parse import urlsplit

import pytest

from tests.browsing import (
    BROWSER_TESTS,
    TILE_HOST,
    Watch,
    above_the_fold,
    axe_violations,
    shot,
)

pytestmark = BROWSER_TESTS

SEARCH = "/?city=Edmonton&within=200&show=all&lang={lang}"
# A 1 x 1 transparent PNG, standing in for a tile.
BLANK = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def tiles_asked(watch: Watch) -> list[str]:
    """The requests that left this server: all of them must be tiles, from the tile host."""
    assert watch.tiles, "the map asked for no tiles"
    assert {urlsplit(u).hostname for u in watch.tiles} == {TILE_HOST}, watch.tiles
    assert watch.foreign == watch.tiles
    return watch.tiles


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("size", [(390, 844), (1280, 900)])
@pytest.mark.parametrize("network", ["offline", "tiles"])
def test_the_map_beside_the_list(browser, server, size, lang, network):
    context = browser.new_context(
        viewport={"width": size[0], "height": size[1]}, is_mobile=size[0] < 500
    )
    try:
        page = context.new_page()
        if network == "offline":
            page.route(f"https://{TILE_HOST}/**", lambda route: route.abort("internetdisconnected"))
        else:
            page.route(
                f"https://{TILE_HOST}/**",
                lambda route: route.fulfill(status=200, content_type="image/png", body=BLANK),
            )
        watch = Watch(page, server)
        page.goto(server + SEARCH.format(lang=lang))
        cards = page.locator(".result").count()
        assert cards >= 2
        # The list comes first: the first card's actions are in view on a phone, and so is the
        # map's toggle, above the list; the map is drawn when it is opened.
        assert above_the_fold(page, page.locator(".result .actions").first)
        toggle = page.locator("details.map-toggle > summary")
        assert above_the_fold(page, toggle)
        list_box = page.locator(".result-list").bounding_box()
        assert toggle.bounding_box()["y"] < list_box["y"]
        assert not page.locator(".map-needs-js").is_visible()
        toggle.click()
        page.wait_for_selector("#map.map-ready")
        box = page.locator("#map")
        assert box.is_visible()
        assert box.bounding_box()["y"] < page.locator(".result-list").bounding_box()["y"]
        markers = page.locator("#map .map-marker")
        assert markers.count() == cards  # everyone here has a place
        # Numbered as the cards are: the same numbers, each marker titled with its card's name.
        numbers = [n.strip() for n in page.locator(".result > .number").all_inner_texts()]
        assert numbers == [str(i) for i in range(1, cards + 1)]
        assert sorted(markers.all_inner_texts(), key=int) == numbers
        names = page.locator(".result h2.name").all_inner_texts()
        titles = {m.get_attribute("title") for m in markers.all()}
        assert titles == {f"{n}. {name}" for n, name in zip(numbers, names, strict=True)}
        assert page.evaluate("document.documentElement.scrollWidth") <= size[0]
        # A marker's popup names the practitioner (as text) and links to their page.
        markers.first.click(force=True)
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        assert popup.locator("a").get_attribute("href").startswith("/p/")
        tiles_asked(watch)
        loaded = page.evaluate(
            "[...document.querySelectorAll('#map img.leaflet-tile-loaded')].length"
        )
        assert (loaded > 0) == (network == "tiles")
        assert watch.dialogs == [] and watch.errors == []
        shot(page, f"map-{network}-{size[0]}-{lang}")
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_axe_with_the_map(browser, server, lang):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        bypass_csp=True,  # for axe
    )
    try:
        page = context.new_page()
        page.route(f"https://{TILE_HOST}/**", lambda route: route.abort("internetdisconnected"))
        page.goto(server + SEARCH.format(lang=lang))
        assert axe_violations(page) == []  # the toggle closed
        page.locator("details.map-toggle > summary").click()
        page.wait_for_selector("#map.map-ready")
        assert axe_violations(page) == []
    finally:
        context.close()


def test_no_javascript_no_map_and_nothing_missing(browser, server):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        watch = Watch(page, server)
        page.goto(server + SEARCH.format(lang="en"))
        assert page.locator(".result").count() >= 2
        assert page.locator(".result .actions a.directions").first.is_visible()
        page.locator("details.map-toggle > summary").click()
        assert not page.locator("#map").is_visible()
        assert page.locator(".map-needs-js").is_visible()
        watch.clean()
        assert watch.tiles == []  # nothing asked of the tile server either
    finally:
        context.close()
