"""docs/researchers.md opens with three questions answered by clicking: each of its links is
followed on the in-process site and must answer with the rows that answer the question."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

from db import open_db
from registry.web.app import create_app
from tests.conftest import PEOPLE, load, person, with_changes
from tests.patients import MARKUP, patient_database

DOC = Path(__file__).resolve().parents[1] / "docs" / "researchers.md"
SECOND_RUN = "2026-03-15T10:00:00Z"


def opening_links() -> list[str]:
    """The links of the doc's first section, as paths (the doc points at the demo's host)."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Three questions", 1)[1].split("\n## ", 1)[0]
    links = re.findall(r"\]\((http://127\.0\.0\.1:8000/[^)\s]+)\)", section)
    return [
        urlsplit(link).path + (f"?{urlsplit(link).query}" if urlsplit(link).query else "")
        for link in links
    ]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    path = patient_database(tmp_path_factory.mktemp("researchers") / "registry.db")
    # A second Alberta run: Robert (Calgary) is granted an authorization, Smith-Jones loses hers.
    people = {p.registrant_id: p for p in [*PEOPLE, MARKUP]}
    people["r2"] = with_changes(people["r2"], authorizations=person("x", "A", "B").authorizations)
    people["r6"] = with_changes(people["r6"], authorizations=[])
    db = open_db(path)
    try:
        load(db, list(people.values()), now=SECOND_RUN)
    finally:
        db.close()
    with TestClient(create_app(path), raise_server_exceptions=False) as c:
        yield c


def test_the_doc_opens_with_three_questions_and_their_links():
    text = DOC.read_text(encoding="utf-8")
    assert text.index("## Three questions") < text.index("## Getting the data")
    assert opening_links() == [
        "/data/registry/authorizations_by_place",
        "/data/registry/practice_locations",
        "/data/registry/authorized_per_city_per_month",
        "/data/registry/grants_and_removals_per_month",
        "/data/registry/regulators?needling=not_tracked",
        "/data/registry/coverage_per_regulator",
    ]


def rows(client, link: str) -> list[dict]:
    """The link's page must work; its rows come from the same URL as JSON."""
    page = client.get(link)
    assert page.status_code == 200, link
    path, _, query = link.partition("?")
    data = client.get(f"{path}.json?_shape=array" + (f"&{query}" if query else ""))
    assert data.status_code == 200, link
    return data.json()


def test_where_are_the_authorized_practitioners(client):
    by_place = rows(client, opening_links()[0])
    red_deer = [r for r in by_place if r["city"] == "Red Deer"]
    # Roberts, Côté and the markup name hold an authorization there; Lévesque does not.
    assert [(r["province"], r["kind"], r["registrations"]) for r in red_deer] == [
        ("AB", "needling", 3)
    ]
    assert "Red Deer" in client.get(opening_links()[0]).text
    locations = rows(client, opening_links()[1])
    assert {r["city"] for r in locations} >= {"Red Deer", "Toronto", "Halifax", "Vancouver"}


def test_how_did_authorizations_change(client):
    per_city = rows(client, opening_links()[2])
    calgary = [(r["month"], r["authorized"]) for r in per_city if r["city"] == "Calgary"]
    # Robert, granted one in the second run (March), counts from then on, and not before.
    assert calgary[0] == ("2026-03", 1) and {n for _, n in calgary} == {1}
    assert "Calgary, AB" in client.get(opening_links()[2]).text  # a panel of the chart
    months = rows(client, opening_links()[3])
    assert months == [
        {
            "month": "2026-03",
            "regulator_id": "cpta",
            "regulator": "College of Physiotherapists of Alberta",
            "granted": 1,
            "removed": 1,
            "appeared_authorized": 0,
            "left_authorized": 0,
        }
    ]
    assert "2026-03" in client.get(opening_links()[3]).text


def test_which_regulators_do_not_track_needling(client):
    regulators = rows(client, opening_links()[4])
    # Nova Scotia, whose register we read, and five listed but not yet supported.
    assert sorted(r["id"] for r in regulators) == [
        "co_pt",
        "il_pt",
        "ky_pt",
        "nscp",
        "oh_pt",
        "va_pt",
    ]
    page = client.get(opening_links()[4]).text
    assert "Nova Scotia" in page and "Alberta" not in page
    coverage = rows(client, opening_links()[5])
    needling = {r["regulator_id"]: r["needling"] for r in coverage}
    assert needling["nscp"] == "not_tracked" and needling["cpta"] == "tracked"
