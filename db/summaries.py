"""Summary tables for aggregates that cannot be fast from the raw tables at a million rows.

Each is rebuilt for one regulator inside the transaction that applies that regulator's run
(db/load.py), so that a summary never disagrees with the data it summarizes. A registration
belongs to one regulator, so per-regulator counts add up to exact totals.
"""

from __future__ import annotations

import sqlite3

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


def refresh_all(conn: sqlite3.Connection) -> None:
    """Every regulator's summaries (a migration's backfill)."""
    for (regulator_id,) in conn.execute("select id from regulators").fetchall():
        refresh(conn, regulator_id)
