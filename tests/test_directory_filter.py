"""The narrow table a search counts through (db/directory.py FILTER_SCHEMA) says, for every
directory row, what the row itself says, whatever a run did to the row."""

from __future__ import annotations

from dataclasses import replace

from sqlite_utils import Database

from db import migrations
from db.directory import in_practice_sql
from db.load import sync_regulators
from tests.conftest import load, person


def in_step(db) -> list[tuple]:
    """The filter table's rows, after checking that they are the directory's."""
    expected = db.execute(
        f"select id, coalesce({in_practice_sql()}, 0), profession from directory order by id"
    ).fetchall()
    found = db.execute(
        "select id, in_practice, profession from directory_filter order by id"
    ).fetchall()
    assert found == expected
    return found


def test_the_filter_follows_every_change_a_run_makes(db):
    ann, bo, cy = (
        person("a", "Abbott", "Ann"),
        person("b", "Baker", "Bo"),
        person("c", "Cole", "Cy"),
    )
    load(db, [ann, bo, cy])  # a first import: rows staged, then inserted in order
    assert [row[1] for row in in_step(db)] == [1, 1, 1]
    suspended = replace(bo, status="Suspended", status_class="suspended")
    renamed = replace(ann, name="Zimmer, Ann", family_name="Zimmer")  # moves to another row id
    load(db, [renamed, suspended, cy])
    rows = in_step(db)
    assert len(rows) == 3 and sorted(row[1] for row in rows) == [0, 1, 1]
    load(db, [renamed, suspended])  # Cy leaves the register
    assert sorted(row[1] for row in in_step(db)) == [0, 0, 1]
    load(db, [renamed, replace(suspended, status="Practising", status_class="practising")])
    assert sorted(row[1] for row in in_step(db)) == [0, 1, 1]


def test_a_first_import_beside_another_registers_rows_fills_the_filter_from_its_own(db):
    """Into an empty directory the filter is read from the table itself; beside another
    register's rows, from the staged rows alone."""
    load(db, [person("x", "Xu", "Li", regulator="chcpbc")], regulator="chcpbc")
    people = [
        person("a", "Abbott", "Ann"),
        person("b", "Baker", "Bo", status_class="suspended"),
        person("c", "Cole", "Cy"),
    ]
    load(db, people)  # more rows staged than the table had: built in bulk
    assert [row[1] for row in in_step(db)] == [1, 0, 1, 1]


def test_the_migration_fills_the_filter_for_rows_made_before_it(tmp_path, settings):
    database = Database(tmp_path / "registry.db")
    migrations.migrations.apply(database, stop_before="m018_directory_filter")
    sync_regulators(database, settings.sources.values())
    load(
        database,
        [person("a", "Abbott", "Ann"), person("b", "Baker", "Bo", status_class="suspended")],
    )
    migrations.migrate(database)
    assert sorted(row[1] for row in in_step(database)) == [0, 1]
