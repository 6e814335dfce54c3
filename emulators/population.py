"""The one synthetic-population generator the emulators share.

Every emulator lists invented people only. What they have in common is drawn here, once: names
from a `NameSource` (`draw_names`, the one function that picks names, so a new source, such as a
realistic surname distribution, plugs in without touching any platform), places by jurisdiction
(`City`: postal prefixes, phone area codes, streets, clinics; the tables are in
emulators/jurisdictions.py), postal codes, fictional phone numbers (the 555-01xx range reserved
for fiction), and the quotas that set the mix of standings and authorizations. Each platform's
module (people.py for Alinity, cpo.py, oppq.py, nsphysio.py, wa_doh.py) then decides what its
register holds and renders it in its own format.

Everything is a pure function of a `random.Random`, so a population is the same for the same
seed; each helper draws from it in a fixed order (the recorded fixtures depend on that order).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

POSTAL_LETTERS = "ABCEGHJKLMNPRSTVWXYZ"  # the letters Canada Post uses
INITIALS = "ABCDEFGHJKLMNPRSTW"


@dataclass(frozen=True)
class City:
    """A city of a jurisdiction, as the generators place people in it."""

    name: str
    weight: int  # its share of a population (people in a population of a few hundred)
    fsas: tuple[str, ...]  # postal prefixes: forward sortation areas in Canada
    area_codes: tuple[str, ...]
    streets: tuple[str, ...] = ()  # templates: {n} a civic number, {k} a street number
    clinics: tuple[str, ...] = ()
    centre: tuple[float, float] | None = None  # latitude, longitude, where a register maps it
    hospital: str | None = None  # a health-authority site in or near the city


@dataclass(frozen=True)
class Jurisdiction:
    """A province or state: its code, its name as registers print it, its cities."""

    code: str
    name: str
    cities: tuple[City, ...]
    generic_clinics: tuple[str, ...] = ()

    def city(self, name: str) -> City:
        return next(c for c in self.cities if c.name == name)

    @property
    def postal_prefixes(self) -> dict[str, tuple[str, ...]]:
        return {c.name: c.fsas for c in self.cities}

    def weighted_city(self, rng: random.Random) -> City:
        return rng.choices(self.cities, [c.weight for c in self.cities])[0]

    def spread(self, n: int, rng: random.Random) -> list[City]:
        """`n` cities in proportion to their weights (largest remainder), shuffled."""
        return [self.cities[i] for i in spread([c.weight for c in self.cities], n, rng)]


# (weight, family names, given names): one origin of a population's names.
Origin = tuple[int, Sequence[str], Sequence[str]]


@dataclass(frozen=True)
class NameSource:
    """Where a population's names come from, and how they are drawn.

    `featured` names come first in every population of `featured_from` people or more, for tests
    that look for a particular shape; `clusters` (surname, how many, given names) crowd a prefix
    on purpose; the rest is drawn from `origins` by weight, the given name from the origin's own
    with probability `own_given`, else from `common_given`, with a middle initial for `initials`
    of them."""

    origins: tuple[Origin, ...]
    featured: tuple[tuple[str, str], ...] = ()
    featured_from: int = 0
    clusters: tuple[tuple[str, int, Sequence[str]], ...] = ()
    common_given: Sequence[str] = ()
    own_given: float = 1.0
    initials: float = 0.0
    # Each (family, given) at most once; with `initial_first` the initial is drawn before that
    # check, else after (and only for a name that passes).
    unique: bool = True
    initial_first: bool = False
    given_first: bool = False  # draw the given name before the family name
    shuffle: bool = False  # shuffle the drawn names (the featured stay first)


def draw_name(rng: random.Random, source: NameSource) -> tuple[str, str]:
    """One (family, given) from `source`'s origins, before any initial."""
    _, families, givens = rng.choices(source.origins, [w for w, _, _ in source.origins])[0]
    if source.given_first:
        given = rng.choice(givens)
        return rng.choice(families), given
    family = rng.choice(families)
    own = source.own_given >= 1.0 or rng.random() < source.own_given
    return family, rng.choice(givens if own else source.common_given)


def draw_names(rng: random.Random, source: NameSource, count: int) -> list[tuple[str, str]]:
    """`count` (family, given) names: the featured ones first, then clusters and draws."""
    featured = list(source.featured) if count >= source.featured_from else []
    seen = {(f.casefold(), g.casefold()) for f, g in featured}
    drawn: list[tuple[str, str]] = []
    for family, k, pool in source.clusters:
        choices = [g for g in pool if (family.casefold(), g.casefold()) not in seen]
        for given in rng.sample(choices, k):
            seen.add((family.casefold(), given.casefold()))
            drawn.append((family, with_initial(rng, given, source.initials)))
    refused = 0
    while len(featured) + len(drawn) < count:
        family, given = draw_name(rng, source)
        if source.initial_first:
            given = with_initial(rng, given, source.initials)
        key = (family.casefold(), given.casefold())
        if source.unique and key in seen:
            refused += 1
            if refused > 10_000:
                raise ValueError(f"the name source holds fewer than {count} different names")
            continue
        refused = 0
        seen.add(key)
        if not source.initial_first:
            given = with_initial(rng, given, source.initials)
        drawn.append((family, given))
    if source.shuffle:
        rng.shuffle(drawn)
    return (featured + drawn)[:count]


def with_initial(rng: random.Random, given: str, share: float) -> str:
    """`given`, with a middle initial for `share` of the calls."""
    if share and rng.random() < share:
        return f"{given} {rng.choice(INITIALS)}"
    return given


def postal_code(rng: random.Random, fsa: str) -> str:
    """A Canadian postal code in the forward sortation area `fsa`: "T2N 4X7"."""
    return f"{fsa} {rng.randint(0, 9)}{rng.choice(POSTAL_LETTERS)}{rng.randint(0, 9)}"


def fictional_number(rng: random.Random, area: str, sep: str = "-") -> str:
    """A phone number in the 555-01xx range reserved for fiction: "403-555-0142"."""
    return f"{area}{sep}555-01{rng.randint(0, 99):02d}"


def phone(rng: random.Random, city: City, sep: str = "-") -> str:
    """A fictional phone number with one of `city`'s area codes."""
    return fictional_number(rng, rng.choice(city.area_codes), sep)


def day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def quota(n: int, share: float) -> int:
    """`share` of `n` people, rounded: how a generator sets a mix that holds for any count."""
    return int(n * share + 0.5)


class Cutter:
    """Hands out consecutive slices of a shuffled index list, so quotas never overlap."""

    def __init__(self, order: list[int]) -> None:
        self._order = order
        self._at = 0

    def take(self, k: int) -> list[int]:
        part = self._order[self._at : self._at + k]
        self._at += len(part)
        return part


def spread(weights: list[int], n: int, rng: random.Random) -> list[int]:
    """Indices into `weights`, `n` of them in proportion (largest remainder), shuffled."""
    total = sum(weights)
    exact = [w * n / total for w in weights]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda j: exact[j] - counts[j], reverse=True)
    for j in by_remainder[: n - sum(counts)]:
        counts[j] += 1
    out = [j for j, c in enumerate(counts) for _ in range(c)]
    rng.shuffle(out)
    return out
