"""History: versions and events between consecutive runs, and states on past dates."""

from __future__ import annotations

import json

from db.history import state_at
from scrapers.records import Authorization, Location
from tests.conftest import PEOPLE, load, person, with_changes

DRY = Authorization("Dry Needling", "dry_needling", "roster")


def events(db, run_id=None):
    sql = "select registration_id, kind, detail from events"
    rows = db.execute(
        sql + (" where run_id = ?" if run_id else "") + " order by id", [run_id] if run_id else []
    ).fetchall()
    return [(rid.split(":")[1], kind, json.loads(detail)) for rid, kind, detail in rows]


def test_baseline_run_records_no_events_or_versions(db):
    load(db, PEOPLE)
    assert events(db) == []
    assert db.table("registration_versions").count == 0


def test_unchanged_rerun_writes_no_history(db):
    load(db, PEOPLE)
    load(db, PEOPLE)
    assert events(db) == [] and db.table("registration_versions").count == 0


def test_every_kind_of_change_becomes_an_event(db):
    load(db, PEOPLE)
    second = [
        with_changes(PEOPLE[0], status="Suspended", status_class="suspended"),
        with_changes(PEOPLE[1], authorizations=[DRY]),
        with_changes(PEOPLE[2], authorizations=[]),
        with_changes(PEOPLE[3], conditions=["Supervision"]),
        with_changes(
            PEOPLE[4],
            locations=[Location("New Clinic", "2 Main", "Airdrie", "AB", "T4B 0A1", None)],
        ),
        PEOPLE[5],
        PEOPLE[6],
        # r8 leaves; r9 appears
        person("r9", "Zhang", "Wei", number="20009"),
    ]
    run_id, counts = load(db, second)
    assert (counts.added, counts.changed, counts.removed) == (1, 5, 1)
    got = [(rid, kind) for rid, kind, _ in events(db, run_id)]
    assert got == [
        ("r1", "status_changed"),
        ("r2", "authorization_granted"),
        ("r3", "authorization_removed"),
        ("r4", "conditions_changed"),
        ("r5", "location_changed"),
        ("r9", "appeared"),
        ("r8", "left"),
    ]
    details = {rid: detail for rid, _, detail in events(db, run_id)}
    assert details["r1"] == {
        "before": "Practising",
        "after": "Suspended",
        "after_class": "suspended",
    }
    assert details["r2"] == {
        "authorization": {"wording": "Dry Needling", "kind": "dry_needling", "mechanism": "roster"}
    }
    assert details["r4"] == {"before": [], "after": ["Supervision"]}
    assert details["r8"]["before"]["name"] == "Lévesque, Hélène"
    assert db.table("registration_versions").count == 6


def test_state_on_a_past_date(db):
    load(db, PEOPLE, now="2026-01-10T00:00:00Z")
    load(
        db,
        [with_changes(PEOPLE[0], status="Suspended", status_class="suspended"), *PEOPLE[1:7]],
        now="2026-03-01T00:00:00Z",
    )
    assert state_at(db.conn, "cpta:r1", "2026-01-01T00:00:00Z") is None  # before first seen
    january = state_at(db.conn, "cpta:r1", "2026-02-01T00:00:00Z")
    assert january["status"] == "Practising" and january["on_register"] is True
    assert (january["valid_from"], january["valid_to"]) == (
        "2026-01-10T00:00:00Z",
        "2026-03-01T00:00:00Z",
    )
    assert january["authorizations"][0]["wording"] == "Using needles in practice"
    march = state_at(db.conn, "cpta:r1", "2026-03-05T00:00:00Z")
    assert march["status"] == "Suspended" and march["valid_to"] is None
    gone = state_at(db.conn, "cpta:r8", "2026-03-05T00:00:00Z")
    assert gone["on_register"] is False and gone["name"] == "Lévesque, Hélène"
    assert state_at(db.conn, "cpta:r8", "2026-02-01T00:00:00Z")["on_register"] is True


def test_leaver_who_returns(db):
    load(db, PEOPLE)
    load(db, PEOPLE[:-1])
    run_id, counts = load(db, PEOPLE)
    assert counts.changed == 1
    assert [(rid, kind) for rid, kind, _ in events(db, run_id)] == [("r8", "returned")]
