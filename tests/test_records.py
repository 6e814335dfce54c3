"""A record's content hash is what a change is measured on: it must stay the hash of the same
bytes whatever writes them (scrapers/records.py), or every registration of every register would
look changed after an upgrade."""

from __future__ import annotations

import hashlib
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from scrapers.records import Authorization, Location, Registration

# Any text, control characters, quotes, backslashes and astral characters included.
TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=30)
MAYBE = st.none() | TEXT


def stored_hash(record: Registration) -> str:
    """The hash as the stored ones were made: json.dumps, no ASCII escapes, compact."""
    blob = json.dumps(record.content(), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def record(
    name: str,
    number: str | None,
    city: str | None,
    wording: str,
    conditions: list[str],
    latitude: float | None = None,
) -> Registration:
    return Registration(
        regulator="cpta",
        registrant_id="1",
        registration_number=number,
        name=name,
        family_name=name,
        given_names=None,
        category="General",
        status="Practising",
        status_class="practising",
        conditions=conditions,
        profile_url=None,
        authorizations=[Authorization(wording, "dry_needling", "restricted_activity")],
        locations=[Location(organization=name, city=city, latitude=latitude, longitude=latitude)],
    )


@settings(max_examples=300, deadline=None)
@given(TEXT, MAYBE, MAYBE, TEXT, st.lists(TEXT, max_size=3))
def test_the_content_hash_is_the_hash_of_the_stored_bytes(name, number, city, wording, conditions):
    made = record(name, number, city, wording, conditions)
    assert made.content_hash() == stored_hash(made)


def test_coordinates_are_written_as_python_writes_floats():
    # orjson writes 1e-05 as 0.00001 and NaN as null: records with coordinates keep json's.
    for latitude in (1e-05, 53.5461, 1e16, float("nan")):
        made = record("Côté", "1", "Québec", "Aiguilles sèches", [], latitude)
        assert made.content_hash() == stored_hash(made), latitude


def test_a_known_record_keeps_its_hash():
    made = record('Ann "Nan" O\\Neil\ttab\nline', "PT-1", "Red Deer", "dry needling", ["x"])
    assert made.content_hash() == stored_hash(made)
    other = record("Ann", "PT-1", "Red Deer", "dry needling", ["x"])
    assert made.content_hash() != other.content_hash()
