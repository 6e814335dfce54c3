"""The CPO adapter against the live register's shapes: the whole filter set, the count
wherever it sits, JavaScript-only profiles and masked numbers, and the preflight's checks."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from emulators.cpo import (
    CSV_HEADER,
    CpoEmulator,
    csv_row,
    ontario_physiotherapists,
    render_csv,
    sort_people,
)
from registry.imports.importer import run_source
from scrapers import cpo_pages
from scrapers.adapter import crawl, run_preflight
from scrapers.http import HttpPolicy, PoliteClient
from scrapers.records import LayoutChanged
from tests.cpo_register import FIXTURE_PEOPLE, make_source

POLICY = HttpPolicy(user_agent="test (+http://example.test)", spacing_seconds=0.0,
                    backoff_seconds=0.05, max_retries=1)  # fmt: skip
PROFILE = "/en-us/public-register/display-member-contact"


@pytest.fixture(scope="module")
def people():
    return ontario_physiotherapists(120, seed=11)


def test_the_export_is_asked_with_the_whole_filter_set_and_insists_on_it():
    with CpoEmulator(FIXTURE_PEOPLE) as register, PoliteClient(POLICY) as client:
        whole = client.get(cpo_pages.csv_url(register.base_url, acu=True))
        one = client.get(f"{register.base_url}{cpo_pages.CSV_PATH}?acu=True")
    sent = parse_qs(urlsplit(whole.url).query)
    assert set(sent) == {"o", "p", "docs", *cpo_pages.FILTERS} and len(cpo_pages.FILTERS) == 15
    assert sent["acu"] == ["True"] and sent["docs"] == ["0"]
    assert {sent[f][0] for f in cpo_pages.FILTERS if f != "acu"} == {"False"}
    assert [r["NAME"] for r in cpo_pages.parse_csv(whole.text())] == [
        "Côté, Anne-Marie", "Lévesque, Hélène", "Wang, Wei"
    ]  # fmt: skip
    with pytest.raises(LayoutChanged, match="answered with HTML"):
        cpo_pages.parse_csv(one.text())


@pytest.mark.parametrize(
    "markup",
    [
        '<p class="search-summary">1 - 10 of 19,305 Physiotherapists</p>',
        "<div><span>1 - 10</span> of <strong>19,305</strong>\n Physiotherapists</div>",
        "<table><caption>Results 1 – 10 of 19,305 physiotherapists</caption></table>",
    ],
)
def test_the_count_is_read_wherever_it_sits(markup):
    count = cpo_pages.parse_count(
        BeautifulSoup(f"<html><body>{markup}</body></html>", "html.parser")
    )
    assert (count.first, count.last, count.total) == (1, 10, 19305)
    assert count.text.lower().replace("–", "-") == "1 - 10 of 19,305 physiotherapists"


VARIANTS = {
    "live": {},
    "old count element": {"count_markup": "summary"},
    "any filters": {"filters": "any"},
    "javascript profiles": {"profiles": "javascript"},
    "javascript profiles, numbers on the search": {
        "profiles": "javascript",
        "search_numbers": True,
    },
    "numbers on the search": {"search_numbers": True},
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_each_variant_imports_completely(db, settings, people, variant):
    shape = VARIANTS[variant]
    with CpoEmulator(people, **shape) as register:
        source = make_source(register.base_url)
        report = run_source(db, settings.with_source(source), source)
        asked = [r.path.lower() for r in register.requests]
    assert report.outcome == "success", report.message
    assert report.counts.added == len(people) == 120
    profiles = sum(p.startswith(PROFILE) for p in asked)
    # JavaScript-only profiles give nothing: after 20 in a row the crawl stops asking.
    assert profiles == (20 if shape.get("profiles") == "javascript" else 120)
    assert len(asked) == 1 + 12 + 2 + profiles
    stored = {r["registrant_id"]: r for r in db.query("select * from registrations")}
    shown = shape.get("profiles") != "javascript" or shape.get("search_numbers")
    for p in people:
        row = stored[p.guid]
        assert (row["name"], row["status"]) == (p.listed_name, p.status)
        assert row["registration_number"] == (p.masked_number if shown else None)
    held = {r["registration_id"] for r in db.query("select registration_id from authorizations")}
    assert held == {f"cpo:{p.guid}" for p in people if p.rostered} and held


@pytest.mark.parametrize("profiles", ["data", "javascript"])
def test_look_alikes_the_search_cannot_tell_apart_are_each_imported(db, settings, profiles):
    """Rule 4 of the matching (docs/platforms/cpo.md): CSV rows that share name, clinic, postal
    code, status and city but differ otherwise; each person is imported, none merged, and the run
    says how many were."""
    people = ontario_physiotherapists(120, seed=11, ambiguous=3)
    groups: dict[tuple, list] = {}
    for p in people:
        if p.place:
            key = (p.listed_name, p.place.organization, p.place.postal_code, p.status)
            groups.setdefault(key, []).append(p)
    alike = [g for g in groups.values() if len({tuple(csv_row(p)) for p in g}) > 1]
    assert sorted(len(g) for g in alike) == [2, 2, 3]
    assert [sum(p.rostered for p in g) for g in alike] == [1, 2, 0]
    with CpoEmulator(people, profiles=profiles) as register:
        source = make_source(register.base_url)
        report = run_source(db, settings.with_source(source), source)
    assert report.outcome == "success", report.message
    assert report.counts.added == len(people) == 120
    assert "; 7 warning(s) (first: " in report.message
    stored = {r["registrant_id"]: r for r in db.query("select * from registrations")}
    assert set(stored) == {p.guid for p in people}
    held = {r["registration_id"] for r in db.query("select registration_id from authorizations")}
    for p in people:
        row = stored[p.guid]
        assert (row["name"], row["status"]) == (p.listed_name, p.status)
        group = next((g for g in alike if p in g), None)
        place = db.execute(
            "select organization, address, city, postal_code, phone from practice_locations "
            "where registration_id = ? and position = 0",
            [f"cpo:{p.guid}"],
        ).fetchone()
        if group is None:
            assert (f"cpo:{p.guid}" in held) == p.rostered
            continue
        # Only what the look-alikes share: clinic, city and postal code, no street or phone.
        assert place == (p.place.organization, None, p.place.city, p.place.postal_code, None)
        extra = db.execute(
            "select count(*) from practice_locations where registration_id = ?", [f"cpo:{p.guid}"]
        ).fetchone()[0]
        assert extra == 1
        # The roster is known when all or none are on it; else only a profile with data says.
        mixed = 0 < sum(q.rostered for q in group) < len(group)
        shown = p.rostered if not mixed or profiles == "data" else False
        assert (f"cpo:{p.guid}" in held) == shown


def test_failing_profiles_never_fail_the_run(db, settings, people):
    with CpoEmulator(people) as register:
        register.fail_next(PROFILE, 500, count=4)  # two profiles, each tried twice
        register.fail_next(PROFILE, 404)  # and a third one gone
        source = make_source(register.base_url)
        report = run_source(db, settings.with_source(source), source)
    assert report.outcome == "success", report.message
    numbers = [r["registration_number"] for r in db.query("select * from registrations")]
    assert numbers.count(None) == 3 and len(numbers) == 120


def test_floor_counts_exports_and_search_pages_only(people):
    notes: dict = {}
    with CpoEmulator(people, page_size=25) as register, PoliteClient(POLICY) as client:
        source = make_source(register.base_url, profiles=False)
        assert len(list(crawl(source, client, notes=notes))) == 120
        made = client.requests_made
    assert notes["floor"] == 2 + 5 and notes["page_size"] == 25
    assert made == 1 + notes["floor"]  # robots.txt, then nothing a complete crawl could skip


# ---------------------------------------------------------------- preflight


def preflight(register: CpoEmulator) -> tuple[dict[str, tuple[bool, str]], int]:
    with PoliteClient(POLICY) as client:
        checks = run_preflight(make_source(register.base_url), client)
    return {c.name: (c.ok, c.seen) for c in checks}, len(register.requests)


HEADER = "the CSV export has the expected header"
SUBSET = "the acupuncture filter (acu=True) returns a subset"
COUNT = "the search states its count"
AGREE = "the search count equals the CSV export's rows"
LINKS = "search rows link profiles by GUID"
PROFILE_CHECK = "a profile can be fetched (its data is optional)"


def test_preflight_passes_on_the_live_shapes(people):
    with CpoEmulator(people) as register:
        checks, requests = preflight(register)
    assert checks == {
        HEADER: (True, ", ".join(CSV_HEADER)),
        SUBSET: (True, f"{sum(p.rostered for p in people)} of 120 rows"),
        COUNT: (True, "1 - 10 of 120 Physiotherapists"),
        AGREE: (True, "search 120, CSV export 120"),
        LINKS: (True, "10 rows with profile GUIDs"),
        PROFILE_CHECK: (
            True,
            "has data: Registration Number 'XXX"
            + _first(people).registration_number[-2:]
            + "'; also Registration Status, Authorized Activities",
        ),
    }
    assert requests == 1 + 4 <= 12


def _first(people):
    return sort_people(people)[0]


def test_preflight_says_javascript_only_profiles_without_failing(people):
    with CpoEmulator(people, profiles="javascript", search_numbers=True) as register:
        checks, _ = preflight(register)
    assert all(ok for ok, _ in checks.values())
    assert checks[PROFILE_CHECK] == (
        True,
        "JavaScript-only: no data in the page as fetched (the import does not need it)",
    )
    assert checks[LINKS] == (
        True,
        "10 rows with profile GUIDs; a registration number column is shown",
    )


def test_preflight_fails_on_a_changed_csv_header(people):
    header = [h if h != "POSTAL CODE" else "POSTCODE" for h in CSV_HEADER]
    with CpoEmulator(people, csv_header=header) as register:
        checks, requests = preflight(register)
    ok, seen = checks[HEADER]
    assert not ok and seen.startswith("NAME, REGISTRATION STATUS, CLINIC NAME, ADDRESS, POSTCODE")
    assert "lacks column(s) POSTAL CODE" in seen
    assert not checks[SUBSET][0] and not checks[AGREE][0]
    assert checks[COUNT] == (True, "1 - 10 of 120 Physiotherapists")
    assert requests <= 12


def test_preflight_fails_when_the_acu_filter_is_ignored(people):
    with CpoEmulator(people) as register:
        register.fail_next(cpo_pages.CSV_PATH, 200, body=render_csv(people), count=2)
        checks, _ = preflight(register)
    assert checks[SUBSET] == (False, "120 of 120 rows")
    assert checks[HEADER][0] and checks[COUNT][0]


def test_preflight_fails_when_the_count_reads_otherwise(people):
    with CpoEmulator(people, count_markup="results") as register:
        checks, _ = preflight(register)
    assert checks[HEADER][0] and checks[SUBSET][0]
    assert checks[COUNT] == (
        False,
        "the search page states no count like '1 - 10 of 19,305 Physiotherapists'",
    )
    assert AGREE not in checks and PROFILE_CHECK not in checks
