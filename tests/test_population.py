"""The one synthetic-population generator (emulators/population.py) and its jurisdictions."""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import replace

import pytest

from emulators.jurisdictions import (
    ALBERTA,
    ALBERTA_NAMES,
    BRITISH_COLUMBIA,
    NOVA_SCOTIA,
    ONTARIO,
    QUEBEC,
)
from emulators.population import NameSource, draw_names, phone, postal_code, spread

JURISDICTIONS = [ALBERTA, BRITISH_COLUMBIA, ONTARIO, QUEBEC, NOVA_SCOTIA]


def test_any_name_source_plugs_in():
    """A new distribution (realistic surnames, say) is only a NameSource; draw_names does the
    rest."""
    source = NameSource(
        origins=((3, ["Roy", "Côté"], ["Anne"]), (1, ["Nguyen"], ["Minh", "Bao"])),
        featured=(("O'Brien", "Siobhan"),),
        initials=0.5,
    )
    names = draw_names(random.Random(1), source, 5)
    assert names == draw_names(random.Random(1), source, 5)
    assert names[0] == ("O'Brien", "Siobhan") and len(names) == 5
    assert len({(f.casefold(), g.casefold()) for f, g in names}) == 5  # unique by default
    for family, given in names[1:]:
        assert family in ("Roy", "Côté", "Nguyen")
        assert re.fullmatch(r"(Anne|Minh|Bao)( [A-Z])?", given)
    with pytest.raises(ValueError, match="fewer than 6 different names"):
        draw_names(random.Random(1), source, 6)


def test_homonyms_only_when_the_source_allows_them():
    source = NameSource(origins=((1, ["Singh"], ["Zofia"]),), unique=False)
    assert draw_names(random.Random(3), source, 3) == [("Singh", "Zofia")] * 3
    assert draw_names(random.Random(3), source, 0) == []


def test_featured_names_only_from_their_threshold():
    source = NameSource(origins=((1, ["Roy"], ["Luc", "Marc"]),), featured=(("Côté", "Anne"),))
    small = replace_from(source, 10)
    assert ("Côté", "Anne") not in draw_names(random.Random(2), small, 2)
    assert draw_names(random.Random(2), small, 10)[0] == ("Côté", "Anne")


def replace_from(source: NameSource, n: int) -> NameSource:
    return replace(source, featured_from=n, unique=False)


def test_alberta_clusters_crowd_their_prefixes():
    names = draw_names(random.Random(2026), ALBERTA_NAMES, 400)
    families = Counter(f for f, _ in names)
    assert families["Nguyen"] == 30 and sum(f.startswith("Mac") for f, _ in names) > 25
    assert names[:2] == [("Côté", "Anne-Marie"), ("Cote", "Daniel")]


@pytest.mark.parametrize("where", JURISDICTIONS, ids=lambda j: j.code)
def test_places_are_the_jurisdictions_and_phones_fictional(where):
    rng = random.Random(5)
    cities = where.spread(200, rng)
    assert len(cities) == 200 and set(cities) <= set(where.cities)
    heaviest = max(where.cities, key=lambda c: c.weight)
    assert Counter(cities).most_common(1)[0][0] == heaviest
    for city in where.cities:
        fsa = rng.choice(city.fsas)
        assert re.fullmatch(rf"{fsa} \d[A-Z]\d", postal_code(rng, fsa))
        if city.area_codes:
            assert re.fullmatch(r"\d{3}-555-01\d\d", phone(rng, city))
    first_letters = {fsa[0] for c in where.cities for fsa in c.fsas}
    assert (
        first_letters
        == {
            "AB": {"T"},
            "BC": {"V"},
            "ON": {"K", "L", "M", "N", "P"},
            "QC": {"G", "H", "J"},
            "NS": {"B"},
        }[where.code]
    )


def test_spread_is_proportional():
    counts = Counter(spread([3, 1], 400, random.Random(0)))
    assert counts == {0: 300, 1: 100}
