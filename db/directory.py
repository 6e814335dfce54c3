"""The directory: one derived row per registration, searchable, kept in alphabetical rowid order.

A search must not rank every match (a common prefix such as "rob" matches tens of thousands at
scale), so the full-text index is made to return matches already in order: each row's id is
derived from its folded "family given" name (the first ORDER_CHARS characters, order-preserving),
and FTS5 yields matches by rowid. A page is then the first N matches after a cursor.

Rows are written only when a registration's published content changes or it leaves the register.
The full-text index is brought up to date once per run, in rowid order (sync_index): FTS5 flushes
its pending index on every out-of-order rowid, which makes row-by-row triggers ten times slower.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from db.pragmas import setting
from scrapers.kinds import DEFAULT_PROFESSION
from scrapers.records import Location, Registration
from scrapers.standing import NOT_PRACTISING_CLASSES

# Statuses under which an authorization can be used now.
PRACTISING = frozenset({"practising"})


def in_practice_sql(row: str = "") -> str:
    """The SQL for "may be practising" over a directory row (`row`: its prefix, "d." or "new."):
    on the register, under no status class that rules practice out. What a patient's search
    keeps unless asked for everyone."""
    ruled_out = ", ".join(f"'{c}'" for c in NOT_PRACTISING_CLASSES)
    return f"{row}on_register and {row}status_class not in ({ruled_out})"


# What a search filters on, for each directory row, in a table of its own: a capped count reads
# up to a thousand matches and looks each one up, and the directory's rows are wide (BENCHMARKS.md,
# 2026-12-05: a third less for such a count at 1,000,000). Kept by triggers, whoever writes.
_IN_PRACTICE_NEW = f"coalesce({in_practice_sql('new.')}, 0)"
_FILTER_NEW = (
    "create trigger if not exists directory_filter_new after insert on directory begin "
    "insert into directory_filter (id, in_practice, profession) "
    f"values (new.id, {_IN_PRACTICE_NEW}, new.profession); end"
)
FILTER_SCHEMA = (
    "create table if not exists directory_filter "
    "(id integer primary key, in_practice integer not null, profession text)",
    _FILTER_NEW,
    "create trigger if not exists directory_filter_changed "
    "after update of on_register, status_class, profession on directory begin "
    f"update directory_filter set in_practice = {_IN_PRACTICE_NEW}, profession = new.profession "
    "where id = new.id; end",
    "create trigger if not exists directory_filter_gone after delete on directory begin "
    "delete from directory_filter where id = old.id; end",
)
_FILTER_ROWS = (
    "insert or replace into directory_filter (id, in_practice, profession) "
    f"select id, coalesce({in_practice_sql()}, 0), profession from {{table}}"
)
FILTER_FILL = _FILTER_ROWS.format(table="directory")

# Order-preserving id: ORDER_CHARS characters in base len(SYMBOLS)+1 (0 ends a short key), then
# SLOT_BITS for people whose keys share that prefix. 40**8 * 2**9 stays below 2**53, so the ids
# survive JSON parsers that read numbers as doubles (JavaScript's, in Datasette's JSON).
SYMBOLS = " '-0123456789abcdefghijklmnopqrstuvwxyz"
ORDER_CHARS = 8
SLOT_BITS = 9
SLOTS = 1 << SLOT_BITS
_BASE = len(SYMBOLS) + 1
_DIGIT = {c: i + 1 for i, c in enumerate(SYMBOLS)}

COLUMNS = (
    "registration_id",
    "regulator_id",
    "sort_key",
    "name",
    "registration_number",
    "status",
    "on_register",
    "authorized",
    "kinds",
    "city",
    "province",
    "organization",
    "cities",
    "organizations",
    "provinces",
    "kind_tokens",
    "profession",  # the search's profession filter (scrapers/kinds.py PROFESSIONS)
    # The registration's status class, beside it: "may be practising" is then read off the
    # directory row alone; a join to registrations made a capped count 5 times slower at 1M.
    "status_class",
)
# The lengths of the prefixes the full-text index keeps an index of (FTS5's `prefix`, set in
# db/migrations.py m017): a word typed as a prefix up to the longest is one doclist to read.
PREFIX_LENGTHS = (2, 3, 4, 5, 6, 7, 8)
FTS_COLUMNS = ("name", "cities", "organizations", "provinces", "kind_tokens")
_FTS = ", ".join(FTS_COLUMNS)
_INSERT = (
    f"insert into directory (id, {', '.join(COLUMNS)}) values (?, {', '.join('?' * len(COLUMNS))})"
)
_UPDATE = f"update directory set {', '.join(f'{c} = ?' for c in COLUMNS)} where id = ?"
_TRACK = (
    f"create temp table if not exists fts_old (id integer primary key, {_FTS})",
    "create temp table if not exists fts_new (id integer primary key)",
    "create temp table if not exists slot_bases (base integer primary key)",
    f"create temp table if not exists dir_stage (id integer, {', '.join(COLUMNS)})",
)
_COLUMNS = ", ".join(COLUMNS)
_STAGE = f"insert into dir_stage values (?, {', '.join('?' * len(COLUMNS))})"
# Slot ranges whose top id a run keeps (about 100 bytes each).
TOPS_KEPT = 200_000
SORT_CACHE = -2048  # KiB: the page cache while staged rows are sorted
REBUILD_CACHE = -2048  # KiB: the page cache while the full-text index is rebuilt
# Helper threads SQLite's sorter may use for a large sort (staged rows sorted by id: 2.8 -> 2.3 s
# at 1,000,000).
SORT_THREADS = 2
REBUILD_HASHSIZE = 256 << 20  # bytes of pending terms FTS5 may hold while rebuilding
FTS5_HASHSIZE = 1 << 20  # FTS5's default
_HASHSIZE = "insert into directory_fts(directory_fts, rank) values ('hashsize', ?)"
# Above this share of rows changed, rebuilding the index is cheaper than patching it.
REBUILD_SHARE = 0.2


def _order_value(key: str) -> int:
    value = 0
    for ch in key:
        value = value * _BASE + (0 if ch == "\0" else _DIGIT.get(ch, 1))
    return value


# Two characters at a time: a dictionary lookup per pair instead of arithmetic per character
# (a large load computes one per record). Pairs with other characters take the loop.
_PAIRS = {a + b: _order_value(a + b) for a in "\0" + SYMBOLS for b in "\0" + SYMBOLS}
_BASE2 = _BASE * _BASE


def order_base(sort_key: str) -> int:
    """The first id of a name's slot range; ranges sort as the names do."""
    key = sort_key[:ORDER_CHARS].ljust(ORDER_CHARS, "\0")
    pairs = _PAIRS
    try:
        value = (
            (pairs[key[0:2]] * _BASE2 + pairs[key[2:4]]) * _BASE2 + pairs[key[4:6]]
        ) * _BASE2 + pairs[key[6:8]]
    except KeyError:
        value = _order_value(key)
    return value << SLOT_BITS


def may_use(status_class: str, on_register: bool) -> bool:
    """Whether a registrant may use the kinds held now: on the register and practising."""
    return on_register and status_class in PRACTISING


def authorized_kinds(status_class: str, on_register: bool, kinds: Iterable[str]) -> list[str]:
    """The kinds a registrant may use now: on the register, practising, and holding them."""
    return sorted(set(kinds)) if may_use(status_class, on_register) else []


# Text of the kinds a row holds (sorted kinds -> (JSON list, search tokens)); there are few.
_KIND_TEXT: dict[tuple[str, ...], tuple[str, str]] = {}
# Province codes for search, by (first location's province, regulator's): few distinct pairs.
_PROVINCE_TEXT: dict[tuple[str | None, str | None], str] = {}
_TEXT_KEPT = 1000


def _kind_text(kinds: tuple[str, ...]) -> tuple[str, str]:
    text = _KIND_TEXT.get(kinds)
    if text is None:
        text = (
            "[" + ", ".join(f'"{k}"' for k in kinds) + "]",
            " ".join(k.replace("_", "") for k in kinds),
        )
        if len(_KIND_TEXT) < _TEXT_KEPT:
            _KIND_TEXT[kinds] = text
    return text


def _province_text(provinces: set[str], home: str | None) -> str:
    if home is not None:
        provinces.add(home)
    return " ".join(sorted(provinces))


def row_for(
    rid: str,
    rec: Registration,
    sort_key: str,
    home: str | None = None,
    profession: str = DEFAULT_PROFESSION,
) -> tuple:
    """The directory row of a registration on the register, its values in COLUMNS order (its id
    is allocated on writing).

    `home` is the regulator's province or state ("ab" for CA-AB): a registrant is found by it as
    well as by the provinces of the practice locations the register publishes (some publish none).
    """
    held = rec.authorizations
    if not held:
        kinds: list[str] | tuple[str, ...] = ()
    elif len(held) == 1:  # the usual holder: one kind, nothing to sort
        kinds = (held[0].kind,) if may_use(rec.status_class, True) else ()
    else:
        kinds = authorized_kinds(rec.status_class, True, [a.kind for a in held])
    if kinds:
        kinds_json, kind_tokens = _kind_text(tuple(kinds))
        authorized = 1
    else:
        kinds_json, kind_tokens, authorized = "[]", "", 0
    locations = rec.locations
    first: Location | None
    if len(locations) == 1:
        first = locations[0]
        cities = first.city or ""
        organizations = first.organization or ""
        pair = (first.province, home)
        provinces = _PROVINCE_TEXT.get(pair)
        if provinces is None:
            provinces = _province_text({first.province.lower()} if first.province else set(), home)
            if len(_PROVINCE_TEXT) < _TEXT_KEPT:
                _PROVINCE_TEXT[pair] = provinces
    else:
        first = locations[0] if locations else None
        cities = " ; ".join(loc.city for loc in locations if loc.city)
        organizations = " ; ".join(loc.organization for loc in locations if loc.organization)
        provinces = _province_text(
            {loc.province.lower() for loc in locations if loc.province}, home
        )
    return (
        rid,
        rec.regulator,
        sort_key,
        rec.name,
        rec.registration_number,
        rec.status,
        1,
        authorized,
        kinds_json,
        first.city if first else None,
        first.province if first else None,
        first.organization if first else None,
        cities,
        organizations,
        provinces,
        kind_tokens,
        profession,
        rec.status_class,
    )


def _start_tracking(conn) -> None:
    # Not executescript(): it would commit the run's open transaction.
    for statement in _TRACK:
        conn.execute(statement)


def _track(conn, ids: list[int]) -> None:
    """Remember the indexed values of rows about to change (the first time in a run)."""
    marks = ",".join("?" * len(ids))
    conn.execute(
        f"insert or ignore into fts_old select id, {_FTS} from directory where id in ({marks})",
        ids,
    )


class Writer:
    """One run's directory writes, then the full-text index brought up to date (sync).

    New rows get free ids in their names' slot ranges; the top of each range is read once per
    run and then kept (up to TOPS_KEPT ranges, so memory stays bounded). Rows of registrations
    that are all new to the database (a register's first load) are staged in a temporary table
    and inserted in id order when the run's other writes are done (flush): appending in order
    instead of inserting at random places in a large table.
    """

    def __init__(self, conn) -> None:
        self.conn = conn
        _start_tracking(conn)
        conn.execute("delete from dir_stage")
        self.tops: dict[int, int | None] = {}  # slot range -> highest id in it (None: empty)
        self.bases: dict[str, int] = {}  # a name's first characters -> its slot range
        self.high: int | None = None  # highest id allocated this run
        self.stored: tuple | None = None  # (the highest id before this run's,), when needed
        self.staged = 0
        self.rebuild = False  # enough rows changed that the index will be rebuilt

    def _allocate(self, keys: list[str]) -> list[int]:
        """Free ids for new rows, in their names' slot ranges."""
        conn, tops, known = self.conn, self.tops, self.bases
        if len(known) > TOPS_KEPT:
            known.clear()
        bases = []
        missing = set()
        for key in keys:
            # A range is named by its names' first ORDER_CHARS characters: worked out once each.
            start = key[:ORDER_CHARS]
            base = known.get(start)
            if base is None:
                base = known[start] = order_base(start)
            if base not in tops:
                missing.add(base)
            bases.append(base)
        if missing:
            if len(tops) + len(missing) > TOPS_KEPT:
                self.flush()  # staged rows must be in the table for the query to see them
                tops.clear()
                missing = set(bases)  # the batch's ranges kept until now are gone too
            conn.execute("delete from slot_bases")
            conn.executemany("insert into slot_bases values (?)", [(b,) for b in missing])
            tops.update(dict.fromkeys(missing))
            tops.update(
                conn.execute(
                    "select b.base, max(d.id) from slot_bases b join directory d "
                    f"on d.id >= b.base and d.id < b.base + {SLOTS} group by b.base"
                )
            )
        ids = []
        high = -1 if self.high is None else self.high  # (a local: read on every row)
        for base in bases:
            top = tops[base]
            candidate = base if top is None else top + 1
            if candidate >= base + SLOTS:
                # More namesakes than slots: append after everyone (order is then approximate).
                if self.stored is None:
                    self.stored = conn.execute("select max(id) from directory").fetchone()
                candidate = max(v for v in (*self.stored, high) if v is not None) + 1
                base = candidate - candidate % SLOTS  # the range it falls in is now this high
            tops[base] = candidate
            ids.append(candidate)
            if candidate > high:
                high = candidate
        self.high = None if high < 0 else high
        return ids

    def write(self, rows: list[tuple], *, all_new: bool = False) -> None:
        """Insert or update directory rows; a row keeps its id unless its name moved it.

        `all_new`: no row's registration has been written before (none has a directory row), so
        the rows are staged. The full-text index is not touched here: call sync() at the end.
        """
        if not rows:
            return
        conn = self.conn
        if all_new:
            new_ids = self._allocate([row[2] for row in rows])
            conn.executemany(
                _STAGE, [(new_id, *row) for new_id, row in zip(new_ids, rows, strict=True)]
            )
            self.staged += len(rows)
            return
        self.flush()
        ids = [r[0] for r in rows]
        marks = ",".join("?" * len(ids))
        existing = {
            rid: (row_id, key)
            for rid, row_id, key in conn.execute(
                f"select registration_id, id, sort_key from directory "
                f"where registration_id in ({marks})",
                ids,
            )
        }
        if existing and not self.rebuild:
            _track(conn, [row_id for row_id, _ in existing.values()])
        updates, moved, inserts = [], [], []
        for row in rows:
            old = existing.get(row[0]) if existing else None
            if old and old[1][:ORDER_CHARS] == row[2][:ORDER_CHARS]:
                updates.append((*row, old[0]))
                continue
            if old:
                moved.append((old[0],))
            inserts.append(row)
        conn.executemany(_UPDATE, updates)
        conn.executemany("delete from directory where id = ?", moved)
        new_ids = self._allocate([row[2] for row in inserts])
        conn.executemany(
            _INSERT, [(new_id, *row) for new_id, row in zip(new_ids, inserts, strict=True)]
        )
        if not self.rebuild:
            conn.executemany(
                "insert or ignore into fts_new values (?)",
                [(u[-1],) for u in updates] + [(i,) for i in new_ids],
            )

    def flush(self) -> None:
        """Insert the staged rows, in id order."""
        if not self.staged:
            return
        conn = self.conn
        before = conn.execute("select count(*) from directory").fetchone()[0]
        # Most of the table new: its indexes are built once after instead of row by row (they
        # are in the order of registration ids, not names), within the run's transaction; and
        # its filter rows in one statement rather than by the trigger, row by row (4.4 against
        # 0.8 s for 1,000,000 rows).
        bulk = self.staged > before
        indexes = drop_indexes(conn, "directory") if bulk else []
        filtered = bulk and _has_trigger(conn, "directory_filter_new")  # (not before m018)
        with small_cache(conn, SORT_CACHE), sort_threads(conn):
            if filtered:
                conn.execute("drop trigger directory_filter_new")
            conn.execute(
                f"insert into directory (id, {_COLUMNS}) select id, {_COLUMNS} from dir_stage "
                "order by id"
            )
            if filtered:
                # The staged rows are the whole table when it was empty: read in its own order
                # then, with no sort (0.85 -> 0.55 s at 1,000,000).
                conn.execute(
                    FILTER_FILL
                    if not before
                    else _FILTER_ROWS.format(table="dir_stage") + " order by id"
                )
                conn.execute(_FILTER_NEW)
            for sql in indexes:
                conn.execute(sql)
        total = before + self.staged
        # A run changes at least the rows it staged: past the share, the index is rebuilt.
        if self.staged > total * REBUILD_SHARE:
            self.rebuild = True
        elif not self.rebuild:
            conn.execute("insert or ignore into fts_new select id from dir_stage")
        conn.execute("delete from dir_stage")
        self.staged = 0

    def mark_removed(self, regulator_id: str, removed_at: str) -> None:
        """Directory rows of people who just left the register: no longer on it, not
        authorized."""
        self.flush()
        conn = self.conn
        ids = [
            row[0]
            for row in conn.execute(
                "select d.id from directory d join registrations r on r.id = d.registration_id "
                "where r.regulator_id = ? and r.removed_at = ? and d.on_register = 1",
                [regulator_id, removed_at],
            )
        ]
        if not ids:
            return
        if not self.rebuild:
            _track(conn, ids)
        conn.executemany(
            "update directory set on_register = 0, authorized = 0, kinds = '[]', "
            "kind_tokens = '' where id = ?",
            [(i,) for i in ids],
        )
        if not self.rebuild:
            conn.executemany("insert or ignore into fts_new values (?)", [(i,) for i in ids])

    def sync(self) -> None:
        """Bring the full-text index up to date with the rows this run wrote, in rowid order."""
        self.flush()
        if self.rebuild:
            rebuild_index(self.conn)
            self.conn.execute("delete from fts_old")
            self.conn.execute("delete from fts_new")
        else:
            sync_index(self.conn)


def rebuild_index(conn) -> None:
    """Rebuild the full-text index from the directory.

    FTS5 writes a segment each time its pending terms fill `hashsize` (1 MB by default) and then
    merges the segments; a larger one for the rebuild (and a smaller page cache meanwhile)
    makes it faster: at 1,000,000 rows 5.9 s with 8 MB, 5.0 s with 32 MB, 3.8 s with 64 MB.
    With 256 MB an index of up to about 1,000,000 rows is written as one segment, in the same
    time as with 64 MB (which left 5): every search then looks each term up once, not once per
    segment (BENCHMARKS.md, session 29). The memory is taken only as the terms need it: 177 MB
    more at the peak at 1,000,000 rows, a few MB for a register of tens of thousands. The
    setting is put back.
    """
    stored = conn.execute("select v from directory_fts_config where k = 'hashsize'").fetchone()
    with small_cache(conn, REBUILD_CACHE):
        conn.execute(_HASHSIZE, [REBUILD_HASHSIZE])
        try:
            conn.execute("insert into directory_fts(directory_fts) values ('rebuild')")
        finally:
            conn.execute(_HASHSIZE, [stored[0] if stored else FTS5_HASHSIZE])
            if not stored:
                conn.execute("delete from directory_fts_config where k = 'hashsize'")


def sort_threads(conn, threads: int = SORT_THREADS) -> contextlib.AbstractContextManager[None]:
    """Let SQLite's sorter use helper threads (`pragma threads`) for a large sort or index
    build."""
    return setting(conn, "threads", threads)


def small_cache(conn, size: int) -> contextlib.AbstractContextManager[None]:
    """A smaller page cache (`size` as PRAGMA cache_size takes it) for a sort or a rebuild:
    SQLite's sorter holds up to the cache's size in memory, so the memory the cache gives up is
    what the sorter uses and the process does not grow."""
    return setting(conn, "cache_size", size)


def _has_trigger(conn, name: str) -> bool:
    found = conn.execute("select 1 from sqlite_master where type = 'trigger' and name = ?", [name])
    return found.fetchone() is not None


def drop_indexes(conn, table: str) -> list[str]:
    """Drop a table's own indexes (not those of its constraints); returns the SQL to recreate
    them."""
    indexes = conn.execute(
        "select name, sql from sqlite_master where type = 'index' and tbl_name = ? "
        "and sql is not null",
        [table],
    ).fetchall()
    for name, _ in indexes:
        conn.execute(f'drop index "{name}"')
    return [sql for _, sql in indexes]


def sync_index(conn) -> None:
    """Bring the full-text index up to date with the rows this run wrote, in rowid order."""
    _start_tracking(conn)
    changed = conn.execute("select count(*) from fts_new").fetchone()[0]
    total = conn.execute("select count(*) from directory").fetchone()[0]
    if changed > total * REBUILD_SHARE:
        rebuild_index(conn)
    elif changed:
        conn.execute(
            f"insert into directory_fts(directory_fts, rowid, {_FTS}) "
            f"select 'delete', id, {_FTS} from fts_old order by id"
        )
        conn.execute(
            f"insert into directory_fts(rowid, {_FTS}) "
            f"select d.id, {', '.join('d.' + c for c in FTS_COLUMNS)} "
            "from directory d join fts_new n on n.id = d.id order by d.id"
        )
    conn.execute("delete from fts_old")
    conn.execute("delete from fts_new")
