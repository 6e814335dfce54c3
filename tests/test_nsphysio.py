"""Nova Scotia's member directory: parsers on recorded bytes, the emulator, imports over HTTP."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from emulators.nsphysio import (
    COLUMNS,
    DIRECTORY_PATH,
    POSTAL_PREFIXES,
    ROBOTS_TXT,
    WORDPRESS_ROBOTS_TXT,
    NSPhysioEmulator,
    nova_scotia_physiotherapists,
    render_page,
)
from registry.imports.importer import run_source
from registry.web.app import create_app
from scrapers import nsphysio_pages
from scrapers.adapter import crawl, run_preflight
from scrapers.http import HttpPolicy, PoliteClient
from scrapers.records import Evidence, LayoutChanged, Location, Registration
from scrapers.sources import load_settings
from tests.runs import declare

FIXTURES = Path(__file__).parent / "fixtures" / "nsphysio"
URL = "https://nsphysio.com/for-the-public/member-directory"
EVIDENCE = Evidence(URL, "2026-11-23T10:00:00Z", "cd" * 32)


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def read(page: str) -> dict[str, Registration]:
    """Every row of a page as the adapter makes it, by licence number."""
    rows = nsphysio_pages.parse_directory(page)
    records = [nsphysio_pages.registration(row, "nscp", URL, EVIDENCE) for row in rows]
    return {r.registrant_id: r for r in records}


def ns(organization: str, city: str | None = None) -> Location:
    return Location(organization=organization, city=city, province="NS" if city else None)


def record(
    number: str,
    name: str,
    family: str,
    given: str,
    status: str,
    status_class: str,
    conditions: list[str],
    locations: list[Location],
) -> Registration:
    """A registration as the adapter makes it from a row of the recorded page."""
    return Registration(
        regulator="nscp",
        registrant_id=number,
        registration_number=number,
        name=name,
        family_name=family,
        given_names=given,
        category=None,
        status=status,
        status_class=status_class,
        conditions=conditions,
        profile_url=URL,
        authorizations=[],
        locations=locations,
        evidence={"listing": EVIDENCE},
    )


# ---- the recorded page (made by `python -m emulators.nsphysio --count 60 --render`) -----------


def test_recorded_page_reads_whole_records():
    records = read(fixture("member-directory.html"))
    assert len(records) == 60
    supervision = "Must practise under the supervision of a registered physiotherapist"
    assert [records[n] for n in ("1111", "1069", "1016", "1074", "1099", "1058", "1114")] == [
        record(
            "1111",
            "Babin, Morag",
            "Babin",
            "Morag",
            "Conditional Active",
            "practising",
            [supervision],
            [
                ns("Clayton Park Physiotherapy", "Halifax"),
                ns("Point Pleasant Physiotherapy", "Halifax"),
            ],
        ),
        # Resigned in 2011, licensed again in 2022: the old Resigned Date stays listed.
        record(
            "1069",
            "Bernard, Isla",
            "Bernard",
            "Isla",
            "Practicing Active",
            "practising",
            [],
            [ns("Nova Scotia Health", "Bedford"), ns("Bedford Basin Physiotherapy", "Bedford")],
        ),
        # Resigned, with a status column never updated: the Resigned Date decides.
        record(
            "1016",
            "LeBlanc, Natalie",
            "LeBlanc",
            "Natalie",
            "Practicing Active - Resigned 2025-02-28",
            "cancelled",
            [],
            [ns("Lake Banook Physiotherapy", "Dartmouth")],
        ),
        # wptexturize's curly apostrophe, straightened.
        record(
            "1074",
            "d'Entremont, Marie-Claude",
            "d'Entremont",
            "Marie-Claude",
            "Resigned 2010-09-04",
            "cancelled",
            [],
            [],
        ),
        record(
            "1099",
            "Nguyễn, Minh Châu",
            "Nguyễn",
            "Minh Châu",
            "Practicing Active",
            "practising",
            [],
            [ns("Bras d'Or Physio & Wellness", "Sydney")],
        ),
        # A hospital site names no city, nor does a bare "Self-employed": none is guessed.
        record(
            "1058",
            "Morrison, Emily",
            "Morrison",
            "Emily",
            "Practicing Active",
            "practising",
            [],
            [
                ns("Clayton Park Physiotherapy", "Halifax"),
                ns("Nova Scotia Health - Halifax Infirmary"),
                ns("Self-employed"),
            ],
        ),
        record(
            "1114",
            "Patel, Priya",
            "Patel",
            "Priya",
            "Practicing Active",
            "practising",
            ["Practice limited to non-clinical duties"],
            [ns("Cape Breton Physiotherapy", "Sydney")],
        ),
    ]
    # Namesakes stay two people: the licence number is the key.
    assert records["1008"].name == "Patel, Priya" and records["1008"].conditions == []
    assert Counter(r.status_class for r in records.values()) == {
        "practising": 30,
        "cancelled": 27,
        "non_practising": 2,
        "suspended": 1,
    }
    assert not any(r.authorizations for r in records.values())
    # "Orthopaedics, Acupuncture" is an area of specialty, never an authorization.
    assert "Acupuncture" in fixture("member-directory.html")


def test_the_directory_is_found_among_the_themes_other_tables():
    page = fixture("member-directory.html")
    assert page.count("<table") == 3  # licence categories, the directory, the calendar widget
    rows = nsphysio_pages.parse_directory(page)
    assert {r.text("name") for r in rows}.isdisjoint({"Practicing", "Conditional", "1", "M"})
    # A staff table sharing the "Name" header, before the directory: still the directory.
    staff = (
        "<table><tr><th>Name</th><th>Title</th></tr>"
        "<tr><td>A. Person</td><td>Registrar</td></tr></table>"
    )
    moved = page.replace("<h2>Licence categories</h2>", staff)
    assert len(nsphysio_pages.parse_directory(moved)) == 60


# ---- layout changes ----------------------------------------------------------------------


def test_a_renamed_header_fails_with_what_changed():
    page = fixture("member-directory.html").replace(">Licence Number</th>", ">Licence No.</th>")
    with pytest.raises(LayoutChanged) as caught:
        nsphysio_pages.parse_directory(page)
    message = str(caught.value)
    assert "lacks the column(s) Licence Number" in message and "licence no." in message


def test_a_dropped_column_fails_with_what_changed():
    page = re.sub(r'<t[hd] class="column-8">.*?</t[hd]>', "", fixture("member-directory.html"))
    with pytest.raises(LayoutChanged, match=r"lacks the column\(s\) Resigned Date"):
        nsphysio_pages.parse_directory(page)


def test_a_page_without_the_directory_fails():
    with pytest.raises(LayoutChanged, match="no table on the page has the member directory"):
        nsphysio_pages.parse_directory(fixture("maintenance.html"))


def test_a_needling_column_fails_the_run_for_review():
    page = fixture("member-directory.html").replace(
        '<th class="column-10">Authorized Prescriber</th>',
        '<th class="column-10">Authorized Prescriber</th><th>Dry Needling</th>',
    )
    with pytest.raises(LayoutChanged, match="column about needling now \\(dry needling\\)"):
        nsphysio_pages.parse_directory(page)


def test_header_spelling_is_read_loosely_and_new_columns_are_ignored():
    page = fixture("member-directory.html").replace(
        ">Licence Number</th>", "> LICENCE&nbsp;Number:</th>"
    )
    page = page.replace("</th></tr>\n</thead>", "</th><th>Languages</th></tr>\n</thead>", 1)
    page = page.replace("</td></tr>", "</td><td>English, French</td></tr>")
    assert read(page) == read(fixture("member-directory.html"))


def test_footer_rows_repeating_the_header_and_blank_rows_are_nobody():
    headers = "".join(f"<th>{c}</th>" for c in COLUMNS)
    page = fixture("member-directory.html").replace(
        "</tbody>",
        "<tr>" + "<td>&nbsp;</td>" * 10 + f"</tr></tbody><tfoot><tr>{headers}</tr></tfoot>",
    )
    assert len(nsphysio_pages.parse_directory(page)) == 60


# ---- crawl: one GET, row-level errors, duplicates -------------------------------------------


def crawl_page(tmp_path, page: str, **extra) -> tuple[list[Registration], list[dict], list[str]]:
    """Crawl a page served by a mock transport (nothing listens on the loopback port given);
    returns the records, the errors and the paths asked."""
    asked = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        if request.url.path == DIRECTORY_PATH:
            return httpx.Response(200, text=page, headers={"content-type": "text/html"})
        return httpx.Response(404)

    _, source = declare(tmp_path, "http://127.0.0.1:9", **extra)
    policy = HttpPolicy(
        user_agent="test (+https://example.test)",
        spacing_seconds=0.0,
        backoff_seconds=0.05,
        max_retries=1,
    )
    errors: list[dict] = []
    with PoliteClient(policy, transport=httpx.MockTransport(handler)) as client:
        records = list(crawl(source, client, errors=errors))
    return records, errors, asked


def test_crawl_is_one_get_after_robots(tmp_path):
    records, errors, asked = crawl_page(tmp_path, fixture("member-directory.html"))
    assert (len(records), errors, asked) == (60, [], ["/robots.txt", DIRECTORY_PATH])
    assert {r.evidence["listing"].url for r in records} == {f"http://127.0.0.1:9{DIRECTORY_PATH}"}


def test_an_unreadable_row_is_an_error_and_the_rest_are_read(tmp_path):
    page = fixture("member-directory.html").replace(
        '<td class="column-10">&nbsp;</td></tr>', "</tr>", 1
    )
    page = page.replace('<td class="column-2">1058</td>', '<td class="column-2">&nbsp;</td>')
    records, errors, _ = crawl_page(tmp_path, page)
    assert len(records) == 58
    assert len(errors) == 2 and {e["url"] for e in errors} == {
        f"http://127.0.0.1:9{DIRECTORY_PATH}"
    }
    assert errors[0]["error"].startswith("row 1: 9 cells where the header has 10: Amirault, ")
    assert errors[1]["error"] == "row 36: no licence number for 'Morrison, Emily'"


def test_a_licence_listed_twice_keeps_the_current_row(tmp_path):
    page = fixture("member-directory.html")
    row = re.search(r'<tr class="row-26">.*?</tr>', page, re.S).group(0)  # LeBlanc, resigned
    current = row.replace('<td class="column-8">2025-02-28</td>', '<td class="column-8"></td>')
    records, errors, _ = crawl_page(tmp_path, page.replace(row, row + current + row))
    assert errors == [] and len(records) == 60
    leblanc = next(r for r in records if r.registrant_id == "1016")
    assert (leblanc.status, leblanc.status_class) == ("Practicing Active", "practising")


def test_an_operator_renames_one_column_in_config(tmp_path):
    page = fixture("member-directory.html").replace(">Licence Number</th>", ">Licence No.</th>")
    renamed = {"options": {"columns": {"number": "Licence No."}}}
    records, errors, _ = crawl_page(tmp_path, page, **renamed)
    assert errors == []
    expected = read(fixture("member-directory.html"))
    assert {r.registrant_id: r.name for r in records} == {n: r.name for n, r in expected.items()}


def test_a_source_claiming_to_track_needling_is_refused(tmp_path):
    with pytest.raises(LayoutChanged, match="declare not_tracked"):
        crawl_page(tmp_path, fixture("member-directory.html"), needling="tracked")


# ---- the small parsers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Harbourside Sport & Spine, Halifax", ns("Harbourside Sport & Spine", "Halifax")),
        ("Bluenose Physiotherapy (Lunenburg)", ns("Bluenose Physiotherapy", "Lunenburg")),
        ("Self-employed - Halifax", ns("Self-employed", "Halifax")),
        ("Portland Street Physio, Dartmouth, NS", ns("Portland Street Physio", "Dartmouth")),
        (
            "Seaside Rehab, Three Fathom Harbour, Nova Scotia",
            ns("Seaside Rehab", "Three Fathom Harbour"),
        ),
        ("Nova Scotia Health - Halifax Infirmary", ns("Nova Scotia Health - Halifax Infirmary")),
        ("Smith, Jones & Associates", ns("Smith, Jones & Associates")),
        ("Dartmouth General Hospital", ns("Dartmouth General Hospital")),
        ("Physio Plus (Dartmouth Crossing)", ns("Physio Plus (Dartmouth Crossing)")),
    ],
)
def test_employer_lines_give_a_city_only_when_they_name_one(line, expected):
    assert nsphysio_pages.parse_employer(line) == expected


@pytest.mark.parametrize(
    ("status", "resigned", "expected"),
    [
        ("Practicing Active", False, "practising"),
        ("Conditional Active", False, "practising"),
        ("Practicing Sponsored", False, "practising"),
        ("Non-Practicing Active", False, "non_practising"),
        ("Practicing Inactive", False, "non_practising"),
        ("Suspended", False, "suspended"),
        ("Resigned", False, "cancelled"),
        ("Revoked", False, "cancelled"),
        ("Practicing Active", True, "cancelled"),
        ("", False, "unknown"),
    ],
)
def test_status_classes(status, resigned, expected):
    assert nsphysio_pages.classify_status(status, resigned) == expected


@pytest.mark.parametrize(
    ("resigned", "registered", "gone"),
    [
        ("", "2020-01-01", False),
        ("2021-03-15", "2020-01-01", True),
        ("March 15, 2021", "2022-06-01", False),  # licensed again after resigning
        ("2021-03-15", "", True),
        ("15/03/2021", "2022-06-01", True),  # a form not known: the date's presence decides
    ],
)
def test_a_resigned_date_means_gone_unless_licensed_again(resigned, registered, gone):
    assert nsphysio_pages.has_resigned(resigned, registered) is gone


# ---- the synthetic population ----------------------------------------------------------------


def test_population_is_stable_and_shaped_like_the_register():
    people = nova_scotia_physiotherapists()
    assert people == nova_scotia_physiotherapists(300, 2026) and len(people) == 300
    assert len({p.licence_number for p in people}) == 300
    assert 0.40 < sum(p.has_resigned for p in people) / 300 < 0.50
    halifax = [
        p
        for p in people
        if not p.has_resigned and any(e.city == "Halifax" and e.city_listed for e in p.employers)
    ]
    assert len(halifax) >= 30
    for p in people:
        for e in p.employers:
            assert e.postal_code[:3] in POSTAL_PREFIXES[e.city] and e.postal_code[0] == "B"
    assert {p.city for p in people} >= {"Halifax", "Dartmouth", "Sydney", "Truro", "Wolfville"}
    assert nova_scotia_physiotherapists(20)[0].listed_name == "d'Entremont, Marie-Claude"


def test_every_synthetic_person_reads_back_as_generated():
    people = nova_scotia_physiotherapists(300, seed=7)
    records = read(render_page(people).decode("utf-8"))
    assert len(records) == 300
    for p in people:
        r = records[p.licence_number]
        assert (r.family_name, r.given_names) == (p.family_name, p.given_names)
        assert r.conditions == p.conditions
        assert (r.status_class == "cancelled") == (p.has_resigned or p.status == "Resigned")
        assert r.locations == [
            ns(e.organization, e.city) if e.city_listed else ns(e.line) for e in p.employers
        ]
        assert not any(loc.postal_code or loc.address or loc.phone for loc in r.locations)


# ---- the emulator and imports over HTTP ------------------------------------------------------


@pytest.fixture(scope="module")
def people():
    return nova_scotia_physiotherapists(300)


def snapshot(db) -> dict:
    tables = ["registrations", "authorizations", "practice_locations", "directory"]
    return {t: [dict(r) for r in db.query(f"select * from {t} order by 1, 2")] for t in tables}


def test_emulator_serves_the_page_robots_and_conditional_requests(people):
    with NSPhysioEmulator(people[:40]) as register:
        page = httpx.get(register.base_url + DIRECTORY_PATH, timeout=5)
        again = httpx.get(
            register.base_url + DIRECTORY_PATH,
            headers={"If-None-Match": page.headers["etag"]},
            timeout=5,
        )
        robots = httpx.get(register.base_url + "/robots.txt", timeout=5)
        missing = httpx.get(register.base_url + "/for-the-public/nothing", timeout=5)
    assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=UTF-8"
    assert page.content == render_page(people[:40]) and "Last-Modified" in page.headers
    assert b'content="Joomla!' in page.content and b"Regulator of Physiotherapy" in page.content
    assert again.status_code == 304 and again.content == b""
    assert "Disallow: /administrator/" in robots.text and missing.status_code == 404


@pytest.mark.parametrize("theme", ["joomla", "wordpress"])
def test_full_import_finds_everyone_and_tracks_no_needling(db, tmp_path, people, theme):
    robots = {"wordpress": WORDPRESS_ROBOTS_TXT}.get(theme, ROBOTS_TXT)
    with NSPhysioEmulator(people, theme=theme, robots_txt=robots) as register:
        settings, source = declare(tmp_path, register.base_url)
        report = run_source(db, settings, source)
    assert report.outcome == "success", report.message
    assert report.counts.records_seen == report.counts.added == 300
    assert [r.path for r in register.requests] == ["/robots.txt", DIRECTORY_PATH]
    run = db.table("import_runs").get(report.run_id)
    assert run["requests"] == 2
    assert {r.headers["user-agent"] for r in register.requests} == {settings.user_agent}
    stored = {r["registrant_id"]: r for r in db.query("select * from registrations")}
    assert set(stored) == {p.licence_number for p in people}
    assert db.table("authorizations").count == 0
    regulator = db.table("regulators").get("nscp")
    assert regulator["needling"] == "not_tracked" and regulator["platform"] == "nsphysio"
    for p in people:
        row = stored[p.licence_number]
        assert row["name"] == p.listed_name
        assert json.loads(row["conditions"]) == p.conditions
        if p.has_resigned:
            assert row["status_class"] == "cancelled" and p.resigned in row["status"]
    located = list(db.query("select * from practice_locations"))
    assert located and not any(r["postal_code"] or r["address"] or r["phone"] for r in located)
    assert {r["province"] for r in located} == {"NS", None}


def test_halifax_is_not_tracked_except_for_who_may_not_practise(db, tmp_path, people):
    """Nova Scotia does not record needling: "not tracked" for whoever may practise, and "not
    practising" (never "not tracked") for a resigned or cancelled licence, left out of a
    patient's search unless everyone is asked for."""
    with NSPhysioEmulator(people) as register:
        settings, source = declare(tmp_path, register.base_url)
        assert run_source(db, settings, source).outcome == "success"
    resigned = next(p for p in people if p.has_resigned and p.status == "Practicing Active")
    with TestClient(create_app(tmp_path / "registry.db")) as api:
        found = api.get("/api/search", params={"city": "Halifax", "limit": 100}).json()
        everyone = api.get("/api/search", params={"city": "Halifax", "limit": 100, "show": "all"})
        one = api.get(f"/api/registrations/nscp/{resigned.licence_number}").json()
        needling = api.get("/api/search", params={"city": "Halifax", "kind": "dry_needling"})
    answers = {(r["needling"]["tracking"], r["needling"]["answer"]) for r in found["results"]}
    assert found["results"] and answers == {("not_tracked", "not_tracked")}
    assert all(r["standing"]["state"] == "practising" for r in found["results"])
    all_answers = {
        (r["standing"]["state"], r["needling"]["answer"]) for r in everyone.json()["results"]
    }
    assert all_answers <= {
        ("practising", "not_tracked"),
        ("not_practising", "not_practising"),
        ("no_longer_on_register", "not_practising"),
    }
    assert everyone.json()["count"] > found["count"]
    assert one["needling"]["answer"] == "not_practising" and one["status_class"] == "cancelled"
    assert needling.json()["results"] == []


def test_an_unchanged_directory_is_not_downloaded_again(db, tmp_path, people):
    with NSPhysioEmulator(people[:80]) as register:
        settings, source = declare(tmp_path, register.base_url)
        assert run_source(db, settings, source).outcome == "success"
        again = run_source(db, settings, source)
    assert again.outcome == "success" and again.not_modified == 1
    assert again.counts.unchanged == 80 and register.statuses[-1] == 304


def test_a_resignation_between_runs_is_a_status_change(db, tmp_path, people):
    crowd = [p for p in people if not p.resigned][:50]
    leaving = crowd[0]
    with NSPhysioEmulator(crowd) as register:
        settings, source = declare(tmp_path, register.base_url)
        assert run_source(db, settings, source).outcome == "success"
        leaving.resigned = "2026-10-31"
        try:
            register.set_people(crowd)
            report = run_source(db, settings, source)
        finally:
            leaving.resigned = ""
    assert report.outcome == "success" and report.counts.changed == 1
    row = db.table("registrations").get(f"nscp:{leaving.licence_number}")
    assert row["status_class"] == "cancelled" and row["status"].endswith("Resigned 2026-10-31")
    kinds = [
        e["kind"] for e in db.query("select kind from events where run_id = ?", [report.run_id])
    ]
    assert "status_changed" in kinds


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        ("renamed", "lacks the column(s) Licence Number"),
        ("server_error", "500"),
        ("robots", "robots"),
        ("truncated", "TransportFailure"),
    ],
)
def test_a_bad_run_fails_and_changes_nothing(db, tmp_path, people, fault, words):
    with NSPhysioEmulator(people[:60]) as register:
        settings, source = declare(tmp_path, register.base_url)
        assert run_source(db, settings, source).outcome == "success"
        before = snapshot(db)
        if fault == "renamed":
            register.columns = ["Licence No." if c == "Licence Number" else c for c in COLUMNS]
        elif fault == "server_error":
            register.fail_next(DIRECTORY_PATH, 500, count=5)
        elif fault == "robots":
            register.robots_txt = "User-agent: *\nDisallow: /for-the-public/\n"
        else:
            register.set_people(people[:70])  # a change, so the page is downloaded again
            register.truncate_next(DIRECTORY_PATH, count=5)
        report = run_source(db, settings, source)
    assert report.outcome == "failed", report.message
    assert words in report.message
    assert snapshot(db) == before


def test_the_joomla_page_reads_as_the_wordpress_one():
    joomla, wordpress = fixture("member-directory-joomla.html"), fixture("member-directory.html")
    assert "<thead>" not in joomla and "&#8217;" not in joomla and "&#8217;" in wordpress
    assert read(joomla) == read(wordpress) and len(read(joomla)) == 60


def test_the_floor_is_the_one_page(tmp_path):
    notes: dict = {}
    page = fixture("member-directory-joomla.html")

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200 if request.url.path == DIRECTORY_PATH else 404, text=page)

    _, source = declare(tmp_path, "http://127.0.0.1:9")
    policy = HttpPolicy(
        user_agent="test (+https://example.test)",
        spacing_seconds=0.0,
        backoff_seconds=0.05,
        max_retries=1,
    )
    with PoliteClient(policy, transport=httpx.MockTransport(handler)) as client:
        records = list(crawl(source, client, notes=notes))
    assert (len(records), notes["listed"], notes["floor"], notes["rows"]) == (60, 60, 1, 60)


# ---- preflight against the emulator ------------------------------------------------------------


def preflight(tmp_path, register: NSPhysioEmulator) -> dict[str, tuple[bool, str]]:
    _, source = declare(tmp_path, register.base_url)
    policy = HttpPolicy(
        user_agent="test (+https://example.test)",
        spacing_seconds=0.0,
        backoff_seconds=0.05,
        max_retries=1,
    )
    with PoliteClient(policy) as client:
        checks = run_preflight(source, client)
    return {c.name.split(" at ")[0]: (c.ok, c.seen) for c in checks}


ANSWERS = "the member directory answers"
HEADERS = "a table with the 10 directory headers"
ROWS = "the directory's rows read"
NAME = "the page names the regulator Nova Scotia Regulator of Physiotherapy (if it names one)"


def test_preflight_passes_on_the_joomla_page(tmp_path, people):
    with NSPhysioEmulator(people[:80]) as register:
        checks = preflight(tmp_path, register)
    assert [r.path for r in register.requests] == ["/robots.txt", DIRECTORY_PATH]
    assert list(checks) == [ANSWERS, HEADERS, ROWS, NAME]
    assert all(ok for ok, _ in checks.values()), checks
    assert checks[HEADERS][1] == " | ".join(COLUMNS)
    assert checks[ROWS][1] == "80 rows, 0 unreadable"
    assert checks[NAME][1].startswith("Member Directory - Nova Scotia Regulator of Physiotherapy")


def test_preflight_fails_on_a_renamed_column_and_prints_the_headers(tmp_path, people):
    renamed = ["Licence No." if c == "Licence Number" else c for c in COLUMNS]
    with NSPhysioEmulator(people[:30], columns=renamed) as register:
        checks = preflight(tmp_path, register)
    assert checks[ANSWERS][0] and not checks[HEADERS][0] and not checks[ROWS][0]
    assert checks[HEADERS][1] == " | ".join(renamed) + " (missing: Licence Number)"
    assert "lacks the column(s) Licence Number" in checks[ROWS][1]


def test_preflight_fails_on_a_page_under_the_old_name_only(tmp_path, people):
    with NSPhysioEmulator(people[:30], theme="wordpress") as register:
        checks = preflight(tmp_path, register)
    assert checks[HEADERS][0] and checks[ROWS][0] and not checks[NAME][0]
    assert "Nova Scotia College of Physiotherapists" in checks[NAME][1]


def test_preflight_fails_when_the_page_does_not_answer_or_holds_no_directory(tmp_path, people):
    with NSPhysioEmulator(people[:30]) as register:
        register.fail_next(DIRECTORY_PATH, 500, count=2)  # the first attempt and the one retry
        down = preflight(tmp_path, register)
        register.columns = ["Licence Type", "Description"]
        empty = preflight(tmp_path, register)
    assert list(down) == [ANSWERS] and not down[ANSWERS][0] and "500" in down[ANSWERS][1]
    assert not empty[HEADERS][0] and not empty[ROWS][0]


def test_a_halved_directory_is_rejected_with_what_the_live_page_did(db, tmp_path, people):
    with NSPhysioEmulator(people[:100]) as register:
        settings, source = declare(tmp_path, register.base_url, shrink_note=SHRINK_NOTE)
        assert run_source(db, settings, source).outcome == "success"
        register.set_people(people[:50])
        report = run_source(db, settings, source)
    assert report.outcome == "rejected"
    assert report.message.endswith(SHRINK_NOTE)
    assert "50 records against 100" in report.message


SHRINK_NOTE = load_settings().sources["nscp"].shrink_note
