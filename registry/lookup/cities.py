"""The cities where registrants practise, as the registers print them: for suggestions as people
type, and for finding who practises near a place.

The list is read from the practice locations once per import (a successful run changes it) and
kept in memory: it is a few thousand names even for a country.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
from dataclasses import dataclass

from db import reads
from registry.gazetteer import Place, distance_km, gazetteer, place_key
from scrapers.places import region_code

MAX_SUGGESTIONS = 10

_CITIES = """
select l.city, upper(coalesce(l.province, '')), count(distinct l.registration_id),
  count(l.latitude + l.longitude), sum(l.latitude + 0 * l.longitude),
  sum(l.longitude + 0 * l.latitude)
from practice_locations l join registrations r on r.id = l.registration_id
where r.removed_at is null and l.city is not null and trim(l.city) != ''
group by l.city, upper(coalesce(l.province, ''))
"""


@dataclass(frozen=True)
class City:
    name: str  # the spelling most of its registrants' records use
    region: str  # province or state code, "" where the register gives none
    people: int  # registrants on the register with a practice location there
    # The mean of the coordinates the registers publish for locations there (OPPQ), if any:
    # where a near search places the city instead of the gazetteer's centre.
    latitude: float | None = None
    longitude: float | None = None

    @functools.cached_property
    def key(self) -> str:
        return place_key(self.name)

    @functools.cached_property
    def point(self) -> tuple[float, float] | None:
        """Where a near search places the city: the mean of the coordinates its register
        publishes, else the gazetteer's centre of it, else nowhere."""
        if self.latitude is not None and self.longitude is not None:
            return (self.latitude, self.longitude)
        place = gazetteer().locate(self.name, self.region) if self.region else None
        return (place.latitude, place.longitude) if place else None

    @property
    def label(self) -> str:
        """How a suggestion reads, and what the search form sends back: "Red Deer, AB"."""
        return f"{self.name}, {self.region}" if self.region else self.name


_lock = threading.Lock()
# per database file: (its data version, its cities, those cities by key)
_cache: dict[str, tuple[tuple, list[City], dict[str, list[City]]]] = {}


def cities(conn: sqlite3.Connection) -> list[City]:
    """Every practice city on the registers, most registrants first.

    Kept per database file (not per connection: the web has one connection per thread, and
    reading the list takes seconds at a million registrations) until its data changes."""
    return _known(conn)[1]


def by_key(conn: sqlite3.Connection) -> dict[str, list[City]]:
    """The practice cities by `place_key` of their name (namesakes in several provinces, most
    registrants first): what a typed place is looked up in."""
    return _known(conn)[2]


# Per connection: (the connection, its changes, its file, that file's version). A search asks
# for the cities several times; while no other connection has committed (SQLite's `pragma
# data_version`) and this one has changed nothing (`total_changes`), the file and its version
# are the ones found last time.
_asked: dict[int, tuple[sqlite3.Connection, tuple[int, int], str, tuple]] = {}
_ASKED_KEPT = 256


def _version(conn: sqlite3.Connection) -> tuple[str, tuple]:
    """The connection's database file and its version (data and inode)."""
    changes = (conn.execute("pragma data_version").fetchone()[0], conn.total_changes)
    last = _asked.get(id(conn))
    if last is not None and last[0] is conn and last[1] == changes:
        return last[2], last[3]
    file = conn.execute("pragma database_list").fetchone()[2] or f"memory {id(conn)}"
    # The file's inode too: a database made again at the same path is another database.
    version = (*reads.data_version(conn), os.stat(file).st_ino if os.path.exists(file) else 0)
    with _lock:
        if len(_asked) >= _ASKED_KEPT:
            _asked.clear()
        _asked[id(conn)] = (conn, changes, file, version)
    return file, version


def _known(conn: sqlite3.Connection) -> tuple[tuple, list[City], dict[str, list[City]]]:
    file, version = _version(conn)
    with _lock:
        cached = _cache.get(file)
        if cached and cached[0] == version:
            return cached
    merged: dict[tuple[str, str], tuple[dict[str, int], int, list[float]]] = {}
    for name, region, people, placed, latitudes, longitudes in conn.execute(_CITIES):
        key = (place_key(name), region)
        if not key[0]:
            continue
        spellings, total, point = merged.get(key, ({}, 0, [0, 0.0, 0.0]))
        spellings[name.strip()] = spellings.get(name.strip(), 0) + people
        if placed:
            point = [point[0] + placed, point[1] + latitudes, point[2] + longitudes]
        merged[key] = (spellings, total + people, point)
    found = sorted(
        (
            City(
                max(spellings, key=lambda s: spellings[s]),
                region,
                total,
                *((lat / n, lon / n) if (n := int(placed)) else (None, None)),
            )
            for (_, region), (spellings, total, (placed, lat, lon)) in merged.items()
        ),
        key=lambda c: (-c.people, c.key),
    )
    keyed: dict[str, list[City]] = {}
    for city in found:
        keyed.setdefault(city.key, []).append(city)
    with _lock:
        _cache[file] = (version, found, keyed)
    return version, found, keyed


def suggest(conn: sqlite3.Connection, prefix: str, limit: int = MAX_SUGGESTIONS) -> list[City]:
    """Cities whose name (or a word of it) starts with what was typed, accents and case folded:
    "red" finds Red Deer, "mont" finds Montréal, "deer" finds Red Deer too (after those). A
    province after a comma ("Red Deer, AB", as a suggestion reads) narrows them."""
    name, _, after = prefix.rpartition(",")
    region = region_code(after) if name and after.strip() else None
    key = place_key(name if region else prefix)
    if not key:
        return []
    known = [c for c in cities(conn) if region is None or c.region == region]
    starts = [c for c in known if c.key.startswith(key)]
    inside = [c for c in known if not c.key.startswith(key) and f" {key}" in f" {c.key}"]
    return (starts + inside)[:limit]


def near(conn: sqlite3.Connection, centre: Place, km: float) -> list[tuple[City, float]]:
    """Practice cities within `km` of a place, nearest first, with their distance in km.

    Distances are from the gazetteer's centre of the place to the practice city's: the mean of
    the coordinates the registers publish there (OPPQ), else the gazetteer's centre; a city
    with neither (a misspelling on the register, a place under 1,000 people) cannot be placed.
    """
    point = (centre.latitude, centre.longitude)
    found = []
    for city in cities(conn):
        if city.point is not None and (d := distance_km(point, city.point)) <= km:
            found.append((city, d))
    found.sort(key=lambda item: (item[1], item[0].key))
    return found
