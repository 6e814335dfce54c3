"""The database the patient page is tested on: the shared PEOPLE plus the cases the page must
show honestly (a name that is markup, a kind-specific authorization, a regulator that does not
track needling, a stale source, a failing source)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from db import open_db
from db.load import finish_run, start_run, sync_regulators
from scrapers.records import Authorization, Location
from scrapers.sources import load_settings
from tests.conftest import PEOPLE, load, person

SCRIPT_NAME = "<script>alert(1)</script>"
ACUPUNCTURE = Authorization("Acupuncture (including dry needling)", "acupuncture", "roster")

MARKUP = replace(
    person("x1", SCRIPT_NAME, "Eve", number="20009", city="Red Deer"),
    profile_url="javascript:alert(2)",
)
# Ontario: a roster for acupuncture only (not IMS); its source's latest run failed.
ONTARIO = [
    replace(
        person("o1", "Tremblay", "Noah", number="30001", city="Toronto", regulator="cpo"),
        authorizations=[ACUPUNCTURE],
        locations=[
            Location(
                "Queen Street Physio", "9 Queen St W", "Toronto", "ON", "M5H 2N2", "416-555-0199"
            )
        ],
    )
]


def located(record, province: str):
    """A test person whose practice is in `province` (conftest's person() puts everyone in AB)."""
    return replace(record, locations=[replace(record.locations[0], province=province)])


# Nova Scotia: the college does not record needling.
NOVA_SCOTIA = [
    located(
        person("n1", "MacDonald", "Ann", city="Halifax", regulator="nscp", needling=False), "NS"
    ),
    located(
        person("n2", "MacLeod", "Ian", city="Dartmouth", regulator="nscp", needling=False), "NS"
    ),
]
# British Columbia: imported long ago, never since.
BRITISH_COLUMBIA = [
    located(
        person("b1", "Singh", "Arjun", number="50001", city="Vancouver", regulator="chcpbc"), "BC"
    ),
]
STALE_SINCE = "2025-01-05T10:00:00Z"
# Washington: the state's open data lists credentials without any practice address.
WASHINGTON = [
    replace(
        person("w1", "Larsen", "Kai", number="PT60001", regulator="wa_doh_pt", needling=False),
        locations=[],
    )
]


def patient_database(path: Path) -> Path:
    """Build the test database at `path` and return it."""
    db = open_db(path)
    try:
        sync_regulators(db, load_settings().sources.values())
        load(db, [*PEOPLE, MARKUP])
        load(db, ONTARIO, regulator="cpo")
        run = start_run(db, "cpo")
        finish_run(db, run, "failed", "HTTP 503 after 5 attempts", requests=5, errors=[], counts={})
        load(db, NOVA_SCOTIA, regulator="nscp")
        load(db, BRITISH_COLUMBIA, regulator="chcpbc")
        load(db, WASHINGTON, regulator="wa_doh_pt")
        db.execute(
            "update import_runs set ended_at = ?, started_at = ? where regulator_id = 'chcpbc'",
            [STALE_SINCE, STALE_SINCE],
        )
        db.conn.commit()
    finally:
        db.close()
    return path
