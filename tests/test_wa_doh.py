"""WA DOH credential data (Socrata): parsers on recorded bytes, layout changes, and imports over
real HTTP against the emulator."""

from __future__ import annotations

from pathlib import Path

import pytest

from emulators.wa_doh import (
    ENDORSEMENT,
    PT_LICENSE,
    PTA_LICENSE,
    Credential,
    WaDohEmulator,
    WaPerson,
    dataset_rows,
    render_error,
    render_rows,
    washington_physical_therapists,
)
from registry.imports.importer import run_source
from scrapers.adapter import crawl, run_preflight
from scrapers.http import HttpPolicy, PoliteClient
from scrapers.records import Authorization, Evidence, LayoutChanged, Location, Registration
from scrapers.sources import Source, load_settings
from scrapers.wa_doh import DEFAULT_OPTIONS
from scrapers.wa_doh_pages import check_columns, classify_status, parse_page

FIXTURES = Path(__file__).parent / "fixtures" / "wa_doh"
BASE = "https://data.wa.gov"
NEEDLING = Authorization(ENDORSEMENT, "dry_needling", "endorsement")


def source(base: str = BASE, wording: dict[str, str] | None = None, **options) -> Source:
    return Source(
        key="wa_doh_pt",
        jurisdiction="US-WA",
        regulator="Washington State Department of Health",
        short_name="WA DOH",
        platform="wa_doh",
        register_url="https://data.wa.gov/d/qxh8-f4bd",
        terms_note="Synthetic test register.",
        needling="tracked",
        base_url=base,
        mechanism="endorsement",
        wording=wording or {ENDORSEMENT: "dry_needling"},
        spacing_seconds=0.0,
        backoff_seconds=0.05,
        max_retries=1,
        options={**DEFAULT_OPTIONS, **options},
    )


def fixture_people() -> list[WaPerson]:
    """The people whose rows are recorded under tests/fixtures/wa_doh/ (all synthetic)."""

    def cred(number, kind, status, first, expiry, action="No"):
        return Credential(number, kind, status, first, f"{expiry[:4]}-01-01", expiry, action)

    return [
        WaPerson(
            "PEÑA",
            "JOSÉ",
            "L",
            1984,
            "Seattle",
            "WA",
            "98103",
            [
                cred("PT60012345", PT_LICENSE, "Active", "2012-06-01", "2026-06-01"),
                cred("IN60054321", ENDORSEMENT, "Active", "2024-08-15", "2026-06-01"),
            ],
        ),
        WaPerson(
            "NGUYEN",
            "LINH",
            None,
            1990,
            "Spokane",
            "WA",
            "99201",
            [
                cred("PT00123456", PT_LICENSE, "Suspended", "2015-02-01", "2026-02-01", "Yes"),
                cred("IN60054400", ENDORSEMENT, "Suspended", "2024-09-01", "2026-02-01", "Yes"),
            ],
        ),
        WaPerson(
            "O'BRIEN",
            "KAYLA",
            "M",
            1979,
            "Portland",
            "or",
            "97205",
            [
                cred("PT00098765", PT_LICENSE, "Expired", "2003-05-05", "2012-05-05"),
                cred("PT60077777", PT_LICENSE, "Active", "2019-05-05", "2027-05-05"),
                cred("IN60055555", ENDORSEMENT, "Active", "2025-01-10", "2027-05-05"),
            ],
        ),
        WaPerson(
            "SMITH",
            "EMILY",
            None,
            1992,
            "Tacoma",
            "WA",
            "98402",
            [cred("PA60011111", PTA_LICENSE, "Active", "2018-01-01", "2026-01-01")],
        ),
        WaPerson(
            "DE LA CRUZ",
            "RENÉE",
            "MARIE",
            1988,
            "Vancouver",
            "WA",
            "98660",
            [cred("PT60020000", PT_LICENSE, "Active", "2014-03-03", "2026-03-03")],
        ),
    ]


def test_fixtures_are_what_the_emulator_renders():
    people = fixture_people()
    assert (FIXTURES / "page.json").read_bytes() == render_rows(dataset_rows(people))
    assert (FIXTURES / "page_locations.json").read_bytes() == render_rows(
        dataset_rows(people, locations=True)
    )
    assert (FIXTURES / "error.json").read_bytes() == render_error(
        "query.soql.no-such-column", "No such column: credentialtype", query="$where=..."
    )


def test_parse_page_reads_the_rows_as_served():
    rows = parse_page((FIXTURES / "page.json").read_text("utf-8"))
    assert len(rows) == 9
    assert rows[2] == {
        "credentialnumber": "PT00123456",
        "lastname": "NGUYEN",
        "firstname": "LINH",
        "credentialtype": "Physical Therapist License",
        "status": "Suspended",
        "birthyear": "1990",
        "ceduedate": "2026-02-01T00:00:00.000",
        "firstissuedate": "2015-02-01T00:00:00.000",
        "lastissuedate": "2026-01-01T00:00:00.000",
        "expirationdate": "2026-02-01T00:00:00.000",
        "actiontaken": "Yes",
    }
    assert "middlename" not in rows[2], "SODA leaves null columns out"
    check_columns(rows)


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


def profile(number: str) -> str:
    return f"{BASE}/resource/qxh8-f4bd.json?credentialnumber={number}"


def test_crawl_of_recorded_page_gives_whole_registrations():
    client = FakeClient((FIXTURES / "page.json").read_bytes())
    errors: list[dict] = []
    records = list(crawl(source(), client, errors=errors))
    assert errors == []
    assert client.urls == [
        f"{BASE}/resource/qxh8-f4bd.json?$where=upper%28credentialtype%29%20like%20%27PHYSICAL"
        "%20THERAPIST%25%27%20OR%20upper%28credentialtype%29%20like%20%27%25NEEDLING%25%27"
        "&$order=credentialnumber,:id&$limit=1000&$offset=0"
    ]
    listing = Evidence(client.urls[0], "2026-01-01T00:00:00Z", "00" * 32)
    by_number = {r.registrant_id: r for r in records}
    assert sorted(by_number) == [
        "PT00098765",
        "PT00123456",
        "PT60012345",
        "PT60020000",
        "PT60077777",
    ]
    assert by_number["PT60012345"] == Registration(
        regulator="wa_doh_pt",
        registrant_id="PT60012345",
        registration_number="PT60012345",
        name="PEÑA, JOSÉ L",
        family_name="PEÑA",
        given_names="JOSÉ L",
        category="Physical Therapist License",
        status="Active",
        status_class="practising",
        conditions=[],
        profile_url=profile("PT60012345"),
        authorizations=[NEEDLING],
        locations=[],
        evidence={"listing": listing, "endorsement": listing},
    )
    suspended = by_number["PT00123456"]
    assert (suspended.name, suspended.status, suspended.status_class) == (
        "NGUYEN, LINH",
        "Suspended",
        "suspended",
    )
    assert suspended.authorizations == [], "a suspended endorsement authorizes nothing"
    # Renewed licensee: the endorsement goes with the one Active licence.
    assert by_number["PT60077777"].authorizations == [NEEDLING]
    assert by_number["PT00098765"].authorizations == []
    assert by_number["PT00098765"].status_class == "cancelled"
    assert by_number["PT60020000"].given_names == "RENÉE MARIE"
    assert by_number["PT60020000"].authorizations == []


def test_location_columns_are_read_only_when_published():
    client = FakeClient((FIXTURES / "page_locations.json").read_bytes())
    records = {r.registrant_id: r for r in crawl(source(), client)}
    assert records["PT60012345"].locations == [
        Location(city="Seattle", province="WA", postal_code="98103")
    ]
    assert records["PT60077777"].locations == [
        Location(city="Portland", province="OR", postal_code="97205")
    ]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("Active", "practising"),
        ("ACTIVE", "practising"),
        ("Expired", "cancelled"),
        ("Revoked", "cancelled"),
        ("Deceased", "cancelled"),
        ("Suspended", "suspended"),
        ("Inactive", "non_practising"),
        ("Retired", "non_practising"),
        ("Military", "non_practising"),
        ("Pending", "unknown"),
    ],
)
def test_status_words(status, expected):
    assert classify_status(status) == expected


# ---------------------------------------------------------------- layout changes


def test_error_object_is_a_layout_change():
    with pytest.raises(LayoutChanged, match="error object instead of rows: No such column"):
        parse_page((FIXTURES / "error.json").read_text("utf-8"))
    with pytest.raises(LayoutChanged, match="not JSON"):
        parse_page("<html>Maintenance</html>")
    with pytest.raises(LayoutChanged, match="array of row objects"):
        parse_page('["PT60012345"]')


def test_renamed_column_is_a_layout_change():
    rows = parse_page((FIXTURES / "page.json").read_text("utf-8"))
    renamed = [
        {("credential_type" if k == "credentialtype" else k): v for k, v in r.items()} for r in rows
    ]
    with pytest.raises(LayoutChanged, match="column\\(s\\) credentialtype: the dataset's columns"):
        check_columns(renamed)
    no_birth_year = [{k: v for k, v in r.items() if k != "birthyear"} for r in rows]
    with pytest.raises(LayoutChanged, match="birthyear"):
        list(crawl(source(), FakeClient(render_rows(no_birth_year))))


def test_renamed_licence_type_is_a_layout_change():
    rows = dataset_rows(fixture_people())
    for row in rows:
        row["credentialtype"] = row["credentialtype"].replace("License", "Licence")
    with pytest.raises(LayoutChanged, match="none of 9 rows has a licence type"):
        list(crawl(source(), FakeClient(render_rows(rows))))


def test_missing_endorsements_fail_a_tracked_source():
    rows = [r for r in dataset_rows(fixture_people()) if r["credentialtype"] != ENDORSEMENT]
    with pytest.raises(LayoutChanged, match="none of 5 registrants has a needling authorization"):
        list(crawl(source(), FakeClient(render_rows(rows))))


def test_new_needling_wording_is_an_error_not_a_silent_drop():
    rows = dataset_rows(fixture_people())
    for row in rows:
        if row["credentialtype"] == ENDORSEMENT:
            row["credentialtype"] = "Physical Therapist Dry Needling Endorsement"
    errors: list[dict] = []
    records = list(crawl(source(), FakeClient(render_rows(rows)), errors=errors))
    assert len(records) == 5 and not any(r.authorizations for r in records)
    assert [e["error"] for e in errors] == [
        "needling wording not in the source's wording map: "
        "Physical Therapist Dry Needling Endorsement (3 rows)"
    ]


# ---------------------------------------------------------------- imports over HTTP


def snapshot(db) -> dict:
    tables = ["registrations", "authorizations", "practice_locations", "directory"]
    return {t: [dict(r) for r in db.query(f"select * from {t} order by 1, 2")] for t in tables}


def run(db, settings, src):
    return run_source(db, settings.with_source(src), src)


@pytest.fixture(scope="module")
def people():
    return washington_physical_therapists(400, seed=7)


def expected(people) -> dict[str, list[str]]:
    """PT licence number -> the authorizations it should carry."""
    out = {}
    for p in people:
        authorized = p.authorized_licence()
        for c in p.pt_licenses:
            out[c.number] = [ENDORSEMENT] if c.number == authorized else []
    return out


def held(db, number: str) -> list[str]:
    rows = db.query(
        "select wording, kind, mechanism from authorizations where registration_id = ?",
        [f"wa_doh_pt:{number}"],
    )
    return [
        r["wording"] for r in rows if (r["kind"], r["mechanism"]) == ("dry_needling", "endorsement")
    ]


def test_full_import_pages_through_and_finds_everyone(db, settings, people):
    with WaDohEmulator(people) as register:
        report = run(db, settings, source(register.base_url, page_size=100))
    assert report.outcome == "success", report.message
    want = expected(people)
    assert report.counts.records_seen == len(want) == report.counts.added
    stored = {r["registrant_id"]: r for r in db.query("select * from registrations")}
    assert set(stored) == set(want)
    for number, wordings in want.items():
        assert held(db, number) == wordings, number
    share = sum(bool(w) for w in want.values()) / len(want)
    assert 0.25 < share < 0.35
    statuses = {r["status"] for r in stored.values()}
    assert {"Active", "Expired", "Suspended"} <= statuses
    assert db.execute("select count(*) from practice_locations").fetchone()[0] == 0
    pages = [r.params() for r in register.requests if r.path.startswith("/resource/")]
    assert [r.path for r in register.requests][0] == "/robots.txt"
    rows = len(dataset_rows(people))
    assert [int(p["$offset"]) for p in pages] == list(range(0, rows + 1, 100))[: rows // 100 + 1]
    assert {(p["$limit"], p["$order"]) for p in pages} == {("100", "credentialnumber,:id")}
    assert report.requests == len(register.requests)


def test_page_boundary_stops_on_the_empty_page(db, settings, people):
    rows, size, crowd = next(
        (len(dataset_rows(people[:k])), n, people[:k])
        for k in range(40, 120)
        for n in range(7, 21)
        if len(dataset_rows(people[:k])) % n == 0
    )
    with WaDohEmulator(crowd) as register:
        report = run(db, settings, source(register.base_url, page_size=size))
    assert report.outcome == "success", report.message
    offsets = [int(r.params()["$offset"]) for r in register.requests if r.path != "/robots.txt"]
    assert offsets == list(range(0, rows + 1, size)), "one last, empty page, then stop"


def test_runaway_paging_is_capped(db, settings, people):
    with WaDohEmulator(people[:60]) as register:
        report = run(db, settings, source(register.base_url, page_size=5, max_pages=3))
    assert report.outcome == "failed" and "still a full page after 3 pages" in report.message
    assert len(register.requests) == 1 + 3
    assert db.table("registrations").count == 0


def test_location_columns_import_with_us_states(db, settings, people):
    with WaDohEmulator(people, location_columns=True) as register:
        report = run(db, settings, source(register.base_url))
    assert report.outcome == "success", report.message
    places = list(db.query("select city, province, postal_code from practice_locations"))
    seattle = [p for p in places if p["city"] == "Seattle"]
    assert len(seattle) >= 40 and all(p["postal_code"].startswith("981") for p in seattle)
    assert {p["province"] for p in places} == {"WA", "OR", "ID"}
    by_city = {p["city"]: p["postal_code"][:3] for p in places}
    assert (by_city["Spokane"], by_city["Tacoma"], by_city["Yakima"]) == ("992", "984", "989")


def test_server_error_fails_the_run_and_changes_nothing(db, settings, people):
    crowd = people[:80]
    with WaDohEmulator(crowd) as register:
        src = source(register.base_url, page_size=20)
        assert run(db, settings, src).outcome == "success"
        before = snapshot(db)
        register.set_people(crowd[:40])
        register.fail_next("/resource/", 500, body=render_error("internal", "boom"), count=10)
        report = run(db, settings, src)
    assert report.outcome == "failed" and "500" in report.message
    assert snapshot(db) == before


def test_soql_error_fails_the_run(db, settings, people):
    with WaDohEmulator(people[:40]) as register:
        report = run(
            db, settings, source(register.base_url, where="upper(credential_type) like 'P%'")
        )
    assert report.outcome == "failed" and "400" in report.message
    assert register.statuses[-1] == 400
    assert db.table("registrations").count == 0


def test_robots_disallow_fails_the_run_and_changes_nothing(db, settings, people):
    with WaDohEmulator(people[:40]) as register:
        assert run(db, settings, source(register.base_url)).outcome == "success"
    before = snapshot(db)
    robots = "User-agent: *\nDisallow: /resource/\n"
    with WaDohEmulator(people[:40], robots_txt=robots) as register:
        report = run(db, settings, source(register.base_url))
    assert report.outcome == "failed" and "robots" in report.message.lower()
    assert [r.path for r in register.requests] == ["/robots.txt"]
    assert snapshot(db) == before


def test_ambiguous_endorsement_fails_the_run(db, settings, people):
    endorsed = next(p for p in people if p.authorized_licence() and len(p.pt_licenses) == 1)
    twin = WaPerson(
        endorsed.last_name,
        endorsed.first_name,
        endorsed.middle_name,
        endorsed.birth_year,
        "Yakima",
        "WA",
        "98901",
        [Credential("PT61999999", PT_LICENSE, "Active", "2020-01-01", "2025-01-01", "2027-01-01")],
    )
    with WaDohEmulator([*people[:40], endorsed, twin]) as register:
        report = run(db, settings, source(register.base_url))
    assert report.outcome == "failed"
    assert "matches several PT licences" in report.message and "PT61999999" in report.message
    assert db.table("registrations").count == 0


def test_the_floor_is_the_pages_of_the_one_query(db, settings, people):
    notes: dict = {}
    with WaDohEmulator(people[:100]) as register:
        src = source(register.base_url, page_size=40)
        with PoliteClient(policy()) as client:
            records = list(crawl(src, client, notes=notes))
    rows = len(dataset_rows(people[:100]))
    assert notes["rows"] == rows and notes["listed"] == len(records)
    assert notes["floor"] == -(-rows // 40)
    assert len(register.requests) - 1 in (notes["floor"], notes["floor"] + 1)


@pytest.mark.parametrize("wording", ["Intramuscular Needling Endorsement", ENDORSEMENT])
def test_each_endorsement_wording_of_the_built_in_source_imports_over_http(
    db, settings, people, wording
):
    built_in = load_settings().sources["wa_doh_pt"]
    with WaDohEmulator(people[:120], endorsement=wording) as register:
        report = run(db, settings, source(register.base_url, wording=built_in.wording))
    assert report.outcome == "success", report.message
    want = {n: [wording] if w else [] for n, w in expected(people[:120]).items()}
    assert report.counts.records_seen == len(want)
    for number, wordings in want.items():
        assert held(db, number) == wordings, number


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
TYPES = "credential types of physical therapy, needling or endorsement"
LICENCE = "a licence type as configured"
WORDING = "an endorsement type worded as in the source"


def test_preflight_passes_and_prints_the_credential_types(people):
    crowd = people[:100]
    with WaDohEmulator(crowd) as register:
        checks = preflight(source(register.base_url))
    assert [r.path for r in register.requests] == ["/robots.txt"] + ["/resource/qxh8-f4bd.json"] * 2
    grouping = register.requests[-1].params()
    assert (grouping["$select"], grouping["$group"]) == (
        "credentialtype,count(*)",
        "credentialtype",
    )
    assert list(checks) == [COLUMNS_CHECK, PLACES, TYPES, LICENCE, WORDING]
    assert all(ok for ok, _ in checks.values()), checks
    rows = dataset_rows(crowd)
    count = {t: sum(r["credentialtype"] == t for r in rows) for t in (ENDORSEMENT, PT_LICENSE)}
    assert checks[TYPES][1] == "; ".join(
        f"{t}: {n}"
        for t, n in sorted({**count, PTA_LICENSE: len(rows) - sum(count.values())}.items())
    )
    assert (checks[LICENCE][1], checks[WORDING][1], checks[PLACES][1]) == (
        PT_LICENSE,
        ENDORSEMENT,
        "none",
    )
    assert checks[COLUMNS_CHECK][1].startswith(
        "actiontaken, birthyear, ceduedate, credentialnumber"
    )


def test_preflight_fails_when_no_endorsement_type_matches_the_wording(people):
    with WaDohEmulator(people[:60], endorsement="PT Dry Needling Endorsement") as register:
        checks = preflight(source(register.base_url))
    assert checks[TYPES][0] and checks[LICENCE][0] and not checks[WORDING][0]
    assert "PT Dry Needling Endorsement: " in checks[TYPES][1]
    assert checks[WORDING][1] == "none; types that look like needling: PT Dry Needling Endorsement"


def test_preflight_fails_on_a_renamed_column(people):
    with WaDohEmulator(people[:60], renamed={"birthyear": "birth_year"}) as register:
        checks = preflight(source(register.base_url))
    assert not checks[COLUMNS_CHECK][0] and checks[WORDING][0]
    assert "birth_year" in checks[COLUMNS_CHECK][1]
    assert checks[COLUMNS_CHECK][1].endswith("(missing: birthyear)")


def test_preflight_that_cannot_query_is_a_failed_check(people):
    with WaDohEmulator(people[:60], renamed={"credentialtype": "credential_type"}) as register:
        checks = preflight(source(register.base_url))
    assert list(checks) == ["the register answers as the adapter expects"]
    assert not checks["the register answers as the adapter expects"][0]
