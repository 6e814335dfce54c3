"""Names with the shape of a real Canadian register's, to measure crawls on.

A register of 4,000 people has about 2,600 distinct surnames: a head of common ones (Singh, Chen,
Tremblay, Nguyen, Smith, with tens of people each) and a long tail where most surnames occur once,
with accents (Côté, Acuña), particles (van der Berg, de la Cruz, St-Pierre), apostrophes and
hyphenated double names. Crawl costs depend on exactly that shape: how many two-letter texts
occur in more than a row cap's worth of surnames, and how many surnames are short.

The name lists are Faker's (https://faker.readthedocs.io), per locale: the US Census 2010
frequencies for the British-origin head, and each locale's list, Zipf-weighted by rank, for the
others. They are lists of surnames and first names, not of people; every person built from them is
synthetic. Faker is imported only when names are drawn, so the emulators need it only for this.
"""

from __future__ import annotations

import importlib
import random
import re
from dataclasses import replace
from functools import cache

from emulators.people import Person, alberta_physiotherapists

# The head's share of people by origin, roughly Alberta's (census ethnic origins), and the share of
# people whose surname comes from the long tail instead.
HEAD_SHARE = 0.45
DOUBLE_SHARE = 0.03  # hyphenated double surnames
_HEADS: tuple[tuple[str, float, str | tuple[str, ...], float], ...] = (
    # (origin, weight, Faker locale or a list in frequency order, Zipf exponent)
    ("british", 0.40, "en_US", 0.0),  # 0.0: the locale's own frequencies
    ("french", 0.12, "fr_CA", 1.0),
    (
        "chinese",
        0.07,
        tuple(
            "Chen Wang Li Zhang Liu Wong Lin Huang Lee Chan Yang Wu Zhao Zhou Ho Xu Sun Ma Zhu Hu "
            "Guo He Lam Luo Cheung Tang Ng Leung Yu Tsang Lau".split()
        ),
        1.0,
    ),
    (
        "south asian",
        0.09,
        tuple(
            "Singh Patel Sharma Gill Sidhu Dhillon Grewal Sandhu Brar Kaur Khan Shah Gupta "
            "Kumar Bains Mann Dhaliwal Virk Ahmed Hussain Ali Joshi Mehta Rao Reddy Iyer Nair "
            "Desai".split()
        ),
        1.0,
    ),
    (
        "vietnamese",
        0.03,
        tuple("Nguyen Tran Le Pham Hoang Huynh Phan Vu Vo Dang Bui Do Ho Ngo Duong Ly".split()),
        1.3,
    ),
    (
        "filipino",
        0.05,
        tuple(
            (
                "Santos Reyes Cruz Garcia Bautista Ocampo Mendoza Torres Flores Villanueva Ramos "
                "Castillo Aquino Fernandez Gonzales Lopez Manalo Navarro Pascual Salazar Soriano "
                "Tolentino"
            ).split()
        )
        + ("Dela Cruz", "Del Rosario"),
        1.0,
    ),
    (
        "korean",
        0.02,
        tuple("Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo".split()),
        1.2,
    ),
    ("ukrainian", 0.08, "uk_UA", 0.3),
    ("german", 0.07, "de_DE", 0.3),
    ("dutch", 0.03, "nl_NL", 0.3),
    ("italian", 0.02, "it_IT", 0.3),
    ("irish", 0.02, "en_IE", 0.3),
)
_TAIL_LOCALES = ("en_IE", "it_IT", "es_MX", "en_IN", "de_DE", "nl_NL", "uk_UA", "en_GB", "pt_BR")
_GIVEN_LOCALES = ("en_US", "fr_CA", "en_IN", "es_MX", "it_IT", "de_DE", "nl_NL")

# Ukrainian surnames, romanised as Canadian registers show them (Kovalchuk, Shevchenko).
_UKRAINIAN = dict(
    zip(
        "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя'ʼ",
        "a b v h g d e ie zh z y i i i k l m n o p r s t u f kh ts ch sh shch _ iu ia _ _".split(),
        strict=True,
    )
)
# One surname as registers write them: letters, with at most a particle and one hyphen or
# apostrophe (drops Faker's historical nobility, "Coreth von und zu Coredo").
_PLAIN = re.compile(
    r"^((van|de|van de|van der|van den|de la|del|da|di|le|la) )?"
    r"(St-|O'|D')?[A-ZÀ-Ý][a-zà-ÿ']+(-[A-Z][a-zà-ÿ]+)?$"
)


def _romanised(name: str) -> str:
    out = "".join(_UKRAINIAN.get(c.lower(), c).replace("_", "") for c in name)
    return out[:1].upper() + out[1:]


def _provider(locale: str):
    return importlib.import_module(f"faker.providers.person.{locale}").Provider


def _surnames(locale: str) -> list[str]:
    names = list(_provider(locale).last_names)
    if locale == "uk_UA":
        names = [_romanised(n) for n in names]
    return [n for n in names if _PLAIN.match(n)]


@cache
def _tables() -> tuple[list[tuple[list[str], list[float]]], list[float], list[str], list[str]]:
    heads, weights = [], []
    for _, weight, names, exponent in _HEADS:
        if isinstance(names, str) and exponent == 0.0:
            table = dict(_provider(names).last_names)
            heads.append((list(table), list(table.values())))
        else:
            ranked = _surnames(names) if isinstance(names, str) else list(names)
            heads.append((ranked, [1.0 / (i + 1) ** exponent for i in range(len(ranked))]))
        weights.append(weight)
    tail = sorted({n for locale in _TAIL_LOCALES for n in _surnames(locale)})
    given = sorted(
        {n for locale in _GIVEN_LOCALES for n in _provider(locale).first_names if n.isalpha()}
    )
    return heads, weights, tail, given


def realistic_names(count: int, seed: int = 7) -> list[tuple[str, str]]:
    """`count` (family, given) pairs with a Canadian register's shape; a pure function of seed."""
    heads, weights, tail, given = _tables()
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        r = rng.random()
        if r < HEAD_SHARE:
            names, freq = rng.choices(heads, weights)[0]
            family = rng.choices(names, freq)[0]
        elif r < 1 - DOUBLE_SHARE:
            family = rng.choice(tail)
        else:
            family = f"{rng.choice(tail)}-{rng.choice(tail)}"
        out.append((family, rng.choice(given)))
    return out


def realistic_physiotherapists(count: int, seed: int = 7) -> list[Person]:
    """Synthetic Alberta physiotherapists (emulators.people) renamed with `realistic_names`."""
    people = alberta_physiotherapists(count, seed=seed)
    names = realistic_names(count, seed=seed)
    return [
        replace(p, family_name=family, given_names=given)
        for p, (family, given) in zip(people, names, strict=True)
    ]
