"""Standing first on a phone and a desktop, in English and French (real Chromium, axe-core):
a suspended person's card says "not practising" before anything about needling and offers no
call; a clinic's check of one person, and a roster's upload, open on the results, focused."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browsing import CHROMIUM, Watch, axe_violations, navigate, serving, shot
from tests.clinic_site import registry_with
from tests.conftest import PEOPLE, person

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed"),
]
SIZES = {"phone": (390, 844), "desktop": (1280, 900)}
LEAVER = person(
    "r9",
    "Lachance",
    "Marc",
    number="20009",
    city="Red Deer",
    status="Suspended",
    status_class="suspended",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    path = tmp_path_factory.mktemp("standing-browser") / "registry.db"
    registry_with(path, ([*PEOPLE, LEAVER], "cpta"), (PEOPLE, "cpta")).close()
    with serving(path) as base:
        yield base


@pytest.fixture(params=[(size, lang) for size in SIZES for lang in ("en", "fr")])
def page(request, browser, server):
    size, lang = request.param
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.watch = Watch(page, server)
    page.size, page.lang = size, lang
    yield page
    page.watch.clean()
    context.close()


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[page.size][0]


@pytest.mark.parametrize(
    ("q", "name"), [("Lachance", "Marc Lachance"), ("O'Brien", "Liam O'Brien")]
)
def test_cards_of_people_who_may_not_practise_say_so_first(page, server, q, name):
    page.goto(f"{server}/?q={q}&show=all&lang={page.lang}")
    card = page.locator("article.result", has=page.get_by_role("heading", name=name))
    standing, answer = card.locator(".standing"), card.locator(".answer")
    assert standing.is_visible() and answer.is_visible()
    assert standing.bounding_box()["y"] < answer.bounding_box()["y"]
    assert card.locator("a.call, a.directions, a[href^='tel:']").count() == 0
    word = "not practising" if page.lang == "en" else "n'exerce pas"
    assert word in answer.inner_text()
    fits(page)
    shot(page, f"standing-card-{q[:4]}-{page.lang}-{page.size}")
    assert axe_violations(page, every_rule=True) == []


def test_the_practitioner_page_of_a_suspended_person(page, server):
    page.goto(f"{server}/p/cpta/20005?lang={page.lang}")
    article = page.locator("article.person")
    assert (
        article.locator(".standing").bounding_box()["y"]
        < article.locator(".answer").bounding_box()["y"]
    )
    assert article.locator("a.call, a.directions").count() == 0
    fits(page)
    shot(page, f"standing-person-{page.lang}-{page.size}")
    assert axe_violations(page, every_rule=True) == []


def test_checking_one_person_opens_on_the_result_focused(page, server):
    page.goto(f"{server}/verify?lang={page.lang}")
    labels = {
        "en": ("Regulator or province", "Registration number", "Name", "Check this person"),
        "fr": ("Ordre ou province", "Numéro de permis", "Nom", "Vérifier cette personne"),
    }[page.lang]
    page.get_by_label(labels[0]).fill("Alberta")
    page.get_by_label(labels[1]).fill("20001")
    page.get_by_label(labels[2], exact=True).fill("Alice Robets")
    navigate(page, lambda: page.get_by_role("button", name=labels[3]).click())
    assert page.evaluate("document.activeElement.id") == "results-heading"
    row = page.locator("table.roster tbody tr").first
    assert row.bounding_box()["y"] < SIZES[page.size][1], "the result is below the first screen"
    close = "Name spelled differently" if page.lang == "en" else "Nom écrit autrement"
    assert row.locator(".verdict").inner_text() == close
    fits(page)
    shot(page, f"verify-one-{page.lang}-{page.size}")
    assert axe_violations(page, every_rule=True) == []


def test_a_roster_upload_opens_on_the_results(page, server, tmp_path):
    roster = tmp_path / "staff.csv"
    roster.write_bytes("Nom,Province,Permis\nAnne-Marie Côté,AB,20004\n".encode("cp1252"))
    page.goto(f"{server}/verify?lang={page.lang}")
    label = "Roster (CSV, up to 5 MB)" if page.lang == "en" else "Liste (CSV, jusqu'à 5 Mo)"
    page.get_by_label(label).set_input_files(str(roster))
    button = "Verify" if page.lang == "en" else "Vérifier"
    navigate(page, lambda: page.get_by_role("button", name=button, exact=True).click())
    assert page.evaluate("document.activeElement.id") == "results-heading"
    row = page.locator("table.roster tbody tr").first
    assert row.bounding_box()["y"] < SIZES[page.size][1], "the first row is below the first screen"
    assert "Côté" in row.inner_text()
    shot(page, f"verify-roster-{page.lang}-{page.size}")
    assert axe_violations(page, every_rule=True) == []
