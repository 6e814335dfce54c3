"""The directory row holds its registration's status class (m016), so that "may be practising"
is read off the directory alone; it follows every change of standing."""

from __future__ import annotations

from dataclasses import replace

from db import migrations
from tests.conftest import PEOPLE, load


def pairs(db) -> list[tuple]:
    return list(
        db.execute(
            "select d.registration_id, d.status_class, r.status_class from directory d "
            "join registrations r on r.id = d.registration_id order by 1"
        ).fetchall()
    )


def test_the_directory_follows_each_change_of_standing(db):
    load(db, PEOPLE)
    assert pairs(db) and all(mine == theirs for _, mine, theirs in pairs(db))
    suspended = [replace(PEOPLE[0], status="Suspended", status_class="suspended"), *PEOPLE[1:]]
    load(db, suspended)
    rows = {rid: mine for rid, mine, theirs in pairs(db) if mine == theirs}
    assert len(rows) == len(PEOPLE)
    assert rows[f"cpta:{PEOPLE[0].registrant_id}"] == "suspended"


def test_m016_fills_the_status_class_of_existing_rows(db):
    load(db, PEOPLE)
    db.execute("update directory set status_class = null")
    migrations.m016_directory_status_class(db)
    assert all(mine == theirs and mine for _, mine, theirs in pairs(db))
