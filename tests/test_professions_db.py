"""Profession in the database: every registration has one, the register's unless the record
names its own; a database from before professions calls every row a physiotherapist's."""

from __future__ import annotations

from dataclasses import replace

from sqlite_utils import Database

from db import migrations
from db.load import sync_regulators
from scrapers.records import Authorization
from tests.conftest import PEOPLE, load, person

ACUPUNCTURE = Authorization("Acupuncture (scope of practice)", "acupuncture", "scope_of_practice")


def acupuncture_source(settings):
    """A declared register of acupuncturists, whose whole profession needles by scope."""
    return replace(
        settings.sources["cpta"],
        key="ctcma",
        jurisdiction="CA-BC",
        regulator="College of Traditional Chinese Medicine Practitioners and Acupuncturists",
        short_name="CTCMA",
        profession="acupuncturist",
        mechanism="scope_of_practice",
        scope={"Acupuncture (scope of practice)": "acupuncture"},
        wording={},
    )


def test_a_registration_takes_its_registers_profession_unless_it_names_its_own(db, settings):
    sync_regulators(db, [acupuncture_source(settings)])
    load(db, PEOPLE[:2])
    acupuncturist = replace(
        person("a1", "Wong", "Mei", city="Vancouver", regulator="ctcma"),
        authorizations=[ACUPUNCTURE],
    )
    physician = replace(
        person("a2", "Lee", "Sam", city="Vancouver", regulator="ctcma"), profession="physician"
    )
    load(db, [acupuncturist, physician], regulator="ctcma")
    assert db.execute("select id, profession from registrations order by id").fetchall() == [
        ("cpta:r1", "physiotherapist"),
        ("cpta:r2", "physiotherapist"),
        ("ctcma:a1", "acupuncturist"),
        ("ctcma:a2", "physician"),
    ]
    assert db.execute(
        "select registration_id, profession from directory order by registration_id"
    ).fetchall() == [
        ("cpta:r1", "physiotherapist"),
        ("cpta:r2", "physiotherapist"),
        ("ctcma:a1", "acupuncturist"),
        ("ctcma:a2", "physician"),
    ]
    assert db.execute(
        "select profession, mechanism, scope, needling from regulators where id = 'ctcma'"
    ).fetchone() == (
        "acupuncturist",
        "scope_of_practice",
        '{"Acupuncture (scope of practice)": "acupuncture"}',
        "tracked",
    )


def test_a_changed_profession_is_written_on_the_next_run(db):
    load(db, PEOPLE[:1])
    load(db, [replace(PEOPLE[0], profession="occupational_therapist")])
    assert db.execute("select profession from registrations").fetchall() == [
        ("occupational_therapist",)
    ]
    assert db.execute("select profession from directory").fetchall() == [
        ("occupational_therapist",)
    ]


def test_the_migration_calls_every_existing_row_a_physiotherapists(tmp_path):
    database = Database(tmp_path / "old.db")
    migrations.migrations.apply(database, stop_before="m015_professions")
    database.execute(
        "insert into regulators (id, jurisdiction, name, platform, needling) "
        "values ('cpta', 'CA-AB', 'Physiotherapy Alberta', 'alinity', 'tracked')"
    )
    database.execute(
        "insert into registrations (id, regulator_id, registrant_id, name) "
        "values ('cpta:1', 'cpta', '1', 'Roberts, Alice')"
    )
    database.execute(
        "insert into directory (id, registration_id, regulator_id, name) "
        "values (1, 'cpta:1', 'cpta', 'Roberts, Alice')"
    )
    migrations.migrate(database)
    assert database.execute("select profession from regulators").fetchall() == [
        ("physiotherapist",)
    ]
    assert database.execute("select profession from registrations").fetchall() == [
        ("physiotherapist",)
    ]
    assert database.execute("select profession from directory").fetchall() == [("physiotherapist",)]
