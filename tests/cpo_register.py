"""The synthetic CPO (Ontario) register the CPO tests share, and a source pointed at it."""

from __future__ import annotations

from emulators.cpo import (
    EXPIRED,
    INDEPENDENT,
    PROVISIONAL,
    RESIGNED,
    ROSTER,
    SUSPENDED,
    Person,
    Place,
)
from scrapers import cpo
from scrapers.sources import Source


def _guid(n: int) -> str:
    return f"0c0f5e2a-1b7d-4e0a-9c3b-{n:012d}"


def _p(n, family, given, status, place=None, *, rostered=False, additional=()) -> Person:
    return Person(
        _guid(n), str(40000 + n * 7), family, given, status, rostered, place, list(additional)
    )


TORONTO = Place(
    "Annex Physiotherapy", "120 Bloor Street West, Suite 210", "Toronto", "M5S 1R8", "416-555-0142"
)


GLEBE = Place("Glebe Physiotherapy", "800 Bank Street", "Ottawa", "K1S 3W1", "613-555-0107")


YORK = Place("Square One Physio", "99 Hurontario Street", "Mississauga", "L5B 2C9", "905-555-0188")


# Twelve people: more than one page of ten, with both kinds of look-alikes the matching rule meets.
FIXTURE_PEOPLE = [
    _p(1, "Côté", "Anne-Marie", INDEPENDENT, TORONTO, rostered=True, additional=[GLEBE]),
    _p(
        2,
        "O'Brien",
        "Liam",
        SUSPENDED,
        Place("Escarpment Physiotherapy", "45 James Street North", "Hamilton", "L8R 2K1", None),
    ),
    _p(3, "Nguyen", "Thi", RESIGNED),
    _p(4, "Nguyen", "Thi", RESIGNED),
    _p(
        5,
        "Smith-Jones",
        "Priya",
        PROVISIONAL,
        Place(None, "310 Red River Road", "Thunder Bay", "P7B 1A4", "807-555-0119"),
    ),
    _p(
        6,
        "Lévesque",
        "Hélène",
        INDEPENDENT,
        Place("Physiothérapie du Nord", "77 Elm Street", "Sudbury", "P3C 1T3", "705-555-0165"),
        rostered=True,
    ),
    _p(7, "Wang", "Wei", INDEPENDENT, YORK, rostered=True),
    _p(8, "Wang", "Wei", EXPIRED, YORK),
    _p(9, "D'Souza", "Kwame", INDEPENDENT, GLEBE),
    _p(
        10,
        "Van der Berg",
        "Søren",
        INDEPENDENT,
        Place("Limestone Physiotherapy", "200 Princess Street", "Kingston", "K7L 1B2", None),
    ),
    _p(
        11,
        "Ahmed",
        "Fatima",
        PROVISIONAL,
        Place("Riverside Physiotherapy", "1500 Ouellette Avenue", "Windsor", "N9A 1C5", None),
    ),
    _p(12, "Müller", "Jürgen", EXPIRED),
]


def make_source(base: str, **options) -> Source:
    return Source(
        key="cpo",
        jurisdiction="CA-ON",
        regulator="College of Physiotherapists of Ontario",
        short_name="CPO",
        platform="cpo",
        register_url=f"{base}/PublicRegister/ContactSearch",
        terms_note="Synthetic test register.",
        needling="tracked",
        base_url=base,
        mechanism="roster",
        wording={ROSTER: "needling"},
        spacing_seconds=0.0,
        backoff_seconds=0.05,
        max_retries=1,
        options={**cpo.DEFAULT_OPTIONS, "profile_base_url": base, **options},
    )
