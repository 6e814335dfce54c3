"""One understanding of a place (registry/lookup/places.py): the same typed place gives the same
people
on the search page and in /api/search, whether typed in the city box, given as `city` or
`near`, or written in the name box with other words."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from registry.lookup.places import understand_query
from registry.lookup.search import Query
from registry.web.app import create_app
from tests.patients import patient_database

RED_DEER = [
    "Côté, Anne-Marie",
    "Lévesque, Hélène",
    "Roberts, Alice",
    "<script>alert(1)</script>, Eve",
]


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    return patient_database(tmp_path_factory.mktemp("places") / "registry.db")


@pytest.fixture(scope="module")
def client(path):
    with TestClient(create_app(path), raise_server_exceptions=False) as c:
        yield c


def page_names(client, **params) -> list[str]:
    response = client.get("/", params={"show": "all", **params})
    assert response.status_code == 200, response.text
    soup = BeautifulSoup(response.text, "html.parser")
    return sorted(r.get_text(" ", strip=True) for r in soup.select(".result .register-name"))


def api_names(client, **params) -> list[str]:
    response = client.get("/api/search", params=params)
    assert response.status_code == 200, response.text
    return sorted(r["name"] for r in response.json()["results"])


SPELLINGS = [
    "Red Deer",
    "red deer",
    "Reddeer",
    "Red Deer AB",
    "Red Deer, AB",
    "Red Deer Alberta",
    "T4N",
    "T4N 1A1",
]


@pytest.mark.parametrize("typed", SPELLINGS)
def test_a_city_typed_any_way_finds_the_same_people_on_the_page_and_in_the_api(client, typed):
    everyone = api_names(client, city="Red Deer", province="AB")
    assert len(everyone) == 4
    assert page_names(client, city=typed) == everyone
    assert api_names(client, city=typed) == everyone
    # Near a place: the same understanding of its centre.
    near = api_names(client, near="Red Deer, AB", km="10")
    assert page_names(client, city=typed, within="10") == near
    assert api_names(client, near=typed, km="10") == near


@pytest.mark.parametrize(
    "typed",
    [
        "physiotherapist Red Deer",
        "physio in Reddeer",
        "physiothérapeute Red Deer AB",
        "Red Deer physical therapist",
        "T4N 1A1",
        "physiotherapist T4N",
    ],
)
def test_a_place_in_the_name_box_is_understood_as_the_city_box_understands_it(client, typed):
    everyone = api_names(client, city="Red Deer")
    assert page_names(client, q=typed) == everyone
    assert api_names(client, q=typed) == everyone
    answer = client.get("/api/search", params={"q": typed}).json()
    assert (answer["place"]["name"], answer["place"]["region"]) == ("Red Deer", "AB")


def test_a_kind_and_a_place_in_the_name_box(client):
    authorized = api_names(client, city="Red Deer", kind="dry_needling")
    assert "Roberts, Alice" in authorized and "Lévesque, Hélène" not in authorized
    assert api_names(client, q="dry needling Reddeer") == authorized
    assert page_names(client, q="dry needling Reddeer") == authorized
    # A name and a place: the name narrows the people in that place.
    assert api_names(client, q="Roberts Red Deer") == ["Roberts, Alice"]
    assert page_names(client, q="physio Alice Roberts Calgary") == []


def test_a_misspelt_place_in_the_name_box_is_answered_as_in_the_city_box(client):
    for params in ({"city": "Calagry"}, {"q": "dry needling Calagry"}):
        response = client.get("/api/search", params=params)
        assert response.status_code == 400
        assert "did you mean Calgary, AB?" in response.json()["error"]
        page = client.get("/", params=params)
        assert page.status_code == 400
        soup = BeautifulSoup(page.text, "html.parser")
        link = soup.select_one(".did-you-mean a")
        assert link.get_text() == "Calgary, AB"
    # The suggestion keeps the kind the name box asked for, and leaves the misspelling out.
    follow = client.get(link["href"])
    assert follow.status_code == 200
    assert "kind=dry_needling" in link["href"] and "Calagry" not in link["href"]


def test_a_name_is_looked_for_as_a_name_not_a_place(path):
    conn = sqlite3.connect(path)
    # "Roberts" is a town in the US gazetteer; here it is a name on the register.
    understood = understand_query(conn, Query(q="Roberts"))
    assert (understood.query.q, understood.query.city, understood.where) == ("Roberts", None, None)
    # A name the registers do not hold, alone, is not read as a US town either.
    understood = understand_query(conn, Query(q="Taylor"))
    assert understood.where is None and understood.query.q == "Taylor"
    # The profession's words are left out, the kind's become the kind.
    understood = understand_query(conn, Query(q="physiotherapist dry needling Roberts"))
    assert (understood.query.q, understood.query.kind) == ("roberts", "dry_needling")
    conn.close()


def test_the_page_holds_no_understanding_of_its_own():
    """The page uses the domain's understanding of a place, as the API does: one home."""
    from registry.lookup import places
    from registry.web import pages

    assert pages.why_empty is places.why_empty
    assert not hasattr(pages, "understand") and not hasattr(pages, "near_misses")
    assert "_REGULATORS_OF" not in Path(pages.__file__).read_text()
