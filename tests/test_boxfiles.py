"""Bulk licensee files in a public Box folder (New Jersey's and California's Departments of
Consumer Affairs): parsers on recorded bytes, the current file picked by name and date, layout
changes, and imports over real HTTP against the emulator."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest

from emulators.boxfiles import (
    CA_ACUPUNCTURIST,
    CA_SHARED_PATH,
    NJ_ACUPUNCTURE,
    NJ_INDIVIDUALS,
    NJ_SHARED_NAME,
    BoxFolderEmulator,
    Licensee,
    california_acupuncturists,
    new_jersey_acupuncturists,
    render_ca,
    render_folder,
    render_nj,
)
from registry.imports.importer import run_source
from scrapers.adapter import crawl, run_preflight
from scrapers.boxfiles_pages import (
    BoxItem,
    classify_status,
    download_url,
    parse_folder,
    parse_table,
    pick_file,
    registration,
)
from scrapers.http import HttpPolicy, PoliteClient
from scrapers.records import Authorization, Evidence, LayoutChanged, Location, Registration
from scrapers.sources import Source, load_settings

FIXTURES = Path(__file__).parent / "fixtures" / "boxfiles"
NJ_SCOPE = Authorization(
    "Acupuncture (licensed acupuncturist, New Jersey Acupuncture Licensing Act, N.J.S.A. 45:2C)",
    "acupuncture",
    "scope_of_practice",
)


def source(key: str, base: str = "https://app.box.com", **options) -> Source:
    """A built-in source, enabled, pointed at `base`, without waits."""
    live = load_settings().sources[key]
    return replace(
        live,
        base_url=base,
        enabled=True,
        spacing_seconds=0.0,
        backoff_seconds=0.05,
        max_retries=1,
        options={**live.options, **options},
    )


def fixture_people() -> list[Licensee]:
    """The people in tests/fixtures/boxfiles/ (all synthetic)."""

    def person(number, family, given, middle, city, state, zip_, status, board, kind, org=False):
        return Licensee(
            number, family, given, middle, city, state, zip_, "ESSEX", status, board, kind,
            "2012-06-01", "2027-05-31", org,
        )  # fmt: skip

    return [
        person("25MA012345", "PEÑA", "JOSÉ", "L", "NEWARK", "NJ", "07102", "Active",
               NJ_ACUPUNCTURE, "Acupuncturist"),
        person("25MA054321", "NGUYEN", "LINH", "", "NEW YORK", "NY", "10001", "Active",
               NJ_ACUPUNCTURE, "Acupuncturist"),
        person("40QA000777", "SMITH", "ANNA", "", "EDISON", "NJ", "08817", "Active",
               "Physical Therapy", "Physical Therapist"),
        person("25MZ000001", "", "", "", "NEWARK", "NJ", "07102", "Active",
               NJ_ACUPUNCTURE, "Acupuncturist", org=True),
    ]  # fmt: skip


def ca_people() -> list[Licensee]:
    return [
        replace(p, board="Acupuncture Board", license_type=CA_ACUPUNCTURIST, state="CA")
        for p in fixture_people()
    ][:2] + [
        replace(fixture_people()[0], number="AC099999", city="LOS ANGELES", state="CA",
                zip="90012", status="Delinquent", board="Acupuncture Board",
                license_type=CA_ACUPUNCTURIST)
    ]  # fmt: skip


ITEMS = [
    {"typedID": "f_2216146953454", "type": "file", "id": 2216146953454,
     "name": NJ_INDIVIDUALS.format(date="11-02-2026")},
    {"typedID": "f_2216146953498", "type": "file", "id": 2216146953498,
     "name": NJ_INDIVIDUALS.format(date="12-01-2026")},
    {"typedID": "f_2216146953400", "type": "file", "id": 2216146953400,
     "name": NJ_INDIVIDUALS.format(date="10-01-2026")},
    {"typedID": "f_2216146953508", "type": "file", "id": 2216146953508,
     "name": "Standard Facilities active statuses 12-01-2026.txt"},
    {"typedID": "d_1", "type": "folder", "id": 1, "name": "Archive"},
]  # fmt: skip


def rendered() -> dict[str, bytes]:
    return {
        "folder.html": render_folder(NJ_SHARED_NAME, ITEMS, "DCA Standard Files"),
        "nj_individuals.txt": render_nj(fixture_people()),
        "ca_Data00.xls": render_ca(ca_people()),
    }


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_fixtures_are_what_the_emulator_renders():
    for name, body in rendered().items():
        assert fixture(name) == body, f"{name}: regenerate tests/fixtures/boxfiles"


# ---------------------------------------------------------------- the folder and the file's pick


def test_the_shared_folder_page_gives_the_shared_name_and_every_item():
    folder = parse_folder(fixture("folder.html").decode())
    assert folder.shared_name == NJ_SHARED_NAME
    assert [(i.id, i.type) for i in folder.items] == [
        ("2216146953454", "file"),
        ("2216146953498", "file"),
        ("2216146953400", "file"),
        ("2216146953508", "file"),
        ("1", "folder"),
    ]


@pytest.mark.parametrize(
    "page",
    [
        "<html><body>Sign in to Box</body></html>",
        "<script>Box.postStreamData = {not json};</script>",
        '<script>Box.postStreamData = {"/app-api/enduserapp/shared-item": {}};</script>',
    ],
)
def test_a_page_without_the_listing_is_a_layout_change(page):
    with pytest.raises(LayoutChanged):
        parse_folder(page)


PATTERN = load_settings().sources["nj_acupuncture"].options["file_pattern"]


def test_the_newest_dated_file_is_current_whatever_the_listing_order():
    items = parse_folder(fixture("folder.html").decode()).items
    item, when = pick_file(items, PATTERN, "%m-%d-%Y")
    assert (item.id, str(when)) == ("2216146953498", "2026-12-01")


def test_no_matching_file_names_what_was_listed():
    items = [BoxItem("9", "Standard Facilities active statuses 12-01-2026.txt", "file")]
    with pytest.raises(LayoutChanged, match="no file in the shared folder matches") as e:
        pick_file(items, PATTERN, "%m-%d-%Y")
    assert "Standard Facilities active statuses 12-01-2026.txt" in str(e.value)


def test_several_undated_matches_are_a_layout_change_not_a_guess():
    items = [BoxItem("1", "Acupuncture_Data00.xls", "file"), BoxItem("2", "X_Data01.xls", "file")]
    with pytest.raises(LayoutChanged, match="several files match"):
        pick_file(items, r"_Data\d+\.xls$", "")
    assert pick_file(items[:1], r"_Data\d+\.xls$", "") == (items[0], None)


def test_the_download_url_is_the_shared_file_download():
    assert download_url("https://app.box.com", NJ_SHARED_NAME, "2216146953498") == (
        "https://app.box.com/index.php?rm=box_download_shared_file"
        f"&shared_name={NJ_SHARED_NAME}&file_id=f_2216146953498"
    )


# ---------------------------------------------------------------- the files


EVIDENCE = {"listing": Evidence("https://app.box.com/d/1", "2026-12-01T00:00:00Z", "ab" * 32)}


def test_new_jersey_file_skips_the_pseudo_header_and_keeps_the_board():
    options = load_settings().sources["nj_acupuncture"].options
    table = parse_table(fixture("nj_individuals.txt"), options)
    assert table.header.startswith("PROFESSION_NAME||'%'||LICENSE_TYPE")
    assert (table.lines, table.skipped, table.problems) == (4, 1, [])
    assert dict(table.counts) == {NJ_ACUPUNCTURE: 3, "Physical Therapy": 1}
    assert [row["LICENSE_NO"] for _, row in table.rows] == ["25MA012345", "25MA054321"]
    line, row = table.rows[0]
    record = registration(row, source("nj_acupuncture"), EVIDENCE, "https://x.test#line=2")
    assert line == 2
    assert record == Registration(
        regulator="nj_acupuncture",
        registrant_id="25MA012345",
        registration_number="25MA012345",
        name="PEÑA, JOSÉ L",  # cp1252 bytes decoded
        family_name="PEÑA",
        given_names="JOSÉ L",
        category="Acupuncturist",
        status="Active",
        status_class="practising",
        profile_url=None,
        locations=[Location(city="Newark", province="NJ", postal_code="07102")],
        evidence=EVIDENCE,
    )


def test_a_control_character_inside_a_field_does_not_cut_the_row():
    options = load_settings().sources["nj_acupuncture"].options
    body = fixture("nj_individuals.txt").replace(b"%NGUYEN%", b"%NGU\x0cYEN%")
    table = parse_table(body, options)
    assert table.problems == [] and len(table.rows) == 2
    (record,) = [
        registration(row, source("nj_acupuncture"), EVIDENCE, "u")
        for _, row in table.rows
        if row["LICENSE_NO"] == "25MA054321"
    ]
    assert record.family_name == "NGU YEN"  # a form feed is whitespace in a name


def test_a_file_without_the_pseudo_header_is_a_layout_change():
    options = load_settings().sources["nj_acupuncture"].options
    body = render_nj(fixture_people(), header="LICENSE%NAME%CITY")
    with pytest.raises(LayoutChanged, match="not the pseudo-header"):
        parse_table(body, options)


def test_a_short_row_of_the_profession_is_a_problem_others_are_not_read():
    options = load_settings().sources["nj_acupuncture"].options
    body = fixture("nj_individuals.txt") + f"{NJ_ACUPUNCTURE}%Acupuncturist%25MA1\r\n".encode()
    body += b"Dentistry%Dentist\r\n"
    table = parse_table(body, options)
    assert table.problems == [(6, "line 6 has 3 fields, at least 21 expected")]
    assert len(table.rows) == 2


def test_a_file_of_new_jerseys_recorded_size_is_read_whole():
    """296,626 rows, as recorded live: every row counted, only the profession's kept."""
    options = load_settings().sources["nj_acupuncture"].options
    lines = render_nj(new_jersey_acupuncturists(1000, seed=5)).split(b"\r\n")
    rows = (lines[1:-1] * 300)[:296_626]
    table = parse_table(b"\r\n".join([lines[0], *rows, b""]), options)
    assert table.lines == 296_626 == sum(table.counts.values())
    acupuncture = sum(row.startswith(NJ_ACUPUNCTURE.encode() + b"%") for row in rows)
    assert len(table.rows) + table.skipped == acupuncture == table.counts[NJ_ACUPUNCTURE]
    assert table.problems == []


def test_california_file_is_tab_separated_text_with_named_columns():
    options = load_settings().sources["ca_acupuncture"].options
    table = parse_table(fixture("ca_Data00.xls"), options)
    assert table.columns[:5] == [
        "Agency Code", "Agency Name", "LicTypeCode", "License Type", "License Number"
    ]  # fmt: skip
    assert [row["License Number"] for _, row in table.rows] == [
        "25MA012345",
        "25MA054321",
        "AC099999",
    ]
    src = source("ca_acupuncture")
    records = [registration(row, src, EVIDENCE, "u") for _, row in table.rows]
    assert [(r.name, r.status, r.status_class) for r in records] == [
        ("PEÑA, JOSÉ L", "Active", "practising"),
        ("NGUYEN, LINH", "Active", "practising"),
        ("PEÑA, JOSÉ L", "Delinquent", "cancelled"),
    ]
    assert records[2].locations == [
        Location(city="Los Angeles", province="CA", postal_code="90012")
    ]


def test_a_renamed_column_is_a_layout_change():
    options = load_settings().sources["ca_acupuncture"].options
    body = fixture("ca_Data00.xls").replace(b"License Status", b"Status")
    with pytest.raises(LayoutChanged, match="no column.s. License Status"):
        parse_table(body, options)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("Active", "practising"),
        ("Current", "practising"),
        ("Clear", "practising"),
        ("Inactive", "non_practising"),
        ("Delinquent", "cancelled"),
        ("Revoked", "cancelled"),
        ("Suspended", "suspended"),
        ("Pending", "unknown"),
    ],
)
def test_status_words(status, expected):
    assert classify_status(status) == expected


# ---------------------------------------------------------------- imports over HTTP


def snapshot(db) -> dict:
    tables = ["registrations", "authorizations", "practice_locations", "directory"]
    return {t: [dict(r) for r in db.query(f"select * from {t} order by 1, 2")] for t in tables}


def run(db, settings, src):
    return run_source(db, settings.with_source(src), src)


@pytest.fixture(scope="module")
def nj_people():
    return new_jersey_acupuncturists(120, seed=7)


def acupuncturists(people: list[Licensee]) -> set[str]:
    return {p.number for p in people if p.board == NJ_ACUPUNCTURE and not p.organization}


def test_new_jersey_import_reads_the_newest_file_and_only_acupuncturists(db, settings, nj_people):
    with BoxFolderEmulator(nj_people) as register:
        report = run(db, settings, source("nj_acupuncture", register.base_url))
        current = register.current_id()
    assert report.outcome == "success", report.message
    assert {r["registrant_id"] for r in db.query("select * from registrations")} == (
        acupuncturists(nj_people)
    )
    assert len(acupuncturists(nj_people)) == 120
    assert [r.path for r in register.requests] == [
        "/robots.txt",
        "/v/DCAStandardFiles",
        "/index.php",
        f"/d/{current}/download",
    ]
    assert register.requests[2].params()["file_id"] == f"f_{current}"
    assert report.requests == 4
    by_scope = db.execute(
        "select count(distinct registration_id), min(wording), min(kind) from authorizations "
        "where mechanism = 'scope_of_practice'"
    ).fetchone()
    assert tuple(by_scope) == (120, NJ_SCOPE.wording, "acupuncture")
    assert db.execute("select count(*) from authorizations").fetchone()[0] == 120
    places = {r["province"] for r in db.query("select province from practice_locations")}
    assert places == {"NJ", "NY", "PA"}


def test_each_record_cites_the_file_it_came_from(db, settings, nj_people):
    with BoxFolderEmulator(nj_people[:40]) as register:
        src = source("nj_acupuncture", register.base_url)
        with PoliteClient(policy()) as client:
            records = list(crawl(src, client))
        current = register.current_id()
    body = render_nj(nj_people[:40])

    for record in records:
        listing = record.evidence["listing"]
        assert listing.url == f"{register.base_url}/d/{current}/download"
        assert listing.sha256 == hashlib.sha256(body).hexdigest()
        assert record.evidence["folder"].url == f"{register.base_url}/v/DCAStandardFiles"


def test_california_import_reads_the_board_file(db, settings):
    people = california_acupuncturists(80, seed=3)
    with BoxFolderEmulator(people, layout="ca") as register:
        report = run(db, settings, source("ca_acupuncture", register.base_url))
    assert report.outcome == "success", report.message
    stored = list(db.query("select registrant_id, status from registrations"))
    assert {r["registrant_id"] for r in stored} == {p.number for p in people}
    assert {"Current", "Delinquent"} <= {r["status"] for r in stored}
    assert register.requests[1].path == CA_SHARED_PATH


def test_a_republished_file_under_a_new_id_is_found_again(db, settings, nj_people):
    with BoxFolderEmulator(nj_people[:60]) as register:
        src = source("nj_acupuncture", register.base_url)
        assert run(db, settings, src).outcome == "success"
        old = register.current_id()
        register.republish()
        new = register.current_id()
        report = run(db, settings, src)
        with PoliteClient(policy()) as client:
            stale = register.base_url + download_url("", NJ_SHARED_NAME, old)
            with pytest.raises(Exception, match="404"):
                client.get(stale)
    assert old != new
    assert report.outcome == "success", report.message
    asked = [r.params()["file_id"] for r in register.requests if r.path == "/index.php"]
    assert asked == [f"f_{old}", f"f_{new}", f"f_{old}"]  # the last one: the stale id, by hand
    assert register.statuses[-1] == 404


def test_a_file_republished_between_listing_and_download_is_listed_again(db, settings, nj_people):
    with BoxFolderEmulator(nj_people[:40], stale_listings=1) as register:
        report = run(db, settings, source("nj_acupuncture", register.base_url))
        current = register.current_id()
    assert report.outcome == "success", report.message
    assert [r.path for r in register.requests][1:] == [
        "/v/DCAStandardFiles",
        "/index.php",
        "/v/DCAStandardFiles",
        "/index.php",
        f"/d/{current}/download",
    ]
    assert register.statuses[2] == 404
    assert db.table("registrations").count == 40


def test_a_file_gone_twice_fails_the_run_and_changes_nothing(db, settings, nj_people):
    with BoxFolderEmulator(nj_people[:40]) as register:
        src = source("nj_acupuncture", register.base_url)
        assert run(db, settings, src).outcome == "success"
        before = snapshot(db)
        register.stale_listings = 2
        report = run(db, settings, src)
    assert report.outcome == "failed" and "404" in report.message
    assert [r.path for r in register.requests].count("/v/DCAStandardFiles") == 1 + 2
    assert snapshot(db) == before


def test_a_folder_without_the_file_fails_the_run_and_changes_nothing(db, settings, nj_people):
    with BoxFolderEmulator(nj_people[:60]) as register:
        assert run(db, settings, source("nj_acupuncture", register.base_url)).outcome == "success"
    before = snapshot(db)
    with BoxFolderEmulator(nj_people[:60], missing=True) as register:
        report = run(db, settings, source("nj_acupuncture", register.base_url))
    assert report.outcome == "failed"
    assert "no file in the shared folder matches" in report.message
    assert "Standard Facilities active statuses 12-01-2026.txt" in report.message
    assert [r.path for r in register.requests] == ["/robots.txt", "/v/DCAStandardFiles"]
    assert snapshot(db) == before


def test_a_file_over_the_size_bound_fails_the_run_and_changes_nothing(db, settings, nj_people):
    with BoxFolderEmulator(nj_people) as register:
        src = source("nj_acupuncture", register.base_url)
        assert run(db, settings, src).outcome == "success"
        before = snapshot(db)
        report = run(db, settings, replace(src, max_response_bytes=5_000))
    assert report.outcome == "failed" and "TooLarge" in report.message
    assert snapshot(db) == before


def test_a_truncated_download_fails_the_run_and_changes_nothing(db, settings, nj_people):
    with BoxFolderEmulator(nj_people) as register:
        src = source("nj_acupuncture", register.base_url)
        assert run(db, settings, src).outcome == "success"
        before = snapshot(db)
        register.truncate_next("/d/", count=2)
        report = run(db, settings, src)
    assert report.outcome == "failed", report.message
    assert snapshot(db) == before


@pytest.mark.parametrize("status", [403, 429, 500])
def test_a_refused_folder_page_fails_the_run_and_changes_nothing(db, settings, nj_people, status):
    with BoxFolderEmulator(nj_people[:40]) as register:
        src = source("nj_acupuncture", register.base_url)
        assert run(db, settings, src).outcome == "success"
        before = snapshot(db)
        register.fail_next("/v/", status, count=2)
        report = run(db, settings, src)
    assert report.outcome == "failed" and str(status) in report.message
    assert snapshot(db) == before


def test_a_reset_download_is_retried(db, settings, nj_people):
    with BoxFolderEmulator(nj_people[:40]) as register:
        register.reset_next("/d/")
        report = run(db, settings, source("nj_acupuncture", register.base_url))
    assert report.outcome == "success", report.message
    assert [r.path for r in register.requests].count("/index.php") == 2


def test_robots_disallow_fails_the_run(db, settings, nj_people):
    robots = "User-agent: *\nDisallow: /index.php\n"
    with BoxFolderEmulator(nj_people[:40], robots_txt=robots) as register:
        report = run(db, settings, source("nj_acupuncture", register.base_url))
    assert report.outcome == "failed" and "robots" in report.message.lower()
    assert db.table("registrations").count == 0


def test_a_board_renamed_in_the_file_is_a_layout_change(db, settings, nj_people):
    renamed = [replace(p, board="Board of Acupuncture") for p in nj_people[:40]]
    with BoxFolderEmulator(renamed) as register:
        report = run(db, settings, source("nj_acupuncture", register.base_url))
    assert report.outcome == "failed"
    assert "the file's values changed (seen: Board of Acupuncture (" in report.message


def test_the_floor_is_the_folder_and_the_file(nj_people):
    notes: dict = {}
    with BoxFolderEmulator(nj_people[:30]) as register:
        with PoliteClient(policy()) as client:
            list(crawl(source("nj_acupuncture", register.base_url), client, notes=notes))
    assert (notes["floor"], notes["file"]) == (2, NJ_INDIVIDUALS.format(date="12-01-2026"))


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


LISTS = "the shared folder lists its files"
MATCHES = "a file matches the pattern"
COLUMNS = "the file has the columns the adapter reads"
VALUES = "values of PROFESSION_NAME"
CONFIGURED = "a value as configured"


def test_preflight_passes_and_prints_the_boards():
    with BoxFolderEmulator(new_jersey_acupuncturists(60)) as register:
        checks = preflight(source("nj_acupuncture", register.base_url))
    assert list(checks) == [LISTS, MATCHES, COLUMNS, VALUES, CONFIGURED]
    assert all(ok for ok, _ in checks.values()), checks
    assert checks[MATCHES][1].startswith("Standard Individuals active statuses 12-01-2026.txt")
    assert checks[VALUES][1] == f"{NJ_ACUPUNCTURE}: 61; Dentistry: 6; Physical Therapy: 30"
    assert checks[CONFIGURED][1] == f"{NJ_ACUPUNCTURE}: 61"
    assert len(register.requests) == 4


def test_preflight_fails_when_no_file_matches(nj_people):
    with BoxFolderEmulator(nj_people[:20], missing=True) as register:
        checks = preflight(source("nj_acupuncture", register.base_url))
    assert checks[LISTS][0] and not checks[MATCHES][0] and COLUMNS not in checks


def test_preflight_fails_when_the_board_is_worded_otherwise(nj_people):
    renamed = [replace(p, board="Board of Acupuncture") for p in nj_people[:20]]
    with BoxFolderEmulator(renamed) as register:
        checks = preflight(source("nj_acupuncture", register.base_url))
    assert checks[COLUMNS][0] and not checks[CONFIGURED][0]
    assert "Board of Acupuncture: 20" in checks[VALUES][1]


def test_preflight_fails_on_a_renamed_column():
    people = california_acupuncturists(20)
    with BoxFolderEmulator(people, layout="ca", renamed={"City": "City Name"}) as register:
        checks = preflight(source("ca_acupuncture", register.base_url))
    assert not checks[COLUMNS][0] and "the file has no column(s) City:" in checks[COLUMNS][1]
    assert "City Name" in checks[COLUMNS][1] and VALUES not in checks
