"""Saved queries at scale: summaries kept by the importer, and one registration by id or number."""

from __future__ import annotations

from db import summaries
from registry.releases.queries import QUERIES
from tests.conftest import PEOPLE, load, person, with_changes

# The aggregate straight from the raw tables: the summary must always agree with it.
RAW_PLACES = """
select
  coalesce(l.province, substr(g.jurisdiction, 4)) as province,
  coalesce(l.city, '') as city,
  a.kind,
  count(distinct r.id) as registrations,
  count(distinct case when r.status_class = 'practising' then r.id end) as practising
from authorizations a
join registrations r on r.id = a.registration_id
join regulators g on g.id = r.regulator_id
left join practice_locations l on l.registration_id = r.id
where r.removed_at is null
group by 1, 2, 3
order by province, city, kind
"""


def run(db, name: str, **params) -> list[dict]:
    return [dict(row) for row in db.query(QUERIES[name].sql, params)]


def places(db, province: str = "", kind: str = "") -> list[dict]:
    return run(db, "authorizations_by_place", province=province, kind=kind)


def test_authorizations_by_place_reads_the_summary(loaded):
    assert places(loaded) == [
        {"province": "AB", "city": "Edmonton", "kind": "needling", "registrations": 1,
         "practising": 1},
        {"province": "AB", "city": "Lethbridge", "kind": "needling", "registrations": 1,
         "practising": 1},
        {"province": "AB", "city": "Medicine Hat", "kind": "needling", "registrations": 1,
         "practising": 1},
        {"province": "AB", "city": "Red Deer", "kind": "needling", "registrations": 2,
         "practising": 2},
        {"province": "AB", "city": "St. Albert", "kind": "needling", "registrations": 1,
         "practising": 0},
    ]  # fmt: skip
    assert places(loaded, province="ab", kind="needling") == places(loaded)
    assert places(loaded, province="BC") == []
    assert places(loaded, kind="ims") == []


def test_the_summary_follows_each_run_in_its_transaction(db):
    load(db, PEOPLE, now="2026-01-01T00:00:00Z")
    assert places(db) == [dict(r) for r in db.query(RAW_PLACES)]
    # r1 moves, r3 leaves the register, r5 is reinstated, a BC registrant arrives.
    second = [p for p in PEOPLE if p.registrant_id != "r3"]
    second[0] = with_changes(second[0], locations=[
        with_changes(second[0].locations[0], city="Calgary")])  # fmt: skip
    second = [
        with_changes(p, status="Practising", status_class="practising")
        if p.registrant_id == "r5"
        else p
        for p in second
    ]
    load(db, second, now="2026-02-01T00:00:00Z")
    load(db, [person("b1", "Wong", "Min", regulator="chcpbc", city="Victoria")], "chcpbc")
    expected = [dict(r) for r in db.query(RAW_PLACES)]
    assert places(db) == expected
    assert {(r["city"], r["registrations"], r["practising"]) for r in expected} >= {
        ("Calgary", 1, 1),
        ("Red Deer", 1, 1),
        ("St. Albert", 1, 1),
        ("Victoria", 1, 1),
    }
    assert "Edmonton" not in {r["city"] for r in expected}
    # Recomputing from scratch (the migration's backfill) gives the same rows.
    summaries.refresh_all(db.conn)
    assert places(db) == expected


def test_a_failed_run_leaves_the_summary_as_it_was(db):
    load(db, PEOPLE)
    before = places(db)
    try:
        with db.atomic():
            summaries.refresh(db.conn, "cpta")
            db.execute("delete from place_authorizations")
            raise RuntimeError("killed mid-run")
    except RuntimeError:
        pass
    assert places(db) == before


def test_coverage_counts_registrations_ever_from_the_run(db):
    load(db, PEOPLE)
    load(db, PEOPLE[:3])  # five leave: still registrations we have seen
    coverage = {r["regulator_id"]: r for r in run(db, "coverage_per_regulator")}
    assert coverage["cpta"]["registrations_ever"] == 8
    assert coverage["cpta"]["on_register"] == 3
    assert coverage["chcpbc"]["registrations_ever"] == 0


ONTARIO = [
    person("o1", "Tremblay", "Anne", number="1****", regulator="cpo", city="Toronto"),
    person("o2", "Gagnon", "Luc", number="1****", regulator="cpo", city="Ottawa"),
]


def one(**given) -> dict:
    return {"registration_id": "", "regulator": "", "registration_number": ""} | given


def test_history_and_evidence_by_id_for_masked_numbers(db):
    load(db, ONTARIO, regulator="cpo")
    by_number = run(db, "registration_history", **one(regulator="cpo", registration_number="1****"))
    assert {r["registration_id"] for r in by_number} == {"cpo:o1", "cpo:o2"}
    by_id = run(db, "registration_history", **one(registration_id="cpo:o2"))
    assert [(r["registration_id"], r["entry"], r["kind"]) for r in by_id] == [
        ("cpo:o2", "state", "current")
    ]
    evidence = run(db, "evidence_of_registration", **one(registration_id="cpo:o1"))
    assert [(r["registration_id"], r["role"]) for r in evidence] == [("cpo:o1", "listing")]
    # An id wins over a number; nothing given finds nothing.
    both = one(registration_id="cpo:o1", regulator="cpo", registration_number="1****")
    assert {r["registration_id"] for r in run(db, "registration_history", **both)} == {"cpo:o1"}
    assert run(db, "registration_history", **one()) == []


def test_state_as_of_for_everyone_one_regulator_or_one_registration(db):
    load(db, PEOPLE, now="2026-01-01T00:00:00Z")
    load(db, [with_changes(PEOPLE[0], status="Suspended", status_class="suspended")],
         now="2026-03-01T00:00:00Z")  # fmt: skip
    load(db, ONTARIO, regulator="cpo", now="2026-02-01T00:00:00Z")

    def states(as_of, **given):
        rows = run(db, "state_as_of", as_of=as_of, **one(**given))
        return sorted((r["registration_id"], r["status"], bool(r["on_register"])) for r in rows)

    everyone = states("2026-01-15")
    assert len(everyone) == 8 and ("cpta:r1", "Practising", True) in everyone
    assert len(states("2026-03-15")) == 10
    assert ("cpta:r2", "Practising", False) in states("2026-03-15")  # r2 left in the 2nd run
    assert states("2025-12-31") == []
    assert states("2026-03-15", regulator="cpo") == [
        ("cpo:o1", "Practising", True),
        ("cpo:o2", "Practising", True),
    ]
    assert states("2026-01-15", registration_id="cpta:r1") == [("cpta:r1", "Practising", True)]
    assert states("2026-03-15", registration_id="cpta:r1") == [("cpta:r1", "Suspended", True)]
    assert states("2026-01-15", regulator="cpta", registration_number="20001") == [
        ("cpta:r1", "Practising", True)
    ]
    assert states("2026-03-15", registration_id="cpo:o2") == [("cpo:o2", "Practising", True)]
