"""A test database for the Quebec story: the OPPQ register, whose listing of
the needling attestation is unconfirmed (needling = "unknown" in sources.toml), beside Nova
Scotia's, which does not record needling at all. Synthetic people only."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from db import open_db
from db.load import sync_regulators
from scrapers.records import Authorization, Location
from scrapers.sources import load_settings
from tests.conftest import load, person

ATTESTATION = Authorization(
    "Utilisation des aiguilles sous le derme (attestation délivrée par l'OPPQ)",
    "dry_needling",
    "attestation",
)


def quebecer(rg: str, family: str, given: str, number: str, attested: bool, city="Montréal"):
    record = person(rg, family, given, number=number, city=city, regulator="oppq")
    return replace(
        record,
        authorizations=[ATTESTATION] if attested else [],
        locations=[
            Location("Clinique du Plateau", "1 rue Rachel", city, "QC", "H2J 1A1", "514-555-0100")
        ],
    )


LISTED = [
    quebecer("q1", "Gagnon", "Léa", "Q1001", True),
    quebecer("q2", "Roy", "Émile", "Q1002", True),
    quebecer("q3", "Bouchard", "Zoé", "Q1003", True),
]
NOT_LISTED = [
    quebecer("q4", "Gauthier", "Louis", "Q1004", False),
    quebecer("q5", "Morin", "Chloé", "Q1005", False),
    quebecer("q6", "Lavoie", "Jade", "Q1006", False),
    quebecer("q7", "Fortin", "Noé", "Q1007", False),
]
NOVA_SCOTIA = [
    replace(
        person("n1", "MacIsaac", "Rory", number="NS1", city="Halifax", regulator="nscp"),
        authorizations=[],
        locations=[Location("Harbour Physio", "2 Water St", "Halifax", "NS", "B3H 1A1", None)],
    )
]


def quebec_database(path: Path) -> Path:
    db = open_db(path)
    try:
        sync_regulators(db, load_settings().sources.values())
        load(db, [*LISTED, *NOT_LISTED], regulator="oppq")
        load(db, NOVA_SCOTIA, regulator="nscp")
        db.conn.commit()
    finally:
        db.close()
    return path
