"""Provinces and states have one home (scrapers/places.py) and one resolver (region_code); every
declared jurisdiction works as a province filter in the API, as a city's region on the page, and
as the regulator of a verification."""

from __future__ import annotations

from dataclasses import replace

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from db import open_db
from db.load import sync_regulators
from registry.web.app import create_app
from scrapers.places import (
    COUNTRIES,
    PROVINCES,
    STATES,
    jurisdiction_region,
    province_code,
    region_code,
    region_name,
)
from scrapers.sources import load_settings
from tests.conftest import load, person

SOURCES = list(load_settings().sources.values())
JURISDICTIONS = sorted({s.jurisdiction for s in SOURCES})
SUPPORTED = [s for s in SOURCES if s.coverage == "supported"]


def _someone(source) -> object:
    """One synthetic registrant of a source, practising in its region, numbered after it."""
    code = jurisdiction_region(source.jurisdiction)
    record = person(
        f"{source.key}-1",
        "Testperson",
        code.title(),
        number=f"{code}-1001",
        city=f"Testville {code}",
        regulator=source.key,
    )
    return replace(record, locations=[replace(record.locations[0], province=code)])


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    path = tmp_path_factory.mktemp("regions") / "registry.db"
    db = open_db(path)
    sync_regulators(db, SOURCES)
    for source in SUPPORTED:
        load(db, [_someone(source)], regulator=source.key)
    db.close()
    with TestClient(create_app(path), raise_server_exceptions=False) as c:
        yield c


def test_the_resolver_knows_every_province_territory_and_state():
    assert len(PROVINCES) == 13 and len(STATES) == 51
    for code, name in {**PROVINCES, **STATES}.items():
        country = COUNTRIES[code]
        for text in (code, code.lower(), name, name.upper(), f"{country}-{code}", f" {code} "):
            assert region_code(text) == code, text
        assert region_name(code) == name
        assert province_code(name) == (code if country == "CA" else None)
    for text in ("Québec", "quebec", "Colombie-Britannique", "Île-du-Prince-Édouard"):
        assert region_code(text) in ("QC", "BC", "PE")
    for text in ("", None, "ZZ", "Atlantis", "CA-WA", "US-AB", "XX-AB"):
        assert region_code(text) is None, text


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
def test_every_declared_jurisdiction_is_a_region(jurisdiction):
    code = jurisdiction_region(jurisdiction)
    assert jurisdiction == f"{COUNTRIES[code]}-{code}"
    assert region_code(jurisdiction) == region_code(region_name(code)) == code


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
def test_every_declared_jurisdiction_filters_the_api(client, jurisdiction):
    code = jurisdiction_region(jurisdiction)
    supported = [s.key for s in SUPPORTED if s.jurisdiction == jurisdiction]
    for text in (code, code.lower(), region_name(code)):
        response = client.get("/api/search", params={"province": text, "profession": "any"})
        assert response.status_code == 200, response.text
        found = {r["regulator"]["id"] for r in response.json()["results"]}
        assert found == set(supported), text


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
def test_every_declared_jurisdiction_narrows_a_city_on_the_page(client, jurisdiction):
    code = jurisdiction_region(jurisdiction)
    supported = [s for s in SUPPORTED if s.jurisdiction == jurisdiction]
    for lang in ("en", "fr"):
        response = client.get(
            "/", params={"city": f"Testville {code}, {code}", "show": "all", "lang": lang}
        )
        # A place nobody is listed in is an unknown place (the same rule with or without a
        # distance), unless a register we read lists someone there.
        assert response.status_code == (200 if supported else 400), response.text
        soup = BeautifulSoup(response.text, "html.parser")
        names = [h.get_text(strip=True) for h in soup.select(".result h2.name")]
        # A patient who does not choose is shown physiotherapists (first name first).
        physiotherapy = [s for s in supported if s.profession == "physiotherapist"]
        assert names == [f"{code.title()} Testperson"] * len(physiotherapy)
    # the region narrows: the same city in another region finds nobody
    other = "WA" if code != "WA" else "AB"
    soup = BeautifulSoup(
        client.get("/", params={"city": f"Testville {code}, {other}", "show": "all"}).text,
        "html.parser",
    )
    assert not soup.select(".result h2.name")


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
def test_every_declared_jurisdiction_is_a_regulator_to_verify(client, jurisdiction):
    code = jurisdiction_region(jurisdiction)
    sources = [s for s in SOURCES if s.jurisdiction == jurisdiction]
    for text in (code, region_name(code), jurisdiction):
        response = client.get(
            "/api/verify", params={"regulator": text, "registration_number": f"{code}-1001"}
        )
        body = response.json()
        if any(s.coverage == "supported" for s in sources):
            assert response.status_code == 200, body
            assert body["regulator"]["id"] in {s.key for s in sources}
            assert body["registration"]["registration_number"] == f"{code}-1001"
        else:
            assert response.status_code == 400, body
            assert "is not yet covered" in body["error"], body


def test_an_unknown_region_is_a_clear_400(client):
    response = client.get("/api/search", params={"province": "Atlantis"})
    assert response.status_code == 400
    assert response.json()["error"].startswith("unknown province or state 'Atlantis'")
    response = client.get("/api/verify", params={"regulator": "ZZ", "registration_number": "1"})
    assert (
        response.status_code == 400 and "unknown regulator or province" in response.json()["error"]
    )
