"""iMIS public registries (BC's TCM practitioners and acupuncturists): parsers on recorded bytes,
the WebForms postbacks, state errors, and imports over real HTTP against the emulator."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from emulators.imis import (
    GRID,
    PAGER,
    PREFIX,
    ImisEmulator,
    Registrant,
    bc_acupuncturists,
    render_state_error,
)
from registry.imports.importer import run_source
from scrapers.adapter import crawl, run_preflight
from scrapers.http import HttpPolicy, PoliteClient
from scrapers.imis import DEFAULT_OPTIONS
from scrapers.imis_pages import (
    classify_status,
    detail_link,
    location,
    parse_detail,
    parse_form,
    parse_grid,
    postback,
    registrant_id,
    split_title,
)
from scrapers.records import Authorization, LayoutChanged, Location
from scrapers.sources import Source, load_settings
from tests.imis_fixture import FIXTURES, renders

BASE = "https://portal.ctcma.bc.ca"
PAGE = f"{BASE}/public"
ROOT = Path(__file__).resolve().parent.parent
SCOPE = load_settings().sources["ctcma"].scope
PROVINCE = f"{PREFIX}_Sheet0_Input5_TextBox1"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def source(base: str = BASE, **options) -> Source:
    built_in = load_settings().sources["ctcma"]
    return Source(
        key="ctcma",
        jurisdiction="CA-BC",
        regulator=built_in.regulator,
        short_name="CTCMA",
        platform="imis",
        register_url=f"{base}/public",
        terms_note="Synthetic test register.",
        needling="tracked",
        base_url=base,
        mechanism="scope_of_practice",
        profession="acupuncturist",
        scope=built_in.scope,
        spacing_seconds=0.0,
        backoff_seconds=0.01,
        max_retries=1,
        options={**built_in.options, **options},
    )


# ---------------------------------------------------------------- parsers on recorded bytes


def test_fixtures_are_what_the_emulator_renders():
    for name, body in renders().items():
        assert (FIXTURES / name).read_bytes() == body, f"python -m tests.imis_fixture ({name})"


def test_the_form_posts_back_every_field_with_the_query_and_the_button():
    form = parse_form(fixture("form.html"), PAGE)
    assert form.action == PAGE
    fields = dict(form.fields)
    assert fields["__VIEWSTATE"] and fields["__EVENTVALIDATION"] == "/wEdAAk="
    assert form.names[PROVINCE] == PROVINCE.replace("_", "$")
    body = postback(form, {PROVINCE: "BC"}, button=f"{PREFIX}_Sheet0_SubmitButton")
    assert body[PROVINCE.replace("_", "$")] == "BC"
    assert body[f"{PREFIX}_Sheet0_SubmitButton".replace("_", "$")] == "Find"
    assert body["__EVENTTARGET"] == "" and body["__VIEWSTATEGENERATOR"] == "4E3B2A1C"
    assert not any(name.endswith("ChangePageSizeLinkButton") for name in body), "not pressed"


def test_raising_the_page_size_sets_the_box_and_its_client_state():
    form = parse_form(fixture("results-page1.html"), PAGE)
    box, button = f"{PAGER}_ChangePageSizeTextBox", f"{PAGER}_ChangePageSizeLinkButton"
    body = postback(form, {box: "2500"}, button=button)
    assert body[box.replace("_", "$")] == "2500"
    assert '"valueAsString":"2500"' in body[f"{box}_ClientState"]
    assert body[button.replace("_", "$")] == "Change"
    assert f"{PREFIX}_Sheet0_SubmitButton".replace("_", "$") not in body
    with pytest.raises(LayoutChanged, match="no button"):
        postback(form, {}, button="ctl01_Nothing")
    with pytest.raises(LayoutChanged, match="no field"):
        postback(form, {"ctl01_Nothing": "x"})


def test_grid_rows_links_total_and_pager():
    grid = parse_grid(fixture("results-page1.html"), GRID, PAGE)
    assert grid.headers == [
        "Name",
        "Registration Number",
        "Registration Class",
        "Status",
        "City",
        "Province",
    ]
    assert [r.cells["Name"] for r in grid.rows] == ["Wei Chen", "Anne-Marie O'Neil"]
    assert grid.rows[1].cells["Registration Class"] == "Dr.TCM"
    assert grid.rows[0].link == f"{BASE}/Public/Directory/Profile.aspx?ID=10007"
    assert (grid.total, grid.page_size_box) == (3, True)
    assert grid.next_button == f"{PAGER}_ctl08"
    everyone = parse_grid(fixture("results-all.html"), GRID, PAGE)
    assert [r.cells["Name"] for r in everyone.rows] == [
        "Wei Chen, R.Ac.",
        "Anne-Marie O'Neil, Dr.TCM",
        "Ka-Wai Wong, R.TCM.H.",
    ]
    assert everyone.next_button is None, "the last page's next button does nothing"
    assert everyone.rows[2].link == f"{BASE}/Public/Directory/Profile.aspx?ID=10023"


def test_a_state_error_page_is_told_apart_from_a_missing_grid():
    with pytest.raises(LayoutChanged, match="refused the postback: Validation of viewstate MAC"):
        parse_grid(render_state_error().decode(), GRID, PAGE)
    with pytest.raises(LayoutChanged, match="is not on the page"):
        parse_grid(fixture("form.html"), GRID, PAGE)
    with pytest.raises(LayoutChanged, match="no WebForms form"):
        parse_form("<html><body><p>Maintenance</p></body></html>", PAGE)


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        (
            "javascript:ShowDialog_NoReturnValue('/Public/Directory/Profile.aspx?ID=7', null, "
            "'700', '500', 'Profile', null, 'E', null, null, false, true, null, null)",
            f"{BASE}/Public/Directory/Profile.aspx?ID=7",
        ),
        ("Profile.aspx?ID=8", f"{BASE}/Profile.aspx?ID=8"),
        ("https://other.example/x?id=9", "https://other.example/x?id=9"),
        ("javascript:void(0)", None),
        ("#", None),
        (None, None),
    ],
)
def test_detail_links(href, expected):
    assert detail_link(href, PAGE) == expected


def test_registrant_id_is_the_link_s_id_parameter():
    assert registrant_id(f"{BASE}/P.aspx?ID=10007&x=1", "ID") == "10007"
    assert registrant_id(f"{BASE}/P.aspx?id=12", "ID") == "12"
    assert registrant_id(f"{BASE}/P.aspx?ID=", "ID") is None
    assert registrant_id(None, "ID") is None


def test_profile_gives_name_organization_address_and_phone_never_the_email():
    detail = parse_detail(fixture("profile.html"), DEFAULT_OPTIONS["detail"])
    assert detail.name == "Wei Chen"
    assert detail.organization == "Golden Needle Acupuncture"
    assert detail.address_lines == ["1200 Main Street", "Vancouver BC V5K 1A1", "Canada"]
    assert detail.phone == "604-555-0142"
    assert "example.test" not in repr(detail)
    assert location(detail, "Vancouver", "BC") == Location(
        organization="Golden Needle Acupuncture",
        address="1200 Main Street",
        city="Vancouver",
        province="BC",
        postal_code="V5K 1A1",
        phone="604-555-0142",
    )
    bare = parse_detail(fixture("profile-no-organization.html"), DEFAULT_OPTIONS["detail"])
    assert bare.organization is None and bare.name == "Anne-Marie O'Neil"
    with pytest.raises(LayoutChanged, match="no name element"):
        parse_detail(fixture("form.html"), DEFAULT_OPTIONS["detail"])


def test_location_without_a_profile_is_the_grid_s_city():
    assert location(None, "Burnaby", None) == Location(city="Burnaby")
    assert location(None, None, None) is None


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("Wei Chen, R.Ac.", ("Wei Chen", "R.Ac.")),
        ("Wei Chen R.TCM.P.", ("Wei Chen", "R.TCM.P.")),
        ("Wei Chen, Dr. TCM", ("Wei Chen", "Dr.TCM")),
        ("Wei Chen", ("Wei Chen", None)),
        ("R.Ac.", ("R.Ac.", None)),
    ],
)
def test_titles_after_names(printed, expected):
    assert split_title(printed, DEFAULT_OPTIONS["titles"]) == expected


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("Practising", "practising"),
        ("Active", "practising"),
        ("Non-Practising", "non_practising"),
        ("Temporary Inactive", "non_practising"),
        ("Suspended", "suspended"),
        ("Cancelled", "cancelled"),
        ("Resigned", "cancelled"),
        ("Something New", "unknown"),
    ],
)
def test_status_words(status, expected):
    assert classify_status(status) == expected


def test_the_options_table_of_the_doc_is_the_code_s():
    doc = (ROOT / "docs" / "platforms" / "imis.md").read_text(encoding="utf-8")
    section = doc.split("## Options", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.M)
    assert sorted(documented) == sorted(DEFAULT_OPTIONS)
    defaults = dict(re.findall(r"^\| `([a-z_]+)` \| ([^|]+) \|", section, flags=re.M))
    for name in ("path", "page_size", "max_pages", "id_param", "details", "state_retries"):
        assert defaults[name].strip().strip("`") == str(DEFAULT_OPTIONS[name]), name


# ---------------------------------------------------------------- imports over HTTP


def snapshot(db) -> dict:
    tables = ["registrations", "authorizations", "practice_locations"]
    return {t: [dict(r) for r in db.query(f"select * from {t} order by 1, 2")] for t in tables}


def run(db, settings, src):
    return run_source(db, settings.with_source(src), src)


@pytest.fixture(scope="module")
def people() -> list[Registrant]:
    return bc_acupuncturists(150, seed=11)


def in_scope(people: list[Registrant]) -> dict[str, Registrant]:
    return {str(p.contact_id): p for p in people if p.province == "BC" and p.title != "R.TCM.H."}


def test_full_import_raises_the_page_size_and_gives_everyone_the_scope(db, settings, people):
    with ImisEmulator(people) as register:
        report = run(db, settings, source(register.base_url))
    assert report.outcome == "success", report.message
    want = in_scope(people)
    stored = {r["registrant_id"]: r for r in db.query("select * from registrations")}
    assert set(stored) == set(want)
    assert any(p.title == "R.TCM.H." for p in people) and any(p.province != "BC" for p in people)
    for rid, person in want.items():
        row = stored[rid]
        assert (row["name"], row["category"], row["status"]) == (
            person.full_name,
            person.title,
            person.status,
        )
    held = {
        (r["wording"], r["kind"], r["mechanism"])
        for r in db.query("select wording, kind, mechanism from authorizations")
    }
    ((wording, kind),) = SCOPE.items()
    assert held == {(wording, kind, "scope_of_practice")}
    assert db.execute("select count(*) from authorizations").fetchone()[0] == len(want)
    places = {r["registration_id"]: r for r in db.query("select * from practice_locations")}
    chen = next(p for p in want.values() if p.organization)
    place = places[f"ctcma:{chen.contact_id}"]
    assert (place["city"], place["province"], place["phone"]) == (chen.city, "BC", chen.phone)
    assert place["organization"] == chen.organization and place["postal_code"] == chen.postal
    dump = "\n".join(str(dict(r)) for t in snapshot(db).values() for r in t)
    assert "@example.test" not in dump, "emails are published but never stored"
    posts = [r for r in register.requests if r.method == "POST"]
    assert [(r.method, r.path) for r in register.requests[:4]] == [
        ("GET", "/robots.txt"),
        ("GET", "/public"),
        ("POST", "/public"),
        ("POST", "/public"),
    ]
    assert len(posts) == 2 and b"ChangePageSizeTextBox=2500" in posts[1].body
    assert report.requests == len(register.requests) == 4 + len(want)


def test_without_a_page_size_box_it_pages_with_next(db, settings, people):
    with ImisEmulator(people, page_size_box=False, default_size=25) as register:
        report = run(db, settings, source(register.base_url, details=False))
    assert report.outcome == "success", report.message
    assert db.table("registrations").count == len(in_scope(people))
    listed = len([p for p in people if p.province == "BC"])
    assert len([r for r in register.requests if r.method == "POST"]) == -(-listed // 25)
    assert db.execute("select count(*) from practice_locations").fetchone()[0] == len(
        in_scope(people)
    ), "the grid's city still makes a location"


def test_a_capped_page_size_is_followed_by_paging(db, settings, people):
    with ImisEmulator(people, max_page_size=40) as register:
        report = run(db, settings, source(register.base_url, details=False))
    assert report.outcome == "success", report.message
    assert db.table("registrations").count == len(in_scope(people))
    listed = len([p for p in people if p.province == "BC"])
    assert len([r for r in register.requests if r.method == "POST"]) == 1 + -(-listed // 40)


def test_runaway_paging_is_capped(db, settings, people):
    with ImisEmulator(people, page_size_box=False, default_size=5) as register:
        report = run(db, settings, source(register.base_url, details=False, max_pages=3))
    assert report.outcome == "failed" and "still a next page after 3 pages" in report.message
    assert db.table("registrations").count == 0


@pytest.mark.parametrize("answer", ["500", "page"])
def test_an_expired_viewstate_starts_the_listing_again(db, settings, people, answer):
    with ImisEmulator(people, expire_after_posts=1, state_error=answer) as register:
        report = run(db, settings, source(register.base_url, details=False))
    assert report.outcome == "success", report.message
    assert db.table("registrations").count == len(in_scope(people))
    gets = [i for i, r in enumerate(register.requests) if (r.method, r.path) == ("GET", "/public")]
    assert len(gets) == 2, "one fresh start"


def test_a_state_refused_again_fails_the_run_and_changes_nothing(db, settings, people):
    with ImisEmulator(people, state_error="page") as register:
        src = source(register.base_url, details=False, state_retries=0)
        assert run(db, settings, src).outcome == "success"
        before = snapshot(db)
        register.expire_after(1)
        report = run(db, settings, src)
    assert report.outcome == "failed"
    assert "refused our postbacks" in report.message and "viewstate" in report.message
    assert snapshot(db) == before


def test_a_profile_server_error_fails_the_run_and_changes_nothing(db, settings, people):
    crowd = people[:40]
    with ImisEmulator(crowd) as register:
        src = source(register.base_url)
        assert run(db, settings, src).outcome == "success"
        before = snapshot(db)
        register.fail_next("/Public/Directory/Profile.aspx", 503, count=4)
        report = run(db, settings, src)
    assert report.outcome == "failed" and "503" in report.message
    assert snapshot(db) == before


def test_a_reset_search_is_retried(db, settings, people):
    with ImisEmulator(people[:30]) as register:
        register.reset_next("/public", count=1)
        report = run(db, settings, source(register.base_url, details=False))
    assert report.outcome == "success", report.message


def test_robots_disallow_fails_the_run(db, settings, people):
    with ImisEmulator(people[:30], robots_txt="User-agent: *\nDisallow: /public\n") as register:
        report = run(db, settings, source(register.base_url))
    assert report.outcome == "failed" and "robots" in report.message.lower()
    assert [r.path for r in register.requests] == ["/robots.txt"]


def test_another_tenant_is_a_config_entry(tmp_path, db, people):
    """A tenant whose grid prints titles after names, has no category or province column,
    links profiles by href and pages without a page-size box: only options change."""
    crowd = people[:60]
    with ImisEmulator(
        crowd,
        headers=("Name", "Status", "City"),
        link_style="href",
        page_size_box=False,
        default_size=20,
    ) as register:
        config = tmp_path / "registry.toml"
        config.write_text(
            f"""
[sources.other_tcm]
jurisdiction = "CA-BC"
regulator = "Another College"
short_name = "OTHER"
platform = "imis"
profession = "acupuncturist"
base_url = "{register.base_url}"
register_url = "{register.base_url}/public"
terms_note = "Synthetic."
needling = "tracked"
mechanism = "scope_of_practice"
spacing_seconds = 0.0

[sources.other_tcm.scope]
"Acupuncture" = "acupuncture"

[sources.other_tcm.options]
columns = {{ name = "Name", status = "Status", city = "City" }}
outside_scope = ["R.TCM.H."]
details = false
""",
            encoding="utf-8",
        )
        settings = load_settings(config)
        src = settings.sources["other_tcm"]
        report = run_source(db, settings, src)
    assert report.outcome == "success", report.message
    rows = {r["registrant_id"]: r for r in db.query("select * from registrations")}
    want = in_scope(crowd)
    assert set(rows) == set(want)
    for rid, person in want.items():
        assert (rows[rid]["name"], rows[rid]["category"]) == (person.full_name, person.title)


def test_the_floor_is_the_listing_and_one_profile_each(people):
    notes: dict = {}
    with ImisEmulator(people[:50]) as register:
        with PoliteClient(policy()) as client:
            records = list(crawl(source(register.base_url), client, notes=notes))
    assert notes["listed"] == len(records) == len(in_scope(people[:50]))
    assert notes["floor"] == 4 + len(records) == len(register.requests)
    assert records[0].authorizations == [
        Authorization(*next(iter(SCOPE.items())), "scope_of_practice")
    ]
    assert notes["outside_scope"] == len(
        [p for p in people[:50] if p.province == "BC" and p.title == "R.TCM.H."]
    )


# ---------------------------------------------------------------- preflight


def policy() -> HttpPolicy:
    return HttpPolicy(
        user_agent="test (+https://example.test)",
        spacing_seconds=0.0,
        backoff_seconds=0.01,
        max_retries=1,
    )


def preflight(src: Source) -> dict[str, tuple[bool, str]]:
    with PoliteClient(policy()) as client:
        checks = run_preflight(src, client)
    return {c.name.split(" (")[0]: (c.ok, c.seen) for c in checks}


FORM = "the registry page is a WebForms form with the query's fields"
COLUMNS = "the results grid has the expected columns"
SHOWS = "how the grid shows everyone"
PROFILE = "one profile loads"


def test_preflight_passes_on_the_emulator(people):
    with ImisEmulator(people[:60]) as register:
        checks = preflight(source(register.base_url))
    assert all(ok for ok, _ in checks.values()), checks
    assert set(checks) == {FORM, COLUMNS, SHOWS, PROFILE}
    assert "Name, Registration Number, Registration Class" in checks[COLUMNS][1]
    assert checks[SHOWS][1] == "page-size box"
    assert "also shown: " in checks[PROFILE][1]
    assert [r.method for r in register.requests] == ["GET", "GET", "POST", "GET"]


def test_preflight_fails_when_the_query_field_is_not_on_the_form(people):
    with ImisEmulator(people[:20]) as register:
        checks = preflight(source(register.base_url, filters={"Sheet0_Input9_TextBox1": "BC"}))
    assert checks[FORM][0] is False and "Input9" in checks[FORM][1]
    assert set(checks) == {FORM}


def test_preflight_fails_when_the_name_column_is_renamed(people):
    with ImisEmulator(people[:20], headers=("Full Name", "Status", "City")) as register:
        checks = preflight(source(register.base_url))
    assert checks[COLUMNS][0] is False
    assert "columns: Full Name, Status, City" in checks[COLUMNS][1]
    assert "not found: Name" in checks[COLUMNS][1]


def test_preflight_fails_when_the_profile_layout_changed(people):
    detail = {**DEFAULT_OPTIONS["detail"], "name": "ctl00_Somewhere_else_fullName"}
    with ImisEmulator(people[:20]) as register:
        checks = preflight(source(register.base_url, detail=detail))
    assert checks[PROFILE][0] is False and "no name element" in checks[PROFILE][1]


def test_preflight_prints_paging_without_a_page_size_box(people):
    with ImisEmulator(people[:20], page_size_box=False) as register:
        checks = preflight(source(register.base_url))
    assert checks[SHOWS] == (True, "no page-size box: paging with next page")


# ---------------------------------------------------------------- the demo


def test_the_demo_sample_answers_acupuncture_in_vancouver(tmp_path, db, settings):
    from starlette.testclient import TestClient

    from registry.imports.demo import start_samples, stop_samples
    from registry.web.app import create_app

    (sample,) = start_samples({"ctcma": settings.sources["ctcma"]}, 80)
    try:
        report = run_source(db, settings.with_source(sample.source), sample.source)
    finally:
        stop_samples([sample])
    path = tmp_path / "registry.db"  # the `db` fixture's file
    assert report.outcome == "success", report.message
    with TestClient(create_app(path)) as client:
        found = client.get("/api/search", params={"q": "acupuncture Vancouver"}).json()
    assert found["place"]["name"] == "Vancouver" and found["count"] > 0
    assert {r["regulator"]["id"] for r in found["results"]} == {"ctcma"}
    assert all(loc["city"] == "Vancouver" for r in found["results"] for loc in r["locations"])


def test_an_anonymised_cassette_keeps_no_published_email():
    """The adapter never reads the profile's email, so the cassette anonymiser finds it in the
    bodies: a recorded profile must not carry a real address out."""
    from scrapers.cassette import Exchange, anonymise

    profile = (FIXTURES / "profile.html").read_bytes().replace(b"w0@example", b"wei.chen@lotus")
    exchange = Exchange("GET", f"{BASE}/Public/Directory/Profile.aspx?ID=10007", b"", 200, [],
                        profile, "2026-12-01T00:00:00Z")  # fmt: skip
    (out,) = anonymise([exchange], [])
    body = out.body.decode()
    assert "wei.chen@lotus" not in body and "lotus" not in body
    assert len(out.body) == len(profile) and ".test" in body
