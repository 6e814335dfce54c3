"""The database schema, as sqlite-utils migrations. Never edit an applied migration: add one."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from db.directory import FILTER_FILL, FILTER_SCHEMA, PREFIX_LENGTHS, rebuild_index

migrations = Migrations("needling_registry")

# unicode61 with diacritics removed folds accents both ways ("Montreal" finds "Montréal");
# no porter stemmer, so "Roberts" is not "Robert".
TOKENIZE = "unicode61 remove_diacritics 2"


@migrations()
def m001_initial(db: Database):
    db.table("regulators").create(
        {
            "id": str,  # source key, e.g. "cpta"
            "jurisdiction": str,  # ISO 3166-2, e.g. "CA-AB"
            "name": str,
            "short_name": str,
            "platform": str,
            "register_url": str,
            "base_url": str,
            "terms_note": str,
            "needling": str,  # tracked | not_tracked | unknown
            "mechanism": str,
            "wording": str,  # JSON object: the regulator's wording -> normalized kind
            "coverage": str,  # supported | not_yet_supported
            "coverage_note": str,
            "sample": int,  # 1 when the data is synthetic, served by a local emulator
            "enabled": int,
        },
        pk="id",
        not_null={"jurisdiction", "name", "platform", "needling"},
    )
    db.table("import_runs").create(
        {
            "id": int,
            "regulator_id": str,
            "started_at": str,
            "ended_at": str,
            "outcome": str,  # running | success | failed | rejected
            "message": str,
            "requests": int,
            "records_seen": int,
            "added": int,
            "changed": int,
            "unchanged": int,
            "removed": int,
            "errors": str,  # JSON list of {"url", "error"}
        },
        pk="id",
        foreign_keys=[("regulator_id", "regulators", "id")],
    )
    db.table("registrations").create(
        {
            "id": str,  # "<regulator>:<registrant id>"
            "regulator_id": str,
            "registrant_id": str,  # the register's stable id (Alinity rg)
            "registration_number": str,
            "name": str,  # as listed
            "family_name": str,
            "given_names": str,
            "sort_key": str,  # accent- and case-folded "family given", for alphabetical order
            "category": str,
            "status": str,
            "status_class": str,  # practising | suspended | cancelled | non_practising | unknown
            "conditions": str,  # JSON list
            "profile_url": str,
            "content_hash": str,
            "first_seen": str,
            "last_seen": str,  # when this state was last written; the API derives it from runs
            "removed_at": str,  # set when the register stopped listing the person
            "last_run_id": int,
            # JSON list, one entry per response the record was read from: role (listing,
            # detail, practice), url, method, request, fetched_at, sha256, import_run
            "evidence": str,
        },
        pk="id",
        not_null={"regulator_id", "registrant_id", "name"},
        foreign_keys=[("regulator_id", "regulators", "id"), ("last_run_id", "import_runs", "id")],
    )
    db.table("registrations").create_index(["regulator_id", "registration_number"])
    db.table("authorizations").create(
        {
            "id": int,
            "registration_id": str,
            "wording": str,  # the regulator's exact words
            "kind": str,  # dry_needling | acupuncture | ims | needling
            "mechanism": str,
        },
        pk="id",
        not_null={"registration_id", "wording", "kind"},
        foreign_keys=[("registration_id", "registrations", "id")],
    )
    db.table("authorizations").create_index(["registration_id"])
    db.table("practice_locations").create(
        {
            "id": int,
            "registration_id": str,
            "position": int,
            "organization": str,
            "address": str,
            "city": str,
            "province": str,
            "postal_code": str,
            "phone": str,
        },
        pk="id",
        not_null={"registration_id"},
        foreign_keys=[("registration_id", "registrations", "id")],
    )
    db.table("practice_locations").create_index(["registration_id"])
    # Derived from the tables above as records change (db/directory.py); ids follow alphabetical
    # order so that full-text matches come back sorted without ranking every match.
    db.table("directory").create(
        {
            "id": int,
            "registration_id": str,
            "regulator_id": str,
            "sort_key": str,
            "name": str,
            "registration_number": str,
            "status": str,
            "on_register": int,
            "authorized": int,  # holds a needling authorization and may practise now
            "kinds": str,  # JSON list of the kinds held now
            "city": str,  # first practice location
            "province": str,
            "organization": str,
            "cities": str,  # all practice locations, for search
            "organizations": str,
            "provinces": str,  # province codes, for the province filter
            "kind_tokens": str,  # kinds as single tokens, for the kind filter
        },
        pk="id",
        foreign_keys=[("regulator_id", "regulators", "id")],
    )
    db.table("directory").create_index(["registration_id"], unique=True)
    # Written by hand rather than with enable_fts(), which cannot set FTS5's `prefix` option:
    # prefix indexes for 2-4 characters make "rob"* one doclist lookup instead of a merge of
    # every term starting with "rob" (25 ms at 1,000,000 rows; see BENCHMARKS.md). Datasette
    # finds the index by the exact text content="directory".
    db.execute(
        f"""
        create virtual table directory_fts using fts5(
          name, cities, organizations, provinces, kind_tokens,
          tokenize='{TOKENIZE}', prefix='2 3 4', content="directory", content_rowid="id"
        )
        """
    )


def migrate(db: Database) -> None:
    """Bring a database up to the current schema."""
    db.execute("PRAGMA foreign_keys = ON")
    apply_once(migrations, db)


def apply_once(migration_set: Migrations, db: Database) -> None:
    """Apply `migration_set`'s pending migrations, once however many processes start together.

    Workers of one server and replicas start at the same moment on a database that may be
    fresh. Each would otherwise read the applied migrations, then write in a plain transaction:
    one gets "database is locked" at once (a read transaction cannot wait to become a write) or
    applies a migration the other has just applied. So the migrations are applied as importers
    write (db.load.writing): one process at a time behind the OS lock beside the database, in
    one `BEGIN IMMEDIATE` transaction (each migration a savepoint), and `apply` reads what is
    applied inside that lock. A schema already current takes no lock at all, so that a server
    starting while an import writes does not wait for it. Every migration here must be
    transactional (no VACUUM)."""
    if _current(migration_set, db):
        return
    from db.load import writing  # db.load imports db, which imports this module

    with writing(db):
        migration_set.apply(db)


def _current(migration_set: Migrations, db: Database) -> bool:
    return migration_set.migrations_table in db.table_names() and not migration_set.pending(db)


@migrations()
def m002_history(db: Database):
    """History: earlier states of each registration, and the events between runs."""
    # When the registration's current state (the row as it is) began.
    db.table("registrations").add_column("valid_since", str)
    db.execute("update registrations set valid_since = coalesce(removed_at, first_seen)")
    db.table("registration_versions").create(
        {
            "id": int,
            "registration_id": str,
            "regulator_id": str,
            "valid_from": str,
            "valid_to": str,  # exclusive: the state was in force from valid_from until valid_to
            "run_id": int,  # the run that ended this state
            "state": str,  # JSON: number, name, category, status, conditions, authorizations,
            #                 locations, on_register
        },
        pk="id",
        foreign_keys=[
            ("registration_id", "registrations", "id"),
            ("regulator_id", "regulators", "id"),
            ("run_id", "import_runs", "id"),
        ],
    )
    db.table("registration_versions").create_index(["registration_id", "valid_from"])
    db.table("events").create(
        {
            "id": int,
            "run_id": int,
            "regulator_id": str,
            "registration_id": str,
            "at": str,
            # appeared | left | returned | status_changed | authorization_granted |
            # authorization_removed | conditions_changed | location_changed | details_changed
            "kind": str,
            "detail": str,  # JSON: what changed, before and after
        },
        pk="id",
        foreign_keys=[
            ("run_id", "import_runs", "id"),
            ("regulator_id", "regulators", "id"),
            ("registration_id", "registrations", "id"),
        ],
    )
    db.table("events").create_index(["regulator_id", "id"])
    db.table("events").create_index(["registration_id", "id"])
    db.table("events").create_index(["at"])


@migrations()
def m003_conditional_requests(db: Database):
    """How many pages a run did not download again because the server said they had not changed
    (304 Not Modified to a conditional request)."""
    db.table("import_runs").add_column("not_modified", int)


@migrations()
def m004_run_totals(db: Database):
    """Each successful run records how many people the register lists and how many of them may
    needle, so that summaries read one row instead of counting the register."""
    db.table("import_runs").add_column("on_register", int)
    db.table("import_runs").add_column("authorized", int)


@migrations()
def m005_responses(db: Database):
    """Evidence kept once per response: a table of the responses records were read from, and on
    each registration the ids of its responses by role, instead of the same JSON repeated on
    every record a response listed (a third of a large database)."""
    db.table("responses").create(
        {
            "id": int,
            "run_id": int,  # the import run that fetched it
            "url": str,
            "method": str,
            "request": str,
            "fetched_at": str,
            "sha256": str,  # of the exact bytes; names the body in the evidence archive
        },
        pk="id",
        foreign_keys=[("run_id", "import_runs", "id")],
    )
    db.table("registrations").add_column("response_ids", str)  # JSON: role -> responses.id
    # Existing evidence, one response per distinct entry, in the order first seen.
    db.execute(
        """
        create temp table m005_entries as
        select r.rowid as registration, e.key as position,
          json_extract(e.value, '$.role') as role,
          json_extract(e.value, '$.import_run') as run_id,
          json_extract(e.value, '$.url') as url,
          json_extract(e.value, '$.method') as method,
          coalesce(json_extract(e.value, '$.request'), '') as request,
          json_extract(e.value, '$.fetched_at') as fetched_at,
          json_extract(e.value, '$.sha256') as sha256
        from registrations r, json_each(r.evidence) e
        where json_valid(r.evidence) and json_type(r.evidence) = 'array'
        """
    )
    db.execute(
        "insert into responses (run_id, url, method, request, fetched_at, sha256) "
        "select run_id, url, method, request, fetched_at, sha256 from m005_entries "
        "group by run_id, url, method, request, fetched_at, sha256 "
        "order by min(registration), min(position)"
    )
    db.execute("create index temp.m005_by_registration on m005_entries (registration, position)")
    db.execute("create index m005_by_content on responses (sha256, url, fetched_at)")
    db.execute(
        """
        update registrations set response_ids = (
          select json_group_object(e.role, (
            select s.id from responses s where s.sha256 is e.sha256 and s.url is e.url
              and s.fetched_at is e.fetched_at and s.method is e.method
              and s.request is e.request and s.run_id is e.run_id
          ))
          from (
            select * from m005_entries where registration = registrations.rowid order by position
          ) e
        )
        where rowid in (select registration from m005_entries)
        """
    )
    db.execute("drop index m005_by_content")
    db.execute("drop table temp.m005_entries")
    db.execute("alter table registrations drop column evidence")


@migrations()
def m006_fts_without_column_sizes(db: Database):
    """The full-text index without per-row token counts (FTS5 columnsize=0): they serve only
    relevance ranking (bm25), which nothing here uses (results come in alphabetical order), and
    writing them is a quarter of the index's build time."""
    db.execute("drop table directory_fts")
    db.execute(
        f"""
        create virtual table directory_fts using fts5(
          name, cities, organizations, provinces, kind_tokens,
          tokenize='{TOKENIZE}', prefix='2 3 4', content="directory", content_rowid="id",
          columnsize=0
        )
        """
    )
    db.execute("insert into directory_fts(directory_fts) values ('rebuild')")


@migrations()
def m007_location_coordinates(db: Database):
    """Where the register itself places a practice location (OPPQ's map markers), for "near a
    city" without the gazetteer's guess at the city's centre; empty for registers without them."""
    columns = db.table("practice_locations").columns_dict
    for name in ("latitude", "longitude"):
        if name not in columns:  # tests that load into an older schema add them first
            db.table("practice_locations").add_column(name, float)


@migrations()
def m008_request_floor(db: Database):
    """How frugal each run was: the registrants the register listed, and the fewest requests any
    complete crawl of them could make (the adapter's floor); requests per registrant follow."""
    db.table("import_runs").add_column("listed", int)
    db.table("import_runs").add_column("request_floor", int)


@migrations()
def m009_last_successful_runs(db: Database):
    """One home for "the last successful run of a source": a view every layer reads (through
    db/reads.py, or by name in SQL such as Datasette's saved queries), so the API, the verdicts,
    the page notices, the CLI and the release manifest cannot drift apart. Its `r.*` follows the
    columns of import_runs."""
    db.execute(
        """
        create view if not exists last_successful_runs as
        select r.*, s.successful_runs, s.first_started_at
        from import_runs r join (
          select regulator_id, max(id) as id, count(*) as successful_runs,
            min(started_at) as first_started_at
          from import_runs where outcome = 'success' group by regulator_id
        ) s on s.id = r.id
        """
    )


@migrations()
def m010_summaries(db: Database):
    """Summaries kept by the importer in the transaction that applies a run (db/summaries.py):
    authorizations per place and kind, and on each run how many registrations its regulator has
    ever had, so that the saved queries answer at a million registrations without counting them."""
    from db import summaries

    db.table("place_authorizations").create(
        {
            "regulator_id": str,
            "province": str,
            "city": str,
            "kind": str,
            "registrations": int,
            "practising": int,
        },
        pk=("regulator_id", "province", "city", "kind"),
        foreign_keys=[("regulator_id", "regulators", "id")],
        if_not_exists=True,  # tests that load into an older schema apply this first
    )
    if "registrations_ever" not in db.table("import_runs").columns_dict:
        db.table("import_runs").add_column("registrations_ever", int)
    summaries.refresh_all(db.conn)
    db.execute(
        """
        update import_runs set registrations_ever = (
          select count(*) from registrations x where x.regulator_id = import_runs.regulator_id
        )
        where id in (
          select max(id) from import_runs where outcome = 'success' group by regulator_id
        )
        """
    )


@migrations()
def m011_facet_indexes(db: Database):
    """Indexes for the facets Datasette offers on the large tables, so that each counts over an
    index instead of reading the table (within 250 ms at a million registrations), and for
    state_as_of on a date before a register's data (by regulator, then when the state began)."""
    for table, columns in (
        ("registrations", ["status_class"]),
        ("directory", ["regulator_id"]),
        ("directory", ["city"]),
        ("directory", ["kinds"]),
        ("authorizations", ["kind"]),
        ("practice_locations", ["province"]),
        ("practice_locations", ["city"]),
        ("responses", ["run_id"]),
    ):
        db.table(table).create_index(columns, if_not_exists=True)
    db.execute(
        "create index if not exists registrations_valid_from on registrations "
        "(regulator_id, coalesce(valid_since, first_seen))"
    )


@migrations()
def m012_map_coordinates(db: Database):
    """Where a map puts each practice location: the register's coordinates, else the centre of
    its city from the gazetteer (filled by the importer, db/places.py), so that the map shows
    every register and not only those that place their locations. The partial index finds the
    locations still to place without reading the table."""
    columns = db.table("practice_locations").columns_dict
    for name in ("map_latitude", "map_longitude"):
        if name not in columns:
            db.table("practice_locations").add_column(name, float)
    db.execute(
        "update practice_locations set map_latitude = latitude, map_longitude = longitude "
        "where latitude is not null and longitude is not null"
    )
    db.execute(
        "create index if not exists practice_locations_unplaced on practice_locations "
        "(city, province) where map_latitude is null"
    )


@migrations()
def m013_registrations_sort_index(db: Database):
    """An index in the order Datasette's registrations page sorts by (metadata sort: sort_key,
    then the primary key for its next pages), so that every page of that table, its facets
    included, reads the first rows of the index instead of sorting the whole table."""
    db.execute("create index if not exists registrations_sort_key on registrations (sort_key, id)")


@migrations()
def m014_run_pace_and_reach(db: Database):
    """What a run tells the next one about time and reach: the refusals (403/429/5xx answered
    with a back-off) it met, for the time the next run is expected to take at the live pace, and
    the kinds of name the register's search form could not reach, named instead of dropped."""
    columns = db.table("import_runs").columns_dict
    if "refusals" not in columns:
        db.table("import_runs").add_column("refusals", int)
    if "unreachable" not in columns:
        db.table("import_runs").add_column("unreachable", str)


@migrations()
def m015_professions(db: Database):
    """Profession is part of the answer: each regulator's profession and its scope of practice
    (the law's words -> kind, for mechanism scope_of_practice), each registration's profession
    (its register's, unless the record names its own) and the directory's copy of it, which
    the search filters on. Rows from before professions were all physiotherapists'."""
    for column in ("profession", "scope"):
        if column not in db.table("regulators").columns_dict:
            db.table("regulators").add_column(column, str)
    db.execute("update regulators set profession = 'physiotherapist' where profession is null")
    for table in ("registrations", "directory"):
        if "profession" not in db.table(table).columns_dict:
            db.table(table).add_column("profession", str)
    db.execute(
        "update registrations set profession = coalesce((select g.profession from regulators g "
        "where g.id = registrations.regulator_id), 'physiotherapist') where profession is null"
    )
    db.execute(
        "update directory set profession = (select r.profession from registrations r "
        "where r.id = directory.registration_id) where profession is null"
    )
    # Datasette's facet on the profession counts over an index (see m011).
    db.table("registrations").create_index(["profession"], if_not_exists=True)


@migrations()
def m016_directory_status_class(db: Database):
    """The status class on each directory row, so that a search for people who may be practising
    reads the directory alone (BENCHMARKS.md, 2026-12-05: a capped count joined to registrations
    took 8.4 ms, 1.7 ms without the join)."""
    if "status_class" not in db.table("directory").columns_dict:
        db.table("directory").add_column("status_class", str)
    db.execute(
        "update directory set status_class = (select r.status_class from registrations r "
        "where r.id = directory.registration_id) where status_class is null"
    )


@migrations()
def m017_longer_prefix_indexes(db: Database):
    """Prefix indexes for 2 to 8 characters (they were 2 to 4). A name typed in full ("gabriel")
    is searched as a prefix; beyond the longest prefix index FTS5 merges the doclists of every
    word that starts so, which was half a search's time at 1,000,000 registrations. The index
    grows by about half (128 to 200 MB there) and its rebuild takes about 4 s more."""
    db.execute("drop table directory_fts")
    db.execute(
        f"""
        create virtual table directory_fts using fts5(
          name, cities, organizations, provinces, kind_tokens,
          tokenize='{TOKENIZE}', prefix='{" ".join(map(str, PREFIX_LENGTHS))}',
          content="directory", content_rowid="id", columnsize=0
        )
        """
    )
    rebuild_index(db.conn)


@migrations()
def m018_directory_filter(db: Database):
    """What a search filters on (may be practising, profession), per directory row, in a narrow
    table kept by triggers (db/directory.py FILTER_SCHEMA)."""
    for sql in FILTER_SCHEMA:
        db.execute(sql)
    db.execute(FILTER_FILL)


@migrations()
def m019_locations_in_order(db: Database):
    """A registration's practice locations indexed in the order a document lists them (by
    position), so that a page of results reads them in that order instead of sorting each
    registration's. The index replaces the one on registration_id alone, which it covers."""
    db.execute(
        "create index if not exists practice_locations_in_order "
        "on practice_locations (registration_id, position)"
    )
    db.execute("drop index if exists idx_practice_locations_registration_id")
