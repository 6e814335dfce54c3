"""The patient pages, in-process: what the HTML says for each search (the browser tests in
test_browser.py drive the same pages in Chromium)."""

from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from registry.web import i18n, pages
from registry.web.app import create_app
from registry.web.pages import CSP, csp_with_tiles
from tests.patients import SCRIPT_NAME, STALE_SINCE, patient_database

MAP_CSP = csp_with_tiles("https://tile.openstreetmap.org")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    path = patient_database(tmp_path_factory.mktemp("patients") / "registry.db")
    with TestClient(create_app(path), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(autouse=True)
def fresh_answers(client):
    """Some tests change the page size: no test sees answers kept by another."""
    client.app.state.answers.clear()


def page(client, status=200, **params):
    response = client.get("/", params=params)
    assert response.status_code == status, response.text
    # A page of results with a map allows images from the tile server too (test_map.py).
    assert response.headers["content-security-policy"] in (CSP, MAP_CSP)
    return BeautifulSoup(response.text, "html.parser")


def names(soup) -> list[str]:
    return [h.get_text() for h in soup.select(".result h2.name")]


def notices(soup) -> list[str]:
    return [" ".join(li.get_text().split()) for li in soup.select(".notices li")]


def test_the_search_page_without_a_search(client):
    soup = page(client)
    assert soup.html["lang"] == "en"
    assert [f["name"] for f in soup.select("form[role=search] [name]")] == [
        "lang",
        "q",
        "city",
        "within",
        "kind",
        "show",
        "show",
    ]
    # Every visible field has a label; landmarks and a skip link are there.
    for field in soup.select("input[id], select[id]"):
        assert soup.select_one(f"label[for={field['id']}]"), field["id"]
    assert soup.select_one("header") and soup.select_one("nav[aria-label]")
    assert soup.select_one("main#main") and soup.select_one("footer")
    assert soup.select_one("a.skip")["href"] == "#main"
    # Suggestions are in the page too, for browsers without JavaScript.
    assert "Red Deer, AB" in [o["value"] for o in soup.select("#city-suggestions option")]
    assert soup.select_one("input[name=show][value=authorized]").has_attr("checked")
    assert not soup.select(".result")
    # Only our own files: no inline script or style, nothing from elsewhere.
    assert [s["src"] for s in soup.select("script")] == [pages.assets.url("suggest.js")]
    assert not soup.select("style") and not soup.select("[style]")
    assert [link["href"] for link in soup.select("link")] == [pages.assets.url("site.css")]


def test_the_page_without_a_search_lists_the_registers_we_read(client):
    listed = [" ".join(li.get_text().split()) for li in page(client).select(".sources li")]
    assert [line.split(":")[0] for line in listed] == [
        "CA-AB College of Physiotherapists of Alberta",
        "CA-BC College of Health and Care Professionals of British Columbia",
        "CA-NS Nova Scotia Regulator of Physiotherapy (formerly Nova Scotia College of "
        "Physiotherapists)",
        "CA-ON College of Physiotherapists of Ontario",
        "US-WA Washington State Department of Health",
    ]
    assert listed[1].endswith(f"last read {STALE_SINCE[:10]}. Our copy may be out of date")
    assert listed[2].endswith("Does not record who may needle")
    assert listed[3].endswith("Our latest attempt to read it failed")


def test_city_search_shows_only_people_authorized_now_by_default(client):
    soup = page(client, city="Red Deer")
    assert names(soup) == [f"Eve {SCRIPT_NAME}", "Anne-Marie Côté", "Alice Roberts"]
    assert soup.select_one(".count").get_text().strip() == "3 people found in Red Deer, AB."
    # The search is echoed above the results: the place, and who is shown.
    assert " ".join(soup.select_one(".searched").get_text(" ").split()) == (
        "You searched for: Red Deer, AB · people authorized to needle now"
    )
    everyone = page(client, city="Red Deer", show="all")
    assert names(everyone) == [
        f"Eve {SCRIPT_NAME}",
        "Anne-Marie Côté",
        "Hélène Lévesque",
        "Alice Roberts",
    ]
    levesque = everyone.select(".result")[2]
    assert levesque.select_one(".answer").get_text() == "No needling authorization on the register."


def test_a_city_with_its_province_as_suggested(client):
    assert names(page(client, city="Red Deer, AB")) == names(page(client, city="red deer"))
    # No Red Deer in Ontario: the one we know is offered instead.
    soup = page(client, 400, city="Red Deer, ON")
    assert [a.get_text() for a in soup.select(".did-you-mean a")] == ["Red Deer, AB"]


def test_a_result_says_everything_a_patient_needs(client):
    soup = page(client, q="Smith-Jones")
    (result,) = soup.select(".result")
    text = " ".join(result.get_text(" ").split())
    assert result.select_one("h2.name").get_text() == "Priya Smith-Jones"
    assert result.select_one(".answer").get_text() == (
        "May needle now: yes, needling (dry needling, IMS and acupuncture)."
    )
    assert [q.get_text() for q in result.select("q.wording")] == ["Using needles in practice"]
    assert result.select_one(".status").get_text() == "Practising"
    assert [li.get_text() for li in result.select(".conditions li")] == ["Supervision"]
    assert "Bow River Physiotherapy 1 Main Street Lethbridge, AB T2P 1A1" in text
    assert result.select_one("a[href^='tel:']")["href"] == "tel:403-555-0100"
    assert "College of Physiotherapists of Alberta (CA-AB), Registration number 20006" in text
    assert re.search(r"Last verified on the register: \d{4}-\d{2}-\d{2}", text)
    record = result.select_one(".record a")
    assert record["href"] == "https://example.test/Client/PublicDirectory/Registrant/r6"
    assert record.get_text() == "See this record on the CPTA register"


def test_near_a_city_nearest_first_with_distances(client):
    soup = page(client, city="Red Deer", within="200")
    assert names(soup) == [
        f"Eve {SCRIPT_NAME}",
        "Anne-Marie Côté",
        "Alice Roberts",
        "Maya Robinson",
    ]
    distances = [d.get_text() for d in soup.select(".distance")]
    assert distances[:3] == ["In Red Deer"] * 3
    assert re.fullmatch(r"1[34]\d km from Red Deer", distances[3])  # Edmonton, about 145 km
    summary = soup.select_one("h1.summary").get_text()
    assert "Within 200 km of Red Deer, AB, nearest first." in summary
    assert names(page(client, city="Red Deer", within="10")) == names(soup)[:3]


@pytest.mark.parametrize(
    "params", [{"city": "Red Deer", "show": "all"}, {"city": "Red Deer", "within": "200"}]
)
def test_next_results_follow_on(client, monkeypatch, params):
    monkeypatch.setattr("registry.web.pages.PAGE_SIZE", 2)
    everyone, soup = [], page(client, **params)
    while True:
        everyone += names(soup)
        more = soup.select_one("a[rel=next]")
        if more is None:
            break
        assert more.get_text() == "Next results"
        response = client.get(more["href"])
        assert response.status_code == 200
        soup = BeautifulSoup(response.text, "html.parser")
    monkeypatch.setattr("registry.web.pages.PAGE_SIZE", 20)
    client.app.state.answers.clear()  # kept answers were made with the other page size
    assert everyone == names(page(client, **params)) and len(everyone) == 4


def test_an_unknown_city_is_a_clear_message(client):
    soup = page(client, 400, city="Qwxzyville", within="25")
    assert (
        soup.select_one("[role=alert]").get_text(" ").split()
        == (
            "Please check your search We do not know a city or town called “Qwxzyville”. "
            "Check the spelling, or choose one from the suggestions."
        ).split()
    )


def test_an_empty_form_asks_for_something_to_search(client):
    soup = page(client, 400, q="", city="", within="0", kind="", show="authorized")
    assert (
        "Type a name or a city, or choose a kind of needling."
        in soup.select_one("[role=alert]").get_text()
    )
    # A kind alone lists everyone who may do it, wherever they are.
    ims = [
        f"Eve {SCRIPT_NAME}",
        "Anne-Marie Côté",
        "Thi Nguyễn",
        "Alice Roberts",
        "Maya Robinson",
        "Arjun Singh",
        "Priya Smith-Jones",
    ]
    assert names(page(client, kind="ims")) == ims
    assert names(page(client, kind="acupuncture")) == [*ims, "Noah Tremblay"]  # by family name


def test_name_search_and_kind_filter(client):
    assert names(page(client, q="rob")) == ["Alice Roberts", "Maya Robinson"]
    assert names(page(client, q="rob", show="all")) == [
        "Jean Robert",
        "Alice Roberts",
        "Maya Robinson",
    ]
    # Ontario's roster is for acupuncture: it answers acupuncture, not IMS.
    assert names(page(client, city="Toronto", kind="acupuncture")) == ["Noah Tremblay"]
    assert names(page(client, city="Toronto", kind="ims")) == []
    soup = page(client, city="Toronto", kind="acupuncture")
    assert soup.select_one("#kind option[selected]")["value"] == "acupuncture"
    assert soup.select_one(".answer").get_text() == "May needle now: yes, acupuncture."


def test_scraped_text_is_escaped_and_scraped_links_are_only_http(client):
    response = client.get("/", params={"q": "Eve"})
    assert "&lt;script&gt;alert(1)&lt;/script&gt;, Eve" in response.text
    assert "<script>alert" not in response.text
    soup = BeautifulSoup(response.text, "html.parser")
    # Its profile URL was javascript:, so the link goes to the register instead.
    assert soup.select_one(".record a")["href"].startswith("https://")
    assert "javascript:" not in response.text
    # What people type comes back escaped too.
    typed = client.get("/", params={"q": '"><img src=x onerror=alert(3)>'})
    assert "<img src=x" not in typed.text and "&lt;img src=x" in typed.text


def test_no_results_and_a_regulator_that_does_not_track_needling(client):
    soup = page(client, city="Halifax")
    assert names(soup) == []
    assert soup.select_one(".none").get_text().startswith("Nobody matches this search.")
    (notice,) = notices(soup)
    assert notice.startswith(
        "Nova Scotia Regulator of Physiotherapy (formerly Nova Scotia College of "
        "Physiotherapists) (CA-NS) does not record who may needle: "
        "1 person there matches the rest of your search."
    )
    show_all = soup.select_one(".notices a")["href"]
    assert names(page(client, **dict(re.findall(r"(\w+)=([^&]+)", show_all.split("?")[1])))) == [
        "Ann MacDonald"
    ]


def test_stale_and_failing_sources_are_said(client):
    stale = notices(page(client, city="Vancouver"))
    assert stale == [
        "College of Health and Care Professionals of British Columbia: our copy may be out of "
        f"date. It was last verified on {STALE_SINCE[:10]}."
    ]
    (failing,) = notices(page(client, city="Toronto"))
    assert failing.startswith("College of Physiotherapists of Ontario: our latest attempt to read")
    assert failing.endswith("did not succeed. What is shown is the last good copy.")
    assert notices(page(client, city="Red Deer")) == []


def test_french(client):
    soup = page(client, city="Red Deer", lang="fr")
    assert soup.html["lang"] == "fr"
    assert soup.select_one("button[type=submit]").get_text() == "Rechercher"
    assert soup.select_one(".count").get_text().strip() == "3 personnes trouvées à Red Deer, AB."
    echo = page(client, q="physio dry needling Reddeer", show="all", lang="fr")
    assert " ".join(echo.select_one(".searched").get_text(" ").split()) == (
        "Votre recherche : Red Deer, AB · autorisées pour puncture physiothérapique (aiguilles "
        "sèches) · toutes les personnes inscrites"
    )
    assert soup.select_one(".answer").get_text().startswith("Peut utiliser des aiguilles")
    switch = soup.select_one("a.lang-switch")
    assert switch.get_text() == "English" and "lang=en" in switch["href"]
    assert "city=Red+Deer" in switch["href"]
    near = page(client, city="Red Deer", within="200", lang="fr")
    assert re.fullmatch(r"À 1[34]\d km de Red Deer", near.select(".distance")[3].get_text())
    by_header = client.get("/", headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.8"})
    assert '<html lang="fr">' in by_header.text
    assert "Accept-Language" in by_header.headers["vary"].split(", ")
    assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "de, en;q=0.5"}).text


def test_counts_in_the_singular_and_plural():
    en, fr = i18n.translator("en"), i18n.translator("fr")
    assert [en("results.count", count=n) for n in (0, 1, 2)] == [
        "0 people found.",
        "1 person found.",
        "2 people found.",
    ]
    assert [fr("results.count", count=n) for n in (0, 1, 2)] == [
        "0 personne trouvée.",
        "1 personne trouvée.",
        "2 personnes trouvées.",
    ]


def test_the_page_on_needling_in_both_languages(client):
    for lang, title in (
        ("en", "Dry needling, IMS, acupuncture and trigger point injections"),
        ("fr", "Puncture sèche, IMS, acupuncture et injections aux points gâchettes"),
    ):
        response = client.get("/about-needling", params={"lang": lang})
        assert response.status_code == 200
        assert response.headers["content-security-policy"] == CSP
        soup = BeautifulSoup(response.text, "html.parser")
        assert soup.html["lang"] == lang and soup.h1.get_text() == title
        assert len(soup.select("main h2")) == 4  # what, who, risks, what to ask


# Words that are the same in English and French.
SAME_IN_BOTH = {
    "form.within",
    "footer.api",
    "kind.acupuncture",
    "result.conditions",
    "result.profession",
    "here.what.attestation",
    "choice.acupuncture",
}


def test_catalogues_have_the_same_messages():
    english, french = i18n.MESSAGES["en"], i18n.MESSAGES["fr"]
    assert set(english) == set(french)
    for key in english:
        assert i18n.placeholders(english[key]) == i18n.placeholders(french[key]), key
        assert french[key] != english[key] or key in SAME_IN_BOTH, key


def test_every_label_a_template_reads_is_a_message_without_values():
    """T["key"] in a template renders nothing for a key that is not there (Jinja's undefined),
    where t("key") would raise: so every key read that way is checked here, in both languages."""
    read = set()
    for template in (pages.HERE / "templates").glob("*.html"):
        read |= set(re.findall(r'\bT\["([^"]+)"\]', template.read_text(encoding="utf-8")))
    assert len(read) >= 15  # the cards' labels
    for lang in i18n.LANGUAGES:
        missing = read - set(i18n.labels(lang))
        assert not missing, (lang, missing)


def test_city_suggestions(client):
    def labels(**params):
        response = client.get("/api/cities", params=params)
        assert response.status_code == 200, response.text
        return [c["label"] for c in response.json()["cities"]]

    assert client.get("/api/cities", params={"prefix": "red"}).json() == {
        "cities": [{"name": "Red Deer", "region": "AB", "people": 4, "label": "Red Deer, AB"}]
    }
    assert labels(prefix="RED D") == labels(prefix="Red Deer, AB") == ["Red Deer, AB"]
    assert labels(prefix="deer") == ["Red Deer, AB"]  # a later word of the name
    assert labels(prefix="st alb") == labels(prefix="St. Al") == ["St. Albert, AB"]
    assert labels(prefix="Red Deer, BC") == labels(prefix="zz") == []
    for params, message in (
        ({}, "give a prefix"),
        ({"prefix": " "}, "give a prefix"),
        ({"prefix": "r" * 101}, "too long"),
        ({"prefix": "r", "limit": "0"}, "limit must be"),
        ({"prefix": "r", "q": "x"}, "unknown parameter"),
    ):
        response = client.get("/api/cities", params=params)
        assert response.status_code == 400 and message in response.json()["error"]


def test_static_files_are_served(client):
    assert client.get("/static/site.css").headers["content-type"].startswith("text/css")
    assert "javascript" in client.get("/static/suggest.js").headers["content-type"]
    assert client.get("/static/nothing.js").status_code == 404


def test_a_missing_page_is_a_page_for_people_and_json_for_programs(client):
    html = {"Accept": "text/html,application/xhtml+xml"}
    response = client.get("/no-such-page", headers=html)
    assert response.status_code == 404
    assert response.headers["content-security-policy"] == CSP
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.h1.get_text() == "There is no page at this address."
    assert soup.select_one("main a")["href"] == "/?lang=en"
    french = client.get("/no-such-page", params={"lang": "fr"}, headers=html)
    assert french.status_code == 404
    assert "Il n'y a pas de page" in BeautifulSoup(french.text, "html.parser").h1.get_text()
    wrong_method = client.post("/about-needling", headers=html)
    assert wrong_method.status_code == 405 and "Method Not Allowed" in wrong_method.text
    # Programs, and anything under the API, keep the JSON error.
    assert client.get("/no-such-page").json() == {"error": "Not Found", "status": 404}
    assert client.get("/api/no-such", headers=html).json()["status"] == 404


def test_a_card_puts_the_place_and_the_actions_first(client):
    soup = page(client, q="Smith-Jones")
    (card,) = soup.select(".result")
    # Profession, clinic (and distance) before the name; the name first-name-first, the
    # register's form kept.
    assert card.select_one(".place").get_text(" ", strip=True) == (
        "Physiotherapist · Bow River Physiotherapy"
    )
    assert card.select_one("h2.name").get_text() == "Priya Smith-Jones"
    assert card.select_one(".register-name").get_text() == "Smith-Jones, Priya"
    assert card.select_one("h2.name a")["href"] == "/p/cpta/20006?lang=en"
    call, directions = card.select(".actions a")
    assert call["href"] == "tel:403-555-0100" and call.get_text(" ", strip=True).startswith("Call")
    assert directions["href"] == (
        "https://www.openstreetmap.org/directions?to=1+Main+Street%2C+Lethbridge%2C+AB+T2P+1A1"
    )
    # Registration details are folded away.
    assert card.select_one("details.registration .status").get_text() == "Practising"
    assert not card.select_one("details.registration").has_attr("open")


def test_after_a_search_the_answer_comes_first_and_the_form_is_folded(client):
    soup = page(client, city="Red Deer", within="50")
    h1 = soup.select_one("h1")
    assert h1["id"] == "results-heading" and h1.has_attr("autofocus")
    assert " ".join(h1.get_text().split()) == (
        "3 people found. Within 50 km of Red Deer, AB, nearest first."
    )
    assert soup.title.get_text() == (
        "3 people found. Within 50 km of Red Deer, AB, nearest first. – Needling Registry"
    )
    change = soup.select_one("details.change")
    assert change.select_one("summary").get_text() == "Change the search"
    assert change.select_one("form[role=search]") and not change.has_attr("open")
    assert soup.select_one(".ask a")["href"] == "/about-needling?lang=en"
    # A bad search opens the form, with the message above it.
    bad = page(client, 400, city="Qwxzyville", within="25")
    assert bad.select_one("details.change").has_attr("open")
    assert bad.title.get_text().startswith("Please check your search")


def test_the_location_measured_to_comes_first():
    from registry.web import pages

    result = {
        "given_names": "Zoé",
        "family_name": "Test",
        "name": "Test, Zoé",
        "registration_number": "1",
        "regulator": {
            "id": "cpta",
            "register_url": None,
            "jurisdiction": "CA-AB",
            "short_name": "Physiotherapy Alberta",
        },
        "profile_url": None,
        "standing": {"state": "practising", "status": "Practising", "last_listed_status": None},
        "needling": {"kinds": ["needling"], "answer": "authorized", "tracking": "tracked"},
        "locations": [
            {"city": "Edmonton", "province": "AB", "address": "2 B St", "distance_km": None},
            {"city": "Sylvan Lake", "province": "AB", "address": "1 A St", "distance_km": 20.0},
        ],
    }
    near = {"name": "Red Deer"}
    card = pages.for_a_card(dict(result, distance_km=20.0), near, i18n.translator("en"), "en")
    assert [loc["city"] for loc in card["locations"]] == ["Sylvan Lake", "Edmonton"]
    assert card["display_name"] == "Zoé Test" and card["distance_text"] == "20 km from Red Deer"


def test_a_page_per_practitioner(client):
    response = client.get("/p/cpta/20006")
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == CSP
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.h1.get_text() == "Priya Smith-Jones"
    assert [q.get_text() for q in soup.select("q.wording")] == ["Using needles in practice"]
    assert soup.select_one(".plain").get_text() == "needling (dry needling, IMS and acupuncture)"
    assert soup.select_one(".status").get_text() == "Practising"
    assert [li.get_text() for li in soup.select(".conditions li")] == ["Supervision"]
    assert soup.select_one(".authorized-since").get_text().startswith("Authorization seen")
    assert "The register's list: read on 2026-11-23" in soup.select_one(".evidence").get_text()
    assert soup.select_one(".record a")["href"].endswith("/Registrant/r6")
    data = json.loads(soup.select_one("script[type='application/ld+json']").string)
    assert data["@type"] == "Person" and data["name"] == "Priya Smith-Jones"
    assert data["hasCredential"][0]["name"] == "Using needles in practice"
    assert data["workLocation"][0]["address"]["addressLocality"] == "Lethbridge"
    # A name that is markup cannot end the data block.
    eve = client.get("/p/cpta/20009").text
    assert "<script>alert" not in eve and "\\u003cscript\\u003e" in eve
    # Linked from the cards; unknown ids are a 404 page that says why.
    card = page(client, q="Smith-Jones").select_one(".result h2.name a")
    assert card["href"].startswith("/p/cpta/20006")
    for path in ("/p/cpta/99999", "/p/nobody/1"):
        missing = client.get(path, params={"lang": "fr"})
        assert missing.status_code == 404
        text = BeautifulSoup(missing.text, "html.parser").main.get_text()
        assert "Nous n'avons aucune inscription" in text


def test_pages_say_where_they_are_and_go_back_and_forth(client, monkeypatch):
    monkeypatch.setattr("registry.web.pages.PAGE_SIZE", 2)
    first = page(client, city="Red Deer", within="200")
    assert first.select_one(".list-head .range").get_text() == "1–2 of 4"
    assert first.select_one("a[rel=prev]") is None
    assert first.select_one("ol.result-list")["start"] == "1"
    second = page(client, city="Red Deer", within="200", page="2")
    assert second.select_one("nav.paging .range").get_text() == "3–4 of 4"
    assert second.select_one("ol.result-list")["start"] == "3"
    assert second.select_one("a[rel=next]") is None
    assert second.title.get_text().startswith("3–4 of 4 · 4 people found.")
    back = second.select_one("a[rel=prev]")
    assert back.get_text() == "Previous results" and "page=" not in back["href"]
    soup = BeautifulSoup(client.get(back["href"]).text, "html.parser")
    assert names(soup) == names(first)
    assert len(names(first) + names(second)) == 4
    # Beyond the last page, or a page that is not a number: a page, never an error.
    assert names(page(client, city="Red Deer", within="200", page="9")) == []
    assert names(page(client, city="Red Deer", within="200", page="x")) == names(first)
    french = page(client, city="Red Deer", within="200", page="2", lang="fr")
    assert french.select_one("nav.paging .range").get_text() == "3 à 4 sur 4"
    assert french.select_one("a[rel=prev]").get_text() == "Résultats précédents"
    monkeypatch.setattr("registry.web.pages.PAGE_SIZE", 20)
    client.app.state.answers.clear()  # kept answers were made with the other page size
    assert names(first) + names(second) == names(page(client, city="Red Deer", within="200"))


def test_sorting_by_distance_or_by_name(client, monkeypatch):
    nearest = page(client, city="Edmonton", within="200")
    links = nearest.select(".sort a")
    assert [a.get_text() for a in links] == ["nearest first", "by name"]
    assert links[0]["aria-current"] == "true" and not links[1].has_attr("aria-current")
    by_name = BeautifulSoup(client.get(links[1]["href"]).text, "html.parser")
    assert "Within 200 km of Edmonton, AB, by name." in by_name.select_one("h1.summary").text
    shown = names(by_name)
    assert sorted(shown) == sorted(names(nearest)) and shown != names(nearest)
    family = [n.split()[-1] for n in shown]
    assert family == sorted(family, key=str.casefold), family
    # Each keeps its distance, and paging keeps the order.
    assert len(by_name.select(".distance")) == len(shown)
    monkeypatch.setattr("registry.web.pages.PAGE_SIZE", 3)
    one = page(client, city="Edmonton", within="200", sort="name")
    two = page(client, city="Edmonton", within="200", sort="name", page="2")
    assert names(one) + names(two) == shown
    assert "sort=name" in one.select_one("a[rel=next]")["href"]
    assert one.select_one("form.search input[name=sort]")["value"] == "name"
    monkeypatch.setattr("registry.web.pages.PAGE_SIZE", 20)
    client.app.state.answers.clear()  # kept answers were made with the other page size
    # Only a search with a distance can be sorted by it; a bad sort is the default one.
    assert page(client, city="Edmonton").select(".sort a") == []
    assert names(page(client, city="Edmonton", within="200", sort="zzz")) == names(nearest)


def test_french_marks_english_words_and_elides(client):
    soup = page(client, city="Red Deer", within="200", show="all", lang="fr")
    # The register's words, in English, marked so inside a French page.
    wording = soup.select_one(".result q.wording")
    assert wording["lang"] == "en" and wording.get_text() == "Using needles in practice"
    assert soup.select_one(".result .status")["lang"] == "en"
    regulator = soup.select(".result dd span[lang=en]")
    assert "College of Physiotherapists of Alberta" in [s.get_text() for s in regulator]
    # The city example is a French one.
    assert soup.select_one("#city-hint").get_text().endswith("Montréal, QC.")
    # In English, nothing is marked English.
    english = page(client, city="Red Deer", within="200", show="all")
    assert english.select(".result [lang=en]") == []
    assert english.select_one(".result q.wording").get("lang") is None


def test_french_elision_and_quebec_words_in_english():
    t = i18n.translator("fr")
    assert t("result.record", regulator="OPPQ") == "Voir cette fiche au registre de l'OPPQ"
    assert t("result.record", regulator="CPTA") == "Voir cette fiche au registre de CPTA"
    assert t("result.distance", km="14", place="Edmonton") == "À 14 km d'Edmonton"
    marked = i18n.translator("fr", markup=True)(
        "notice.never", regulator=pages.language_helpers("fr")["foreign"]("<b>Ordre</b>", "en")
    )
    assert str(marked).startswith('<span lang="en">&lt;b&gt;Ordre&lt;/b&gt;</span> :')
    assert pages.regulator_lang("CA-QC") == "fr" and pages.regulator_lang("CA-AB") == "en"
    assert (
        pages.text_lang(
            "Utilisation des aiguilles sous le derme (attestation délivrée par l'OPPQ)", "en"
        )
        == "fr"
    )
    assert pages.text_lang("Dry needling (attestation issued by the OPPQ)", "fr") == "en"
    assert pages.text_lang("PPAS", "fr") == "fr"


def test_search_errors_in_the_page_language(client):
    soup = page(client, 400, q="a b c d e f g h i j", lang="fr")
    assert soup.select_one("[role=alert] p").get_text() == (
        "Un champ de recherche a trop de mots : 8 au plus."
    )
    soup = page(client, 400, q="!!!", lang="fr")
    assert soup.select_one("[role=alert] p").get_text() == (
        "Tapez des lettres ou des chiffres à chercher."
    )


def test_the_badge_says_what_authorized_means(client):
    soup = page(client, city="Red Deer")
    means = [" ".join(p.get_text().split()) for p in soup.select(".result .means")]
    assert means and all(
        m == "CPTA authorizes needling as a restricted activity; its register shows it as "
        "Using needles in practice."
        for m in means
    ), means
    toronto = page(client, city="Toronto")
    assert " ".join(toronto.select_one(".result .means").get_text().split()) == (
        "CPO keeps a roster of members trained to needle, listed as "
        "Acupuncture (including dry needling)."
    )
    french = page(client, city="Toronto", lang="fr").select_one(".result .means")
    assert french.get_text().startswith("CPO tient une liste")
    assert french.select_one("q")["lang"] == "en"
    # Only under a yes: someone without an authorization has no such line.
    everyone = page(client, city="Red Deer", show="all")
    for card in everyone.select(".result"):
        yes = card.select_one(".answer-authorized") is not None
        assert (card.select_one(".means") is not None) == yes


@pytest.mark.parametrize(
    "params",
    [
        {"city": "Red Deer"},
        {"city": "Red Deer", "within": "200", "page": "2"},
        {"city": "Moncton"},
        {"city": "Halifax"},
        {"city": "Qwxzyville", "within": "25"},
        {"city": "Montréal", "lang": "fr"},
    ],
)
def test_what_to_ask_is_on_every_results_page(client, params):
    response = client.get("/", params=params)
    soup = BeautifulSoup(response.text, "html.parser")
    ask = soup.select_one(".ask a")
    assert ask["href"] == f"/about-needling?lang={params.get('lang', 'en')}"
    assert client.get(ask["href"]).status_code == 200
