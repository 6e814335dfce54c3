"""The practice cities are kept per database file until its data changes
(registry/lookup/cities.py): a connection that has seen no commit since it last asked is
answered without reading the version again, and any commit, by another connection or by
itself, is seen at once."""

from __future__ import annotations

from db import open_db
from db.connections import read_only
from db.load import sync_regulators
from registry.lookup import cities
from tests.conftest import load, person


def names(conn) -> set[str]:
    return {c.name for c in cities.cities(conn)}


def test_a_reader_sees_the_cities_of_an_import_made_by_another_connection(tmp_path, db):
    load(db, [person("a1", "Abbott", "Ann", city="Calgary")])
    reader = read_only(tmp_path / "registry.db")
    try:
        assert names(reader) == {"Calgary"}
        assert names(reader) == {"Calgary"}  # asked again, nothing changed
        load(db, [person("a1", "Abbott", "Ann", city="Calgary")] + [person("b1", "Bo", "Li")])
        assert names(reader) == {"Calgary"}  # a run that adds no city
        calgary, red_deer = person("a1", "Abbott", "Ann"), person("c1", "Cy", "Wu", city="Red Deer")
        load(db, [calgary, red_deer])
        assert names(reader) == {"Calgary", "Red Deer"}
    finally:
        reader.close()


def test_the_writing_connection_sees_its_own_import(db):
    load(db, [person("a1", "Abbott", "Ann", city="Calgary")])
    assert names(db.conn) == {"Calgary"}
    load(db, [person("a1", "Abbott", "Ann", city="Lethbridge")])
    assert names(db.conn) == {"Lethbridge"}


def test_two_databases_keep_their_own_cities(tmp_path, db, settings):
    load(db, [person("a1", "Abbott", "Ann", city="Calgary")])
    other = tmp_path / "other"
    other.mkdir()
    second = open_db(other / "registry.db")
    try:
        sync_regulators(second, settings.sources.values())
        load(second, [person("z1", "Zed", "Al", city="Banff")])
        first_reader = read_only(tmp_path / "registry.db")
        second_reader = read_only(other / "registry.db")
        try:
            assert names(first_reader) == {"Calgary"}
            assert names(second_reader) == {"Banff"}
            assert names(first_reader) == {"Calgary"}
        finally:
            first_reader.close()
            second_reader.close()
    finally:
        second.close()
