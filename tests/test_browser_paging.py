"""Paging, sorting and printing in Chromium: "3–4 of 4" with Previous and
Next, nearest first or by name, on a phone and a desktop, in English and French, with no
axe-core violation; printed, only the results."""

from __future__ import annotations

import re

import pytest

from tests.browsing import (
    BROWSER_TESTS,
    Watch,
    above_the_fold,
    axe_violations,
    navigate,
    shot,
    unfold,
)

pytestmark = BROWSER_TESTS

WORDS = {
    "en": {"next": "Next results", "previous": "Previous results", "name": "by name"},
    "fr": {"next": "Résultats suivants", "previous": "Résultats précédents", "name": "par nom"},
}


def names(page) -> list[str]:
    return page.locator(".result h2.name").all_inner_texts()


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("size", [(390, 844), (1280, 900)])
def test_paging_and_sorting(browser, server, monkeypatch, size, lang):
    monkeypatch.setattr("registry.web.pages.PAGE_SIZE", 2)
    words = WORDS[lang]
    context = browser.new_context(
        viewport={"width": size[0], "height": size[1]}, is_mobile=size[0] < 500
    )
    try:
        page = context.new_page()
        watch = Watch(page, server)
        page.goto(f"{server}/?city=Edmonton&within=200&show=all&lang={lang}")
        first = names(page)
        assert len(first) == 2
        of = "of" if lang == "en" else "sur"
        assert re.fullmatch(rf"1(–| à )2 {of} 6", page.locator(".list-head .range").inner_text())
        # The first card and the sort are in view on a phone; the pages follow the list.
        assert above_the_fold(page, page.locator(".result .actions").first)
        assert above_the_fold(page, page.locator(".sort a").last)
        shot(page, f"paging-1-{size[0]}-{lang}")
        navigate(page, page.get_by_role("link", name=words["next"]).click)
        second = names(page)
        assert len(second) == 2 and not set(second) & set(first)
        assert page.get_by_role("navigation", name=re.compile("(Pages|Pages de)")).is_visible()
        navigate(page, page.get_by_role("link", name=words["previous"]).click)
        assert names(page) == first
        navigate(page, page.get_by_role("link", name=words["name"]).click)
        assert "sort=name" in page.url and "page=" not in page.url
        by_name = names(page)
        while page.locator("a[rel=next]").count():
            navigate(page, page.get_by_role("link", name=words["next"]).click)
            by_name += names(page)
        assert len(by_name) == 6 and page.locator("a[rel=prev]").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= size[0]
        shot(page, f"paging-name-{size[0]}-{lang}")
        monkeypatch.setattr("registry.web.pages.PAGE_SIZE", 20)
        # A new address (page=1 is the first page): the answer kept for the address without it
        # was made with the other page size (registry/web/responses.py).
        page.goto(f"{server}/?city=Edmonton&within=200&show=all&sort=name&lang={lang}&page=1")
        assert names(page) == by_name
        watch.clean()
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("size", [(390, 844), (1280, 900)])
def test_axe_on_pages_of_results(browser, server, monkeypatch, size, lang):
    monkeypatch.setattr("registry.web.pages.PAGE_SIZE", 2)
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(f"{server}/?city=Edmonton&within=200&show=all&sort=name&page=2&lang={lang}")
        assert page.locator("a[rel=prev]").count() == 1
        assert axe_violations(page) == []
        unfold(page)
        assert axe_violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_print_shows_only_the_results(browser, server, lang):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{server}/?city=Red+Deer&within=200&show=all&lang={lang}")
        page.emulate_media(media="print")
        for hidden in (
            "form.search",
            "details.change",
            "header.site",
            "footer.site",
            ".notices",
            ".sort",
            ".action.directions",
        ):
            assert not page.locator(hidden).first.is_visible(), hidden
        assert page.locator("h1.summary").is_visible()
        assert page.locator(".result h2.name").count() == 7
        assert all(card.is_visible() for card in page.locator(".result").all())
        assert page.locator(".action.call .phone").first.is_visible()  # the number, to call
        pdf = page.pdf(format="A4")
        assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1  # seven results on one sheet
        page.screenshot(path=f"test-artifacts/screenshots/print-{lang}.png", full_page=True)
    finally:
        context.close()
