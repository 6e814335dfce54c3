"""Map coordinates of practice locations: the register's own where it places a location, else
the centre of its city from a gazetteer, so that a map can show every register.

db/ knows no gazetteer (it lives in registry/); the importer passes a lookup to apply_run, which
calls `fill` in the transaction that applies a run. Locations still without map coordinates
(new ones, those of a database migrated before this column, cities the gazetteer did not know)
are found through a partial index, so a run on a large database does not scan it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

# (city, province) -> (latitude, longitude), or None for a place the lookup does not know.
Locate = Callable[[str, str], "tuple[float, float] | None"]


def fill(conn: sqlite3.Connection, locate: Locate | None) -> int:
    """Give every location without map coordinates its register's or its city's; returns how
    many locations were placed from the lookup (none without one)."""
    conn.execute(
        "update practice_locations set map_latitude = latitude, map_longitude = longitude "
        "where map_latitude is null and latitude is not null and longitude is not null"
    )
    if locate is None:
        return 0
    places = conn.execute(
        "select distinct city, province from practice_locations "
        "where map_latitude is null and city is not null and province is not null"
    ).fetchall()
    placed = 0
    for city, province in places:
        point = locate(city, province)
        if point is None:
            continue
        placed += conn.execute(
            "update practice_locations set map_latitude = ?, map_longitude = ? "
            "where map_latitude is null and city = ? and province = ?",
            [point[0], point[1], city, province],
        ).rowcount
    return placed
