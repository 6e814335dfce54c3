"""The place summaries: counted as a first import writes its records, they are the rows the
summary's query gives; any other run leaves them to the query."""

from __future__ import annotations

import pytest

import db.load as load_module
from db import summaries
from scrapers.records import Authorization, Location
from tests.conftest import load, person, with_changes

DRY = Authorization("Dry Needling", "dry_needling", "roster")
ACU = Authorization("Acupuncture", "acupuncture", "roster")


def _varied():
    """Records of every shape the counting must treat as the query does."""
    base = [person(f"v{i}", f"Family{i}", "Given") for i in range(12)]
    here = Location("Clinic", "1 Main St", "Red Deer", "AB")
    return [
        base[0],  # one location, one authorization
        with_changes(base[1], authorizations=[DRY, ACU]),  # two kinds
        with_changes(base[2], authorizations=[DRY, DRY]),  # one kind, twice: counted once
        with_changes(base[3], locations=[here, here]),  # one place, twice: counted once
        with_changes(
            base[4],
            authorizations=[DRY, ACU],
            locations=[here, Location("Clinic", "2 Main St", "Calgary", "AB")],
        ),
        with_changes(base[5], locations=[]),  # no location: the regulator's province, no city
        with_changes(base[6], locations=[Location("Clinic", None, None, None)]),  # neither named
        with_changes(base[7], locations=[Location("Clinic", None, "Red Deer", None)]),
        with_changes(base[8], status="Suspended", status_class="suspended"),
        with_changes(base[9], authorizations=[]),  # holds none: not counted
        with_changes(base[10], locations=[Location("Clinic", None, "Red Deer", "")]),  # "" kept
        with_changes(base[11], status="Non-Practising", status_class="non_practising"),
    ]


def _rows(db):
    return sorted(
        db.execute(
            "select regulator_id, province, city, kind, registrations, practising "
            "from place_authorizations order by 1, 2, 3, 4"
        ).fetchall(),
        key=lambda row: tuple("" if v is None else str(v) for v in row),
    )


def _by_query(db):
    """The rows as the summary's query makes them, from what the database holds."""
    with db.conn:
        summaries.refresh(db.conn, "cpta")
    return _rows(db)


def test_a_first_import_counts_the_rows_the_query_would(db, monkeypatch):
    def no_query(conn, regulator_id):
        raise AssertionError("a first import counts its summaries as it writes")

    monkeypatch.setattr(summaries, "refresh", no_query)
    load(db, _varied())
    counted = _rows(db)
    monkeypatch.undo()
    assert counted == _by_query(db)
    assert counted == [
        ("cpta", "", "Red Deer", "needling", 1, 1),  # a province of "" is a province
        ("cpta", "AB", "", "needling", 2, 2),  # no location; a location naming neither
        ("cpta", "AB", "Calgary", "acupuncture", 2, 2),
        ("cpta", "AB", "Calgary", "dry_needling", 3, 3),  # one kind held twice: once
        ("cpta", "AB", "Calgary", "needling", 3, 1),  # suspended, non-practising
        ("cpta", "AB", "Red Deer", "acupuncture", 1, 1),
        ("cpta", "AB", "Red Deer", "dry_needling", 1, 1),
        ("cpta", "AB", "Red Deer", "needling", 2, 2),  # one place listed twice: once
    ]


def test_a_later_run_is_counted_by_the_query(db):
    records = _varied()
    load(db, records)
    moved = [with_changes(r, locations=[Location("C", None, "Banff", "AB")]) for r in records[:4]]
    load(db, moved + records[4:])
    rows = _rows(db)
    assert rows == _by_query(db)
    assert ("cpta", "AB", "Banff", "dry_needling", 2, 2) in rows  # v1 and v2
    assert ("cpta", "AB", "Banff", "needling", 2, 2) in rows  # v0 and v3


def test_a_record_listed_again_in_a_first_import_is_counted_once_as_first_listed(db, monkeypatch):
    monkeypatch.setattr(load_module, "BATCH", 5)  # listed again in a later batch
    records = _varied()
    again = with_changes(records[0], locations=[Location("C", None, "Banff", "AB")])
    load(db, [*records, again])
    rows = _rows(db)
    assert rows == _by_query(db)
    assert not any(row[2] == "Banff" for row in rows)  # the first listing stands (db.load._once)


def test_past_the_kept_rows_the_query_counts(db, monkeypatch):
    monkeypatch.setattr(summaries.PlaceCounts, "KEPT", 2)
    load(db, _varied())
    rows = _rows(db)
    assert len(rows) > 2
    assert rows == _by_query(db)


@pytest.mark.parametrize("jurisdiction, home", [("CA-AB", "AB"), ("AB", ""), (None, None)])
def test_a_location_without_province_is_placed_in_the_regulators(jurisdiction, home):
    counts = summaries.PlaceCounts(jurisdiction)
    counts.add([with_changes(person("x", "F", "G"), locations=[])])
    assert counts.rows == {(home, "", "needling"): [1, 1]}
