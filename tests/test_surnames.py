"""The register-shaped names the crawl costs are measured on (emulators/surnames.py)."""

from __future__ import annotations

from collections import Counter

from emulators.surnames import realistic_names, realistic_physiotherapists


def test_names_have_a_real_registers_shape():
    names = realistic_names(4000)
    families = Counter(f for f, _ in names)
    # A head of common surnames with tens of people, and a long tail mostly of one person each.
    assert 0.55 <= len(families) / len(names) <= 0.8
    assert 15 <= families.most_common(1)[0][1] <= 60
    once = sum(1 for n in families.values() if n == 1)
    assert once / len(families) > 0.7
    assert any(not f.isascii() for f in families)  # accents (Côté, Acuña)
    assert any("-" in f for f in families)  # double surnames
    assert any(" " in f for f in families)  # particles (van der Berg, de la Cruz)
    assert any(len(f) == 2 for f in families)  # Li, Ng, Wu
    assert all(f and g for f, g in names)


def test_names_are_a_pure_function_of_the_seed():
    assert realistic_names(500, seed=4) == realistic_names(500, seed=4)
    assert realistic_names(500, seed=4) != realistic_names(500, seed=5)


def test_people_keep_everything_but_their_names():
    people = realistic_physiotherapists(200)
    assert len({p.rg for p in people}) == 200
    assert [(p.family_name, p.given_names) for p in people] == realistic_names(200)
