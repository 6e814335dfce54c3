"""A practitioner's page and API address where registration numbers are masked (Ontario's
"XXX45", shared by several people) or not published (Nova Scotia's, Quebec's): keyed by the
regulator's own id, never resolving to somebody else."""

from __future__ import annotations

from dataclasses import replace

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from db import open_db
from db.load import sync_regulators
from registry.web.app import create_app
from scrapers.sources import load_settings
from tests.conftest import load, person


def ontario(rg: str, family: str, given: str, number: str):
    record = person(rg, family, given, number=number, city="Toronto", regulator="cpo")
    return replace(record, locations=[replace(record.locations[0], province="ON")])


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    path = tmp_path_factory.mktemp("keys") / "registry.db"
    db = open_db(path)
    sync_regulators(db, load_settings().sources.values())
    load(
        db,
        [
            ontario("guid-ann", "Lam", "Ann", "XXX45"),
            ontario("guid-bo", "Lam", "Bo", "XXX45"),
            ontario("guid-cy", "Lee", "Cy", "XXX77"),
        ],
        regulator="cpo",
    )
    unnumbered = person("n9", "MacKay", "Flora", city="Halifax", regulator="nscp")
    load(db, [replace(unnumbered, registration_number=None)], regulator="nscp")
    db.close()
    with TestClient(create_app(path), raise_server_exceptions=False) as c:
        yield c


def card_links(client, **params) -> dict[str, str]:
    soup = BeautifulSoup(client.get("/", params=params).text, "html.parser")
    return {a.get_text(): a["href"] for a in soup.select(".result h2.name a")}


def test_people_sharing_a_masked_number_each_have_their_own_page(client):
    links = card_links(client, q="Lam", show="all")
    assert links == {
        "Ann Lam": "/p/cpo/guid-ann?lang=en",
        "Bo Lam": "/p/cpo/guid-bo?lang=en",
    }
    for name, href in links.items():
        page = BeautifulSoup(client.get(href).text, "html.parser")
        assert page.h1.get_text() == name
        api = page.select_one("a[href^='/api/registrations/']")["href"]
        assert client.get(api).json()["given_names"] == name.split()[0]


def test_a_masked_number_never_stands_for_one_of_several_people(client):
    assert client.get("/p/cpo/XXX45").status_code == 404
    response = client.get("/api/registrations/cpo/XXX45")
    assert response.status_code == 409
    assert "use the registration's id" in response.json()["error"]
    assert client.get("/api/registrations/cpo/XXX45/history").status_code == 409
    # A masked number only one person has still finds them; so does the id.
    assert client.get("/api/registrations/cpo/XXX77").json()["name"] == "Lee, Cy"
    assert client.get("/api/registrations/cpo/guid-ann").json()["name"] == "Lam, Ann"
    assert client.get("/api/registrations/cpo/guid-ann/history").status_code == 200


def test_a_register_without_numbers_still_gets_pages(client):
    links = card_links(client, q="MacKay", show="all")
    assert links == {"Flora MacKay": "/p/nscp/n9?lang=en"}
    assert client.get("/p/nscp/n9").status_code == 200
    assert client.get("/p/nscp/nobody").status_code == 404
