"""Register-published coordinates (OPPQ's map markers): stored, hashed only where present, and
used by "near a city" instead of the gazetteer's centre of the practice city."""

from __future__ import annotations

from dataclasses import replace

from starlette.testclient import TestClient

from db.history import snapshot, state_of
from registry.web.app import create_app
from tests.conftest import load, person

# Quebec City's Vieux-Port, published for a location whose city line says "Montréal".
QUEBEC_CITY = (46.8139, -71.2080)


def placed(rid: str, family: str, city: str, point: tuple[float, float] | None):
    record = person(rid, family, "Ana", city=city)
    location = record.locations[0]
    if point:
        location = replace(location, province="QC", latitude=point[0], longitude=point[1])
    else:
        location = replace(location, province="QC")
    return replace(record, regulator="cpta", locations=[location])


def test_coordinates_change_the_hash_only_where_published():
    plain = person("h1", "Hash", "Ana")
    # What content() gave before coordinates existed: the six published fields.
    assert plain.content()[-1] == [list(vars(plain.locations[0]).values())[:6]]
    with_point = replace(
        plain, locations=[replace(plain.locations[0], latitude=1.0, longitude=2.0)]
    )
    assert with_point.content_hash() != plain.content_hash()
    assert with_point.content()[-1][0][-2:] == [1.0, 2.0]


def test_coordinates_are_stored_and_kept_in_history_without_spurious_changes(db):
    record = placed("q1", "Lavoie", "Montréal", QUEBEC_CITY)
    load(db, [record])
    (row,) = db.query("select latitude, longitude from practice_locations")
    assert (row["latitude"], row["longitude"]) == QUEBEC_CITY
    assert snapshot(db.conn, ["cpta:q1"])["cpta:q1"]["locations"] == state_of(record)["locations"]
    plain = person("q2", "Roy", "Ana", city="Calgary")
    load(db, [plain])
    assert "latitude" not in snapshot(db.conn, ["cpta:q2"])["cpta:q2"]["locations"][0]


def test_near_search_places_a_city_at_its_published_coordinates(db, tmp_path):
    load(
        db,
        [
            placed("q1", "Lavoie", "Montréal", QUEBEC_CITY),  # coordinates win over the name
            placed("q2", "Gagnon", "Hameau-Inconnu", (45.52, -73.60)),  # no gazetteer entry
            placed("q3", "Roy", "Laval", None),  # gazetteer, as before
        ],
    )
    with TestClient(create_app(tmp_path / "registry.db")) as c:

        def found(near):
            body = c.get("/api/search", params={"near": near, "km": "40"}).json()
            return sorted(r["name"] for r in body["results"])

        assert found("Montréal, QC") == ["Gagnon, Ana", "Roy, Ana"]
        assert found("Québec, QC") == ["Lavoie, Ana"]
