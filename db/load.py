"""Loading: regulators from source declarations, and one import run's records, applied atomically.

A run is applied in one transaction or not at all. An empty or sharply shrunken run is refused
(recorded as rejected, nothing changed): a broken scrape must never remove good data. People the
register stops listing are kept, marked "no longer on the register since" that run.
"""

from __future__ import annotations

import contextlib
import gc
import json
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain, islice
from typing import NamedTuple

from sqlite_utils import Database

from db import (
    db_file,
    history,
    one_writer,
    pages_written_once,
    places,
    references_unchecked,
    summaries,
)
from db.directory import Writer, drop_indexes, row_for, sort_threads
from db.responses import Responses
from db.runs import APPLIED_UNFINISHED, DIED, RunState, state_of
from scrapers.kinds import DEFAULT_PROFESSION
from scrapers.records import Registration
from scrapers.sources import Source

BATCH = 2000

# The longest value each stored field may hold, in characters. A register is untrusted: a value
# longer than this is no real name, address or status but a broken or hostile register, and
# the run is refused (`oversized`) rather than the value cut, since a cut name would be a wrong
# name published as the register's. Far above anything a real register lists (the longest real
# values are a few hundred characters: a clinic's full address, a condition's wording).
MAX_CHARS = {
    "registrant_id": 200,
    "registration_number": 200,
    "name": 2000,
    "family_name": 2000,
    "given_names": 2000,
    "category": 2000,
    "status": 2000,
    "status_class": 50,
    "profile_url": 2000,
    "conditions": 4000,  # each condition
    "wording": 2000,  # of each authorization
    "organization": 2000,  # of each practice location, and the rest of its fields
    "address": 2000,
    "city": 2000,
    "province": 200,
    "postal_code": 200,
    "phone": 200,
}
# The most of each repeated part one record may have.
MAX_ITEMS = {"conditions": 100, "authorizations": 100, "locations": 100}
# What a run record keeps of its own text: the message is ours but quotes the register (an
# error page, a field), so it is cut, with the cut said; likewise each recorded error.
MAX_MESSAGE = 2000
MAX_ERRORS = 100
MAX_ERROR_CHARS = 500


def oversized(record: Registration) -> str | None:
    """Why a record cannot be stored (a field longer than MAX_CHARS, more parts than MAX_ITEMS),
    as a short sentence naming the registrant and the field; None when it can."""
    values: list[tuple[str, object]] = [
        (name, getattr(record, name))
        for name in (
            "registrant_id",
            "registration_number",
            "name",
            "family_name",
            "given_names",
            "category",
            "status",
            "status_class",
            "profile_url",
        )
    ]
    for part in ("conditions", "authorizations", "locations"):
        items = getattr(record, part)
        if len(items) > MAX_ITEMS[part]:
            return _too_many(record, part, len(items))
    values += [("conditions", c) for c in record.conditions]
    values += [("wording", a.wording) for a in record.authorizations]
    values += [
        (name, getattr(loc, name))
        for loc in record.locations
        for name in ("organization", "address", "city", "province", "postal_code", "phone")
    ]
    for name, value in values:
        if isinstance(value, str) and len(value) > MAX_CHARS[name]:
            return (
                f"registrant {_short(record.registrant_id)}: {name} is {len(value):,} characters "
                f"long, more than the {MAX_CHARS[name]:,} allowed"
            )
    return None


def _too_many(record: Registration, part: str, count: int) -> str:
    return (
        f"registrant {_short(record.registrant_id)} has {count:,} {part}, more than the "
        f"{MAX_ITEMS[part]:,} allowed"
    )


def _short(text: object, limit: int = 40) -> str:
    """`text` as a repr of at most about `limit` characters, for quoting register text."""
    text = str(text)
    return repr(text) if len(text) <= limit else repr(text[:limit]) + "…"


def bounded(text: str, limit: int = MAX_MESSAGE) -> str:
    """`text` cut to `limit` characters, saying how much was cut."""
    if len(text) <= limit:
        return text
    keep = limit - 40  # room for the note, whatever the count
    return f"{text[:keep]}… ({len(text) - keep:,} more characters)"


def bounded_errors(errors: list[dict]) -> list[dict]:
    """At most MAX_ERRORS errors, each of their texts bounded; a last line says what was left."""
    kept = [
        {k: bounded(v, MAX_ERROR_CHARS) if isinstance(v, str) else v for k, v in e.items()}
        for e in errors[:MAX_ERRORS]
    ]
    if len(errors) > MAX_ERRORS:
        kept.append({"url": "", "error": f"... and {len(errors) - MAX_ERRORS:,} more errors"})
    return kept


def utcnow() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sort_key(family: str | None, given: str | None, name: str) -> str:
    """Accent- and case-folded "family given", so "Côté" sorts beside "Cote"."""
    text = f"{family or name} {given or ''}".casefold()
    if text.isascii():
        return text.strip()
    text = unicodedata.normalize("NFKD", text)
    return text.encode("ascii", "ignore").decode("ascii").strip()


@contextlib.contextmanager
def writing(db: Database, *, fills: Callable[[], bool] | None = None) -> Iterator[None]:
    """One write transaction, taken before its first read, and one importer's at a time.

    `BEGIN IMMEDIATE` takes SQLite's write lock at the start, waiting (busy_timeout) while
    another connection holds it; a plain `BEGIN` that reads first and then writes gets
    SQLITE_BUSY at once, without waiting, when another import committed in between ("database
    is locked" within a second). And since one import's apply can outlast any busy timeout,
    importers also queue on an OS lock beside the database (`locks/<db>.lock`, released when
    its process dies however it dies) for as long as the other's transaction takes. Nested
    inside a transaction, it is a savepoint.

    `fills`, asked once the importers' lock is held: whether this write fills an empty database,
    which is then written under a rollback journal if it can be (`pages_written_once`), and
    with its references unchecked (`references_unchecked`): give it only for the loader's own
    writes, whose every reference is checked before (`_check_references`)."""
    if db.conn.in_transaction:
        with db.atomic():
            yield
        return
    with _one_writer(db), contextlib.ExitStack() as filling:
        if fills and fills():
            filling.enter_context(pages_written_once(db))
            filling.enter_context(references_unchecked(db))
        db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            db.rollback()
            raise
        try:
            db.execute("COMMIT")
        except BaseException:
            db.rollback()
            raise


@contextlib.contextmanager
def _one_writer(db: Database) -> Iterator[None]:
    path = db_file(db)
    if path is None:  # in memory: no other process can write to it
        yield
        return
    with one_writer(path):  # waits for the other importer's transaction
        yield


def sync_regulators(db: Database, sources: Iterable[Source]) -> None:
    """Write the declared regulators; a source's own declaration is the truth about it."""
    rows = [
        {
            "id": s.key,
            "jurisdiction": s.jurisdiction,
            "name": s.regulator,
            "short_name": s.short_name,
            "platform": s.platform,
            "register_url": s.register_url,
            "base_url": s.base_url,
            "terms_note": s.terms_note,
            "needling": s.needling,
            "mechanism": s.mechanism,
            "profession": s.profession,
            "scope": json.dumps(s.scope, ensure_ascii=False) if s.scope else None,
            "wording": json.dumps(s.wording, ensure_ascii=False),
            "coverage": s.coverage,
            "coverage_note": s.coverage_note,
            "sample": int(s.sample),
            "enabled": int(s.enabled),
        }
        for s in sources
    ]
    with writing(db):
        db.table("regulators").upsert_all(rows, pk="id")


def start_run(db: Database, regulator_id: str, *, at: str | None = None) -> int:
    """The state of a run as import_runs records it (db/runs.py); None when there is no such
    run."""
    with writing(db):
        table = db.table("import_runs")
        table.insert(
            {
                "regulator_id": regulator_id,
                "started_at": at or utcnow(),
                "outcome": RunState.RUNNING.outcome,
                "requests": 0,
                "records_seen": 0,
            },
        )
        assert table.last_pk is not None  # the row was just inserted
        return int(table.last_pk)


def close_interrupted_runs(db: Database, regulator_id: str) -> int:
    """Mark runs left running by a process that died as interrupted; their data was never
    applied (the transaction that applies it also leaves `running`, db/runs.py)."""
    with writing(db):
        return db.execute(
            "update import_runs set outcome = ?, ended_at = ?, message = ? "
            "where regulator_id = ? and outcome = ?",
            [RunState.INTERRUPTED.outcome, utcnow(), DIED, regulator_id, RunState.RUNNING.outcome],
        ).rowcount


def run_state(db: Database, run_id: int) -> RunState | None:
    """The state of a run as import_runs records it (db/runs.py); None when there is no such run."""
    row = db.execute(
        "select outcome, message, errors from import_runs where id = ?", [run_id]
    ).fetchone()
    return state_of(*row) if row else None


def applied(db: Database, run_id: int) -> str | None:
    """The summary of this run's changes if apply_run committed its data (its state is applied,
    or success once recorded), else None: the one test of whether a run changed the data."""
    row = db.execute(
        "select outcome, message, errors, records_seen, added, changed, unchanged, removed "
        "from import_runs where id = ?",
        [run_id],
    ).fetchone()
    if not row:
        return None
    state = state_of(*row[:3])
    if state is RunState.APPLIED:
        return Counts(*row[3:]).summary()
    return row[1] if state is RunState.SUCCESS else None


def finish_run(
    db: Database,
    run_id: int,
    outcome: str,
    message: str,
    *,
    requests: int,
    errors: list[dict],
    counts: dict | None = None,
    at: str | None = None,
) -> None:
    row = {
        "ended_at": at or utcnow(),
        "outcome": outcome,
        "message": bounded(message),
        "requests": requests,
        "errors": json.dumps(bounded_errors(errors), ensure_ascii=False),
        **(counts or {}),
    }
    with writing(db):
        db.table("import_runs").update(run_id, row)


@dataclass
class Counts:
    records_seen: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    on_register: int = 0  # after the run: people the register lists
    authorized: int = 0  # after the run: of them, who may needle now

    def summary(self) -> str:
        return (
            f"{self.records_seen} records: {self.added} added, {self.changed} changed, "
            f"{self.unchanged} unchanged, {self.removed} no longer on the register"
        )


class Rejected(Exception):
    """The run's records are not applied; the message says why and how to override."""


def present_count(db: Database, regulator_id: str) -> int:
    return db.execute(
        "select count(*) from registrations where regulator_id = ? and removed_at is null",
        [regulator_id],
    ).fetchone()[0]


def check_run_size(
    db: Database,
    regulator_id: str,
    seen: int,
    *,
    max_shrink: float,
    accept_shrink: bool,
    note: str = "",
) -> None:
    """Refuse an empty run, and one that shrinks by more than `max_shrink` unless accepted;
    `note` (the source's `shrink_note`) ends the refusal of a shrunken run."""
    if seen == 0:
        raise Rejected("the run found no records; nothing was changed")
    before = present_count(db, regulator_id)
    if before and not accept_shrink and seen < before * (1 - max_shrink):
        share = 1 - seen / before
        raise Rejected(
            f"the run found {seen} records against {before} on the register now "
            f"({share:.0%} fewer, more than the {max_shrink:.0%} allowed); nothing was changed. "
            "If the register really shrank, re-run with --accept-shrink"
            + (f". {note}" if note else "")
        )


def _batches(records: Iterable[Registration]) -> Iterator[list[Registration]]:
    it = iter(records)
    while batch := list(islice(it, BATCH)):
        yield batch


# Written as they are most often: json.dumps with options builds a new encoder on every call.
_JSON = json.JSONEncoder(ensure_ascii=False)
# A registrations row's columns, in the order of `Prepared.row` (what each record has of its
# own), then those a run gives all its rows alike (`_Statements`).
_COLUMNS = (
    "id",
    "registrant_id",
    "registration_number",
    "name",
    "family_name",
    "given_names",
    "sort_key",
    "category",
    "status",
    "status_class",
    "conditions",
    "profile_url",
    "content_hash",
    "response_ids",
    "profession",
    "first_seen",
    "regulator_id",
    "last_seen",
    "last_run_id",
    "valid_since",
)
# `Prepared.row` ends before first_seen: a registration seen before appends its own.
_OWN = _COLUMNS.index("first_seen")
_RESPONSE_IDS = _COLUMNS.index("response_ids")


class Known(NamedTuple):
    """What the database holds of a registration before the batch that sees it again."""

    content_hash: str
    removed_at: str | None
    first_seen: str
    last_run_id: int | None  # this run's id: written by this run, from an earlier batch


def _once(batch: list[Prepared]) -> list[Prepared]:
    """The batch with each registration once, as first listed (the adapters that meet a person
    twice keep the first too, e.g. the Alinity drill's rows by `rg`, scrapers/drill.py): a register
    that lists someone twice on one page must not fail the run."""
    if len({p.id for p in batch}) == len(batch):
        return batch
    first: dict[str, Prepared] = {}
    for p in batch:
        first.setdefault(p.id, p)
    return list(first.values())


class Prepared(NamedTuple):
    """One record made ready to write, from the record alone."""

    id: str  # the registration's id
    record: Registration
    digest: str  # the record's content hash
    row: list  # its registrations row: `_COLUMNS` before `_OWN` (response ids set on writing)
    entry: tuple  # its directory row (db/directory.py)


def _prepare(
    batch: list[Registration],
    regulator_id: str,
    home: str | None = None,
    profession: str = DEFAULT_PROFESSION,
) -> list[Prepared]:
    """Everything derived from each record alone, as the rows to write; `profession` is the
    register's, for records that do not name their own."""
    out = []
    for rec in batch:
        if rec.regulator != regulator_id:
            raise ValueError(f"record for {rec.regulator} in a run of {regulator_id}")
        rid = f"{regulator_id}:{rec.registrant_id}"
        key = sort_key(rec.family_name, rec.given_names, rec.name)
        digest = rec.content_hash()
        conditions = rec.conditions
        held = rec.profession or profession
        row = [
            rid,
            rec.registrant_id,
            rec.registration_number,
            rec.name,
            rec.family_name,
            rec.given_names,
            key,
            rec.category,
            rec.status,
            rec.status_class,
            _JSON.encode(conditions) if conditions else "[]",
            rec.profile_url,
            digest,
            None,  # response_ids
            held,
        ]
        out.append(Prepared(rid, rec, digest, row, row_for(rid, rec, key, home, held)))
    return out


def apply_run(
    db: Database,
    regulator_id: str,
    run_id: int,
    records: Iterable[Registration],
    *,
    now: str | None = None,
    locate: places.Locate | None = None,
    ended_at: str | None = None,
) -> Counts:
    """Apply one complete run's records atomically; records are streamed, memory stays flat.

    `now` dates the changes (default: the clock); `ended_at` is recorded as the run's end
    (default: the clock at commit; a demo's past import gives its own date).

    `locate` (city, province -> latitude, longitude) places on the map the locations whose
    register gives no coordinates (db/places.py); without it only the register's are mapped.
    """
    with _no_cyclic_gc():
        return _apply(db, regulator_id, run_id, records, now or utcnow(), locate, ended_at)


@contextlib.contextmanager
def _no_cyclic_gc():
    """Records hold no reference cycles; the cycle collector's passes over millions of fresh
    objects only cost time (about 15% of a large load)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _apply(
    db: Database,
    regulator_id: str,
    run_id: int,
    records: Iterable[Registration],
    now: str,
    locate: places.Locate | None,
    ended_at: str | None = None,
) -> Counts:
    counts = Counts()
    conn = db.conn
    _check_references(conn, regulator_id, run_id)
    # The first good run of a source is its baseline: people in it did not "appear".
    baseline = not conn.execute(
        "select 1 from import_runs where regulator_id = ? and outcome = 'success' and id != ?",
        [regulator_id, run_id],
    ).fetchone()
    # A large run into an empty database (a first import, a rebuild) writes its pages once
    # (`pages_written_once`): whether the run is large is known from its first batch, read
    # before the transaction begins.
    batches = _batches(records)
    first = next(batches, [])
    large = len(first) == BATCH
    with writing(db, fills=(lambda: not _any_registration(conn)) if large else None):
        # Who this run saw, to find who it did not; a temp table, so that a run over an unchanged
        # register writes nothing to the database but its run record.
        conn.execute("create temp table if not exists seen_ids (id text primary key)")
        conn.execute("delete from seen_ids")
        # Nobody can leave a register on which the database lists nobody yet.
        listed = conn.execute(
            "select exists (select 1 from registrations where regulator_id = ? "
            "and removed_at is null)",
            [regulator_id],
        ).fetchone()[0]
        regulator = conn.execute(  # (there is one: `_check_references`)
            "select jurisdiction, profession from regulators where id = ?", [regulator_id]
        ).fetchone()
        # A run that writes every registration its regulator has (its first import) counts the
        # place summaries as it writes them; any registration already there, or seen twice in
        # the run, leaves the counting to the summary's query.
        place_counts = (
            None
            if listed
            or conn.execute(
                "select exists (select 1 from registrations where regulator_id = ?)",
                [regulator_id],
            ).fetchone()[0]
            else summaries.PlaceCounts(regulator[0])
        )
        home = regulator[0].split("-")[-1].lower() if regulator[0] else None
        profession = regulator[1] or DEFAULT_PROFESSION
        statements = _Statements.of(regulator_id, run_id, now)
        directory = Writer(conn)
        responses = Responses(conn, run_id)
        locate = places.remembered(locate)
        # Into an empty database (a first import, a rebuild), once a full batch shows the run is
        # large, each table's indexes are built once after its rows rather than row by row, as
        # the directory's are. They are back before anything below reads through them.
        deferrable = not listed and not _any_registration(conn)
        deferred: list[str] = []
        prepared = (
            _prepare(b, regulator_id, home, profession)
            for b in chain([first] if first else [], batches)
        )
        for listed_batch in prepared:
            batch = _once(listed_batch)
            ids = [p.id for p in batch]
            if listed:
                conn.executemany("insert or ignore into seen_ids values (?)", [(i,) for i in ids])
            marks = ",".join("?" * len(ids))
            known = {
                rid: Known(*rest)
                for rid, *rest in conn.execute(
                    "select id, content_hash, removed_at, first_seen, last_run_id "
                    f"from registrations where id in ({marks})",
                    ids,
                )
            }
            if any(old.last_run_id == run_id for old in known.values()):
                # Listed again in a later batch of this run: the first listing stands.
                batch = [p for p in batch if p.id not in known or known[p.id].last_run_id != run_id]
            counts.records_seen += len(batch)
            if known and deferred:  # one met before: what follows reads through the indexes
                deferred = _restore(conn, deferred)
            if known:
                fresh = []
                for p in batch:
                    old = known.get(p.id)
                    if old is None:
                        counts.added += 1
                        fresh.append(p)
                    elif old.content_hash != p.digest or old.removed_at is not None:
                        counts.changed += 1
                        p.row.append(old.first_seen)
                        fresh.append(p)
                    else:
                        counts.unchanged += 1
            else:
                counts.added += len(batch)
                fresh = batch
            replaced = history.snapshot(conn, [p.id for p in fresh if p.id in known])
            _write(conn, statements, directory, responses, fresh, known, locate)
            if place_counts is not None:
                if known:
                    place_counts = None
                else:
                    place_counts.add(p.record for p in fresh)
            if replaced or not baseline:
                pairs = [(p.id, replaced.get(p.id), history.state_of(p.record)) for p in fresh]
                history.record(conn, regulator_id, run_id, now, pairs, events_for_new=not baseline)
            if deferrable and len(batch) == BATCH:
                deferred, deferrable = _drop_deferred(conn), False
        deferred = _restore(conn, deferred)
        leaving = (
            [
                row[0]
                for row in conn.execute(
                    "select id from registrations where regulator_id = ? and removed_at is null "
                    "and id not in (select id from temp.seen_ids)",
                    [regulator_id],
                )
            ]
            if listed
            else []
        )
        for start in range(0, len(leaving), BATCH):
            states = history.snapshot(conn, leaving[start : start + BATCH])
            pairs = [(rid, old, {**old, "on_register": False}) for rid, old in states.items()]
            history.record(conn, regulator_id, run_id, now, pairs, events_for_new=True)
        conn.executemany(
            "update registrations set removed_at = ?, valid_since = ? where id = ?",
            [(now, now, rid) for rid in leaving],
        )
        counts.removed = len(leaving)
        if leaving:
            directory.mark_removed(regulator_id, now)
        directory.sync()
        places.fill(conn, locate)
        # Summary tables (db/summaries.py), recomputed only when the run changed something.
        if (counts.added or counts.changed or counts.removed) and not (
            place_counts is not None and place_counts.write(conn, regulator_id)
        ):
            summaries.refresh(conn, regulator_id)
        registrations_ever = conn.execute(
            "select count(*) from registrations where regulator_id = ?", [regulator_id]
        ).fetchone()[0]
        # Kept with the run, so that summaries need not count a large register on every call.
        counts.on_register, counts.authorized = conn.execute(
            "select count(*), coalesce(sum(authorized), 0) from directory "
            "where regulator_id = ? and on_register",
            [regulator_id],
        ).fetchone()
        # The run is recorded as applied in the transaction that applies it, so that no kill
        # between the data's commit and `finish_run` can leave applied data under a run marked
        # failed (finish_run later adds the requests, errors and final message: db/runs.py).
        conn.execute(
            "update import_runs set outcome = ?, ended_at = ?, message = ?, "
            "records_seen = ?, added = ?, changed = ?, unchanged = ?, removed = ?, "
            "on_register = ?, authorized = ?, registrations_ever = ? where id = ?",
            [
                RunState.APPLIED.outcome,
                ended_at or utcnow(),
                counts.summary() + APPLIED_UNFINISHED,
                counts.records_seen,
                counts.added,
                counts.changed,
                counts.unchanged,
                counts.removed,
                counts.on_register,
                counts.authorized,
                registrations_ever,
                run_id,
            ],
        )
    return counts


def _check_references(conn, regulator_id: str, run_id: int) -> None:
    """Refuse, in words, a run whose regulator or run record is not in the database: every row
    the loader writes refers to them (and each part to a registration the same batch writes), so
    once they are there a fill may leave its references unchecked (`writing`)."""
    if not conn.execute("select 1 from regulators where id = ?", [regulator_id]).fetchone():
        raise ValueError(f"no regulator {regulator_id!r} in the database (sync_regulators first)")
    found = conn.execute("select regulator_id from import_runs where id = ?", [run_id]).fetchone()
    if not found:
        raise ValueError(f"no import run {run_id} in the database (start_run first)")
    if found[0] != regulator_id:
        raise ValueError(f"import run {run_id} is a run of {found[0]}, not of {regulator_id}")


# The tables a first import fills whose indexes it builds after their rows (`_drop_deferred`).
DEFERRED_INDEXES = ("registrations", "practice_locations", "authorizations", "responses")


def _any_registration(conn) -> bool:
    return conn.execute("select exists (select 1 from registrations)").fetchone()[0] == 1


def _drop_deferred(conn) -> list[str]:
    """Drop the indexes of DEFERRED_INDEXES' tables; the SQL to make them again."""
    return [sql for table in DEFERRED_INDEXES for sql in drop_indexes(conn, table)]


def _restore(conn, deferred: list[str]) -> list[str]:
    """Make the dropped indexes again (within the run's transaction); none are left to make.
    SQLite's sorter may use a second thread meanwhile (a sixth off their time at 300,000)."""
    if not deferred:
        return []
    with sort_threads(conn):
        for sql in deferred:
            conn.execute(sql)
    return []


class _Statements(NamedTuple):
    """A run's registrations statements: what every row of the run has alike (its regulator, its
    run, the time of the run) is written into the statement instead of bound on each row: five
    of twenty parameters, about half a second at 1,000,000."""

    new: str  # a registration new to the database: `Prepared.row`
    seen: str  # one seen before (an upsert): `Prepared.row` and its first_seen

    @classmethod
    def of(cls, regulator_id: str, run_id: int, now: str) -> _Statements:
        regulator, run, at = _literal(regulator_id), str(int(run_id)), _literal(now)
        own = ", ".join("?" * _OWN)
        # first_seen, then regulator_id, last_seen, last_run_id, valid_since
        alike = f"{regulator}, {at}, {run}, {at}"
        insert = f"insert into registrations ({', '.join(_COLUMNS)}) values ({own}, "
        return cls(
            f"{insert}{at}, {alike})",
            f"{insert}?, {alike}) on conflict(id) do update set "
            "registration_number = excluded.registration_number, "
            "name = excluded.name, family_name = excluded.family_name, "
            "given_names = excluded.given_names, sort_key = excluded.sort_key, "
            "category = excluded.category, status = excluded.status, "
            "status_class = excluded.status_class, conditions = excluded.conditions, "
            "profile_url = excluded.profile_url, content_hash = excluded.content_hash, "
            "last_seen = excluded.last_seen, removed_at = null, "
            "last_run_id = excluded.last_run_id, response_ids = excluded.response_ids, "
            "valid_since = excluded.valid_since, profession = excluded.profession",
        )


def _literal(text: str) -> str:
    """`text` as a SQL string literal (quotes doubled); our own values only, never a register's."""
    if "\0" in text:
        raise ValueError(f"no NUL in a SQL literal: {text!r}")
    return "'" + text.replace("'", "''") + "'"


_LOCATION = (
    "insert into practice_locations (registration_id, position, organization, address, city, "
    "province, postal_code, phone{}) values (?, ?, ?, ?, ?, ?, ?, ?{})"
)
_LOCATION_PLACED = _LOCATION.format(
    ", latitude, longitude, map_latitude, map_longitude", ", ?, ?, ?, ?"
)
_LOCATION_MAPPED = _LOCATION.format(", map_latitude, map_longitude", ", ?, ?")
_LOCATION_UNPLACED = _LOCATION.format("", "")


def _location_rows(fresh: list[Prepared], locate: places.Locate | None) -> dict[str, list]:
    """The rows of the records' locations, each under a statement naming only the coordinates it
    has: a None bound from Python goes through sqlite3's adapter lookup (about 0.35 µs each; the
    four null coordinates of a location were 1.4 s at 1,000,000), a column left out is null at
    no cost. Most registers publish no coordinates, and a city the lookup does not know has no
    map point either."""
    rows: dict[str, list] = {_LOCATION_PLACED: [], _LOCATION_MAPPED: [], _LOCATION_UNPLACED: []}
    placed, mapped, unplaced = rows.values()
    map_point = places.map_point
    for p in fresh:
        for i, loc in enumerate(p.record.locations):
            row = (
                p.id,
                i,
                loc.organization,
                loc.address,
                loc.city,
                loc.province,
                loc.postal_code,
                loc.phone,
            )
            lat, lon = loc.latitude, loc.longitude
            point = map_point(lat, lon, loc.city, loc.province, locate)
            if lat is not None or lon is not None:
                placed.append((*row, lat, lon, *point))
            elif point[0] is None:
                unplaced.append(row)
            else:
                mapped.append((*row, *point))
    return rows


def _write(
    conn,
    statements: _Statements,
    directory: Writer,
    responses: Responses,
    fresh: list[Prepared],
    known: dict[str, Known],
    locate: places.Locate | None,
) -> None:
    """Insert new registrations and replace changed ones (`known`: those in the database before
    the batch), with their responses, their parts and their directory rows; `locate` places
    on the map the locations whose register gives no coordinates (db/places.py)."""
    if not fresh:
        return
    response_ids = responses.ids
    for p in fresh:
        p.row[_RESPONSE_IDS] = response_ids(p.record.evidence)
    responses.write()
    if known:
        ids = [p.id for p in fresh]
        marks = ",".join("?" * len(ids))
        for table in ("authorizations", "practice_locations"):
            conn.execute(f"delete from {table} where registration_id in ({marks})", ids)
    # A plain insert appends; an upsert costs twice as much and more as the table grows.
    if known:
        conn.executemany(statements.new, [p.row for p in fresh if p.id not in known])
        conn.executemany(statements.seen, [p.row for p in fresh if p.id in known])
    else:
        conn.executemany(statements.new, [p.row for p in fresh])
    conn.executemany(
        "insert into authorizations (registration_id, wording, kind, mechanism) "
        "values (?, ?, ?, ?)",
        [(p.id, a.wording, a.kind, a.mechanism) for p in fresh for a in p.record.authorizations],
    )
    for sql, rows in _location_rows(fresh, locate).items():
        if rows:
            conn.executemany(sql, rows)
    directory.write([p.entry for p in fresh], all_new=not known)
