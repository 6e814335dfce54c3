"""Loading runs: counts, changes, leavers kept, refused runs, the directory and its search."""

from __future__ import annotations

import json

import pytest

from db.load import Rejected, check_run_size
from tests.conftest import PEOPLE, load, person, with_changes


def rows(db, sql, params=()):
    return [dict(r) for r in db.query(sql, params)]


def test_first_run_adds_everyone_with_their_parts(db):
    _, counts = load(db, PEOPLE)
    assert (counts.records_seen, counts.added, counts.changed, counts.removed) == (8, 8, 0, 0)
    assert db.table("registrations").count == 8
    assert db.table("authorizations").count == 6
    assert rows(
        db,
        "select wording, kind, mechanism from authorizations where registration_id = ?",
        ["cpta:r1"],
    ) == [
        {
            "wording": "Using needles in practice",
            "kind": "needling",
            "mechanism": "restricted_activity_authorization",
        }
    ]
    assert rows(
        db,
        "select organization, city, province, postal_code from practice_locations "
        "where registration_id = 'cpta:r4'",
    ) == [
        {
            "organization": "Clinique Physio Saint-Albert",
            "city": "Red Deer",
            "province": "AB",
            "postal_code": "T2P 1A1",
        }
    ]
    assert rows(db, "select role, url, sha256 from evidence where registration_id = 'cpta:r1'") == [
        {
            "role": "listing",
            "url": "https://example.test/client/PublicDirectory/Registrants",
            "sha256": "ab" * 32,
        }
    ]


def test_rerun_counts_unchanged_and_changed(loaded):
    changed = [with_changes(PEOPLE[0], status="Suspended", status_class="suspended"), *PEOPLE[1:]]
    _, counts = load(loaded, changed)
    assert (counts.added, counts.changed, counts.unchanged, counts.removed) == (0, 1, 7, 0)
    doc = json.loads(
        loaded.execute("select doc from directory where registration_id = 'cpta:r1'").fetchone()[0]
    )
    assert doc["status"] == "Suspended" and doc["needling"]["authorized"] is False
    assert doc["needling"]["authorizations"][0]["wording"] == "Using needles in practice"


def test_leaver_is_kept_as_no_longer_on_register(loaded):
    run_id, counts = load(loaded, PEOPLE[:-1])
    assert counts.removed == 1
    row = rows(loaded, "select removed_at, last_run_id from registrations where id = 'cpta:r8'")[0]
    assert row["removed_at"] is not None and row["last_run_id"] != run_id
    doc = json.loads(
        loaded.execute("select doc from directory where registration_id = 'cpta:r8'").fetchone()[0]
    )
    assert doc["on_register"] is False
    assert doc["no_longer_on_register_since"] == row["removed_at"]
    # Coming back clears the mark.
    _, counts = load(loaded, PEOPLE)
    assert (counts.changed, counts.removed) == (1, 0)
    assert rows(loaded, "select removed_at from registrations where id = 'cpta:r8'") == [
        {"removed_at": None}
    ]


def test_empty_and_shrunken_runs_are_refused(loaded):
    with pytest.raises(Rejected, match="no records"):
        check_run_size(loaded, "cpta", 0, max_shrink=0.2, accept_shrink=True)
    with pytest.raises(Rejected, match=r"found 4 records against 8 .*--accept-shrink"):
        check_run_size(loaded, "cpta", 4, max_shrink=0.2, accept_shrink=False)
    check_run_size(loaded, "cpta", 7, max_shrink=0.2, accept_shrink=False)  # 12.5% is fine
    check_run_size(loaded, "cpta", 4, max_shrink=0.2, accept_shrink=True)


def test_failed_apply_changes_nothing(loaded):
    before = rows(loaded, "select * from registrations order by id")

    def broken():
        yield PEOPLE[0]
        raise RuntimeError("parser blew up mid-run")

    with pytest.raises(RuntimeError):
        load(loaded, broken())
    assert rows(loaded, "select * from registrations order by id") == before
    assert loaded.table("directory").count == 8


def test_directory_is_alphabetical_with_folded_accents(loaded):
    names = [r["name"] for r in rows(loaded, "select name from directory order by id")]
    assert names == [
        "Côté, Anne-Marie",
        "Lévesque, Hélène",
        "Nguyễn, Thi",
        "O'Brien, Liam",
        "Robert, Jean",
        "Roberts, Alice",
        "Robinson, Maya",
        "Smith-Jones, Priya",
    ]


def fts(db, expression):
    return [
        r["name"]
        for r in rows(
            db,
            "select d.name from directory_fts f join directory d on d.id = f.rowid "
            "where directory_fts match ? order by f.rowid",
            [expression],
        )
    ]


def test_full_text_folds_accents_and_does_not_stem(loaded):
    assert fts(loaded, '"cote"') == ["Côté, Anne-Marie"]
    assert fts(loaded, '"levesque"') == ["Lévesque, Hélène"]
    assert fts(loaded, '"nguyen"') == ["Nguyễn, Thi"]
    assert fts(loaded, '"roberts"') == ["Roberts, Alice"]  # not Robert
    assert fts(loaded, '"robert"') == ["Robert, Jean"]  # not Roberts
    assert fts(loaded, '"rob"*') == ["Robert, Jean", "Roberts, Alice", "Robinson, Maya"]


def test_authorized_now_excludes_suspended_and_unauthorized(loaded):
    authorized = {r["name"] for r in rows(loaded, "select name from directory where authorized")}
    assert authorized == {
        "Roberts, Alice",
        "Robinson, Maya",
        "Côté, Anne-Marie",
        "Smith-Jones, Priya",
        "Nguyễn, Thi",
    }


def test_record_of_another_regulator_is_refused(db):
    with pytest.raises(ValueError, match="record for chcpbc"):
        load(db, [person("x", "A", "B", regulator="chcpbc")])
