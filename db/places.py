"""Map coordinates of practice locations: the register's own where it places a location, else
the centre of its city from a gazetteer, so that a map can show every register.

db/ knows no gazetteer (it lives in registry/); the importer passes a lookup to apply_run, which
places each location as it writes it (`map_point`) and calls `fill` for those still unplaced, in
the transaction that applies a run. Locations still without map coordinates (cities the gazetteer
does not know, those written by a run without a lookup, those of a database migrated before this
column) are found through a partial index, so a run on a large database does not scan it.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable

# (city, province) -> (latitude, longitude), or None for a place the lookup does not know.
Locate = Callable[[str, str], "tuple[float, float] | None"]
# Places a run's lookup remembers (about 200 bytes each).
PLACES_KEPT = 65536


def remembered(locate: Locate | None) -> Locate | None:
    """The lookup, remembering its answers for a run (a register names the same cities again
    and again)."""
    return functools.lru_cache(maxsize=PLACES_KEPT)(locate) if locate else None


def map_point(
    latitude: float | None,
    longitude: float | None,
    city: str | None,
    province: str | None,
    locate: Locate | None,
) -> tuple[float, float] | tuple[None, None]:
    """Where the map puts a location as it is written: at the register's own coordinates, else
    at its city's centre when the lookup knows it; else nowhere yet (`fill` tries again)."""
    if latitude is not None and longitude is not None:
        return latitude, longitude
    if locate is not None and city and province:
        point = locate(city, province)
        if point is not None:
            return point
    return None, None


def fill(conn: sqlite3.Connection, locate: Locate | None) -> int:
    """Give every location still without map coordinates its city's; returns how many
    locations were placed from the lookup (none without one). The loader places a location as
    it writes it (`map_point`); these are the ones it could not place, and those of databases
    migrated before this column."""
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
