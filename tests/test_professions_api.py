"""Profession in the API: the search filters by it (physiotherapists unless asked, or unless the
kind is one other professions give), every document says it, and an authorization by the scope
of practice of a profession is told apart from a per-person one."""

from __future__ import annotations

import csv
import io

import pytest
from starlette.testclient import TestClient

from registry.releases.metadata import ROOT
from registry.web.app import create_app
from scrapers.sources import load_settings
from tests.professions import load_professions


@pytest.fixture
def client(tmp_path, db):
    load_professions(db)
    with TestClient(create_app(tmp_path / "registry.db"), raise_server_exceptions=False) as c:
        yield c


def search(client, **params):
    response = client.get("/api/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def names(client, **params):
    return [(r["name"], r["profession"]) for r in search(client, **params)["results"]]


def test_a_search_is_for_physiotherapists_unless_another_profession_is_asked_for(client):
    assert names(client, city="Vancouver") == [
        ("Tanaka, Ken", "physiotherapist"),
        ("Tremblay, Nora", "physiotherapist"),
    ]
    assert names(client, city="Vancouver", profession="acupuncturist") == [
        ("Chen, Li", "acupuncturist"),
        ("Wong, Mei", "acupuncturist"),
    ]
    assert names(client, city="Vancouver", profession="any") == [
        ("Chen, Li", "acupuncturist"),
        ("Patel, Ravi", "physician"),
        ("Tanaka, Ken", "physiotherapist"),
        ("Tremblay, Nora", "physiotherapist"),
        ("Wong, Mei", "acupuncturist"),
    ]
    # Dry needling: the physiotherapist authorized in person, never an acupuncturist's scope.
    assert names(client, city="Vancouver", kind="dry_needling") == [
        ("Tremblay, Nora", "physiotherapist")
    ]


def test_acupuncture_finds_every_profession_that_may_and_injections_find_physicians(client):
    assert names(client, city="Vancouver", kind="acupuncture") == [
        ("Chen, Li", "acupuncturist"),
        ("Tremblay, Nora", "physiotherapist"),  # "Dry Needling" covers acupuncture
        ("Wong, Mei", "acupuncturist"),
    ]
    assert names(client, city="Vancouver", kind="acupuncture", profession="physiotherapist") == [
        ("Tremblay, Nora", "physiotherapist")
    ]
    assert names(client, near="Vancouver", kind="trigger_point_injection") == [
        ("Patel, Ravi", "physician")
    ]
    # A physiotherapist's "needles" authorization is no injection.
    assert (
        names(
            client, city="Vancouver", kind="trigger_point_injection", profession="physiotherapist"
        )
        == []
    )


def test_the_page_and_the_api_read_the_profession_alike(client):
    page = client.get("/", params={"city": "Vancouver", "kind": "acupuncture"})
    assert page.status_code == 200
    for name in ("Chen, Li", "Wong, Mei", "Tremblay, Nora"):
        assert name in page.text


@pytest.mark.parametrize("value", ["dentist", "x" * 300, "physio therapist!"])
def test_an_unknown_profession_is_a_400_that_names_the_professions(client, value):
    response = client.get("/api/search", params={"city": "Vancouver", "profession": value})
    assert response.status_code == 400
    message = response.json()["error"]
    assert "unknown profession" in message and "acupuncturist" in message and "any" in message


def test_a_document_says_the_profession_and_how_each_authorization_is_held(client):
    (wong,) = search(client, q="wong", profession="any")["results"]
    assert wong["profession"] == "acupuncturist"
    assert wong["regulator"]["profession"] == "acupuncturist"
    assert wong["regulator"]["mechanism"] == "scope_of_practice"
    assert wong["needling"]["authorizations"] == [
        {
            "wording": "Acupuncture (scope of practice of a registered acupuncturist)",
            "kind": "acupuncture",
            "mechanism": "scope_of_practice",
            "by_scope": True,
        }
    ]
    (nora,) = search(client, q="tremblay")["results"]
    assert nora["needling"]["authorizations"][0]["by_scope"] is False
    assert nora["regulator"]["mechanism"] == "roster"


def test_verify_answers_with_the_profession(client):
    response = client.get(
        "/api/verify", params={"regulator": "ctcma", "registration_number": number(client)}
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["registration"]["profession"] == "acupuncturist"
    assert answer["regulator"]["profession"] == "acupuncturist"
    assert answer["regulator"]["mechanism"] == "scope_of_practice"
    assert answer["registration"]["authorizations"][0]["by_scope"] is True


def number(client) -> str:
    (wong,) = search(client, q="wong", profession="any")["results"]
    return wong["registration_number"]


def test_sources_list_profession_mechanism_and_state(client):
    sources = {s["id"]: s for s in client.get("/api/sources").json()["sources"]}
    assert (sources["ctcma"]["profession"], sources["ctcma"]["mechanism"]) == (
        "acupuncturist",
        "scope_of_practice",
    )
    assert sources["ctcma"]["scope"] == {
        "Acupuncture (scope of practice of a registered acupuncturist)": "acupuncture"
    }
    assert (sources["cpta"]["profession"], sources["cpta"]["needling"]) == (
        "physiotherapist",
        "tracked",
    )


def test_a_roster_row_says_the_profession_and_how_each_authorization_is_held(client):
    acupuncturist = number(client)
    (nora,) = search(client, q="tremblay")["results"]
    roster = (
        "Name,Regulator,Registration number\r\n"
        f"Mei Wong,ctcma,{acupuncturist}\r\n"
        f"Nora Tremblay,chcpbc,{nora['registration_number']}\r\n"
    )
    r = client.post("/api/verify", content=roster.encode(), headers={"accept": "text/csv"})
    assert r.status_code == 200, r.text
    rows = {row["Name"]: row for row in csv.DictReader(io.StringIO(r.text))}
    assert rows["Mei Wong"]["profession"] == "acupuncturist"
    assert rows["Mei Wong"]["authorization_basis"] == (
        "may, by the scope of practice of an acupuncturist"
    )
    assert rows["Nora Tremblay"]["profession"] == "physiotherapist"
    assert rows["Nora Tremblay"]["authorization_basis"] == (
        "authorized in person by the regulator (roster)"
    )
    body = client.post(
        "/api/verify", content=roster.encode(), headers={"content-type": "text/csv"}
    ).json()
    assert {row["profession"] for row in body["rows"]} == {"acupuncturist", "physiotherapist"}


def test_every_declared_source_is_listed_with_its_state(client):
    sources = {s["id"]: s for s in client.get("/api/sources").json()["sources"]}
    declared = load_settings().sources
    assert set(declared) <= set(sources)
    assert {k: sources[k]["needling"] for k in ("ut_pt", "md_pt", "ky_pt", "oh_pt")} == {
        "ut_pt": "kept_unpublished",
        "md_pt": "kept_unpublished",
        "ky_pt": "not_tracked",
        "oh_pt": "not_tracked",
    }
    assert (sources["ut_pt"]["profession"], sources["ut_pt"]["mechanism"]) == (
        "physiotherapist",
        "registration",
    )
    assert sources["ut_pt"]["coverage"] == "not_yet_supported"
    assert "R156-24b-505" in sources["ut_pt"]["coverage_note"]


def test_the_coverage_doc_has_profession_mechanism_and_state_for_every_source():
    rows = {
        line.split(" | ")[0].strip("| `"): line.split(" | ")
        for line in (ROOT / "docs" / "regulators.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| `")
    }
    for key, source in load_settings().sources.items():
        cells = rows[key]
        assert cells[3:7] == [
            source.profession,
            source.platform,
            source.needling,
            source.mechanism or "",
        ], key
    assert rows["ut_pt"][3:7] == ["physiotherapist", "unknown", "kept_unpublished", "registration"]


@pytest.mark.parametrize(
    "q",
    [
        "trigger point injection Vancouver",
        "trigger point injections",
        "injections aux points gâchettes Vancouver",
    ],
)
def test_words_for_trigger_point_injections_find_physicians(client, q):
    assert names(client, q=q) == [("Patel, Ravi", "physician")]
    # "Trigger point" alone is still dry needling, by a physiotherapist.
    assert names(client, q="trigger point Vancouver") == [("Tremblay, Nora", "physiotherapist")]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        (
            "acupuncturist Vancouver",
            [("Chen, Li", "acupuncturist"), ("Wong, Mei", "acupuncturist")],
        ),
        (
            "acupuncteurs à Vancouver",
            [("Chen, Li", "acupuncturist"), ("Wong, Mei", "acupuncturist")],
        ),
        ("physician in Vancouver", [("Patel, Ravi", "physician")]),
        ("médecin Vancouver", [("Patel, Ravi", "physician")]),
        (
            "physio Vancouver",
            [("Tanaka, Ken", "physiotherapist"), ("Tremblay, Nora", "physiotherapist")],
        ),
    ],
)
def test_words_naming_a_profession_search_that_profession(client, q, expected):
    assert names(client, q=q) == expected
    # The profession parameter, when given, wins over the words.
    assert names(client, q=q, profession="any") == names(client, city="Vancouver", profession="any")


def test_a_physiotherapist_named_beside_acupuncture_keeps_the_search_to_physiotherapists(client):
    everyone = {p for _, p in names(client, q="acupuncture Vancouver")}
    physios = {p for _, p in names(client, q="physio acupuncture Vancouver")}
    assert "acupuncturist" in everyone and physios == {"physiotherapist"}
