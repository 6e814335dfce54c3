"""People named from a real register's names sample, to measure crawls on (never copied here).

`../shared/samples/names/bc-physicians.tsv` (beside the repository, not in it) holds a real
register's (family, given) pairs: one-letter first words ("O Morain"), apostrophes, spaces and
hyphens inside family names, lower-case particles and a heavy head. The people built from it are
the synthetic physiotherapists of `emulators.people`, renamed in memory for one crawl test or
benchmark; nothing is written anywhere. Tests skip where the sample is absent.
"""

from __future__ import annotations

import csv
import random
from dataclasses import replace
from pathlib import Path

from emulators.people import Person, alberta_physiotherapists

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "names" / "bc-physicians.tsv"
LABEL = "real names (BC physicians' register)"


def real_names(path: Path = SAMPLE) -> list[tuple[str, str]] | None:
    """The sample's (family, given) pairs, or None where it is absent."""
    if not path.is_file():
        return None
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader(f, delimiter="\t")
        return [(r["family"], r["given"]) for r in rows if r.get("family")]


def really_named(count: int | None = None, seed: int = 11, path: Path = SAMPLE) -> list[Person]:
    """`count` synthetic people (all the sample's pairs by default) renamed with the sample's
    names, drawn at random where fewer; empty where the sample is absent."""
    names = real_names(path) or []
    if count is not None and count < len(names):
        names = random.Random(seed).sample(names, count)
    people = alberta_physiotherapists(len(names), seed=seed) if names else []
    return [
        replace(p, family_name=family, given_names=given)
        for p, (family, given) in zip(people, names, strict=True)
    ]
