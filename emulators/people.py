"""Synthetic Alberta physiotherapists, the only people the emulators ever list.

Nobody here is real: names are drawn from common Canadian surnames and given names, addresses are
invented, and phone numbers sit in the 555-01xx range reserved for fiction. The population is shaped
to exercise an adapter the way a live register would: accents, apostrophes, hyphens and spaces in
names; surname prefixes crowded past the 25-row search cap at several levels ("M", "Ma", "Mac",
and more than 25 people called exactly "Nguyen", whom only first-name prefixes separate); hidden
conditions, hidden practice details, unpublished addresses; and the regulator's own wording
for authorizations. Everything is a pure function of `count` and `seed`. Names, places, postal
codes and phones come from the shared generator (emulators/population.py) with Alberta's and
BC's tables (emulators/jurisdictions.py); this module sets the register's mix and shapes.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from emulators.jurisdictions import ALBERTA, ALBERTA_NAMES, BRITISH_COLUMBIA, MANITOBA
from emulators.population import (
    City,
    Cutter,
    draw_names,
    fictional_number,
    postal_code,
    quota,
    spread,
)

NEEDLES = "Using needles in practice"
SPINAL_MANIPULATION = "Performing spinal manipulation"

GENERAL = "General Register"
PROVISIONAL = "Provisional Register"
COURTESY = "Courtesy Register"

PRACTISING = "Practising"
SUSPENDED = "Suspended"
NON_PRACTISING = "Non-Practising"
CANCELLED = "Cancelled"

PROVINCE = ALBERTA.name


@dataclass
class Location:
    """A practice location as the register holds it; the first one of a person is shown in `oa`."""

    organization: str | None
    street_lines: list[str]
    city: str
    province: str
    postal_code: str
    phone: str | None
    fax: str | None = None  # served as a `<b>Fax:</b>` line, which adapters must not store


@dataclass
class Person:
    """One synthetic registrant with everything the register knows, shown or not."""

    rg: str
    registration_number: str
    family_name: str
    given_names: str
    category: str
    standing: str
    conditions: list[str]
    conditions_hidden: bool
    practice_details_hidden: bool
    address_published: bool
    authorizations: list[str]
    locations: list[Location] = field(default_factory=list)
    initial_registration: str = ""
    profession: str = "Physiotherapist"  # a multi-profession register lists others too

    @property
    def listed_name(self) -> str:
        """The name as the register lists it: "Family, Given"."""
        return f"{self.family_name}, {self.given_names}"


_CITIES = ALBERTA.cities
CITIES: tuple[str, ...] = tuple(c.name for c in _CITIES)
POSTAL_PREFIXES: dict[str, tuple[str, ...]] = ALBERTA.postal_prefixes

_CONDITIONS = (
    ["Supervision"],
    ["Restriction: no spinal manipulation"],
    ["Restriction: no use of needles in practice"],
    ["Supervision", "Restriction: no spinal manipulation"],
    ["Practice limited to non-clinical duties"],
)


# ---------------------------------------------------------------------------------------------
# The generator


def alberta_physiotherapists(count: int = 400, seed: int = 2026) -> list[Person]:
    """`count` synthetic registrants of an Alberta-like physiotherapy register, the same every time.

    The crowded prefixes and featured names (about 200 people) are all present from `count` 250
    up; smaller populations take the featured names first and a random share of the rest. The mix
    of categories, standings, authorizations and hidden fields is set by quotas, so it holds for
    any count: about 7% Provisional and 3% Courtesy Register; 4% Suspended, 3% Non-Practising, 1%
    Cancelled; 55% of practising General Register people hold "Using needles in practice" and no
    Provisional one does; 5% have conditions; 8% publish no address; 30% hide practice details.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    rng = random.Random(seed)
    names = draw_names(rng, ALBERTA_NAMES, count)
    n = len(names)

    categories = [GENERAL] * n
    standings = [PRACTISING] * n
    order = list(range(n))
    rng.shuffle(order)
    cut = Cutter(order)
    for i in cut.take(quota(n, 0.07)):
        categories[i] = PROVISIONAL
    for i in cut.take(quota(n, 0.03)):
        categories[i] = COURTESY
    for i in cut.take(quota(n, 0.04)):
        standings[i] = SUSPENDED
    for i in cut.take(quota(n, 0.03)):
        standings[i] = NON_PRACTISING
    for i in cut.take(quota(n, 0.01)):
        standings[i] = CANCELLED

    authorizations: list[list[str]] = [[] for _ in range(n)]
    general_practising = [
        i for i in range(n) if categories[i] == GENERAL and standings[i] == PRACTISING
    ]
    suspended = [i for i in range(n) if standings[i] == SUSPENDED]
    courtesy = [i for i in range(n) if categories[i] == COURTESY]
    holders = (
        rng.sample(general_practising, quota(len(general_practising), 0.55))
        + rng.sample(suspended, (len(suspended) + 1) // 2)  # still listed while suspended
        + rng.sample(courtesy, quota(len(courtesy), 0.3))
    )
    for i in holders:
        authorizations[i].append(NEEDLES)
    for i in general_practising + courtesy:
        if rng.random() < (0.35 if authorizations[i] else 0.1):
            authorizations[i].append(SPINAL_MANIPULATION)

    eligible = [i for i in range(n) if standings[i] != CANCELLED]
    with_conditions = rng.sample(eligible, min(len(eligible), quota(n, 0.05)))
    conditions: list[list[str]] = [[] for _ in range(n)]
    for k, i in enumerate(with_conditions):
        conditions[i] = list(_CONDITIONS[0] if k == 0 else rng.choice(_CONDITIONS))
    conditions_hidden = set(with_conditions[1:4])

    unpublished = {i for i in range(n) if standings[i] == CANCELLED}
    others = [i for i in range(n) if i not in unpublished]
    unpublished.update(rng.sample(others, max(0, quota(n, 0.08) - len(unpublished))))
    details_hidden = set(unpublished)  # no address published, no practice details either
    others = [i for i in range(n) if i not in details_hidden]
    details_hidden.update(rng.sample(others, max(0, quota(n, 0.30) - len(details_hidden))))

    numbers = rng.sample(range(10000, 40000), n)
    primary_cities = spread([c.weight for c in _CITIES], n, rng)

    people = []
    for i, (family, given) in enumerate(names):
        city = _CITIES[primary_cities[i]]
        roll = rng.random()
        extra = 2 if roll < 0.06 else 1 if roll < 0.30 else 0
        locations = [_location(rng, city)]
        for _ in range(extra):
            other = city if rng.random() < 0.6 else ALBERTA.weighted_city(rng)
            locations.append(_location(rng, other))
        number = str(numbers[i])
        if categories[i] == PROVISIONAL:
            number = "T" + number
        people.append(
            Person(
                rg=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                registration_number=number,
                family_name=family,
                given_names=given,
                category=categories[i],
                standing=standings[i],
                conditions=conditions[i],
                conditions_hidden=i in conditions_hidden,
                practice_details_hidden=i in details_hidden,
                address_published=i not in unpublished,
                authorizations=authorizations[i],
                locations=locations,
                initial_registration=_registered_on(rng, categories[i], standings[i]),
            )
        )

    visible = [p for p in people if not p.practice_details_hidden]
    if visible and not any(len(p.locations) == 3 for p in visible):
        person = visible[0]
        while len(person.locations) < 3:
            person.locations.append(_location(rng, ALBERTA.weighted_city(rng)))
    return people


def _location(rng: random.Random, city: City) -> Location:
    street = rng.choice(city.streets).format(n=rng.randint(100, 9999), k=rng.randint(2, 99))
    lines = [street]
    roll = rng.random()
    if roll < 0.2:
        lines.insert(0, f"Suite {rng.randint(1, 4)}{rng.randint(0, 5)}{rng.randint(0, 9)}")
    elif roll < 0.3:
        lines.insert(0, f"Unit {rng.randint(1, 30)}")
    elif roll < 0.35 and city.weight < 20:
        lines.append(f"PO Box {rng.randint(10, 9999)}")
    organization = None
    if rng.random() < 0.88:
        pool = city.clinics if rng.random() < 0.6 else ALBERTA.generic_clinics
        organization = rng.choice(pool)
    postal = postal_code(rng, rng.choice(city.fsas))
    area = rng.choice(city.area_codes)
    phone = fictional_number(rng, area) if rng.random() < 0.9 else None
    fax = fictional_number(rng, area) if rng.random() < 0.15 else None
    return Location(organization, lines, city.name, PROVINCE, postal, phone, fax)


def _registered_on(rng: random.Random, category: str, standing: str) -> str:
    if category == PROVISIONAL:
        start, end = date(2025, 3, 1), date(2026, 1, 31)
    elif category == COURTESY:
        start, end = date(2022, 1, 1), date(2025, 12, 31)
    elif standing == CANCELLED:
        start, end = date(1985, 1, 1), date(2015, 12, 31)
    else:
        start, end = date(1985, 1, 1), date(2024, 12, 31)
    return (start + timedelta(days=rng.randint(0, (end - start).days))).isoformat()


# British Columbia: the same register software and population shape, BC's places and words.
BC_DRY_NEEDLING = "Dry Needling"
_BC_CATEGORY = {GENERAL: "Full", PROVISIONAL: "Provisional", COURTESY: "Temporary"}


def british_columbia_physiotherapists(count: int = 300, seed: int = 1871) -> list[Person]:
    """Synthetic registrants of BC's register on the same platform: Alberta's mix of names and
    standings, moved to BC's cities, postal codes and area codes, with BC's words: categories
    Full / Provisional / Temporary and the "Dry Needling" roster in place of Alberta's
    "Using needles in practice" (BC froze new applications in 2019, so fewer hold it)."""
    rng = random.Random(seed)
    moved = []
    for person in alberta_physiotherapists(count, seed):
        bc = BRITISH_COLUMBIA.cities
        city = rng.choice(bc) if rng.random() > 0.35 else bc[0]
        locations = [
            Location(
                loc.organization,
                loc.street_lines,
                city.name,
                BRITISH_COLUMBIA.name,
                f"{rng.choice(city.fsas)} {loc.postal_code[-3:]}",
                f"{rng.choice(city.area_codes)}{loc.phone[3:]}" if loc.phone else None,
                None,
            )
            for loc in person.locations
        ]
        authorizations = [
            BC_DRY_NEEDLING for a in person.authorizations if a == NEEDLES and rng.random() < 0.7
        ]
        moved.append(
            replace(
                person,
                category=_BC_CATEGORY[person.category],
                authorizations=authorizations,
                locations=locations,
            )
        )
    return moved


def _moved(person: Person, rng: random.Random, jurisdiction) -> list[Location]:  # noqa: ANN001
    """A person's locations moved to another province's cities, postal codes and area codes."""
    city = rng.choice(jurisdiction.cities) if rng.random() > 0.4 else jurisdiction.cities[0]
    return [
        Location(
            loc.organization,
            loc.street_lines,
            city.name,
            jurisdiction.name,
            f"{rng.choice(city.fsas)} {loc.postal_code[-3:]}",
            f"{rng.choice(city.area_codes)}{loc.phone[3:]}" if loc.phone else None,
            None,
        )
        for loc in person.locations
    ]


def manitoba_physiotherapists(count: int = 120, seed: int = 1870) -> list[Person]:
    """Synthetic registrants of Manitoba's register (Alinity tenant `cpm`): Alberta's mix of
    names and standings in Manitoba's cities. Whether the live register shows needling is not
    known, so nobody here carries an authorization: a search in Winnipeg finds physiotherapists
    and says the register does not tell who may needle."""
    rng = random.Random(seed)
    return [
        replace(person, authorizations=[], locations=_moved(person, rng, MANITOBA))
        for person in alberta_physiotherapists(count, seed)
    ]


NATUROPATH_ACUPUNCTURE = "Acupuncture"  # [guess] the label of CNDA's special authorization
NATUROPATH_IV = "IV Therapy"  # seen on a CNDA detail page [code: TheDripMap _cnda-harvest.ts]


def alberta_naturopaths(count: int = 150, seed: int = 1905) -> list[Person]:
    """Synthetic registrants of the College of Naturopathic Doctors of Alberta (Alinity tenant
    `cnda`): about a quarter authorized for acupuncture, a third for IV therapy, each a
    specialization of the detail page; the rest show the literal "None"."""
    rng = random.Random(seed)
    people = []
    for person in alberta_physiotherapists(count, seed):
        held = [
            label
            for label, share in ((NATUROPATH_ACUPUNCTURE, 0.25), (NATUROPATH_IV, 0.33))
            if person.standing == PRACTISING and rng.random() < share
        ]
        people.append(replace(person, authorizations=held, profession="Naturopathic Doctor"))
    return people
