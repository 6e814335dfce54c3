"""Searches that find nobody say why and what to do next; places typed loosely are understood.
In-process; test_browser.py shows the same pages in Chromium."""

from __future__ import annotations

import sqlite3
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from registry.gazetteer import gazetteer
from registry.lookup.places import _REGULATORS_OF, understand
from registry.lookup.postcodes import AREAS, area
from registry.web.app import create_app
from registry.web.pages import wider
from tests.patients import patient_database


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    path = patient_database(tmp_path_factory.mktemp("empty") / "registry.db")
    with TestClient(create_app(path), raise_server_exceptions=False) as c:
        yield c


def page(client, status=200, **params):
    response = client.get("/", params=params)
    assert response.status_code == status, response.text
    return BeautifulSoup(response.text, "html.parser")


def names(soup) -> list[str]:
    return [h.get_text() for h in soup.select(".result h2.name")]


def words(node) -> str:
    return " ".join(node.get_text(" ").split())


def params(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


@pytest.mark.parametrize("within", ["0", "50"])
@pytest.mark.parametrize(
    ("city", "place", "regulator", "url"),
    [
        ("Moncton", "Moncton, NB", "College of Physiotherapists of New Brunswick", "cptnb.ca"),
        ("Saskatoon", "Saskatoon, SK", "Saskatchewan College of Physical Therapists", "scpt.org"),
        ("Winnipeg", "Winnipeg, MB", "College of Physiotherapists of Manitoba", "cpm.alinity"),
        ("st johns", "St. John's, NL", "Newfoundland", "nlcpt.com"),
        ("Quebec City", "Québec, QC", "Ordre professionnel de la physiothérapie", "oppq.qc.ca"),
    ],
)
def test_a_province_we_do_not_read_yet_says_so_and_links_to_its_college(
    client, city, place, regulator, url, within
):
    soup = page(client, city=city, within=within)
    assert names(soup) == []
    empty = soup.select_one(".empty-not_read")
    assert words(empty.p).startswith(
        f"We do not read the physiotherapy register for {place} yet, so nobody there can be "
        "found here."
    )
    (link,) = empty.select(".elsewhere a")
    assert regulator in link.get_text() and url in link["href"]
    assert link["href"].startswith("https://") and "noopener" in link["rel"]
    assert not soup.select(".notices")  # other provinces' sources are not this answer's reason


def test_an_acupuncture_search_names_the_registers_of_every_profession_that_may(client):
    """A physiotherapist's search is answered with the physiotherapy register only; a search for
    acupuncture, which other professions give, with every register of the place."""
    physio = page(client, city="st johns")
    (link,) = physio.select(".empty-not_read .elsewhere a")
    assert "nlcpt.com" in link["href"]
    acupuncture = page(client, city="st johns", kind="acupuncture")
    empty = acupuncture.select_one(".empty-not_read")
    assert words(empty.p).startswith("We do not read a register that says who may do this in")
    hrefs = sorted(a["href"] for a in empty.select(".elsewhere a"))
    assert any("nlcpt.com" in h for h in hrefs) and any("nlchp.ca" in h for h in hrefs)
    french = page(client, city="st johns", kind="acupuncture", lang="fr")
    assert "registre qui dise qui peut le faire" in words(french.select_one(".empty-not_read p"))


def test_a_province_without_any_register_we_know(client):
    soup = page(client, city="Whitehorse")
    assert words(soup.select_one(".empty-no_register")).startswith(
        "We do not read any physiotherapy register for Whitehorse, YT yet"
    )


@pytest.mark.parametrize("within", ["0", "25"])
def test_washington_has_no_addresses_so_a_search_by_name_is_offered(client, within):
    soup = page(client, city="Seattle", within=within, show="all")
    empty = soup.select_one(".empty-no_addresses")
    assert words(empty.p) == (
        "The register there (Washington State Department of Health) publishes no practice "
        "addresses, so nobody in Seattle, WA can be found by city or distance. Search by name "
        "instead."
    )
    form = empty.select_one("form.by-name")
    assert form["action"] == "/" and form.select_one("label[for=by-name]")
    assert not soup.select(".widen")  # no distance finds an address that is not published
    fields = {i["name"]: i.get("value") for i in form.select("input")}
    assert fields == {"lang": "en", "show": "all", "q": None}
    # Washington's people are found by name.
    assert names(page(client, q="Larsen", show="all")) == ["Kai Larsen"]


@pytest.mark.parametrize("within", ["0", "25"])
def test_a_near_miss_asks_did_you_mean(client, within):
    soup = page(client, 400, city="Calagry", within=within)
    alert = soup.select_one("[role=alert]")
    assert "We do not know a city or town called “Calagry”." in words(alert)
    (link,) = alert.select(".did-you-mean a")
    assert words(alert.select_one(".did-you-mean")) == "Did you mean Calgary, AB ?"
    assert params(link["href"]) == {"city": "Calgary, AB", "lang": "en", "show": "authorized"} | (
        {"within": within} if within != "0" else {}
    )
    # Nothing close: no suggestion, the same message.
    soup = page(client, 400, city="Qwxzyville", within=within)
    assert not soup.select(".did-you-mean")


@pytest.mark.parametrize("typed", ["Red Deer AB", "Reddeer", "RED DEER alberta", "T4N", "t4n 5e1"])
@pytest.mark.parametrize("within", ["0", "25"])
def test_loose_spellings_and_postal_codes_find_the_place(client, typed, within):
    expected = names(page(client, city="Red Deer, AB", within=within))
    assert expected and names(page(client, city=typed, within=within)) == expected
    soup = page(client, city=typed, within=within)
    assert words(soup.select_one(".understood")) == f"Showing Red Deer, AB for “{typed}”."


@pytest.mark.parametrize("typed", ["Saint Albert", "St Albert", "saint-albert", "ST. ALBERT"])
def test_saint_and_st(client, typed):
    assert names(page(client, city=typed, show="all")) == ["Liam O'Brien"]


def test_as_typed_is_not_rewritten(client):
    for typed in ("Red Deer", "Red Deer, Alberta"):
        soup = page(client, city=typed)
        assert names(soup) and not soup.select(".understood")


def test_one_click_widens_the_distance(client):
    soup = page(client, city="Innisfail")  # a town near Red Deer where nobody practises
    assert names(soup) == [] and soup.select_one(".empty .none")
    link = soup.select_one(".widen a")
    assert link.get_text() == "Search within 10 km of Innisfail, AB"
    assert params(link["href"])["within"] == "10"
    link = page(client, **params(link["href"])).select_one(".widen a")
    assert params(link["href"])["within"] == "25"
    found = page(client, **params(link["href"]) | {"within": "50"})
    assert "Alice Roberts" in names(found)
    assert not page(client, city="Innisfail", within="200", q="Nobody").select(".widen a")
    assert wider(200) is None and wider(0) == 10


def test_french(client):
    soup = page(client, city="Moncton", lang="fr")
    assert words(soup.select_one(".empty-not_read p")).startswith(
        "Nous ne lisons pas encore le registre des physiothérapeutes pour Moncton, NB"
    )
    assert words(soup.select_one(".elsewhere a")).startswith(
        "Chercher dans le registre de l'ordre : College of Physiotherapists of New Brunswick"
    )
    soup = page(client, 400, city="Calagry", lang="fr")
    assert words(soup.select_one(".did-you-mean")) == "Vouliez-vous dire Calgary, AB ?"


def test_the_gazetteer_understands_what_people_type():
    g = gazetteer()
    for typed, label in [
        ("St. John's", "St. John's, NL"),
        ("st johns", "St. John's, NL"),
        ("St Johns", "St. John's, NL"),
        ("Saint John", "Saint John, NB"),
        ("Quebec City", "Québec, QC"),
        ("Ville de Québec", "Québec, QC"),
        ("Montreal, Québec", "Montréal, QC"),
        ("Moncton NB", "Moncton, NB"),
        ("Reddeer", "Red Deer, AB"),
    ]:
        assert g.resolve(typed).label == label, typed
    assert [p.label for p in g.near_misses("Sasktoon")] == ["Saskatoon, SK"]


def test_postal_areas():
    assert [area(t) for t in ("T4N", "t4n5e1", "T4N 5E1", "T4", "Red", "T4N 5E")] == [
        "T4N",
        "T4N",
        "T4N",
        None,
        None,
        None,
    ]
    for prefix, (city, region) in AREAS.items():  # every place in the table is in the gazetteer
        assert gazetteer().find(city, region) is not None, prefix


def test_an_area_not_in_the_table_is_placed_by_the_registers_addresses(tmp_path):
    conn = sqlite3.connect(patient_database(tmp_path / "registry.db"))
    # Everyone in the test data practises at a "T2P 1A1" address; T2P is in the table
    # (Calgary), so an area only the registers' addresses know is given to Red Deer's.
    conn.execute("update practice_locations set postal_code = 'T9X 1A1' where city = 'Red Deer'")
    where = understand(conn, "T9X")
    assert (where.name, where.region, where.changed) == ("Red Deer", "AB", True)
    assert understand(conn, "X0X") is None
    assert understand(conn, "T2P").label == "Calgary, AB"
    conn.close()


def test_pages_and_json_are_compressed_above_a_small_size(client):
    big = client.get("/", params={"city": "Red Deer"}, headers={"Accept-Encoding": "gzip"})
    assert big.headers["content-encoding"] == "gzip" and "Alice Roberts" in big.text
    assert "Accept-Encoding" in big.headers["vary"]
    plain = client.get("/", params={"city": "Red Deer"}, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.text == big.text
    small = client.get(
        "/api/cities", params={"prefix": "qwxz"}, headers={"Accept-Encoding": "gzip"}
    )
    assert small.status_code == 200 and "content-encoding" not in small.headers


def test_why_nobody_was_found_reads_a_regulators_registrations_through_their_index(tmp_path):
    """With statistics saying one regulator holds every registration, SQLite chose to scan them
    all to learn whether another regulator's give a city: at 1,000,000 every page that found
    nobody paid 0.2-0.5 s for it (BENCHMARKS.md). The query reads them through their index."""
    path = patient_database(tmp_path / "registry.db")
    conn = sqlite3.connect(path)
    conn.execute("analyze")
    plan = " | ".join(
        row[3] for row in conn.execute(f"explain query plan {_REGULATORS_OF}", ["CA-AB"])
    )
    assert "SEARCH x USING INDEX idx_registrations_regulator_id_registration_number" in plan, plan
    assert "SCAN x" not in plan and "SCAN l" not in plan, plan
    conn.close()
