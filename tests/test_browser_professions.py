"""The choice of what a patient looks for, in a real Chromium: it works without JavaScript, on a
390 px phone, in English and French, and the pages it leads to (who may do it where, cards with
their profession) are axe-clean."""

from __future__ import annotations

import pytest

from db import open_db
from db.load import sync_regulators
from scrapers.sources import load_settings
from tests.browsing import BROWSER_TESTS, Watch, axe_violations, navigate, serving, shot, unfold
from tests.professions import load_professions

pytestmark = BROWSER_TESTS

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    path = tmp_path_factory.mktemp("professions") / "registry.db"
    db = open_db(path)
    sync_regulators(db, load_settings().sources.values())
    load_professions(db)
    db.close()
    with serving(path) as url:
        yield url


def test_a_patient_chooses_acupuncture_without_javascript_on_a_phone(browser, site):
    context = browser.new_context(java_script_enabled=False, **PHONE)
    try:
        page = context.new_page()
        watch = Watch(page, site)
        page.goto(site + "/?lang=en")
        page.get_by_label("City or town").fill("Vancouver")
        page.get_by_label("What are you looking for?").select_option("acupuncture")
        navigate(page, lambda: page.get_by_role("button", name="Search").click())
        assert page.locator(".result h2.name").all_inner_texts() == [
            "Li Chen",
            "Nora Tremblay",
            "Mei Wong",
        ]
        assert page.locator(".result .place .profession").all_inner_texts() == [
            "Acupuncturist",
            "Physiotherapist",
            "Acupuncturist",
        ]
        here = page.locator("section.here")
        assert "every registrant may, by the scope of practice of an acupuncturist" in (
            here.inner_text()
        )
        # Nothing wider than the phone.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width
        shot(page, "professions-acupuncture-phone-en")
        watch.clean()
    finally:
        context.close()


@pytest.mark.parametrize(
    "path",
    [
        "/?city=Vancouver&kind=acupuncture",
        "/?city=Vancouver&kind=trigger_point_injection&lang=fr",
        "/?city=Salt+Lake+City&within=25",
        "/?city=Salt+Lake+City&within=25&lang=fr",
    ],
)
def test_the_pages_of_each_choice_are_axe_clean_on_a_phone(browser, site, path):
    context = browser.new_context(bypass_csp=True, **PHONE)
    try:
        page = context.new_page()
        page.goto(site + path)
        assert axe_violations(page) == []
        unfold(page)
        assert axe_violations(page) == []
        name = path.strip("/?").replace("&", "-").replace("=", "-").replace("+", "")
        shot(page, f"professions-{name}")
    finally:
        context.close()
