"""Normalized kinds of needling authorization and of the mechanisms regulators use to grant them.

Each regulator's own wording is mapped to one kind in its source entry (`sources.toml`); the
wording itself is always kept beside the kind. See docs/kinds.md for the table.
"""

from __future__ import annotations

KINDS: dict[str, str] = {
    "dry_needling": "Dry needling (trigger point dry needling)",
    "ims": "Intramuscular stimulation (IMS) / intramuscular needling",
    "acupuncture": "Acupuncture",
    "needling": "Needling (the regulator does not distinguish dry needling, IMS and acupuncture)",
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
}

# Whether a regulator's public register tells us who may needle.
NEEDLING_TRACKING = ("tracked", "not_tracked", "unknown")


def kinds_answering(kind: str) -> list[str]:
    """The authorization kinds that answer a search for `kind`.

    The umbrella answers a search for any specific kind, and a search for the umbrella ("anyone
    who may needle") is answered by every kind.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    return list(KINDS) if kind == UMBRELLA else [kind, UMBRELLA]
