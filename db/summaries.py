"""Summary tables for aggregates that cannot be fast from the raw tables at a million rows.

Each is rebuilt for one regulator inside the transaction that applies that regulator's run
(db/load.py), so that a summary never disagrees with the data it summarizes. A registration
belongs to one regulator, so per-regulator counts add up to exact totals.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from scrapers.records import Location, Registration

# People on the register holding each kind of needling authorization, per province and city of
# their practice locations; where a register publishes no location, the regulator's province.
_PLACE_ROWS = """
select
  r.regulator_id,
  coalesce(l.province, substr(g.jurisdiction, 4)) as province,
  coalesce(l.city, '') as city,
  a.kind,
  count(distinct r.id) as registrations,
  count(distinct case when r.status_class = 'practising' then r.id end) as practising
from authorizations a
join registrations r on r.id = a.registration_id
join regulators g on g.id = r.regulator_id
left join practice_locations l on l.registration_id = r.id
where r.removed_at is null and r.regulator_id = ?
group by 2, 3, 4
"""


def refresh(conn: sqlite3.Connection, regulator_id: str) -> None:
    """Recompute one regulator's rows of every summary table (call inside the run's transaction)."""
    conn.execute("delete from place_authorizations where regulator_id = ?", [regulator_id])
    conn.execute(
        "insert into place_authorizations "
        "(regulator_id, province, city, kind, registrations, practising) " + _PLACE_ROWS,
        [regulator_id],
    )


class PlaceCounts:
    """One regulator's rows of place_authorizations counted from the records a run writes, when
    that run writes every registration the regulator has (its first import): the rows
    _PLACE_ROWS would give, without reading the run's rows back through three joins (1.4-1.7 s
    at 1,000,000 registrations; counting them as they go by costs a fraction of that).

    A registration counts once per (province, city, kind), however many of its locations or
    authorizations share them. Past KEPT distinct rows the counts are dropped and `write`
    declines, so that memory stays bounded: the query then makes them.
    """

    KEPT = 100_000

    def __init__(self, jurisdiction: str | None) -> None:
        # substr(jurisdiction, 4): "CA-AB" -> "AB", a location's province where it names none.
        self.home = jurisdiction[3:] if jurisdiction is not None else None
        self.rows: dict[tuple, list[int]] | None = {}

    def add(self, records: Iterable[Registration]) -> None:
        """Count records just written (none of them written before in this run)."""
        rows = self.rows
        if rows is None:
            return
        home = self.home
        for rec in records:
            held = rec.authorizations
            if not held:
                continue
            practising = 1 if rec.status_class == "practising" else 0
            locations = rec.locations
            keys: Iterable[tuple]
            if len(held) == 1 and len(locations) == 1:  # the usual record: one row to count
                keys = ((*_place(locations[0], home), held[0].kind),)
            else:
                places = {_place(loc, home) for loc in locations} or {(home, "")}
                keys = {(province, city, a.kind) for province, city in places for a in held}
            for key in keys:
                row = rows.get(key)
                if row is None:
                    rows[key] = [1, practising]
                else:
                    row[0] += 1
                    row[1] += practising
        if len(rows) > self.KEPT:
            self.rows = None

    def write(self, conn: sqlite3.Connection, regulator_id: str) -> bool:
        """Store the counts as the regulator's rows; False (nothing written) when they were
        dropped, and `refresh` must count."""
        if self.rows is None:
            return False
        conn.execute("delete from place_authorizations where regulator_id = ?", [regulator_id])
        conn.executemany(
            "insert into place_authorizations "
            "(regulator_id, province, city, kind, registrations, practising) "
            "values (?, ?, ?, ?, ?, ?)",
            [(regulator_id, *key, *counts) for key, counts in self.rows.items()],
        )
        return True


def _place(location: Location, home: str | None) -> tuple[str | None, str]:
    """A location's (province, city) as _PLACE_ROWS groups it: the regulator's province where
    it names none, "" for no city."""
    return (
        home if location.province is None else location.province,
        "" if location.city is None else location.city,
    )


def refresh_all(conn: sqlite3.Connection) -> None:
    """Every regulator's summaries (a migration's backfill)."""
    for (regulator_id,) in conn.execute("select id from regulators").fetchall():
        refresh(conn, regulator_id)
