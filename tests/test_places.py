"""Map coordinates for every practice location (db/places.py): the register's where it gives
them, else the gazetteer's centre of the city, filled in the transaction that applies a run."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlite_utils import Database

from db.load import apply_run, finish_run, start_run
from db.migrations import migrations
from registry.gazetteer import city_centre
from tests.conftest import person

CENTRES = {("Red Deer", "AB"): (52.27, -113.81), ("Calgary", "AB"): (51.05, -114.09)}


def locations(db) -> list[tuple]:
    return db.execute(
        "select r.registrant_id, l.city, l.map_latitude, l.map_longitude "
        "from practice_locations l join registrations r on r.id = l.registration_id "
        "order by r.registrant_id"
    ).fetchall()


def run(db, records, locate, now="2026-03-01T10:00:00Z"):
    run_id = start_run(db, "cpta")
    counts = apply_run(db, "cpta", run_id, records, now=now, locate=locate)
    finish_run(db, run_id, "success", "test", requests=0, errors=[], counts={})
    return counts


_RED_DEER = person("q1", "Gagnon", "Luc", city="Red Deer")
PLACED = replace(
    _RED_DEER, locations=[replace(_RED_DEER.locations[0], latitude=52.3, longitude=-113.9)]
)
PEOPLE = [
    person("a1", "Roberts", "Alice", city="Red Deer"),
    person("a2", "Robert", "Jean", city="Calgary"),
    person("a3", "Nowhere", "Ann", city="Atlantis"),
    PLACED,
]


def test_the_register_coordinates_win_and_the_city_centre_fills_the_rest(db):
    asked = []

    def locate(city, province):
        asked.append((city, province))
        return CENTRES.get((city, province))

    run(db, PEOPLE, locate)
    assert locations(db) == [
        ("a1", "Red Deer", 52.27, -113.81),
        ("a2", "Calgary", 51.05, -114.09),
        ("a3", "Atlantis", None, None),  # the gazetteer does not know it: off the map
        ("q1", "Red Deer", 52.3, -113.9),  # the register's own point
    ]
    # One lookup per place, not per location.
    assert sorted(asked) == [("Atlantis", "AB"), ("Calgary", "AB"), ("Red Deer", "AB")]


def test_without_a_lookup_only_the_register_coordinates_are_mapped(db):
    run(db, PEOPLE, None)
    assert [row[2:] for row in locations(db)] == [(None, None)] * 3 + [(52.3, -113.9)]


def test_a_later_run_places_what_an_earlier_one_could_not(db):
    run(db, PEOPLE, None)
    # The same register again: nothing changed, yet the locations get their city's centre.
    counts = run(db, PEOPLE, lambda *place: CENTRES.get(place), now="2026-04-01T10:00:00Z")
    assert counts.unchanged == 4
    assert [row[2:] for row in locations(db)] == [
        (52.27, -113.81),
        (51.05, -114.09),
        (None, None),
        (52.3, -113.9),
    ]
    # Only the unplaced locations are looked up again, through the partial index.
    plan = " ".join(
        row[3]
        for row in db.execute(
            "explain query plan select distinct city, province from practice_locations "
            "where map_latitude is null and city is not null and province is not null"
        )
    )
    assert "practice_locations_unplaced" in plan


def test_the_migration_maps_the_register_coordinates_already_stored(tmp_path):
    db = Database(tmp_path / "old.db")
    migrations.apply(db, stop_before="m012_map_coordinates")
    db.execute(
        "insert into practice_locations (registration_id, position, city, province, latitude, "
        "longitude) values ('oppq:1', 0, 'Laval', 'QC', 45.6, -73.7), "
        "('cpta:1', 0, 'Red Deer', 'AB', null, null)"
    )
    migrations.apply(db)
    assert db.execute(
        "select city, map_latitude, map_longitude from practice_locations order by id"
    ).fetchall() == [("Laval", 45.6, -73.7), ("Red Deer", None, None)]


@pytest.mark.parametrize(
    ("city", "province", "near"),
    [("Red Deer", "AB", (52.27, -113.81)), ("Halifax", "NS", (44.65, -63.57))],
)
def test_the_gazetteer_gives_a_city_centre(city, province, near):
    latitude, longitude = city_centre(city, province)
    assert abs(latitude - near[0]) < 0.1 and abs(longitude - near[1]) < 0.1
    assert city_centre("Atlantis", "AB") is None


def test_a_persons_locations_of_every_shape_are_stored_as_published(db):
    """Locations with the register's coordinates, with only one of them, placed from the lookup
    and not placed at all are written by different statements (db/load.py `_location_rows`):
    each keeps its position and every field, and nulls stay null."""
    base = _RED_DEER.locations[0]
    shapes = [
        replace(base, city="Atlantis"),  # unknown to the lookup: off the map
        replace(base, latitude=52.3, longitude=-113.9),  # the register's own point
        replace(base, city="Calgary", phone=None),  # the lookup's centre
        replace(base, latitude=52.3),  # half a point: kept as published, placed by its city
    ]
    run(db, [replace(_RED_DEER, locations=shapes)], lambda city, prov: CENTRES.get((city, prov)))
    stored = db.execute(
        "select position, city, phone, latitude, longitude, map_latitude, map_longitude "
        "from practice_locations order by position"
    ).fetchall()
    assert stored == [
        (0, "Atlantis", "403-555-0100", None, None, None, None),
        (1, "Red Deer", "403-555-0100", 52.3, -113.9, 52.3, -113.9),
        (2, "Calgary", None, None, None, 51.05, -114.09),
        (3, "Red Deer", "403-555-0100", 52.3, None, 52.27, -113.81),
    ]
