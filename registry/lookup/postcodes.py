"""Canadian postal-code prefixes (forward sortation areas, "T4N") as places, for a search typed
as a postal code.

A small table of the areas of the cities people search most, checked by hand; any other prefix
is placed where the registers' own practice addresses with that prefix most often are.
"""

from __future__ import annotations

import re
import sqlite3

from registry.gazetteer import Place, gazetteer

# The first three characters: letter, digit, letter (a full code may follow).
POSTAL = re.compile(r"^\s*([A-Za-z]\d[A-Za-z])(?:\s*\d[A-Za-z]\d)?\s*$")

# Prefixes (of 1 to 3 characters of the area) -> (city, province), longest prefix first.
AREAS: dict[str, tuple[str, str]] = {
    "T2": ("Calgary", "AB"),
    "T3": ("Calgary", "AB"),
    "T5": ("Edmonton", "AB"),
    "T6": ("Edmonton", "AB"),
    "T4N": ("Red Deer", "AB"),
    "T4P": ("Red Deer", "AB"),
    "T4R": ("Red Deer", "AB"),
    "T8N": ("St. Albert", "AB"),
    "T1H": ("Lethbridge", "AB"),
    "T1J": ("Lethbridge", "AB"),
    "T1K": ("Lethbridge", "AB"),
    "T1A": ("Medicine Hat", "AB"),
    "T1B": ("Medicine Hat", "AB"),
    "T1C": ("Medicine Hat", "AB"),
    "V5": ("Vancouver", "BC"),
    "V6": ("Vancouver", "BC"),
    "R2": ("Winnipeg", "MB"),
    "R3": ("Winnipeg", "MB"),
    "S7": ("Saskatoon", "SK"),
    "S4P": ("Regina", "SK"),
    "M": ("Toronto", "ON"),
    "K1": ("Ottawa", "ON"),
    "H1": ("Montréal", "QC"),
    "H2": ("Montréal", "QC"),
    "H3": ("Montréal", "QC"),
    "H4": ("Montréal", "QC"),
    "G1": ("Québec", "QC"),
    "E1A": ("Moncton", "NB"),
    "E1C": ("Moncton", "NB"),
    "B3H": ("Halifax", "NS"),
    "B3J": ("Halifax", "NS"),
    "B3K": ("Halifax", "NS"),
    "B3L": ("Halifax", "NS"),
    "A1A": ("St. John's", "NL"),
    "A1B": ("St. John's", "NL"),
    "A1C": ("St. John's", "NL"),
    "A1E": ("St. John's", "NL"),
    "C1A": ("Charlottetown", "PE"),
}

_FROM_REGISTERS = """
select l.city, upper(l.province), count(distinct l.registration_id) as people
from practice_locations l join registrations r on r.id = l.registration_id
where r.removed_at is null and upper(replace(l.postal_code, ' ', '')) like ? || '%'
  and l.city is not null and trim(l.city) != '' and l.province is not null
group by l.city, upper(l.province) order by people desc limit 5
"""


def area(text: str) -> str | None:
    """The postal area ("T4N") of a postal code or its prefix as typed, else None."""
    match = POSTAL.match(text)
    return match.group(1).upper() if match else None


def place(conn: sqlite3.Connection, fsa: str) -> Place | None:
    """The place of a postal area: from the table, else from the registers' addresses."""
    for n in (3, 2, 1):
        if fsa[:n] in AREAS:
            city, region = AREAS[fsa[:n]]
            return gazetteer().find(city, region)
    for city, region, _ in conn.execute(_FROM_REGISTERS, [fsa]):
        if (found := gazetteer().find(city, region)) is not None:
            return found
    return None
