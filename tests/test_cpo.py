"""The CPO (Ontario) adapter: parsers on recorded bytes, layout changes, imports over real HTTP."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

from emulators.cpo import (
    EXPIRED,
    INDEPENDENT,
    PROVISIONAL,
    RESIGNED,
    ROSTER,
    SUSPENDED,
    CpoEmulator,
    ontario_physiotherapists,
    render_csv,
    render_profile,
    render_profile_shell,
    render_search_page,
)
from registry.imports.importer import run_source
from scrapers import cpo_pages
from scrapers.adapter import crawl
from scrapers.http import HttpPolicy, PoliteClient
from scrapers.records import Authorization, LayoutChanged, Location, Registration
from scrapers.sources import Source
from tests.cpo_register import FIXTURE_PEOPLE, TORONTO, _guid, _p, make_source

FIXTURES = Path(__file__).parent / "fixtures" / "cpo"
NEEDLING = Authorization(ROSTER, "needling", "roster")


RENDERED = {
    "export-all.csv": lambda: render_csv(FIXTURE_PEOPLE),
    "export-acu.csv": lambda: render_csv(FIXTURE_PEOPLE, acu=True),
    "search-p1.html": lambda: render_search_page(FIXTURE_PEOPLE, 1),
    "search-p2.html": lambda: render_search_page(FIXTURE_PEOPLE, 2),
    "profile-rostered.html": lambda: render_profile(FIXTURE_PEOPLE[0]),
    "profile-suspended.html": lambda: render_profile(FIXTURE_PEOPLE[1]),
}


def write_fixtures() -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for name, render in RENDERED.items():
        (FIXTURES / name).write_bytes(render())


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_bytes().decode("utf-8").removeprefix("\ufeff")


def test_fixtures_are_the_emulators_bytes():
    for name, render in RENDERED.items():
        assert (FIXTURES / name).read_bytes() == render(), f"{name}: run python {__file__}"
    raw = (FIXTURES / "export-all.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\r\n") == 13


# ---------------------------------------------------------------- parsers on recorded bytes


def test_parse_csv_whole_rows():
    rows = cpo_pages.parse_csv(fixture_text("export-all.csv"))
    assert len(rows) == 12
    assert [r["NAME"] for r in rows[:4]] == [
        "Ahmed, Fatima",
        "Côté, Anne-Marie",
        "D'Souza, Kwame",
        "Lévesque, Hélène",
    ]
    assert rows[1] == {
        "NAME": "Côté, Anne-Marie",
        "REGISTRATION STATUS": "Independent Practice",
        "CLINIC NAME": "Annex Physiotherapy",
        "ADDRESS": "120 Bloor Street West, Suite 210",
        "POSTAL CODE": "M5S 1R8",
        "CITY": "Toronto",
        "PHONE": "416-555-0142",
        "ADDITIONAL PRACTICE LOCATIONS": "Glebe Physiotherapy, 800 Bank Street, Ottawa, ON K1S 3W1",
    }
    assert rows[5] == {
        "NAME": "Nguyen, Thi",
        "REGISTRATION STATUS": "Resigned",
        "CLINIC NAME": "",
        "ADDRESS": "",
        "POSTAL CODE": "",
        "CITY": "",
        "PHONE": "",
        "ADDITIONAL PRACTICE LOCATIONS": "",
    }
    roster = cpo_pages.parse_csv(fixture_text("export-acu.csv"))
    assert [r["NAME"] for r in roster] == ["Côté, Anne-Marie", "Lévesque, Hélène", "Wang, Wei"]
    assert roster[2]["REGISTRATION STATUS"] == "Independent Practice"


def test_parse_search_pages():
    first = cpo_pages.parse_search_page(fixture_text("search-p1.html"))
    assert first.count == cpo_pages.Count(1, 10, 12, "1 - 10 of 12 Physiotherapists")
    assert len(first.rows) == 10
    assert first.rows[:2] == [
        cpo_pages.SearchRow(_guid(11), "Ahmed, Fatima", PROVISIONAL, "Riverside Physiotherapy",
                            "Windsor", "N9A 1C5"),
        cpo_pages.SearchRow(_guid(1), "Côté, Anne-Marie", INDEPENDENT, "Annex Physiotherapy",
                            "Toronto", "M5S 1R8"),
    ]  # fmt: skip
    second = cpo_pages.parse_search_page(fixture_text("search-p2.html"))
    assert second.count == cpo_pages.Count(11, 12, 12, "11 - 12 of 12 Physiotherapists")
    assert [(r.guid, r.status) for r in second.rows] == [
        (_guid(7), INDEPENDENT),
        (_guid(8), EXPIRED),
    ]


def test_parse_profiles():
    assert cpo_pages.parse_profile(fixture_text("profile-rostered.html")) == {
        "Registration Number": "XXX07",
        "Registration Status": "Independent Practice",
        "Authorized Activities": "Acupuncture (including dry needling)",
    }
    assert cpo_pages.parse_profile(fixture_text("profile-suspended.html")) == {
        "Registration Number": "XXX14",
        "Registration Status": "Suspended",
        "Authorized Activities": "",
    }
    # The portal fills profiles with JavaScript: a shell is an empty profile, not an error.
    assert cpo_pages.parse_profile(render_profile_shell(FIXTURE_PEOPLE[0]).decode()) == {}


def test_additional_locations_and_statuses():
    cell = (
        "Glebe Physiotherapy, 800 Bank Street, Suite 2, Ottawa, ON K1S 3W1 | "
        "12 Main Street, Kingston, ON k7l1a1"
    )
    assert cpo_pages.parse_additional_locations(cell) == [
        Location("Glebe Physiotherapy", "800 Bank Street, Suite 2", "Ottawa", "ON", "K1S 3W1"),
        Location(None, "12 Main Street", "Kingston", "ON", "K7L 1A1"),
    ]
    assert cpo_pages.parse_additional_locations("") == []
    with pytest.raises(LayoutChanged, match="additional practice location does not parse"):
        cpo_pages.parse_additional_locations("Glebe Physiotherapy (Ottawa)")
    assert [
        cpo_pages.classify_status(s)
        for s in (INDEPENDENT, PROVISIONAL, SUSPENDED, RESIGNED, EXPIRED, "Revoked", "Retired", "?")
    ] == [
        "practising",
        "practising",
        "suspended",
        "cancelled",
        "cancelled",
        "cancelled",
        "non_practising",
        "unknown",
    ]


def test_matching_rule_pairs_look_alikes_and_reports_the_rest():
    rows = cpo_pages.parse_csv(fixture_text("export-all.csv"))
    search = [
        *cpo_pages.parse_search_page(fixture_text("search-p1.html")).rows,
        *cpo_pages.parse_search_page(fixture_text("search-p2.html")).rows,
    ]
    pairs, ambiguous, failed, stray = cpo_pages.match_rows(rows, search)
    assert failed == [] and stray == [] and ambiguous == []
    by_guid = {s.guid: r for r, s in pairs}
    assert len(by_guid) == 12
    for p in FIXTURE_PEOPLE:  # the Wang twins by status, the identical Nguyen twins in order
        assert by_guid[p.guid]["NAME"] == p.listed_name
        assert by_guid[p.guid]["REGISTRATION STATUS"] == p.status
    # A row nobody in the search lists: an error, and so is the search row it leaves over.
    odd = dict(rows[0], NAME="Ahmed, Fatma")
    pairs, ambiguous, failed, stray = cpo_pages.match_rows([odd, *rows[1:]], search)
    assert [(r["NAME"], why) for r, why in failed] == [
        ("Ahmed, Fatma", "matches no search row (name + clinic + postal code)")
    ]
    assert [s.guid for s in stray] == [_guid(11)] and ambiguous == []
    # Twins that differ (here in phone) but that nothing on the search tells apart: each search
    # row is its own registrant, with only what both CSV rows say.
    phones = [dict(r) for r in rows]
    twins = [r for r in phones if r["NAME"] == "Nguyen, Thi"]
    twins[0]["PHONE"] = "416-555-0100"
    pairs, ambiguous, failed, stray = cpo_pages.match_rows(phones, search)
    assert failed == [] and stray == [] and len(pairs) == 10
    assert sorted(a.search.guid for a in ambiguous) == [_guid(3), _guid(4)]
    for a in ambiguous:
        assert a.rows == tuple(twins)
        assert a.known == dict(twins[1], PHONE="")
    # Unequal numbers of twins in the CSV and on the search: the register changed, an error.
    pairs, ambiguous, failed, stray = cpo_pages.match_rows(
        [*phones, dict(twins[0], PHONE="")], search
    )
    assert [(r["NAME"], why) for r, why in failed] == [
        ("Nguyen, Thi", "matches 2 search rows on name + clinic + postal code")
    ] * 3
    assert ambiguous == [] and stray == [] and len(pairs) == 10


def test_look_alikes_identical_within_status_and_city_are_paired_not_ambiguous():
    """Four former registrants of one name and no location: two Resigned, two Expired, each pair
    identical; rule 3 within each status pairs them, with nothing flagged."""
    rows = [
        dict(
            zip(
                cpo_pages.CSV_COLUMNS, ["Singh, Zofia", status, "", "", "", "", "", ""], strict=True
            )
        )
        for status in (RESIGNED, RESIGNED, EXPIRED, EXPIRED)
    ]
    search = [
        cpo_pages.SearchRow(_guid(n), "Singh, Zofia", status, "", "", "")
        for n, status in enumerate((EXPIRED, RESIGNED, EXPIRED, RESIGNED))
    ]
    pairs, ambiguous, failed, stray = cpo_pages.match_rows(rows, search)
    assert (ambiguous, failed, stray) == ([], [], [])
    assert sorted((s.guid, r["REGISTRATION STATUS"]) for r, s in pairs) == [
        (_guid(n), status) for n, status in enumerate((EXPIRED, RESIGNED, EXPIRED, RESIGNED))
    ]


# ---------------------------------------------------------------- layout changes


def test_layout_changes_are_reported_clearly():
    csv_text = fixture_text("export-all.csv")
    with pytest.raises(LayoutChanged, match=r"lacks column\(s\) POSTAL CODE"):
        cpo_pages.parse_csv(csv_text.replace('"POSTAL CODE"', '"POSTCODE"'))
    with pytest.raises(LayoutChanged, match="answered with HTML"):
        cpo_pages.parse_csv("<!DOCTYPE html><html>Sign in</html>")
    with pytest.raises(LayoutChanged, match="empty"):
        cpo_pages.parse_csv("")
    page = fixture_text("search-p1.html")
    with pytest.raises(LayoutChanged, match="no search table has the columns"):
        cpo_pages.parse_search_page(page.replace("<th>Name</th>", "<th>Full name</th>"))
    seen = r"tables seen: Name \| Registration Status \| Clinic Name \| City \| Postcode$"
    with pytest.raises(LayoutChanged, match=seen):
        cpo_pages.parse_search_page(page.replace("<th>Postal Code</th>", "<th>Postcode</th>"))
    with pytest.raises(LayoutChanged, match="no GUID id"):
        cpo_pages.parse_search_page(page.replace("?id=", "?contact="))
    with pytest.raises(LayoutChanged, match="states no count like '1 - 10 of 19,305"):
        cpo_pages.parse_search_page(page.replace("Physiotherapists", "results"))


# ---------------------------------------------------------------- over real HTTP


POLICY = HttpPolicy(user_agent="test (+http://example.test)", spacing_seconds=0.0,
                    backoff_seconds=0.05, max_retries=1)  # fmt: skip


def crawl_all(source: Source) -> tuple[list[Registration], list[dict]]:
    errors: list[dict] = []
    with PoliteClient(POLICY) as client:
        return list(crawl(source, client, errors=errors)), errors


def test_crawl_yields_whole_records():
    with CpoEmulator(FIXTURE_PEOPLE) as register:
        records, errors = crawl_all(make_source(register.base_url))
        base = register.base_url
    assert errors == []
    by_id = {r.registrant_id: r for r in records}
    assert len(by_id) == 12
    cote = by_id[_guid(1)]
    assert set(cote.evidence) == {"listing", "search", "roster", "detail"}
    assert cote.evidence["detail"].url.endswith(f"/display-member-contact/?id={_guid(1)}")
    assert replace(cote, evidence={}) == Registration(
        regulator="cpo",
        registrant_id=_guid(1),
        registration_number="XXX07",
        name="Côté, Anne-Marie",
        family_name="Côté",
        given_names="Anne-Marie",
        category=None,
        status="Independent Practice",
        status_class="practising",
        conditions=[],
        profile_url=f"{base}/en-US/public-register/display-member-contact/?id={_guid(1)}",
        authorizations=[NEEDLING],
        locations=[
            Location("Annex Physiotherapy", "120 Bloor Street West, Suite 210", "Toronto", "ON",
                     "M5S 1R8", "416-555-0142"),
            Location("Glebe Physiotherapy", "800 Bank Street", "Ottawa", "ON", "K1S 3W1", None),
        ],
    )  # fmt: skip
    assert replace(by_id[_guid(3)], evidence={}) == Registration(
        regulator="cpo",
        registrant_id=_guid(3),
        registration_number="XXX21",
        name="Nguyen, Thi",
        family_name="Nguyen",
        given_names="Thi",
        category=None,
        status="Resigned",
        status_class="cancelled",
        profile_url=f"{base}/en-US/public-register/display-member-contact/?id={_guid(3)}",
    )
    wangs = {
        r.registrant_id: (r.status, r.authorizations) for r in records if r.name == "Wang, Wei"
    }
    assert wangs == {_guid(7): (INDEPENDENT, [NEEDLING]), _guid(8): (EXPIRED, [])}


def test_profiles_can_be_skipped():
    with CpoEmulator(FIXTURE_PEOPLE) as register:
        records, errors = crawl_all(make_source(register.base_url, profiles=False))
    assert errors == [] and len(records) == 12
    assert not [r for r in register.requests if "display-member-contact" in r.path]
    assert {r.registration_number for r in records} == {None}
    assert sum(bool(r.authorizations) for r in records) == 3
    assert len(register.requests) == 1 + 2 + 2  # robots.txt, two search pages, two exports


def test_profile_disagreeing_with_the_roster_is_noted_not_fatal():
    people = [replace(p) for p in FIXTURE_PEOPLE]
    notes: dict = {}
    with CpoEmulator(people) as register:
        register.fail_next(
            "/en-us/public-register/display-member-contact",
            200,
            body=render_profile(replace(people[10], rostered=True)),
        )
        source = make_source(register.base_url)
        with PoliteClient(POLICY) as client:
            records = list(crawl(source, client, errors=(errors := []), notes=notes))
    assert errors == [] and len(records) == 12
    url = f"{register.base_url}/en-US/public-register/display-member-contact/?id={_guid(11)}"
    assert notes["profile disagreements"] == [
        {
            "url": url,
            "problem": "the profile lists 'Acupuncture (including dry needling)' but the roster "
            "export does not",
        }
    ]
    assert notes["profiles"]["with data"] == 12
    ahmed = next(r for r in records if r.registrant_id == _guid(11))
    assert ahmed.authorizations == []  # the roster export decides


def test_a_register_changing_while_paged_is_an_error():
    grown = [*FIXTURE_PEOPLE, _p(13, "Zhang", "Mei", INDEPENDENT, TORONTO)]
    with CpoEmulator(FIXTURE_PEOPLE) as register:
        first = render_search_page(FIXTURE_PEOPLE, 1, profile_base=register.base_url)
        second = render_search_page(grown, 2, profile_base=register.base_url)
        register.fail_next("/PublicRegister/ContactSearch", 200, body=first)
        register.fail_next("/PublicRegister/ContactSearch", 200, body=second)
        records, errors = crawl_all(make_source(register.base_url, profiles=False))
    assert errors[0]["error"] == (
        "the search pages listed 13 different people where the first page reported 12 results "
        "and the last 13: the register changed while it was being paged"
    )
    assert len(records) == 12


def snapshot(db) -> dict:
    tables = ["registrations", "authorizations", "practice_locations", "directory"]
    return {t: [dict(r) for r in db.query(f"select * from {t} order by 1, 2")] for t in tables}


@pytest.fixture(scope="module")
def people():
    return ontario_physiotherapists(400, seed=7)


def test_full_import_finds_everyone_with_their_roster(db, settings, people):
    with CpoEmulator(people) as register:
        source = make_source(register.base_url)
        report = run_source(db, settings.with_source(source), source)
    assert report.outcome == "success", report.message
    assert report.counts.records_seen == len(people) == report.counts.added == 400
    assert report.requests == len(register.requests) == 1 + 40 + 2 + 400
    stored = {r["registrant_id"]: r for r in db.query("select * from registrations")}
    assert set(stored) == {p.guid for p in people}
    held = {
        r["registration_id"]: r["wording"]
        for r in db.query("select registration_id, wording from authorizations")
    }
    assert held == {f"cpo:{p.guid}": ROSTER for p in people if p.rostered}
    assert sum(p.rostered and p.place and p.place.city == "Toronto" for p in people) >= 5
    for p in people:
        row = stored[p.guid]
        assert (row["name"], row["status"]) == (p.listed_name, p.status)
        assert row["registration_number"] == p.masked_number
        cities = [
            r["city"]
            for r in db.query(
                "select city from practice_locations where registration_id = ? order by position",
                [f"cpo:{p.guid}"],
            )
        ]
        assert cities == [q.city for q in [p.place, *p.additional] if q]


def test_a_csv_row_without_a_search_row_fails_the_run(db, settings, people):
    crowd = people[:40]
    extra = _p(99, "Zhang", "Mei", INDEPENDENT, TORONTO)
    with CpoEmulator(crowd) as register:
        register.fail_next(
            "/PublicRegister/ContactSearchCsv", 200, body=render_csv([*crowd, extra])
        )
        source = make_source(register.base_url, profiles=False)
        report = run_source(db, settings.with_source(source), source)
    assert report.outcome == "failed"
    assert "'Zhang, Mei' matches no search row" in report.message
    assert db["registrations"].count == 0


def test_a_500_fails_the_run_and_changes_nothing(db, settings, people):
    crowd = people[:40]
    with CpoEmulator(crowd) as register:
        source = make_source(register.base_url, profiles=False)
        assert run_source(db, settings.with_source(source), source).outcome == "success"
        before = snapshot(db)
        register.set_people(crowd[:30])
        register.fail_next("/PublicRegister/ContactSearch", 500, count=5)
        report = run_source(db, settings.with_source(source), source)
    assert report.outcome == "failed" and "500" in report.message
    assert snapshot(db) == before


def test_ignored_roster_filter_fails_the_run(db, settings, people):
    crowd = people[:40]
    with CpoEmulator(crowd) as register:
        register.fail_next("/PublicRegister/ContactSearchCsv", 200, body=render_csv(crowd), count=2)
        source = make_source(register.base_url, profiles=False)
        report = run_source(db, settings.with_source(source), source)
    assert report.outcome == "failed" and "acu filter is being ignored" in report.message


def test_robots_disallow_fails_the_run_and_changes_nothing(db, settings, people):
    with CpoEmulator(people[:30]) as register:
        source = make_source(register.base_url, profiles=False)
        assert run_source(db, settings.with_source(source), source).outcome == "success"
    before = snapshot(db)
    robots = "User-agent: *\nDisallow: /PublicRegister/\n"
    with CpoEmulator(people[:30], robots_txt=robots) as register:
        source = make_source(register.base_url)
        report = run_source(db, settings.with_source(source), source)
    assert report.outcome == "failed" and "robots" in report.message.lower()
    assert [r.path for r in register.requests] == ["/robots.txt"]
    assert snapshot(db) == before


def test_population_is_deterministic_and_ontarian():
    a, b = ontario_physiotherapists(400, seed=3), ontario_physiotherapists(400, seed=3)
    assert [(p.guid, p.listed_name, p.status) for p in a] == [
        (p.guid, p.listed_name, p.status) for p in b
    ]
    prefixes = {"Toronto": "M", "Ottawa": "K1K2", "Mississauga": "L4L5", "Hamilton": "L8L9",
                "London": "N5N6", "Kingston": "K7", "Sudbury": "P3", "Thunder Bay": "P7",
                "Windsor": "N8N9"}  # fmt: skip
    places = [q for p in a for q in [p.place, *p.additional] if q]
    for q in places:
        allowed = prefixes[q.city]
        assert any(q.postal_code.startswith(allowed[i : i + 2]) for i in range(0, len(allowed), 2))
        assert q.phone is None or q.phone[4:10] == "555-01"
    assert sum(p.place is not None and p.place.city == "Toronto" for p in a) >= 40
    assert {p.status for p in a} == {INDEPENDENT, PROVISIONAL, SUSPENDED, RESIGNED, EXPIRED}
    assert any("'" in p.family_name for p in a) and any("-" in p.given_names for p in a)


if __name__ == "__main__":
    write_fixtures()
    sys.exit(0)
