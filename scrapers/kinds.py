"""Normalized kinds of needling authorization and of the mechanisms regulators use to grant them.

Each regulator's own wording is mapped to one kind in its source entry (`sources.toml`), read by
`Wording` below; the wording itself is always kept beside the kind. See docs/kinds.md for the
table.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from scrapers.places import fold
from scrapers.records import Authorization

KINDS: dict[str, str] = {
    "dry_needling": "Dry needling (trigger point dry needling)",
    "ims": "Intramuscular stimulation (IMS) / intramuscular needling",
    "acupuncture": "Acupuncture",
    "needling": "Needling (the regulator does not distinguish dry needling, IMS and acupuncture)",
    "trigger_point_injection": "Trigger point injection (an injection, by a physician)",
}

# A regulator's umbrella authorization covers every specific kind: someone authorized for
# "using needles in practice" is an answer to "who can do dry needling?".
UMBRELLA = "needling"

MECHANISMS: dict[str, str] = {
    "restricted_activity_authorization": (
        "Authorization for a restricted activity, noted on the permit"
    ),
    "roster": "A roster of registrants authorized for the activity",
    "attestation": "An attestation of training issued by the regulator",
    "sub_register": "A sub-register of the register",
    "endorsement": "An endorsement on the licence",
    "registration": "A separate registration for the activity",
    # Not a per-person authorization: every registrant of the profession may, by the scope of
    # practice the law gives it (registered acupuncturists and acupuncture, physicians and
    # trigger point injections). Kept apart from every per-person mechanism above.
    "scope_of_practice": "The whole profession may, by its scope of practice",
}

# Professions a register may list. A source declares its profession; a record of a register that
# lists several (BC's merged college) may carry its own.
PROFESSIONS: dict[str, str] = {
    "physiotherapist": "Physiotherapist (physical therapist)",
    "acupuncturist": "Acupuncturist / traditional Chinese or East Asian medicine practitioner",
    "physician": "Physician",
    "naturopath": "Naturopathic doctor",
    "occupational_therapist": "Occupational therapist",
    "athletic_trainer": "Athletic trainer",
    "chiropractor": "Chiropractor",
}
DEFAULT_PROFESSION = "physiotherapist"

# Whether a regulator's public register tells us who may needle: it does ("tracked"); the board
# keeps a per-licensee record (a registration, an attestation, documents on file) but does not
# publish it ("kept_unpublished": ask the practitioner); it keeps none ("not_tracked"); or we do
# not know yet ("unknown").
NEEDLING_TRACKING = ("tracked", "kept_unpublished", "not_tracked", "unknown")


def kinds_answering(kind: str) -> list[str]:
    """The authorization kinds that answer a search for `kind`.

    The umbrella answers a search for any specific kind, and a search for the umbrella ("anyone
    who may needle") is answered by every kind.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    if kind == UMBRELLA:
        return list(KINDS)
    # "Using needles" covers dry needling, IMS and acupuncture, never an injection.
    return [kind] if kind in NOT_UNDER_UMBRELLA else [kind, UMBRELLA]


# Kinds the umbrella does not cover: a physiotherapist's "needles in practice" is no injection.
NOT_UNDER_UMBRELLA = ("trigger_point_injection",)


# Words that look like needling: an item matching this but no wording of its source is a sign
# the regulator changed its words (an error for the operator, never a silent drop).
NEEDLING_HINT = re.compile(r"needl|acupunct|aiguille|\bIMS\b|intramuscular", re.I)


class Wording:
    """A source's wording map (`sources.toml`: the regulator's words -> a kind): the one place a
    register's words become a kind. Words are compared as `key` folds them (case and accents by
    default); `hint` says which unmapped words look like needling."""

    def __init__(
        self,
        wording: dict[str, str],
        mechanism: str | None,
        *,
        key: Callable[[str], str] = fold,
        hint: re.Pattern[str] = NEEDLING_HINT,
    ):
        self.key = key
        self.hint = hint
        self.mechanism = mechanism or ""
        self._entries = {key(w): (w, kind) for w, kind in wording.items()}

    def __contains__(self, text: str) -> bool:
        return self.key(text) in self._entries

    def entry(self, text: str) -> tuple[str, str] | None:
        """(the map's own spelling, kind) of a wording mapped to a known kind, else None."""
        entry = self._entries.get(self.key(text))
        return entry if entry and entry[1] in KINDS else None

    def authorization(self, text: str) -> Authorization | None:
        """`text`, in the register's words, as an authorization; None when it maps to no kind."""
        entry = self.entry(text)
        if entry is None:
            return None
        return Authorization(wording=text, kind=entry[1], mechanism=self.mechanism)

    def unmapped(self, text: str) -> bool:
        """Whether `text` looks like needling but is not in the map."""
        return text not in self and bool(self.hint.search(text))

    def sort(self, items: list[str]) -> tuple[list[Authorization], list[str]]:
        """The items that are authorizations, and those that look like needling but match no
        wording of the map."""
        found, unknown = [], []
        for item in items:
            authorization = self.authorization(item)
            if authorization:
                found.append(authorization)
            elif self.hint.search(item):
                unknown.append(item)
        return found, unknown
