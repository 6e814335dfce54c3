"""The Quebec story in Chromium at 390 x 844: the first card's listed
authorization, its badge line and its actions above the fold, the notice saying how many more
are not shown, the practitioner page with the same badge line; no axe-core violation, English
and French."""

from __future__ import annotations

import pytest

from tests.browsing import (
    BROWSER_TESTS,
    Watch,
    above_the_fold,
    axe_violations,
    navigate,
    serving,
    shot,
)
from tests.quebec import NOT_LISTED, quebec_database

pytestmark = BROWSER_TESTS

BADGE = {"en": "Needling authorization listed", "fr": "Autorisation d'utiliser des aiguilles"}
NOT_SHOWN = {"en": f"Not shown: {len(NOT_LISTED)} more", "fr": f"Non affichées : {len(NOT_LISTED)}"}


@pytest.fixture(scope="module")
def quebec(tmp_path_factory):
    with serving(quebec_database(tmp_path_factory.mktemp("qc") / "registry.db")) as url:
        yield url


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_quebec_on_a_phone(browser, quebec, lang):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        bypass_csp=True,  # for axe
    )
    try:
        page = context.new_page()
        watch = Watch(page, quebec)
        page.goto(f"{quebec}/?city=Montr%C3%A9al&lang={lang}")
        card = page.locator(".result").first
        assert BADGE[lang] in card.locator(".answer").inner_text()
        assert above_the_fold(page, card.locator(".answer"))
        assert above_the_fold(page, card.locator(".actions"))
        assert card.locator(".means").is_visible()
        assert NOT_SHOWN[lang] in page.locator(".notices").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert axe_violations(page) == []
        shot(page, f"quebec-{lang}")
        navigate(page, card.locator("h2.name a").click)
        assert "/p/oppq/" in page.url
        assert BADGE[lang] in page.locator(".answer").inner_text()
        assert page.locator(".means").is_visible()
        assert axe_violations(page) == []
        shot(page, f"quebec-person-{lang}")
        watch.clean()
    finally:
        context.close()
