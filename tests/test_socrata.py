"""The general Socrata adapter: Washington's East Asian medicine practitioners, Illinois's and
Colorado's acupuncturists as config entries. Parsers on recorded bytes, layout changes, imports
over real HTTP against the emulator of each dataset's shape, and the preflight."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from emulators.socrata import (
    COLORADO,
    IL_ACUPUNCTURIST,
    ILLINOIS,
    WA_EAMP,
    WA_PERMIT,
    WASHINGTON,
    Licensee,
    SocrataEmulator,
    colorado_acupuncturists,
    dataset_rows,
    illinois_acupuncturists,
    washington_acupuncturists,
)
from emulators.wa_doh import render_rows
from registry.imports.importer import run_source
from scrapers.adapter import by_scope, crawl, run_preflight
from scrapers.http import HttpPolicy, PoliteClient
from scrapers.records import Evidence, LayoutChanged, Location, Registration
from scrapers.socrata import DEFAULT_OPTIONS
from scrapers.socrata_pages import standings
from scrapers.sources import Source, load_settings

FIXTURES = Path(__file__).parent / "fixtures" / "socrata"
BUILT_IN = load_settings().sources


def source(key: str, base: str = "https://data.example.gov", **options) -> Source:
    """The built-in source `key`, pointed at `base`, without spacing."""
    built_in = BUILT_IN[key]
    return replace(
        built_in,
        base_url=base,
        spacing_seconds=0.0,
        backoff_seconds=0.05,
        max_retries=1,
        enabled=True,
        options={**built_in.options, **options},
    )


def person(last, first, number, kind, status, city, state, zip_code, **kw) -> Licensee:
    return Licensee(
        last, first, kw.pop("middle", None), number, kind, status, "2015-03-01", "2027-03-01",
        city, state, zip_code, **kw,
    )  # fmt: skip


def washington_people() -> list[Licensee]:
    return [
        person("NGUYEN", "LINH", "AC60100001", WA_EAMP, "Active", "Seattle", "WA", "98103"),
        person("O'BRIEN", "KAYLA", "AC00012345", WA_EAMP, "Expired", "Tacoma", "WA", "98402"),
        person("PEÑA", "JOSÉ", "AC60100002", WA_EAMP, "Suspended", "Spokane", "WA", "99201",
               middle="L"),
        person("SMITH", "EMILY", "TP60100003", WA_PERMIT, "Active", "Seattle", "WA", "98105"),
    ]  # fmt: skip


def illinois_people() -> list[Licensee]:
    return [
        person("ZHANG", "WEI", "016.001234", IL_ACUPUNCTURIST, "ACTIVE", "CHICAGO", "IL", "60614"),
        person("MILLER", "JOHN", "016.004321", IL_ACUPUNCTURIST, "NOT RENEWED", "EVANSTON", "IL",
               "60201", suffix="JR", middle="R"),
        Licensee("", "", None, "016.900000", IL_ACUPUNCTURIST, "ACTIVE", "2015-01-01",
                 "2027-01-01", "CHICAGO", "IL", "60601", business=True),
    ]  # fmt: skip


def colorado_people() -> list[Licensee]:
    return [
        person("Kim", "Soo", "AC.0001000", "AC", "Active", "Boulder", "CO", "80302",
               discipline_cases=["2024-0001", "2025-0002"]),
        person("Garcia", "Ana", "AC.0001003", "AC", "Revoked", "Denver", "CO", "80205"),
    ]  # fmt: skip


SHAPES = {"washington": washington_people, "illinois": illinois_people, "colorado": colorado_people}
SHAPE_OF = {"washington": WASHINGTON, "illinois": ILLINOIS, "colorado": COLORADO}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_fixtures_are_what_the_emulator_renders(name):
    rows = dataset_rows(SHAPES[name](), SHAPE_OF[name], locations=True)
    assert (FIXTURES / f"{name}.json").read_bytes() == render_rows(rows)


class FakeClient:
    """Serves one recorded page for every GET, like a dataset that fits on one page."""

    def __init__(self, body: bytes):
        self.body = body
        self.urls: list[str] = []
        self.requests_made = 0

    def get(self, url, headers=None):
        self.urls.append(url)
        self.requests_made += 1
        return FakeFetched(url, self.body)


class FakeFetched:
    def __init__(self, url, body):
        self.url, self.body = url, body

    def text(self):
        return self.body.decode("utf-8")

    def evidence(self):
        return Evidence(self.url, "2026-01-01T00:00:00Z", "00" * 32)


def recorded(key: str, name: str, **options) -> tuple[list[Registration], list[dict], FakeClient]:
    client = FakeClient((FIXTURES / f"{name}.json").read_bytes())
    errors: list[dict] = []
    records = list(crawl(source(key, **options), client, errors=errors))
    return records, errors, client


def test_washington_rows_become_whole_registrations_with_the_laws_scope():
    records, errors, client = recorded("wa_doh_eamp", "washington")
    assert errors == []
    assert client.urls == [
        "https://data.example.gov/resource/qxh8-f4bd.json?$where=upper%28credentialtype%29%20like"
        "%20%27%25EAST%20ASIAN%25%27%20OR%20upper%28credentialtype%29%20like%20%27%25ACUPUNCT%25%27"
        "%20OR%20upper%28credentialtype%29%20like%20%27%25EASTERN%20MEDICINE%25%27"
        "&$order=credentialnumber,:id&$limit=1000&$offset=0"
    ]
    by_number = {r.registrant_id: r for r in records}
    assert sorted(by_number) == ["AC00012345", "AC60100001", "AC60100002"], "no permit holder"
    scope = by_scope(BUILT_IN["wa_doh_eamp"])
    assert [(a.kind, a.mechanism) for a in scope] == [
        ("acupuncture", "scope_of_practice"),
        ("dry_needling", "scope_of_practice"),
    ]
    assert by_number["AC60100002"] == Registration(
        regulator="wa_doh_eamp",
        registrant_id="AC60100002",
        registration_number="AC60100002",
        name="PEÑA, JOSÉ L",
        family_name="PEÑA",
        given_names="JOSÉ L",
        category=WA_EAMP,
        status="Suspended",
        status_class="suspended",
        conditions=[],
        profile_url=(
            "https://data.example.gov/resource/qxh8-f4bd.json?credentialnumber=AC60100002"
        ),
        authorizations=scope,
        locations=[Location(city="Spokane", province="WA", postal_code="99201")],
        evidence={"listing": Evidence(client.urls[0], "2026-01-01T00:00:00Z", "00" * 32)},
    )
    assert by_number["AC00012345"].status_class == "cancelled"


def test_illinois_rows_use_their_own_columns_and_status_words():
    records, errors, _ = recorded("il_idfpr_acupuncture", "illinois")
    assert errors == []
    by_number = {r.registrant_id: r for r in records}
    miller = by_number["016.004321"]
    assert (miller.name, miller.family_name, miller.given_names) == (
        "MILLER JR, JOHN R",
        "MILLER",
        "JOHN R",
    )
    assert (miller.status, miller.status_class) == ("NOT RENEWED", "cancelled")
    assert miller.locations == [Location(city="EVANSTON", province="IL", postal_code="60201")]
    assert by_number["016.001234"].status_class == "practising"
    assert [a.kind for a in miller.authorizations] == ["acupuncture"]


def test_illinois_business_rows_are_not_people():
    """The built-in filter keeps people only (`business = 'N'`); a business row that comes
    anyway, with no person's name, is not made into a registrant."""
    records, errors, _ = recorded("il_idfpr_acupuncture", "illinois")
    assert errors == [] and "016.900000" not in {r.registrant_id for r in records}


def test_colorado_lists_a_licence_once_per_case_and_links_to_its_verification():
    records, errors, _ = recorded("co_dora_acupuncture", "colorado")
    assert errors == []
    assert [r.registrant_id for r in records] == ["AC.0001000", "AC.0001003"]
    kim = records[0]
    assert kim.profile_url == (
        "https://apps.colorado.gov/dora/licensing/Lookup/LicenseLookup.aspx?Idnt=AC.0001000"
    )
    assert kim.locations == [Location(city="Boulder", province="CO", postal_code="80302")]
    assert records[1].status_class == "cancelled"
    assert [a.kind for a in kim.authorizations] == ["acupuncture", "dry_needling"]


def test_one_licence_listed_twice_differently_is_an_error():
    rows = dataset_rows(colorado_people(), COLORADO)
    rows[1]["licensestatusdescription"] = "Suspended"  # the second case row of the same licence
    errors: list[dict] = []
    records = list(
        crawl(source("co_dora_acupuncture"), FakeClient(render_rows(rows)), errors=errors)
    )
    assert len(records) == 2
    assert [e["error"] for e in errors] == ["licence AC.0001000 listed twice, differently"]


def test_a_verification_link_that_is_not_http_is_not_used():
    rows = dataset_rows(colorado_people(), COLORADO)
    for row in rows:
        row["linktoverifylicense"] = {"url": "javascript:alert(1)"}
    records = list(crawl(source("co_dora_acupuncture"), FakeClient(render_rows(rows))))
    assert records[0].profile_url.startswith("https://data.example.gov/resource/7s5z-vewr.json?")


# ---------------------------------------------------------------- layout changes


def test_renamed_column_is_a_layout_change():
    rows = dataset_rows(illinois_people(), ILLINOIS)
    renamed = [{("status" if k == "license_status" else k): v for k, v in r.items()} for r in rows]
    with pytest.raises(LayoutChanged, match="column\\(s\\) license_status: the dataset's columns"):
        list(crawl(source("il_idfpr_acupuncture"), FakeClient(render_rows(renamed))))


def test_reworded_credential_types_are_a_layout_change_naming_what_was_seen():
    rows = dataset_rows(washington_people(), WASHINGTON)
    for row in rows:
        row["credentialtype"] = row["credentialtype"].replace("License", "Licence")
    with pytest.raises(
        LayoutChanged,
        match="none of 4 rows has a credential type in .* \\(seen: East Asian Medicine "
        "Practitioner Licence, ",
    ):
        list(crawl(source("wa_doh_eamp"), FakeClient(render_rows(rows))))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"dataset": ""}, "option\\(s\\) dataset must be set"),
        ({"fields": {"number": "n"}}, "missing: type, status, last_name, first_name"),
        ({"paging": "cursor"}, 'paging must be "offset" or "keyset"'),
        ({"status_words": {"lapsed": ["x"]}}, "unknown class\\(es\\) lapsed"),
        ({"status_words": {"practising": "active"}}, "status_words must be a table"),
        ({"fields": "credentialnumber"}, "fields must be a table"),
        ({"page_size": "100"}, "page_size and max_pages must be whole numbers"),
        ({"license_types": "AC"}, "license_types must be a list"),
    ],
)
def test_unusable_options_fail_before_any_request(options, message):
    client = FakeClient(b"[]")
    with pytest.raises(LayoutChanged, match=message):
        list(crawl(source("wa_doh_eamp", **options), client))
    assert client.urls == []


@pytest.mark.parametrize(
    ("key", "status", "expected"),
    [
        ("wa_doh_eamp", "Active", "practising"),
        ("wa_doh_eamp", "Inactive", "non_practising"),
        ("il_idfpr_acupuncture", "ACTIVE", "practising"),
        ("il_idfpr_acupuncture", "INACTIVE", "non_practising"),
        ("il_idfpr_acupuncture", "EXPIRED", "cancelled"),
        ("il_idfpr_acupuncture", "PROBATION", "practising"),
        ("co_dora_acupuncture", "Revoked", "cancelled"),
        ("co_dora_acupuncture", "Pending", "unknown"),
    ],
)
def test_each_source_has_its_status_words(key, status, expected):
    assert standings(BUILT_IN[key].options).classify(status) == expected


def test_the_platform_defaults_are_washingtons_columns():
    assert DEFAULT_OPTIONS["fields"]["number"] == "credentialnumber"
    assert BUILT_IN["il_pt"].coverage == "not_yet_supported"
    assert BUILT_IN["il_pt"].needling == "not_tracked"
    assert {BUILT_IN[k].profession for k in ("wa_doh_eamp", "il_idfpr_acupuncture")} == {
        "acupuncturist"
    }


# ---------------------------------------------------------------- imports over HTTP


def snapshot(db) -> dict:
    tables = ["registrations", "authorizations", "practice_locations"]
    return {t: [dict(r) for r in db.query(f"select * from {t} order by 1, 2")] for t in tables}


def run(db, settings, src):
    return run_source(db, settings.with_source(src), src)


CASES = {
    "wa_doh_eamp": (WASHINGTON, washington_acupuncturists, WA_EAMP),
    "il_idfpr_acupuncture": (ILLINOIS, illinois_acupuncturists, IL_ACUPUNCTURIST),
    "co_dora_acupuncture": (COLORADO, colorado_acupuncturists, "AC"),
}


@pytest.mark.parametrize("key", sorted(CASES))
def test_built_in_source_imports_everyone_over_http(db, settings, key):
    shape, people_of, kind = CASES[key]
    people = people_of(150, 7)
    licences = {p.number for p in people if p.type == kind and not p.business}
    with SocrataEmulator(people, shape, location_columns=True) as register:
        report = run(db, settings, source(key, register.base_url, page_size=40))
    assert report.outcome == "success", report.message
    stored = {r["registrant_id"] for r in db.query("select * from registrations")}
    assert stored == licences and report.counts.records_seen == len(licences)
    held = list(
        db.query(
            "select distinct kind, mechanism from authorizations where registration_id like ?",
            [f"{key}:%"],
        )
    )
    assert {(h["kind"], h["mechanism"]) for h in held} == {
        (k, "scope_of_practice") for k in BUILT_IN[key].scope.values()
    }
    pages = [r.params() for r in register.requests if r.path.startswith("/resource/")]
    assert [r.path for r in register.requests][0] == "/robots.txt"
    assert {p["$limit"] for p in pages} == {"40"} and len(pages) > 1
    assert report.requests == len(register.requests)


def test_washington_sample_people_are_found_in_seattle(db, settings):
    with SocrataEmulator(washington_acupuncturists(120), WASHINGTON, location_columns=True) as r:
        assert run(db, settings, source("wa_doh_eamp", r.base_url)).outcome == "success"
    seattle = db.execute(
        "select count(*) from practice_locations where city = 'Seattle' and province = 'WA'"
    ).fetchone()[0]
    assert seattle >= 25


def test_keyset_paging_asks_for_ids_after_the_last_one(db, settings):
    people = colorado_acupuncturists(90, 3)
    with SocrataEmulator(people, COLORADO) as register:
        src = source("co_dora_acupuncture", register.base_url, paging="keyset", page_size=25)
        report = run(db, settings, src)
    assert report.outcome == "success", report.message
    assert report.counts.records_seen == 90
    pages = [r.params() for r in register.requests if r.path.startswith("/resource/")]
    assert {(p["$select"], p["$order"]) for p in pages} == {(":id,*", ":id")}
    assert "$offset" not in pages[0] and ":id" not in pages[0]["$where"]
    rows = len(dataset_rows(people, COLORADO))
    assert len(pages) == rows // 25 + 1
    assert pages[1]["$where"] == "(upper(licensetype) like 'AC%') AND :id > 'row-000018.emu'"


def test_server_error_fails_the_run_and_changes_nothing(db, settings):
    people = illinois_acupuncturists(80)
    with SocrataEmulator(people, ILLINOIS) as register:
        src = source("il_idfpr_acupuncture", register.base_url, page_size=20)
        assert run(db, settings, src).outcome == "success"
        before = snapshot(db)
        register.set_people(people[:40])
        register.fail_next("/resource/", 503, count=10)
        report = run(db, settings, src)
    assert report.outcome == "failed" and "503" in report.message
    assert snapshot(db) == before


def test_connection_reset_fails_the_run_and_changes_nothing(db, settings):
    people = washington_acupuncturists(60)
    with SocrataEmulator(people, WASHINGTON) as register:
        src = source("wa_doh_eamp", register.base_url, page_size=20)
        assert run(db, settings, src).outcome == "success"
        before = snapshot(db)
        register.reset_next("/resource/", count=10)
        report = run(db, settings, src)
    assert report.outcome == "failed"
    assert snapshot(db) == before


def test_robots_disallow_fails_the_run(db, settings):
    robots = "User-agent: *\nDisallow: /resource/\n"
    with SocrataEmulator(washington_acupuncturists(30), robots_txt=robots) as register:
        report = run(db, settings, source("wa_doh_eamp", register.base_url))
    assert report.outcome == "failed" and "robots" in report.message.lower()
    assert [r.path for r in register.requests] == ["/robots.txt"]


def test_soql_error_fails_the_run(db, settings):
    with SocrataEmulator(colorado_acupuncturists(30), COLORADO) as register:
        src = source("co_dora_acupuncture", register.base_url, where="license_type = 'AC'")
        report = run(db, settings, src)
    assert report.outcome == "failed" and "400" in report.message
    assert db.table("registrations").count == 0


# ---------------------------------------------------------------- preflight


def policy() -> HttpPolicy:
    return HttpPolicy(
        user_agent="test (+https://example.test)",
        spacing_seconds=0.0,
        backoff_seconds=0.05,
        max_retries=1,
    )


def preflight(src: Source) -> dict[str, tuple[bool, str]]:
    with PoliteClient(policy()) as client:
        checks = run_preflight(src, client)
    return {c.name.split(" (")[0]: (c.ok, c.seen) for c in checks}


COLUMNS_CHECK = "the dataset has the columns the adapter reads"
PLACES = "whether the dataset has location columns"
TYPES = "credential types the survey filter catches"
CONFIGURED = "a credential type as configured"


def test_preflight_prints_the_credential_types_it_sees():
    people = washington_acupuncturists(90)
    with SocrataEmulator(people) as register:
        checks = preflight(source("wa_doh_eamp", register.base_url))
    assert list(checks) == [COLUMNS_CHECK, PLACES, TYPES, CONFIGURED]
    assert all(ok for ok, _ in checks.values()), checks
    permits = sum(p.type == WA_PERMIT for p in people)
    assert checks[TYPES][1] == f"{WA_EAMP}: {90 - permits}; {WA_PERMIT}: {permits}"
    assert (checks[CONFIGURED][1], checks[PLACES][1]) == (WA_EAMP, "none")
    grouping = register.requests[-1].params()
    assert grouping["$select"] == "credentialtype,count(*)"
    assert grouping["$group"] == "credentialtype"


def test_preflight_of_illinois_surveys_businesses_too():
    with SocrataEmulator(illinois_acupuncturists(30), ILLINOIS) as register:
        checks = preflight(source("il_idfpr_acupuncture", register.base_url))
    assert all(ok for ok, _ in checks.values()), checks
    assert checks[TYPES][1] == f"{IL_ACUPUNCTURIST}: 32"  # 30 people and 2 businesses
    assert checks[PLACES][1] == "city, state, zip"


def test_preflight_fails_when_no_type_is_worded_as_configured():
    reworded = {WA_EAMP: "Acupuncturist License (EAMP)"}
    with SocrataEmulator(washington_acupuncturists(30), types=reworded) as register:
        checks = preflight(source("wa_doh_eamp", register.base_url))
    assert checks[TYPES][0] and not checks[CONFIGURED][0]
    assert checks[TYPES][1].startswith("Acupuncturist License (EAMP): 29; ")
    assert checks[CONFIGURED][1] == "none of them"


def test_preflight_fails_on_a_renamed_column():
    with SocrataEmulator(colorado_acupuncturists(30), COLORADO, renamed={"lastname": "last"}) as r:
        checks = preflight(source("co_dora_acupuncture", r.base_url))
    assert not checks[COLUMNS_CHECK][0] and checks[CONFIGURED][0]
    assert checks[COLUMNS_CHECK][1].endswith("(missing: lastname)")


def test_the_options_table_is_the_code_s():
    import re

    doc = (Path(__file__).parents[1] / "docs" / "platforms" / "socrata.md").read_text("utf-8")
    table = doc.split("| option | default | meaning |", 1)[1].split("\n\n", 1)[0]
    documented = dict(re.findall(r"^\| `([a-z_]+)` \| ([^|]+) \|", table, flags=re.M))
    assert sorted(documented) == sorted(DEFAULT_OPTIONS)
    for name, value in DEFAULT_OPTIONS.items():
        if isinstance(value, str | int):
            assert documented[name].strip() == f"`{value}`", name


def test_the_demo_sample_of_washington_acupuncturists_is_found_near_seattle(db, settings):
    from registry.imports.demo import SAMPLES, start_samples, stop_samples

    assert "wa_doh_eamp" in SAMPLES
    samples = start_samples({"wa_doh_eamp": settings.sources["wa_doh_eamp"]}, 60)
    try:
        (sample,) = samples
        assert sample.source.sample and sample.source.enabled
        assert run(db, settings, sample.source).outcome == "success"
    finally:
        stop_samples(samples)
    rows = list(
        db.query(
            "select count(distinct r.registrant_id) as n from registrations r join "
            "practice_locations l on l.registration_id = r.id join authorizations a on "
            "a.registration_id = r.id where l.city = 'Seattle' and a.kind = 'acupuncture' "
            "and a.mechanism = 'scope_of_practice'"
        )
    )
    assert rows[0]["n"] >= 10
