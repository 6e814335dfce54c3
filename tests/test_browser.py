"""The patient page in a real headless Chromium (Debian's `chromium`), driven by Playwright.

The app is served by uvicorn on 127.0.0.1 over the test database of tests/patients.py.
Screenshots of each case are saved in test-artifacts/screenshots/ (git-ignored). scripts/test
installs chromium when it is missing; these tests are skipped only where it cannot be found.
"""

from __future__ import annotations

import re

import pytest

from registry.web.pages import assets
from tests.browsing import (
    BROWSER_TESTS,
    Watch,
    above_the_fold,
    axe_violations,
    navigate,
    serving,
    shot,
    unfold,
)
from tests.conftest import copy_database
from tests.patients import SCRIPT_NAME

pytestmark = BROWSER_TESTS


@pytest.fixture(scope="module")
def demo(demo_database, tmp_path_factory):
    """The site over the demo's data (tests/conftest.py)."""
    with serving(copy_database(demo_database, tmp_path_factory.mktemp("demo") / "db")) as url:
        yield url


@pytest.fixture
def context(browser, server):
    context = browser.new_context(viewport={"width": 1024, "height": 900})
    yield context
    context.close()


@pytest.fixture
def page(context, server):
    page = context.new_page()
    page.watch = Watch(page, server)
    yield page
    page.watch.clean()


def names(page) -> list[str]:
    return page.locator(".result h2.name").all_inner_texts()


def search(page, **fields) -> None:
    """Fill the form as a person would (labels, not names), and send it."""
    labels = {
        "q": "Name or practice",
        "city": "City or town",
        "within": "Distance",
        "kind": "What are you looking for?",
    }
    change = page.locator("details.change")
    if change.count() and change.get_attribute("open") is None:
        change.locator("summary").click()  # after a search the form is folded away
    for field, value in fields.items():
        control = page.get_by_label(labels[field], exact=True)
        if field in ("within", "kind"):
            control.select_option(label=value)
        else:
            control.fill(value)
    navigate(page, lambda: page.get_by_role("button", name="Search").click())


def test_search_by_city(page, server):
    page.goto(server)
    search(page, city="Red Deer")
    assert names(page) == [f"Eve {SCRIPT_NAME}", "Anne-Marie Côté", "Alice Roberts"]
    assert page.locator(".count").inner_text() == "3 people found in Red Deer, AB."
    assert page.locator(".searched").inner_text().startswith("You searched for: Red Deer, AB")
    unfold(page)
    first = page.locator(".result").nth(1)
    assert first.locator(".answer").inner_text().startswith("May needle now: yes")
    assert first.get_by_role("link", name="See this record on the CPTA register").get_attribute(
        "href"
    ) == ("https://example.test/Client/PublicDirectory/Registrant/r4")
    shot(page, "search-by-city")


def test_suggestions_appear_as_you_type(page, server):
    page.goto(server)
    city = page.get_by_label("City or town", exact=True)
    with page.expect_response(re.compile(r"/api/cities\?prefix=Red(%20)?D?")) as answer:
        city.press_sequentially("Red D", delay=60)
    assert answer.value.ok
    page.wait_for_function(
        "() => { const o = [...document.querySelectorAll('#city-suggestions option')];"
        " return o.length === 1 && o[0].value === 'Red Deer, AB'; }"
    )
    shot(page, "suggestions")
    city.fill("Red Deer, AB")
    navigate(page, lambda: page.get_by_role("button", name="Search").click())
    assert len(names(page)) == 3


def test_near_a_city_within_n_km(page, server):
    page.goto(server)
    search(page, city="Red Deer", within="Within 200 km")
    assert names(page) == [
        f"Eve {SCRIPT_NAME}",
        "Anne-Marie Côté",
        "Alice Roberts",
        "Maya Robinson",
    ]
    distances = page.locator(".distance").all_inner_texts()
    assert distances[:3] == ["In Red Deer"] * 3
    assert re.fullmatch(r"1[34]\d km from Red Deer", distances[3])
    shot(page, "near-red-deer")
    search(page, city="Nowhere Qwxzy", within="Within 25 km")
    assert (
        "We do not know a city or town called “Nowhere Qwxzy”"
        in page.get_by_role("alert").inner_text()
    )


def test_search_by_name_and_kind(page, server):
    page.goto(server)
    search(page, q="rob")
    assert names(page) == ["Alice Roberts", "Maya Robinson"]
    page.goto(server)
    search(page, city="Toronto", kind="Acupuncture")
    assert names(page) == ["Noah Tremblay"]
    unfold(page)
    assert page.locator(".result q.wording").inner_text() == "Acupuncture (including dry needling)"
    # The page's kind filter stays as chosen; IMS is not what Ontario's roster grants.
    assert page.get_by_label("What are you looking for?", exact=True).input_value() == "acupuncture"
    search(page, kind="IMS (intramuscular stimulation)")
    assert names(page) == []
    assert page.locator(".none").inner_text().startswith("Nobody matches this search.")
    shot(page, "kind-filter-no-results")


def test_only_people_authorized_now_by_default_and_the_toggle(page, server):
    page.goto(server)
    assert page.get_by_label("Only people authorized to needle now").is_checked()
    search(page, q="o'brien")
    assert names(page) == []  # suspended: not authorized now
    page.locator("details.change summary").click()
    page.get_by_label("Everyone on the register, with their status").check()
    navigate(page, lambda: page.get_by_role("button", name="Search").click())
    assert names(page) == ["Liam O'Brien"]
    unfold(page)
    result = page.locator(".result")
    assert result.locator(".status").inner_text() == "Suspended"
    # Standing first: not practising, before anything about needling, and nothing to call.
    assert result.locator(".standing").inner_text() == (
        "Not practising: the register says “Suspended”."
    )
    assert result.locator(".answer").inner_text() == "May needle now: no, not practising."
    assert result.locator(".actions").count() == 0
    shot(page, "everyone-with-status")


def test_works_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    watch = Watch(page, server)
    try:
        page.goto(server)
        # The suggestions are in the page itself.
        options = page.locator("#city-suggestions option")
        assert "Red Deer, AB" in [
            options.nth(i).get_attribute("value") for i in range(options.count())
        ]
        page.get_by_label("City or town", exact=True).fill("Red Deer, AB")
        page.get_by_label("Distance").select_option(label="Within 200 km")
        navigate(page, lambda: page.get_by_role("button", name="Search").click())
        assert len(names(page)) == 4
        assert "within=200" in page.url
        navigate(page, page.get_by_role("link", name="Français").click)
        assert page.locator("html").get_attribute("lang") == "fr"
        assert len(names(page)) == 4
        # The folded form opens without script.
        page.get_by_text("Modifier la recherche").click()
        assert page.get_by_label("Ville", exact=True).is_visible()
        assert not [u for u in watch.requests if "/api/" in u]  # no script ran
        shot(page, "no-javascript")
        watch.clean()
    finally:
        context.close()


def test_french(page, server):
    page.goto(server)
    navigate(page, page.get_by_role("link", name="Français").click)
    assert page.locator("html").get_attribute("lang") == "fr"
    page.get_by_label("Ville", exact=True).fill("Red Deer")
    page.get_by_label("Distance").select_option(label="À moins de 200 km")
    navigate(page, lambda: page.get_by_role("button", name="Rechercher").click())
    assert page.locator(".count").inner_text().startswith("4 personnes trouvées.")
    assert page.locator(".distance").nth(3).inner_text().endswith("km de Red Deer")
    shot(page, "french")
    navigate(page, page.get_by_role("link", name="À propos des aiguilles").click)
    assert page.locator("h1").inner_text().startswith("Puncture sèche, IMS, acupuncture")
    shot(page, "about-needling-fr")


def test_scraped_markup_shows_as_text(page, server):
    page.goto(server)
    search(page, q="Eve")
    assert names(page) == [f"Eve {SCRIPT_NAME}"]
    assert page.locator(".result h2.name").inner_text() == "Eve <script>alert(1)</script>"
    # What people type is escaped too.
    search(page, q="<img src=x onerror=alert(3)>")
    page.wait_for_timeout(200)
    assert page.watch.dialogs == []
    shot(page, "escaping")


def test_honest_states(page, server):
    page.goto(server)
    search(page, city="Halifax")
    assert "does not record who may needle" in page.locator(".notices").inner_text()
    navigate(page, page.get_by_role("link", name="Show everyone, with their status").click)
    assert names(page) == ["Ann MacDonald"]
    assert page.locator(".answer").inner_text().startswith("This regulator does not record")
    shot(page, "not-tracked")
    page.goto(server)
    search(page, city="Vancouver")
    assert "our copy may be out of date" in page.locator(".notices").inner_text()
    shot(page, "stale")
    page.goto(server)
    search(page, city="Toronto")
    assert "did not succeed" in page.locator(".notices").inner_text()
    shot(page, "failing")


def test_keyboard_and_phone(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    watch = Watch(page, server)
    try:
        page.goto(server)
        page.keyboard.press("Tab")
        skip = page.get_by_role("link", name="Skip to main content")
        assert skip.evaluate("e => e === document.activeElement")
        page.keyboard.press("Enter")
        # Tab to the name field, type, tab on to the city, and send with Enter.
        while page.evaluate("document.activeElement.id") != "q":
            page.keyboard.press("Tab")
        page.keyboard.type("rob")
        navigate(page, lambda: page.keyboard.press("Enter"))
        assert names(page) == ["Alice Roberts", "Maya Robinson"]
        # Nothing wider than the phone's screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        shot(page, "phone")
        watch.clean()
    finally:
        context.close()


# WCAG 2 contrast of every piece of text against the background it is drawn on.
LOW_CONTRAST = """() => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || c[3] > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const low = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const box = el.getBoundingClientRect();
    if (!own || box.width === 0 || box.height === 0) continue;
    const style = getComputedStyle(el);
    const [a, b] = [lum(rgb(style.color)), lum(background(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const text = el.textContent.trim().slice(0, 40);
    if (ratio < (large ? 3 : 4.5)) low.push(`${el.tagName} ${ratio.toFixed(2)} ${text}`);
  }
  return low;
}"""


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?city=Halifax",
        "/?city=Red+Deer&within=200&show=all",
        "/?city=Toronto&lang=fr",
        "/?city=Qwxzy&within=25",
        "/about-needling?lang=fr",
    ],
)
def test_text_contrast(page, server, path):
    page.goto(server + path)
    assert page.evaluate(LOW_CONTRAST) == []


def test_the_contrast_check_finds_low_contrast(page, server):
    page.goto(server)
    page.evaluate(
        "() => { const p = document.createElement('p'); p.textContent = 'faint';"
        " p.style.color = '#bbbbbb'; document.querySelector('main').append(p); }"
    )
    assert [line.split()[0] for line in page.evaluate(LOW_CONTRAST)] == ["P"]


def test_on_the_demo_data(browser, demo):
    context = browser.new_context(viewport={"width": 1024, "height": 900})
    page = context.new_page()
    watch = Watch(page, demo)
    try:
        page.goto(demo)
        search(page, city="Calgary", within="Within 50 km")
        count = page.locator("h1").inner_text()
        assert re.match(r"\d+ people found\.\s+Within 50 km of Calgary, AB, nearest first\.", count)
        answers = page.locator(".answer").all_inner_texts()
        assert answers and all(a.startswith("May needle now: yes") for a in answers)
        distances = page.locator(".distance").all_inner_texts()
        assert len(distances) == len(answers) and distances[0] == "In Calgary"
        unfold(page)
        links = page.locator(".record a")
        assert links.count() == len(answers)
        assert all(
            links.nth(i).get_attribute("href").startswith("http://127.0.0.1:")
            for i in range(links.count())
        )
        shot(page, "demo-calgary")
        # Montréal, in French: Quebec's tracking of needling is not confirmed, and it says so.
        page.goto(demo + "/?lang=fr")
        page.get_by_label("Ville", exact=True).fill("Montréal")
        navigate(page, lambda: page.get_by_role("button", name="Rechercher").click())
        assert "personne" in page.locator(".count").inner_text()
        assert "il n'est pas confirmé" in page.locator(".notices").inner_text()
        shot(page, "demo-montreal-fr")
        page.goto(demo)
        search(page, city="Halifax")
        assert "does not record who may needle" in page.locator(".notices").inner_text()
        watch.clean()
    finally:
        context.close()


def test_the_clinics_roster_page_keeps_its_style_under_the_same_policy(page, server):
    page.goto(server + "/verify")
    assert page.locator("h1").inner_text() == "Verify a roster"
    # The site's own stylesheet, and the clinics' on top of it.
    sheets = page.evaluate("[...document.styleSheets].map(s => new URL(s.href).pathname)")
    assert sheets == [assets.url("site.css"), assets.url("clinics.css")]


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    yield context
    context.close()


def test_results_first_on_a_phone_on_the_demo_data(phone, demo):
    page = phone.new_page()
    watch = Watch(page, demo)
    cases = [
        ("/?city=Red+Deer&within=50", "people found"),
        ("/?city=Montr%C3%A9al&lang=fr", "trouvée"),
    ]
    for path, said in cases:
        page.goto(demo + path)
        assert said in page.title()
        # Focus is on the results heading; the first card's actions show without scrolling.
        assert page.evaluate("document.activeElement.id") == "results-heading"
        card = page.locator(".result").first
        assert above_the_fold(page, card.locator(".action.call"))
        assert above_the_fold(page, card.locator(".action.directions"))
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        shot(page, "phone-" + path.split("city=")[1].split("&")[0].replace("%", ""))
    # Halifax: the college does not record needling; the reason and the way on are in view.
    page.goto(demo + "/?city=Halifax")
    assert above_the_fold(page, page.locator(".notices li").first)
    navigate(page, page.get_by_role("link", name="Show everyone, with their status").click)
    # The first card, and what it says of the person's standing and needling, are in view (the
    # list keeps the register's order: here someone who may not practise comes first, saying so).
    # Who may not practise has no actions; the first who may has them.
    first = page.locator(".result").first
    assert above_the_fold(page, first.locator("h2.name"))
    assert above_the_fold(page, first.locator(".answer, .standing").first)
    assert page.locator(".result:has(.standing) .actions").count() == 0
    card = page.locator(".result:not(:has(.standing))").first
    assert card.locator(".actions .action").count() >= 1
    shot(page, "phone-halifax")
    # A practitioner's page opens from a card.
    name = card.locator("h2.name").inner_text()
    navigate(page, card.locator("h2.name a").click)
    assert page.locator("h1").inner_text() == name and "/p/" in page.url
    shot(page, "phone-practitioner")
    watch.clean()


@pytest.mark.parametrize("size", [(390, 844), (1280, 900)])
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?lang=fr",
        "/?city=Red+Deer&within=200&show=all",
        "/?city=Red+Deer&within=200&show=all&lang=fr",
        "/?city=Halifax",
        "/?city=Qwxzy&within=25&lang=fr",
        "/p/cpta/20006",
        "/p/cpta/20006?lang=fr",
        "/p/cpta/none",
    ],
)
def test_axe_finds_no_violations(browser, server, path, size):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(server + path)
        assert axe_violations(page) == []
        if page.locator("details").count():  # and with every fold open
            unfold(page)
            assert axe_violations(page) == []
    finally:
        context.close()
