"""Provinces, territories and states: the one home for their codes and names, and the one
resolver (`region_code`) from what people type or registers print to the two-letter code we store.

Canadian and US codes do not overlap, so a code alone names one region; a jurisdiction is its
country and code in ISO 3166-2 ("CA-AB", "US-WA")."""

from __future__ import annotations

import unicodedata

PROVINCES = {
    "AB": "Alberta",
    "BC": "British Columbia",
    "MB": "Manitoba",
    "NB": "New Brunswick",
    "NL": "Newfoundland and Labrador",
    "NS": "Nova Scotia",
    "NT": "Northwest Territories",
    "NU": "Nunavut",
    "ON": "Ontario",
    "PE": "Prince Edward Island",
    "QC": "Quebec",
    "SK": "Saskatchewan",
    "YT": "Yukon",
}

STATES = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
}
assert not set(PROVINCES) & set(STATES)
REGIONS = {**PROVINCES, **STATES}
COUNTRIES = {**dict.fromkeys(PROVINCES, "CA"), **dict.fromkeys(STATES, "US")}

_ALIASES = {
    "colombie-britannique": "BC",
    "nouveau-brunswick": "NB",
    "nouvelle-ecosse": "NS",
    "terre-neuve-et-labrador": "NL",
    "ile-du-prince-edouard": "PE",
    "québec": "QC",
    "pei": "PE",
    "newfoundland": "NL",
    "washington state": "WA",
    "washington dc": "DC",
}


def fold(text: str) -> str:
    """Case- and accent-folded text, for comparing names people type with names registers print."""
    if text.isascii():  # nothing to decompose (the gazetteer's 200,000 names are mostly ASCII)
        return " ".join(text.casefold().split())
    text = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


_BY_NAME = {fold(name): code for code, name in REGIONS.items()}
_BY_NAME.update({fold(alias): code for alias, code in _ALIASES.items()})


def region_code(text: str | None) -> str | None:
    """A Canadian province or territory or a US state, by code, name or French name, or as a
    jurisdiction: "Alberta", "AB", "CA-AB", "Québec", "WA", "Washington" -> its code; None when
    it is none of them."""
    if not text:
        return None
    key = fold(text)
    country, dash, code = key.upper().partition("-")
    if dash and COUNTRIES.get(code) == country:
        return code
    if key.upper() in REGIONS:
        return key.upper()
    return _BY_NAME.get(key)


def province_code(text: str | None) -> str | None:
    """ "Alberta", "alberta", "AB" -> "AB"; None when it is not a Canadian province or territory
    (how Canadian registers' addresses are read)."""
    code = region_code(text)
    return code if COUNTRIES.get(code or "") == "CA" else None


def region_name(code: str) -> str:
    """ "AB" -> "Alberta", "WA" -> "Washington"."""
    return REGIONS[code]


def jurisdiction_region(jurisdiction: str) -> str:
    """ "CA-AB" -> "AB": the region code of an ISO 3166-2 jurisdiction."""
    return jurisdiction.rpartition("-")[2].upper()
