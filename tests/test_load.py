"""Loading runs: counts, changes, leavers kept, refused runs, the directory and its search."""

from __future__ import annotations

import json
import sqlite3

import pytest

import db.load as load_module
from db.load import _COLUMNS, Rejected, check_run_size, sync_regulators
from db.migrations import (
    m007_location_coordinates,
    m010_summaries,
    m012_map_coordinates,
    m015_professions,
    m016_directory_status_class,
    migrate,
)
from registry.lookup.documents import documents
from scrapers.records import Evidence
from tests.conftest import PEOPLE, load, person, with_changes

# The listing evidence every record of tests.conftest.person carries, as the API gives it.
LISTING = {
    "url": "https://example.test/client/PublicDirectory/Registrants",
    "fetched_at": "2026-11-23T10:00:00Z",
    "sha256": "ab" * 32,
    "method": "POST",
    "request": "querySID=1",
    "import_run": 1,
}


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
    (ids,) = db.execute("select response_ids from registrations where id = 'cpta:r1'").fetchone()
    (listing,) = db.execute("select id from responses").fetchone()
    assert json.loads(ids) == {"listing": listing}
    (doc,) = documents(db.conn, ["cpta:r1"])
    assert doc["evidence"] == [{"role": "listing", **LISTING}]


def _detail(record, sha: str, at: str = "2026-11-23T10:00:05Z"):
    return with_changes(
        record, evidence={**record.evidence, "detail": Evidence(record.profile_url, at, sha)}
    )


def test_a_response_is_stored_once_for_all_the_records_read_from_it(db):
    people = [_detail(p, f"{i:064x}") for i, p in enumerate(PEOPLE)]
    run_id, _ = load(db, people)
    # One search reply listed all eight; each has its own detail page.
    assert db.table("responses").count == 1 + len(PEOPLE)
    assert {r["run_id"] for r in rows(db, "select run_id from responses")} == {run_id}
    listing = {
        json.loads(r["response_ids"])["listing"] for r in db.query("select * from registrations")
    }
    assert len(listing) == 1
    docs = documents(db.conn, [f"cpta:{p.registrant_id}" for p in people])
    for p, doc in zip(people, docs, strict=True):
        assert [e["role"] for e in doc["evidence"]] == ["listing", "detail"]
        assert doc["evidence"][1]["url"] == p.profile_url
        assert doc["evidence"][1]["sha256"] == p.evidence["detail"].sha256
        assert doc["evidence"][1]["method"] == "GET"


def test_evidence_keeps_the_order_of_its_roles_not_of_their_responses(db):
    """Evidence is listed in the order its roles were recorded, whatever the ids of the
    responses they point to (documents build it with no sort: db.responses.evidence_sql)."""
    people = [_detail(p, f"{i:064x}") for i, p in enumerate(PEOPLE[:2])]
    load(db, people)
    rid = f"cpta:{people[0].registrant_id}"
    ids = json.loads(
        db.execute("select response_ids from registrations where id = ?", [rid]).fetchone()[0]
    )
    assert ids["listing"] < ids["detail"]
    swapped = json.dumps({"detail": ids["detail"], "listing": ids["listing"]})
    db.execute("update registrations set response_ids = ? where id = ?", [swapped, rid])
    doc = documents(db.conn, [rid])[0]
    assert [e["role"] for e in doc["evidence"]] == ["detail", "listing"]
    assert doc["evidence"][0]["url"] == people[0].profile_url
    assert doc["evidence"][1]["sha256"] == LISTING["sha256"]


def test_only_written_records_add_responses(db):
    people = [_detail(p, f"{i:064x}") for i, p in enumerate(PEOPLE)]
    load(db, people)
    before = db.table("responses").count
    # Read again an hour later: new responses, but nothing changed, so nothing is written.
    later = [_detail(p, f"{i + 100:064x}", "2026-11-23T11:00:05Z") for i, p in enumerate(PEOPLE)]
    load(db, later)
    assert db.table("responses").count == before
    (doc,) = documents(db.conn, ["cpta:r1"])
    assert doc["evidence"][1]["fetched_at"] == "2026-11-23T10:00:05Z"
    # One changes: its row points at this run's responses; the others keep theirs.
    changed = [with_changes(later[0], status="Suspended", status_class="suspended"), *later[1:]]
    run_id, counts = load(db, changed)
    assert counts.changed == 1
    assert db.table("responses").count == before + 2
    (doc,) = documents(db.conn, ["cpta:r1"])
    assert {e["import_run"] for e in doc["evidence"]} == {run_id}
    assert doc["evidence"][1]["sha256"] == f"{100:064x}"
    (other,) = documents(db.conn, ["cpta:r2"])
    assert {e["import_run"] for e in other["evidence"]} == {1}


def test_the_response_memory_is_bounded_and_records_stay_right(db, monkeypatch):
    monkeypatch.setattr("db.responses.KEPT", 3)
    people = [_detail(p, f"{i:064x}") for i, p in enumerate(PEOPLE)]
    load(db, people)
    # The shared reply is stored again each time the memory is cleared, never mixed up.
    assert 1 + len(PEOPLE) < db.table("responses").count <= 2 * len(PEOPLE)
    docs = documents(db.conn, [f"cpta:{p.registrant_id}" for p in people])
    for p, doc in zip(people, docs, strict=True):
        assert doc["evidence"][0]["sha256"] == "ab" * 32
        assert doc["evidence"][1]["sha256"] == p.evidence["detail"].sha256


def test_identical_bytes_from_two_addresses_are_two_responses(db):
    # Two detail pages that happen to return the same bytes: same hash, different requests.
    people = [_detail(p, "cd" * 32) for p in PEOPLE[:2]]
    load(db, people)
    assert db.table("responses").count == 3
    docs = documents(db.conn, ["cpta:r1", "cpta:r2"])
    assert [d["evidence"][1]["url"] for d in docs] == [p.profile_url for p in people]


def _database_before(migration: str, tmp_path, settings):
    """A database with the schema as it was before `migration`, its regulators declared."""
    from sqlite_utils import Database

    from db.migrations import migrations

    database = Database(tmp_path / "old.db")
    migrations.apply(database, stop_before=migration)
    m015_professions(database)  # the columns today's sync and load write
    m016_directory_status_class(database)
    sync_regulators(database, settings.sources.values())
    return database


def test_index_rebuilt_without_column_sizes_finds_the_same(tmp_path, settings):
    database = _database_before("m006_fts_without_column_sizes", tmp_path, settings)
    m007_location_coordinates(database)  # the columns and tables today's load writes
    m010_summaries(database)
    m012_map_coordinates(database)
    load(database, PEOPLE)
    before = fts(database, '"rob"*'), fts(database, 'cities : "red deer"')
    migrate(database)
    (sql,) = database.execute(
        "select sql from sqlite_master where name = 'directory_fts'"
    ).fetchone()
    assert "columnsize=0" in sql
    assert not database.table("directory_fts_docsize").exists()
    assert (fts(database, '"rob"*'), fts(database, 'cities : "red deer"')) == before
    assert before[0] == ["Robert, Jean", "Roberts, Alice", "Robinson, Maya"]
    assert fts_consistent(database)


def test_migration_moves_evidence_to_responses(tmp_path, settings):
    """A database from before m005 keeps every registration's evidence, once per response."""
    database = _database_before("m005_responses", tmp_path, settings)
    database.table("import_runs").insert({"id": 1, "regulator_id": "cpta", "outcome": "success"})
    before = []
    for i in range(3):
        detail = {
            "url": f"https://example.test/r{i}",
            "fetched_at": "2026-11-23T10:00:05Z",
            "sha256": f"{i:064x}",
            "method": "GET",
            "request": "",
            "import_run": 1,
        }
        before.append([{"role": "listing", **LISTING}, {"role": "detail", **detail}])
        database.table("registrations").insert(
            {
                "id": f"cpta:r{i}",
                "regulator_id": "cpta",
                "registrant_id": f"r{i}",
                "name": f"Person {i}",
                "evidence": json.dumps(before[-1]),
            }
        )
    database.table("registrations").insert(
        {"id": "cpta:r9", "regulator_id": "cpta", "registrant_id": "r9", "name": "No Evidence"}
    )
    migrate(database)
    assert "evidence" not in database.table("registrations").columns_dict
    assert database.table("responses").count == 4  # the shared listing once, three details
    docs = documents(database.conn, ["cpta:r0", "cpta:r1", "cpta:r2", "cpta:r9"])
    assert [doc["evidence"] for doc in docs[:3]] == before  # as the API gave it before
    assert docs[3]["evidence"] == []


def test_rerun_counts_unchanged_and_changed(loaded):
    changed = [with_changes(PEOPLE[0], status="Suspended", status_class="suspended"), *PEOPLE[1:]]
    _, counts = load(loaded, changed)
    assert (counts.added, counts.changed, counts.unchanged, counts.removed) == (0, 1, 7, 0)
    (doc,) = documents(loaded.conn, ["cpta:r1"])
    assert doc["status"] == "Suspended" and doc["needling"]["authorized"] is False
    assert doc["needling"]["authorizations"][0]["wording"] == "Using needles in practice"


def test_changed_and_returning_registrations_keep_their_first_seen(db):
    load(db, PEOPLE[:-1], now="2026-01-01T00:00:00Z")
    load(db, PEOPLE[:-2], now="2026-02-01T00:00:00Z")  # r7 leaves
    changed = [with_changes(PEOPLE[0], status="Suspended", status_class="suspended"), *PEOPLE[1:]]
    _, counts = load(db, changed, now="2026-03-01T00:00:00Z")  # r1 changes, r7 returns, r8 new
    assert (counts.added, counts.changed, counts.unchanged) == (1, 2, 5)
    seen = "select id, first_seen, last_seen from registrations where id in (?, ?, ?) order by id"
    jan, mar = "2026-01-01T00:00:00Z", "2026-03-01T00:00:00Z"
    assert rows(db, seen, ["cpta:r1", "cpta:r7", "cpta:r8"]) == [
        {"id": "cpta:r1", "first_seen": jan, "last_seen": mar},
        {"id": "cpta:r7", "first_seen": jan, "last_seen": mar},
        {"id": "cpta:r8", "first_seen": mar, "last_seen": mar},
    ]


def test_the_written_row_has_every_registrations_column(db):
    assert set(_COLUMNS) <= set(db.table("registrations").columns_dict)


def test_leaver_is_kept_as_no_longer_on_register(loaded):
    run_id, counts = load(loaded, PEOPLE[:-1])
    assert counts.removed == 1
    row = rows(loaded, "select removed_at, last_run_id from registrations where id = 'cpta:r8'")[0]
    assert row["removed_at"] is not None and row["last_run_id"] != run_id
    (doc,) = documents(loaded.conn, ["cpta:r8"])
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


def _indexes(db) -> list[tuple[str, str]]:
    return rows(db, "select name, sql from sqlite_master where type = 'index' order by name")


def test_a_first_import_builds_its_indexes_after_its_rows(db, monkeypatch):
    """Into an empty database, once a batch is full, the loader drops the large tables' indexes
    and makes them again after the rows, within the run: the same indexes and data as a load
    that kept them; a run that dies meanwhile leaves them in place; a registration seen twice in
    a run is replaced."""
    schema = _indexes(db)
    made = []
    original = load_module._restore
    monkeypatch.setattr(
        load_module, "_restore", lambda conn, sql: made.extend(sql) or original(conn, sql)
    )
    monkeypatch.setattr(load_module, "BATCH", 3)

    def dying():
        yield from PEOPLE[:4]
        raise RuntimeError("killed mid-run")

    with pytest.raises(RuntimeError):
        load(db, dying())
    assert _indexes(db) == schema and db.table("registrations").count == 0
    # It died under the rollback journal of a first fill (pages_written_once): WAL is back on,
    # and so are the foreign-key checks it wrote without (references_unchecked).
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert db.execute("pragma foreign_keys").fetchone()[0] == 1
    again = with_changes(PEOPLE[0], status="Suspended", status_class="suspended")
    load(db, [*PEOPLE, again])  # PEOPLE[0] again in a later batch
    deferred = {
        sql for table in load_module.DEFERRED_INDEXES for sql in _table_indexes(schema, db, table)
    }
    assert set(made) == deferred and len(deferred) >= 9
    assert _indexes(db) == schema
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    # Not a first import: a second run keeps its indexes as it writes.
    made.clear()
    load(db, [with_changes(p, status="Retired", status_class="retired") for p in PEOPLE])
    assert made == [] and _indexes(db) == schema
    stored = rows(
        db, "select id, status from registrations where id = ?", [f"cpta:{PEOPLE[0].registrant_id}"]
    )
    assert stored == [{"id": f"cpta:{PEOPLE[0].registrant_id}", "status": "Retired"}]


# Above the WAL's size after a run's record alone (frames of 16 KiB pages), below its size after
# a fill of PEOPLE through the WAL.
WAL_FILL = 8 * 16384


def _journals(db, records, monkeypatch, *, batch: int = 3):
    """Load `records` in batches of `batch`; the journal mode the run's transaction wrote under
    (asked on its own connection once a record of the second batch is read) and after it."""
    return _during(db, records, monkeypatch, "journal_mode", batch=batch)


def _during(db, records, monkeypatch, pragma: str, *, batch: int = 3):
    """Load `records` in batches of `batch`; the connection's `pragma` while the run's
    transaction writes (once a record of the second batch is read) and after it."""
    monkeypatch.setattr(load_module, "BATCH", batch)
    during = []

    def reading():
        for i, record in enumerate(records):
            if i == batch:
                during.append(db.execute(f"pragma {pragma}").fetchone()[0])
            yield record

    load(db, reading())
    return during, db.execute(f"pragma {pragma}").fetchone()[0]


def test_a_large_first_import_checks_its_references_itself(db, monkeypatch):
    """A large first import writes with SQLite's foreign-key checks off (the loader has checked
    the regulator and the run, and writes each part with its registration): every reference
    holds after it, and checks are on again after it (and after one that dies: above). Any run
    into a database with people in it writes with them on (and a small first import: it is not
    a fill, as it writes through WAL, below)."""
    assert _during(db, PEOPLE, monkeypatch, "foreign_keys") == ([0], 1)
    assert db.execute("pragma foreign_key_check").fetchall() == []
    counts = [db.table(t).count for t in ("registrations", "authorizations", "practice_locations")]
    assert counts == [
        len(PEOPLE),
        sum(len(p.authorizations) for p in PEOPLE),
        sum(len(p.locations) for p in PEOPLE),
    ]
    again = [with_changes(p, status="Retired", status_class="retired") for p in PEOPLE]
    assert _during(db, again, monkeypatch, "foreign_keys") == ([1], 1)


def test_a_run_of_an_unknown_regulator_or_run_is_refused_in_words(db):
    """What every written row refers to is checked before anything is written."""
    run_id = load_module.start_run(db, "cpta")
    with pytest.raises(ValueError, match="no regulator 'nowhere' in the database"):
        load_module.apply_run(db, "nowhere", run_id, PEOPLE)
    with pytest.raises(ValueError, match="no import run 9999 in the database"):
        load_module.apply_run(db, "cpta", 9999, PEOPLE)
    other = load_module.start_run(db, "chcpbc")
    with pytest.raises(ValueError, match=f"import run {other} is a run of chcpbc, not of cpta"):
        load_module.apply_run(db, "cpta", other, PEOPLE)
    assert db.table("registrations").count == 0 and db.table("responses").count == 0
    assert load_module.apply_run(db, "cpta", run_id, PEOPLE).added == len(PEOPLE)


def test_a_large_first_import_writes_its_pages_once(db, tmp_path, monkeypatch):
    """Into an empty database that no other connection has open, a large run (a full first
    batch) writes under a rollback journal: no -wal file as large as the data, WAL on again
    after. A small run, a run into a database with people in it, and a run while a reader has
    the file open write through WAL, as always."""
    wal = tmp_path / "registry.db-wal"
    assert _journals(db, PEOPLE, monkeypatch) == (["delete"], "wal")
    # Only the run's record, finished after the fill, went through the WAL.
    assert wal.stat().st_size < WAL_FILL and db.table("registrations").count == len(PEOPLE)
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    again = [with_changes(p, status="Retired", status_class="retired") for p in PEOPLE]
    assert _journals(db, again, monkeypatch) == (["wal"], "wal")  # not empty: WAL


def test_a_small_first_import_writes_through_wal(db, monkeypatch):
    assert _journals(db, PEOPLE, monkeypatch, batch=len(PEOPLE) + 1) == ([], "wal")
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert db.table("registrations").count == len(PEOPLE)


def test_a_first_import_beside_a_reader_writes_through_wal(db, tmp_path, monkeypatch):
    """SQLite will not leave WAL while another connection has the file open; the run does not
    wait for it and writes through WAL, the reader never blocked."""
    reader = sqlite3.connect(f"{(tmp_path / 'registry.db').as_uri()}?mode=ro", uri=True)
    try:
        reader.execute("pragma busy_timeout = 0")
        assert reader.execute("select count(*) from registrations").fetchone() == (0,)
        assert _journals(db, PEOPLE, monkeypatch) == (["wal"], "wal")
        assert reader.execute("select count(*) from registrations").fetchone() == (len(PEOPLE),)
        assert (tmp_path / "registry.db-wal").stat().st_size > WAL_FILL  # every page, twice
    finally:
        reader.close()


def _table_indexes(schema, db, table: str) -> list[str]:
    names = {
        r["name"] for r in rows(db, "select name from sqlite_master where tbl_name = ?", [table])
    }
    return [r["sql"] for r in schema if r["name"] in names and r["sql"]]


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


def fts_consistent(db) -> bool:
    """FTS5's own check that the index matches the directory's content."""
    db.execute("insert into directory_fts(directory_fts, rank) values ('integrity-check', 1)")
    return True


def test_index_follows_renames_removals_and_returns(loaded):
    ids = dict(loaded.execute("select registration_id, id from directory").fetchall())
    renamed = with_changes(PEOPLE[0], name="Zimmerman, Alice", family_name="Zimmerman")
    retitled = with_changes(PEOPLE[2], status="Suspended", status_class="suspended")
    load(loaded, [renamed, PEOPLE[1], retitled, *PEOPLE[3:7]])  # r8 leaves
    assert fts_consistent(loaded)
    after = dict(loaded.execute("select registration_id, id from directory").fetchall())
    assert after["cpta:r3"] == ids["cpta:r3"], "a row keeps its place when its name stays"
    assert after["cpta:r1"] > max(ids.values()), "a renamed row moves to its new place"
    assert fts(loaded, '"zimmerman"') == ["Zimmerman, Alice"] and fts(loaded, '"roberts"') == []
    assert fts(loaded, '"levesque"') == ["Lévesque, Hélène"], "leavers stay findable"
    authorized = fts(loaded, 'kind_tokens : "needling"')
    assert "Robinson, Maya" not in authorized and "Lévesque, Hélène" not in authorized
    load(loaded, PEOPLE)
    assert fts_consistent(loaded)
    assert fts(loaded, '"rob"*') == ["Robert, Jean", "Roberts, Alice", "Robinson, Maya"]


def test_order_base_sorts_like_names_and_namesakes_share_a_range():
    from db.directory import SLOTS, order_base

    keys = ["a", "ab", "abc", "b", "cote anne", "cote anne-marie", "li", "li wei", "lia", "z"]
    assert [order_base(k) for k in keys] == sorted(order_base(k) for k in keys)
    assert order_base("nguyen thi") == order_base("nguyen tuan")  # same first 8 characters
    assert order_base("nguyen a") + SLOTS <= order_base("nguyen b")
    assert order_base("zzzzzzzz") + SLOTS <= 2**53


def test_order_base_by_pairs_equals_the_per_character_definition():
    import random

    from db.directory import ORDER_CHARS, SLOT_BITS, SYMBOLS, _order_value, order_base

    rnd = random.Random(7)
    alphabet = SYMBOLS + "\0.,/éß"  # characters outside SYMBOLS count as a space
    keys = ["", "a", "o'brien", "smith-jones", "zzzzzzzzzz", "a.b", "\0x", "é"]
    keys += ["".join(rnd.choices(alphabet, k=rnd.randrange(12))) for _ in range(5000)]
    for key in keys:
        padded = key[:ORDER_CHARS].ljust(ORDER_CHARS, "\0")
        assert order_base(key) == _order_value(padded) << SLOT_BITS, key


def test_more_namesakes_than_slots_still_load(db):
    from db.directory import SLOTS

    many = [person(f"n{i}", "Nguyen", "Thi", number=str(30000 + i)) for i in range(SLOTS + 5)]
    _, counts = load(db, many)
    assert counts.added == SLOTS + 5
    assert db.execute("select count(distinct id) from directory").fetchone()[0] == SLOTS + 5
    assert len(fts(db, '"nguyen"')) == SLOTS + 5


@pytest.mark.parametrize("kept", [200_000, 2])
def test_ids_stay_unique_and_alphabetical_across_batches_runs_and_regulators(db, monkeypatch, kept):
    """A first load is written batch by batch: namesakes in different batches, and another
    regulator's rows already in the same slot ranges, still get distinct ids in name order
    (namesakes in the order they were first listed); so does a later run adding a namesake.
    Likewise when the slot ranges' tops a run keeps are past their bound and forgotten."""
    monkeypatch.setattr("db.load.BATCH", 3)
    monkeypatch.setattr("db.directory.TOPS_KEPT", kept)
    load(
        db,
        [
            person("b1", "Nguyen", "Van", regulator="chcpbc"),
            person("b2", "Roberts", "Zed", regulator="chcpbc"),
        ],
        regulator="chcpbc",
    )
    names = [
        ("Nguyen", "Thi"),
        ("Roberts", "Alice"),
        ("Nguyen", "Thi"),
        ("Abbott", "Al"),
        ("Nguyen", "Tuan"),
        ("Roberts", "Alice"),
        ("Zhou", "Li"),
    ]
    people = [person(f"c{i}", f, g, number=str(40000 + i)) for i, (f, g) in enumerate(names)]
    load(db, people)

    def order():
        return [r[0] for r in db.execute("select registration_id from directory order by id")]

    first = ["cpta:c3", "cpta:c0", "cpta:c2", "cpta:c4", "chcpbc:b1"]
    last = ["chcpbc:b2", "cpta:c1", "cpta:c5", "cpta:c6"]
    assert order() == first + last
    assert fts_consistent(db)
    _, counts = load(db, [*people, person("c7", "Nguyen", "Thi", number="40007")])
    assert (counts.added, counts.unchanged) == (1, 7)
    assert order() == [*first[:4], "cpta:c7", first[4], *last]
    assert fts_consistent(db)
    thi, tuan, van = "Nguyen, Thi", "Nguyen, Tuan", "Nguyen, Van"
    assert fts(db, '"nguyen"') == [thi, thi, tuan, thi, van]


def test_namesakes_past_their_range_do_not_take_a_later_namesakes_id(db):
    """Ids given past the end (more namesakes than slots) land in the last name's range: a
    later namesake of that last name must not be given one of them again."""
    from db.directory import SLOTS

    last = [person(f"z{i}", "Zzyzx", "Ann", number=str(50000 + i)) for i in range(2)]
    many = [person(f"n{i}", "Nguyen", "Thi", number=str(30000 + i)) for i in range(SLOTS + 5)]
    _, counts = load(db, [last[0], *many, last[1]])
    assert counts.added == SLOTS + 7
    assert db.execute("select count(distinct id) from directory").fetchone()[0] == SLOTS + 7
    assert fts_consistent(db)


def test_content_hash_is_the_stored_format():
    """Hashes stored by earlier runs must stay comparable: sha256 of the content as compact
    JSON with non-ASCII kept (values pinned from before the encoder was reused)."""
    import hashlib

    for record, pinned in [
        (PEOPLE[3], "2c0504fa8d64480ff237d582d12d5f220d7d015c83718b8a01de11fc1a255258"),
        (PEOPLE[5], "cc58aee719f3a906fe87718ad333119e53e42f30fcdd4539c5fbadc65e561f9f"),
    ]:
        blob = json.dumps(record.content(), ensure_ascii=False, separators=(",", ":"))
        assert record.content_hash() == hashlib.sha256(blob.encode()).hexdigest() == pinned


def test_new_databases_use_large_pages_and_old_ones_keep_theirs(tmp_path):
    import sqlite3

    from db import PAGE_SIZE, open_db

    fresh = open_db(tmp_path / "new.db")
    assert fresh.execute("pragma page_size").fetchone()[0] == PAGE_SIZE == 16384
    assert fresh.execute("pragma journal_mode").fetchone()[0] == "wal"
    fresh.close()
    old = sqlite3.connect(tmp_path / "old.db")
    old.execute("pragma journal_mode = wal")
    old.execute("create table t (x)")
    old.close()
    reopened = open_db(tmp_path / "old.db")
    assert reopened.execute("pragma page_size").fetchone()[0] == 4096
    assert reopened.table("registrations").exists()


@pytest.mark.parametrize("apart", [0, load_module.BATCH + 5], ids=["one batch", "two batches"])
@pytest.mark.parametrize("again", [False, True], ids=["first import", "later run"])
def test_someone_listed_twice_in_a_run_is_loaded_once_as_first_listed(db, apart, again):
    """A register that lists the same person twice, on one page or pages apart, does not fail
    the run (it did: a UNIQUE constraint); the first listing stands, as the adapters that meet
    a person twice keep it."""
    first = person("dup", "Twice", "Ann", city="Red Deer")
    second = with_changes(first, status="Suspended", status_class="suspended")
    fillers = [person(f"f{i}", f"Filler{i}", "Bo") for i in range(apart)]
    if again:
        load(db, [person("dup", "Twice", "Ann", city="Lethbridge"), *fillers])
    _, counts = load(db, [first, *fillers, second])
    row = db.execute(
        "select status, (select city from practice_locations where registration_id = r.id) "
        "from registrations r where id = 'cpta:dup'"
    ).fetchone()
    assert row == ("Practising", "Red Deer")
    assert counts.records_seen == 1 + apart
    assert db.execute("select count(*) from registrations").fetchone()[0] == 1 + apart
    assert (counts.added, counts.changed) == ((0, 1) if again else (1 + apart, 0))
    assert fts_consistent(db)
