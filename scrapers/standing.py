"""Standing classification: a register's own words for a registrant's standing -> our class.

The one place it happens. Every register words standings its own way ("Independent Practice",
"License Status: Active", "General Register - Practising"), so each has its word table below, read
by one classifier: the classes are tried in the order suspended, cancelled, non_practising,
practising, and the first whose words the standing holds wins; none is "unknown".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scrapers.places import fold

STATUS_CLASSES = ("practising", "suspended", "cancelled", "non_practising", "unknown")
# The classes under which a person may not practise at all (registry/lookup/standing.py).
NOT_PRACTISING_CLASSES = ("suspended", "cancelled", "non_practising")
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")


@dataclass(frozen=True)
class Standings:
    """One register's standing words, in the order they are tried.

    With `whole_words`, a standing is read as words (hyphenated words whole) and an entry matches
    a word exactly, or as its start when the entry ends with "*": "General Practitioner" is not
    "practising". Otherwise an entry matches anywhere in the folded standing."""

    rules: tuple[tuple[str, tuple[str, ...]], ...]
    whole_words: bool = False

    def classify(self, standing: str | None) -> str:
        text = fold(standing or "")
        if self.whole_words:
            words = set(_WORD.findall(text.replace("non practi", "non-practi")))
            for status_class, entries in self.rules:
                if any(_matches(word, entries) for word in words):
                    return status_class
            return "unknown"
        for status_class, entries in self.rules:
            if any(entry in text for entry in entries):
                return status_class
        return "unknown"


def _matches(word: str, entries: tuple[str, ...]) -> bool:
    return any(word.startswith(e[:-1]) if e.endswith("*") else word == e for e in entries)


# Alinity tenants (CPTA, CHCPBC, ...): "General Register<br/>Practising", by whole words.
ALINITY = Standings(
    (
        ("suspended", ("suspended", "suspension")),
        (
            "cancelled",
            ("cancel*", "revoked*", "resigned*", "retired*", "deceased*", "expired*", "lapsed*"),
        ),
        ("non_practising", ("non-practising", "non-practicing", "nonpractising", "inactive")),
        ("practising", ("practising", "practicing", "active")),
    ),
    whole_words=True,
)

# Ontario (CPO): "Independent Practice", "Suspended", "Resigned", ...
CPO = Standings(
    (
        ("suspended", ("suspend",)),
        ("cancelled", ("resign", "revok", "expired", "deceased", "cancel", "lapsed")),
        ("non_practising", ("non-practi", "inactive", "retired")),
        ("practising", ("practice", "practis", "courtesy", "active")),
    )
)

# Nova Scotia (NSRPT): the directory's License Status column.
NSPHYSIO = Standings(
    (
        ("suspended", ("suspend",)),
        ("cancelled", ("cancel", "revok", "resign", "retire", "deceased", "expired", "lapse")),
        ("non_practising", ("non-practi", "non practi", "nonpracti", "inactive")),
        ("practising", ("practi", "active", "conditional", "sponsored")),
    )
)

# Washington (DOH credential data): the dataset's credential status.
WA_DOH = Standings(
    (
        ("suspended", ("suspend",)),
        ("cancelled", ("revok", "expired", "deceased", "surrender", "unlicensed", "denied")),
        ("non_practising", ("inactive", "retired", "military")),
        ("practising", ("active",)),
    )
)

# iMIS public registries (BC's TCM and acupuncture register): the grid's status column [guess:
# the live words are not recorded], by whole words as on Alinity.
IMIS = Standings(
    (
        ("suspended", ("suspended", "suspension")),
        (
            "cancelled",
            ("cancel*", "revoked*", "resigned*", "deceased*", "expired*", "lapsed*", "erased*"),
        ),
        ("non_practising", ("non-practising", "non-practicing", "inactive", "retired")),
        ("practising", ("practising", "practicing", "active", "full")),
    ),
    whole_words=True,
)

# Bulk licensee files in Box folders (New Jersey DCA, California DCA): New Jersey's active-only
# file says "Active" [code]; California's "Current" and "Clear" [code]; the other words [guess].
BOXFILES = Standings(
    (
        ("suspended", ("suspend",)),
        ("cancelled", ("revok", "cancel", "expired", "deceased", "surrender", "delinquent")),
        ("non_practising", ("inactive", "retired")),
        ("practising", ("active", "current", "clear", "probation")),
    )
)

# BC physicians (CPSBC): the directory card's "Licence status". "Not practising in BC" and "Not
# licensed for independent practice" are tried before "practising"; people "In training"
# (residents, students) may not practise on their own.
CPSBC = Standings(
    (
        ("suspended", ("suspend",)),
        ("cancelled", ("cancel", "resign", "deceased", "revok", "expired", "erased", "lapse")),
        (
            "non_practising",
            ("not practi", "not licensed", "inactive", "in training", "administrative", "retired"),
        ),
        ("practising", ("practising", "practicing")),
    )
)
