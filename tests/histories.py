"""A registry with a history to query: three runs of one register with changes between them."""

from __future__ import annotations

from tests.conftest import NEEDLES, PEOPLE, load, person, with_changes

ALICE, MAYA, LIAM = PEOPLE[0], PEOPLE[2], PEOPLE[4]
ZOE = person("r9", "Zhang", "Zoe", number="20009", city="Red Deer")


def three_runs(db):
    """January: everyone. March: Alice loses her authorization, Maya leaves, Liam practises
    again, Zoe appears authorized. April: Alice gets her authorization back."""
    load(db, PEOPLE, now="2026-01-10T00:00:00Z")
    second = [
        with_changes(ALICE, authorizations=[]),
        *[p for p in PEOPLE[1:] if p not in (MAYA, LIAM)],
        with_changes(LIAM, status="Practising", status_class="practising"),
        ZOE,
    ]
    load(db, second, now="2026-03-01T00:00:00Z")
    load(
        db, [with_changes(ALICE, authorizations=[NEEDLES]), *second[1:]], now="2026-04-15T00:00:00Z"
    )
    return db
