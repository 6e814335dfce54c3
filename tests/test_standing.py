"""Standing before needling: whoever may not practise is shown so first, everywhere (cards, the
practitioner's page, the API's documents), is never "the register does not say", is left out of
patients' searches unless asked for, and a registration number finds one person."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from db import open_db
from db.load import sync_regulators
from registry.web.app import create_app
from scrapers.sources import load_settings
from tests.conftest import PEOPLE, load, person
from tests.patients import located

LEAVER = person("r9", "Lachance", "Marc", number="20009", city="Red Deer")
NOVA_SCOTIA = [
    located(
        person("n1", "MacDonald", "Ann", city="Halifax", regulator="nscp", needling=False), "NS"
    ),
    located(
        person(
            "n2",
            "MacIsaac",
            "Rory",
            city="Halifax",
            regulator="nscp",
            needling=False,
            status="Cancelled",
            status_class="cancelled",
        ),
        "NS",
    ),
]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    path = tmp_path_factory.mktemp("standing") / "registry.db"
    db = open_db(path)
    sync_regulators(db, load_settings().sources.values())
    load(db, [*PEOPLE, LEAVER])
    load(db, PEOPLE)  # Marc Lachance has left the register
    load(db, NOVA_SCOTIA, regulator="nscp")
    db.close()
    with TestClient(create_app(path), raise_server_exceptions=False) as c:
        yield c


def cards(client, **params):
    response = client.get("/", params=params)
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser").select("article.result")


def card_of(client, name, **params):
    (card,) = [c for c in cards(client, **params) if name in c.select_one("h2.name").get_text()]
    return card


def lines(card) -> list[str]:
    """The card's paragraphs in order, up to its folded details."""
    return [" ".join(p.get_text().split()) for p in card.find_all("p", recursive=False)]


@pytest.mark.parametrize(
    ("lang", "standing", "answer"),
    [
        ("en", "Not practising: the register says “Suspended”.", "no, not practising"),
        ("fr", "N'exerce pas : le tableau indique « Suspended ».", "non, n'exerce pas"),
    ],
)
def test_a_suspended_person_is_not_practising_first_and_not_callable(
    client, lang, standing, answer
):
    card = card_of(client, "O'Brien", q="O'Brien", show="all", lang=lang)
    said = lines(card)
    assert said.index(standing) < next(i for i, s in enumerate(said) if answer in s)
    assert not card.select(".actions, a[href^='tel:'], a.directions")


def test_someone_who_left_says_so_first_with_the_last_status_as_history(client):
    card = card_of(client, "Lachance", q="Lachance", show="all")
    said = lines(card)
    standing = next(i for i, s in enumerate(said) if s.startswith("No longer on the register"))
    assert said[standing].endswith("Last listed as “Practising”.")
    assert "no, not practising" in said[standing + 1]
    status = card.select_one("details dl").get_text()
    assert "Last listed as “Practising”" in status
    assert "Practising" not in status.replace("Last listed as “Practising”", "")
    assert not card.select(".actions, a[href^='tel:'], a.directions")


def test_patients_do_not_find_people_who_may_not_practise_unless_asked(client):
    assert not cards(client, q="Lachance")
    assert not cards(client, q="O'Brien")
    names = [c.select_one("h2.name").get_text() for c in cards(client, city="Halifax", show="all")]
    assert names == ["Ann MacDonald", "Rory MacIsaac"]


def test_the_practitioner_page_says_not_practising_first_without_calls(client):
    response = client.get("/p/cpta/20005")
    soup = BeautifulSoup(response.text, "html.parser")
    article = soup.select_one("article.person")
    first = [" ".join(p.get_text().split()) for p in article.find_all("p", recursive=False)][:2]
    assert first == [
        "Not practising: the register says “Suspended”.",
        "May needle now: no, not practising.",
    ]
    assert not article.select(".actions, a[href^='tel:'], a.directions")
    data = json.loads(soup.select_one("script[type='application/ld+json']").string)
    assert data["workLocation"] == [] and data["hasCredential"] == []
    # Someone practising keeps their calls and their place of work.
    soup = BeautifulSoup(client.get("/p/cpta/20001").text, "html.parser")
    assert soup.select("article.person a.call[href^='tel:']")
    data = json.loads(soup.select_one("script[type='application/ld+json']").string)
    assert data["workLocation"][0]["telephone"] == "403-555-0100"


def test_the_api_leaves_out_who_may_not_practise_and_never_says_not_tracked_for_them(client):
    found = client.get("/api/search", params={"city": "Halifax"}).json()
    assert [(r["name"], r["needling"]["answer"]) for r in found["results"]] == [
        ("MacDonald, Ann", "not_tracked")
    ]
    everyone = client.get("/api/search", params={"city": "Halifax", "show": "all"})
    results = everyone.json()["results"]
    assert [(r["name"], r["standing"]["state"], r["needling"]["answer"]) for r in results] == [
        ("MacDonald, Ann", "practising", "not_tracked"),
        ("MacIsaac, Rory", "not_practising", "not_practising"),
    ]
    # Standing comes before anything about needling in each document.
    text = everyone.text
    assert text.index('"standing"') < text.index('"needling":{')
    left = client.get("/api/search", params={"q": "Lachance", "show": "all"}).json()["results"]
    assert left[0]["standing"] == {
        "state": "no_longer_on_register",
        "status": None,
        "last_listed_status": "Practising",
    }
    assert left[0]["needling"]["answer"] == "not_practising"
    # A search by kind counts only people who may practise as "not tracked" there.
    by_kind = client.get("/api/search", params={"city": "Halifax", "kind": "needling"}).json()
    assert [(n["regulator"], n["matches"]) for n in by_kind["not_tracked"]] == [("nscp", 1)]
    bad = client.get("/api/search", params={"city": "Halifax", "show": "everyone"})
    assert bad.status_code == 400 and "show must be practising or all" in bad.json()["error"]


def test_the_openapi_schema_documents_show(client):
    schema = client.get("/api/openapi.json").json()
    params = {p["name"]: p for p in schema["paths"]["/api/search"]["get"]["parameters"]}
    assert params["show"]["schema"]["enum"] == ["practising", "all"]


@pytest.mark.parametrize("typed", ["20002", "#20002", " 20002 "])
def test_a_registration_number_finds_the_person_on_the_page_and_in_the_api(client, typed):
    # Jean Robert holds no needling authorization: the number finds him all the same.
    (card,) = cards(client, q=typed)
    assert card.select_one("h2.name").get_text() == "Jean Robert"
    api = client.get("/api/search", params={"q": typed}).json()
    assert [r["registration_number"] for r in api["results"]] == ["20002"]


def test_a_number_nobody_holds_is_searched_as_words(client):
    assert client.get("/api/search", params={"q": "99999"}).json()["results"] == []
    # Within a province: nobody in Nova Scotia holds Alice Roberts's number.
    api = client.get("/api/search", params={"q": "20001", "province": "NS"}).json()
    assert api["results"] == []
