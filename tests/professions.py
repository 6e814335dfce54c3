"""A database of several professions in Vancouver and Calgary, for the search, the API and the
pages: physiotherapists authorized per person (CPTA, CHCPBC), registered acupuncturists and
physicians who may by their scope of practice (test sources declared here, as a register of a
whole profession would be)."""

from __future__ import annotations

from dataclasses import replace

from db.load import sync_regulators
from scrapers.records import Authorization, Location
from scrapers.sources import Source, load_settings
from tests.conftest import PEOPLE, load, person

ACUPUNCTURE_SCOPE = {"Acupuncture (scope of practice of a registered acupuncturist)": "acupuncture"}
TPI_SCOPE = {
    "Trigger point injections (scope of practice of a physician)": "trigger_point_injection"
}


def scope_source(key: str, short: str, regulator: str, profession: str, scope: dict) -> Source:
    """A declared register of a whole profession that may by its scope, in British Columbia."""
    return replace(
        load_settings().sources["chcpbc"],
        key=key,
        regulator=regulator,
        short_name=short,
        profession=profession,
        mechanism="scope_of_practice",
        scope=scope,
        wording={},
    )


ACUPUNCTURISTS = scope_source(
    "ctcma",
    "CTCMA",
    "College of Traditional Chinese Medicine Practitioners and Acupuncturists of BC",
    "acupuncturist",
    ACUPUNCTURE_SCOPE,
)
PHYSICIANS = scope_source(
    "cpsbc",
    "CPSBC",
    "College of Physicians and Surgeons of British Columbia",
    "physician",
    TPI_SCOPE,
)


def in_vancouver(record, *, scope: dict | None = None, mechanism: str = "scope_of_practice"):
    """`record` practising in Vancouver, BC, holding its register's scope if given."""
    where = Location("West End Clinic", "1 Robson Street", "Vancouver", "BC", "V6E 1A1", None)
    held = (
        [Authorization(w, k, mechanism) for w, k in scope.items()]
        if scope
        else record.authorizations
    )
    return replace(record, locations=[where], authorizations=held)


def load_professions(db) -> None:
    """CPTA's people (Alberta) and, in Vancouver, a CHCPBC physiotherapist authorized in person,
    two acupuncturists and a physician, each holding their profession's scope."""
    sync_regulators(db, [ACUPUNCTURISTS, PHYSICIANS])
    load(db, PEOPLE)
    physio = in_vancouver(
        replace(
            person("b1", "Tremblay", "Nora", regulator="chcpbc"),
            authorizations=[Authorization("Dry Needling", "needling", "roster")],
        )
    )
    load(
        db,
        [physio, in_vancouver(person("b2", "Tanaka", "Ken", regulator="chcpbc", needling=False))],
        "chcpbc",
    )
    load(
        db,
        [
            in_vancouver(person("c1", "Wong", "Mei", regulator="ctcma"), scope=ACUPUNCTURE_SCOPE),
            in_vancouver(person("c2", "Chen", "Li", regulator="ctcma"), scope=ACUPUNCTURE_SCOPE),
        ],
        "ctcma",
    )
    load(
        db,
        [in_vancouver(person("d1", "Patel", "Ravi", regulator="cpsbc"), scope=TPI_SCOPE)],
        "cpsbc",
    )
