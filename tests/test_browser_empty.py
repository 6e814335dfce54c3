"""Empty results in Chromium: each case shows its explanation and its way on
without scrolling, on a phone and a desktop, in English and French, with no axe-core violation."""

from __future__ import annotations

import pytest

from tests.browsing import (
    BROWSER_TESTS,
    Watch,
    above_the_fold,
    axe_violations,
    shot,
    unfold,
)

pytestmark = BROWSER_TESTS

CASES = {
    "not-read": ("/?city=Moncton", ".empty-not_read .elsewhere a"),
    "no-addresses": ("/?city=Seattle&within=25", ".empty-no_addresses form.by-name button"),
    "did-you-mean": ("/?city=Calagry&within=25", ".did-you-mean a"),
    "widen": ("/?city=Innisfail", ".widen a"),
    "postal-code": ("/?city=T4N&within=25", ".understood"),
}


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("size", [(390, 844), (1280, 900)])
@pytest.mark.parametrize("case", list(CASES))
def test_each_empty_state_explains_itself(browser, server, case, size, lang):
    path, way_on = CASES[case]
    context = browser.new_context(
        viewport={"width": size[0], "height": size[1]}, is_mobile=size[0] < 500
    )
    try:
        page = context.new_page()
        watch = Watch(page, server)
        page.goto(f"{server}{path}&lang={lang}")
        assert page.locator("html").get_attribute("lang") == lang
        target = page.locator(way_on).first
        assert target.is_visible() and above_the_fold(page, target), case
        assert page.evaluate("document.documentElement.scrollWidth") <= size[0]
        shot(page, f"empty-{case}-{size[0]}-{lang}")
        watch.clean()
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("size", [(390, 844), (1280, 900)])
@pytest.mark.parametrize("case", list(CASES))
def test_axe_finds_no_violations_on_empty_states(browser, server, case, size, lang):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(f"{server}{CASES[case][0]}&lang={lang}")
        assert axe_violations(page) == []
        unfold(page)
        assert axe_violations(page) == []
    finally:
        context.close()


def test_the_ways_on_work_in_the_browser(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        page = context.new_page()
        watch = Watch(page, server)
        page.goto(f"{server}/?city=Calagry&within=25")
        with page.expect_navigation():
            page.get_by_role("link", name="Calgary, AB").click()
        assert "Calgary" in page.title()
        page.goto(f"{server}/?city=Seattle&show=all")
        page.get_by_label("Name", exact=True).fill("Larsen")
        with page.expect_navigation():
            page.get_by_role("button", name="Search by name").click()
        assert page.locator(".result h2.name").all_inner_texts() == ["Kai Larsen"]
        page.goto(f"{server}/?city=Innisfail")
        with page.expect_navigation():
            page.get_by_role("link", name="Search within 10 km of Innisfail, AB").click()
        assert "within=10" in page.url
        watch.clean()
    finally:
        context.close()
