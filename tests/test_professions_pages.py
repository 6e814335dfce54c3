"""What a patient sees of professions: the choice of what they look for, who may do it where
they are (each regulator's profession, mechanism and what its register shows, "kept but not
published" among them), and each card's profession, in English and French, page and API alike."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from registry.web.app import create_app
from tests.professions import load_professions


@pytest.fixture
def client(tmp_path, db):
    load_professions(db)
    with TestClient(create_app(tmp_path / "registry.db"), raise_server_exceptions=False) as c:
        yield c


def page(client, **params) -> BeautifulSoup:
    response = client.get("/", params=params)
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def text(node) -> str:
    return " ".join(node.get_text(" ").split())


def test_salt_lake_city_is_told_the_board_keeps_but_does_not_publish_the_record(client):
    answer = client.get("/api/search", params={"near": "Salt Lake City", "km": 25}).json()
    assert answer["results"] == []
    (utah,) = answer["regulators_here"]
    assert utah["regulator"] == "ut_pt"
    assert (utah["profession"], utah["mechanism"], utah["needling"]) == (
        "physiotherapist",
        "registration",
        "kept_unpublished",
    )
    assert utah["ask"] == (
        "The board keeps a record of who may dry-needle but does not publish it: ask the "
        "practitioner to show you their dry needling registration with the board."
    )
    english = page(client, city="Salt Lake City", within=25, lang="en")
    here = text(english.select_one("section.here"))
    assert "Who may do this in Salt Lake City, UT" in here
    assert "Utah Physical Therapy Licensing Board" in here and "(physiotherapist)" in here
    assert (
        "It keeps a record of who may dry-needle but does not publish it: ask the practitioner "
        "to show you their dry needling registration with the board." in here
    )
    french = text(page(client, city="Salt Lake City", within=25, lang="fr").select_one(".here"))
    assert "(physiothérapeute)" in french
    assert "demandez à la personne de vous montrer son inscription de puncture sèche" in french


def test_kept_unpublished_is_neither_not_tracked_nor_unknown(client):
    kentucky = client.get("/api/search", params={"near": "Louisville", "km": 25}).json()
    assert [(h["regulator"], h["needling"], h["ask"]) for h in kentucky["regulators_here"]] == [
        ("ky_pt", "not_tracked", None)
    ]
    here = text(page(client, city="Louisville", within=25, lang="en").select_one(".here"))
    assert "It keeps no record of who may" in here and "does not publish" not in here


def test_the_place_explains_who_may_by_scope_and_who_in_person(client):
    soup = page(client, city="Vancouver", kind="acupuncture", lang="en")
    items = [text(li) for li in soup.select("section.here li")]
    assert items[0].startswith("College of Health and Care Professionals of British Columbia")
    assert "only those it authorizes in person, by a roster of those trained" in items[0]
    acupuncturists = next(i for i in items if "(acupuncturist)" in i)
    assert "every registrant may, by the scope of practice of an acupuncturist" in acupuncturists
    assert "For: acupuncture." in acupuncturists
    physicians = next(i for i in items if "(physician)" in i)
    assert "For: trigger point injections." in physicians
    french = [text(li) for li in page(client, city="Vancouver", lang="fr").select(".here li")]
    assert any("selon le champ d'exercice d'un acupuncteur" in i for i in french)


def test_a_patient_chooses_what_they_look_for_and_cards_show_the_profession(client):
    form = page(client, lang="en").select_one("select#kind")
    assert [(o["value"], text(o)) for o in form.select("option")] == [
        ("", "Dry needling or IMS"),
        ("dry_needling", "Dry needling"),
        ("ims", "IMS (intramuscular stimulation)"),
        ("acupuncture", "Acupuncture"),
        ("trigger_point_injection", "Trigger point injections"),
    ]
    # Who gives each, said beside the choice (and read with it: aria-describedby).
    assert text(page(client, lang="en").select_one("#kind-hint")).startswith(
        "Dry needling and IMS: physiotherapists authorized for them. Acupuncture: "
        "acupuncturists, and physiotherapists authorized for it. Trigger point injections: "
        "physicians."
    )
    default = page(client, city="Vancouver", lang="en")
    assert [text(p) for p in default.select("article .place .profession")] == ["Physiotherapist"]
    injections = page(client, city="Vancouver", kind="trigger_point_injection", lang="fr")
    (card,) = injections.select("article")
    assert "Patel" in text(card) and text(card.select_one(".place .profession")) == "Médecin"
    assert "selon le champ d'exercice d'un médecin" in text(card.select_one(".means"))
    acupuncture = page(client, city="Vancouver", kind="acupuncture", lang="en")
    cards = {
        text(c.select_one("h2")): text(c.select_one(".place .profession"))
        for c in acupuncture.select("article")
    }
    assert cards == {
        "Li Chen": "Acupuncturist",
        "Nora Tremblay": "Physiotherapist",
        "Mei Wong": "Acupuncturist",
    }
    means = text(acupuncture.select("article")[0].select_one(".means"))
    assert means.startswith("May by the scope of practice of an acupuncturist: every registrant")


def test_a_practitioners_page_says_the_profession_and_how_they_may(client):
    (wong,) = client.get("/api/search", params={"q": "wong", "profession": "any"}).json()["results"]
    number = wong["registration_number"]
    english = BeautifulSoup(client.get(f"/p/ctcma/{number}?lang=en").text, "html.parser")
    assert text(english.select_one("dd.profession")) == "acupuncturist"
    assert "May by the scope of practice of an acupuncturist" in text(english)
    french = BeautifulSoup(client.get(f"/p/ctcma/{number}?lang=fr").text, "html.parser")
    assert text(french.select_one("dd.profession")) == "acupuncteur"


def test_people_under_a_board_that_keeps_but_does_not_publish_are_told_so(tmp_path, db):
    """A register read where the board keeps needling unpublished: nobody is listed for dry
    needling, the notice says the board keeps it (not "does not record"), and a card's answer
    says to ask, in both languages; the API's answer is kept_unpublished."""
    from dataclasses import replace as changed

    from db.load import sync_regulators
    from scrapers.sources import load_settings
    from tests.conftest import load, person

    sync_regulators(
        db,
        [
            changed(
                load_settings().sources["cpta"],
                key="kept",
                needling="kept_unpublished",
                mechanism="registration",
                wording={},
            )
        ],
    )
    load(
        db,
        [person("k1", "Young", "Brigham", city="Red Deer", regulator="kept", needling=False)],
        "kept",
    )
    with TestClient(create_app(tmp_path / "registry.db")) as c:
        notice = text(
            page(c, city="Red Deer", kind="dry_needling", lang="en").select_one(
                ".notice.not-tracked"
            )
        )
        assert (
            "keeps a record of who may dry-needle but does not publish it: 1 person there" in notice
        )
        french = text(
            page(c, city="Red Deer", kind="dry_needling", lang="fr").select_one(
                ".notice.not-tracked"
            )
        )
        assert "tient un dossier des personnes autorisées" in french
        card = text(page(c, q="young", show="all", lang="en").select_one("article .answer"))
        assert card.startswith(
            "The board keeps a record of who may dry-needle but does not publish"
        )
        (doc,) = c.get("/api/search", params={"q": "young"}).json()["results"]
        assert doc["needling"]["answer"] == "kept_unpublished"
        sources = [text(li) for li in page(c, lang="en").select("section.sources li")]
        assert any("Keeps who may dry-needle but does not publish it" in li for li in sources)
        (n,) = c.get("/api/search", params={"city": "Red Deer", "kind": "dry_needling"}).json()[
            "not_tracked"
        ]
        assert (n["regulator"], n["needling"], n["matches"]) == ("kept", "kept_unpublished", 1)


def test_the_search_echo_says_whom_it_was_for_unless_physiotherapists(client):
    def echo(**params) -> str:
        return text(page(client, **params).select_one(".searched"))

    assert "profession" not in echo(city="Vancouver", lang="en")
    assert "profession: acupuncturist" in echo(q="acupuncturist Vancouver", lang="en")
    assert "any profession that may" in echo(city="Vancouver", kind="acupuncture", lang="en")
    assert "profession : médecin" in echo(q="médecin Vancouver", lang="fr")
