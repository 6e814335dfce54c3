"""Province and state names as registers print them, to the two-letter codes we store."""

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

_ALIASES = {
    "colombie-britannique": "BC",
    "nouveau-brunswick": "NB",
    "nouvelle-ecosse": "NS",
    "terre-neuve-et-labrador": "NL",
    "ile-du-prince-edouard": "PE",
    "québec": "QC",
    "pei": "PE",
    "newfoundland": "NL",
}


def fold(text: str) -> str:
    """Case- and accent-folded text, for comparing names people type with names registers print."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


_BY_NAME = {fold(name): code for code, name in PROVINCES.items()}
_BY_NAME.update({fold(alias): code for alias, code in _ALIASES.items()})


def province_code(text: str | None) -> str | None:
    """ "Alberta", "alberta", "AB" -> "AB"; None when it is not a Canadian province or territory."""
    if not text:
        return None
    key = fold(text)
    if key.upper() in PROVINCES:
        return key.upper()
    return _BY_NAME.get(key)
