"""m013: Datasette's registrations page (metadata sort: sort_key, then id for its next pages)
reads the index in order instead of sorting the whole table, on a new database and on one
migrated from m012 with rows in it."""

from __future__ import annotations

from sqlite_utils import Database

from db import migrations as m
from db.load import sync_regulators
from tests.conftest import PEOPLE, load

# The SQL Datasette 0.65 runs for the first page and for the next ones (?_next=).
FIRST = "select * from registrations order by sort_key limit 2"
NEXT = (
    "select * from registrations where (sort_key > :s or (sort_key = :s and id > :p)) "
    "order by sort_key, id limit 2"
)


def plan(db: Database, sql: str) -> str:
    rows = db.execute(f"explain query plan {sql}", {"s": "m", "p": "x"}).fetchall()
    return " | ".join(row[-1] for row in rows)


def test_the_registrations_pages_read_the_sort_index(loaded):
    for sql in (FIRST, NEXT):
        steps = plan(loaded, sql)
        assert "registrations_sort_key" in steps, steps
        assert "TEMP B-TREE" not in steps, steps
    everyone = sorted(
        loaded.query("select sort_key, id, name from registrations"),
        key=lambda r: (r["sort_key"], r["id"]),
    )
    assert [r["name"] for r in loaded.query(FIRST)] == [r["name"] for r in everyone[:2]]


def test_m013_adds_the_index_to_a_database_with_rows(tmp_path, settings):
    database = Database(tmp_path / "old.db")
    m.migrations.apply(database, stop_before="m013_registrations_sort_index")
    m.m015_professions(database)  # the columns today's sync and load write
    m.m016_directory_status_class(database)
    sync_regulators(database, settings.sources.values())
    load(database, PEOPLE)
    assert "TEMP B-TREE" in plan(database, FIRST)
    m.migrations.apply(database)
    assert "registrations_sort_key" in plan(database, FIRST)
    assert database.execute("select count(*) from registrations").fetchone()[0] == len(PEOPLE)
