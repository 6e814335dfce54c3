"""BC physicians' directory (CPSBC, a Drupal AJAX form): parsers on the emulator's bytes, imports
over HTTP through the emulator and its recorded variants, and the preflight."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from urllib.parse import parse_qs

import pytest
from starlette.testclient import TestClient

from emulators.drupal_cpsbc import (
    FORM_PATH,
    OUTDATED,
    SEARCH_PATH,
    Address,
    CpsbcEmulator,
    Physician,
    bc_physicians,
    commands,
    render_card,
    render_page,
    render_results,
)
from registry.imports.demo import as_sample
from registry.imports.importer import run_source
from registry.web.app import create_app
from scrapers import drupal_cpsbc_pages as pages
from scrapers.adapter import crawl, run_preflight
from scrapers.drupal_cpsbc import ADAPTER
from scrapers.http import HttpPolicy, PoliteClient
from scrapers.records import Authorization, Evidence, LayoutChanged, Location, Registration
from scrapers.sources import load_settings
from scrapers.standing import CPSBC
from tests.runs import snapshot

BASE = "https://www.cpsbc.ca"
EVIDENCE = Evidence(BASE + SEARCH_PATH, "2026-12-05T10:00:00Z", "ab" * 32, "POST")
TPI = Authorization(
    "Trigger point injection (within the practice of medicine)",
    "trigger_point_injection",
    "scope_of_practice",
)
POLICY = HttpPolicy(
    user_agent="test (+https://example.test)",
    spacing_seconds=0.0,
    backoff_seconds=0.05,
    max_retries=1,
)

DOCTOR = Physician(
    "401234",
    "Del Rosario-Côté",
    "Ana M",
    "J1234",
    "Practising",
    "Full",
    "Specialty practice - physical medicine and rehabilitation",
    [
        Address(
            "Surrey Pain Clinic", "#210, 1500 Fraser Highway", "Surrey", "V3T 1A1", "604-555-0101"
        ),
        Address(None, "99 Oak Street", "Vancouver", "V6H 2B2", None),
    ],
)


def source(base: str, **options):
    sample = as_sample(load_settings().sources["cpsbc"], base)
    return replace(sample, backoff_seconds=0.05, options={**sample.options, **options})


# Tests of the session's mechanics search only the pairs of these letters (25 texts, not 676).
VOWELS = "aeiou"


def with_vowel_pairs(people) -> set[str]:
    """The ids a crawl over the vowel pairs finds (names are folded: no accents)."""
    pairs = [a + b for a in VOWELS for b in VOWELS]
    return {p.cpsbc_id for p in people if any(t in p.family_name.casefold() for t in pairs)}


@pytest.fixture(scope="module")
def people():
    return bc_physicians(300)


# ---- parsers on bytes --------------------------------------------------------------------------


def test_a_card_reads_as_a_whole_record():
    reply = pages.parse_reply(commands(render_results([DOCTOR], 1, 1, 1)).decode())
    assert (reply.count, reply.build_id, reply.messages) == (1, None, [])
    (card,) = reply.cards
    record = pages.registration(card, "cpsbc", BASE, EVIDENCE)
    assert record == Registration(
        regulator="cpsbc",
        registrant_id="401234",
        registration_number="J1234",
        name="Del Rosario-Côté, Ana M",
        family_name="Del Rosario-Côté",
        given_names="Ana M",
        category="Full",
        status="Practising",
        status_class="practising",
        profile_url=f"{BASE}/public/registrant-directory/search-result/401234/"
        "Del%20Rosario-C%C3%B4t%C3%A9%2CAna%20M",
        authorizations=[],  # by scope: the crawl adds them
        locations=[
            Location(
                "Surrey Pain Clinic",
                "#210, 1500 Fraser Highway",
                "Surrey",
                "BC",
                "V3T 1A1",
                "604-555-0101",
            ),
            Location(None, "99 Oak Street", "Vancouver", "BC", "V6H 2B2"),
        ],
        evidence={"listing": EVIDENCE},
    )


def test_a_card_without_msp_or_address_has_neither():
    trainee = replace(
        DOCTOR, msp_number=None, status="In training", licence_class="Educational", addresses=[]
    )
    (card,) = pages.parse_reply(commands(render_results([trainee], 1, 1, 1)).decode()).cards
    record = pages.registration(card, "cpsbc", BASE, EVIDENCE)
    assert (record.registration_number, record.locations, record.status_class) == (
        None,
        [],
        "non_practising",
    )


def test_the_form_gives_its_fields_and_build_id_and_the_site_search_is_not_it():
    fields = pages.form_fields(render_page("form-abc").decode())
    assert fields["form_build_id"] == "form-abc" and fields["form_id"] == "cpsbc_directory_form"
    assert (fields["PracticeTypeSearch"], fields["status"], fields["gender"]) == ("A", "A", "")
    assert "keys" not in fields and "op" not in fields


def test_a_page_without_the_form_is_a_layout_change():
    with pytest.raises(LayoutChanged, match="no form 'cpsbc_directory_form'"):
        pages.form_fields("<html><form><input name='form_id' value='other'></form></html>")


def test_an_error_page_instead_of_commands_is_a_layout_change():
    with pytest.raises(LayoutChanged, match="not Drupal AJAX commands \\('Error'\\)"):
        pages.parse_reply("<html><head><title>Error</title></head></html>")
    with pytest.raises(LayoutChanged, match="no insert command"):
        pages.parse_reply(json.dumps([{"command": "settings", "settings": {}}]))


def test_the_build_id_update_and_a_refusal_are_read():
    reply = pages.parse_reply(
        commands(
            '<div class="messages messages--error">' + OUTDATED + "</div>", "form-new", "o"
        ).decode()
    )
    assert (reply.build_id, reply.cards, reply.count) == ("form-new", [], None)
    assert reply.messages == [OUTDATED]


@pytest.mark.parametrize(
    "status, expected",
    [
        ("Practising", "practising"),
        ("Not practising in BC", "non_practising"),
        ("Not licensed for independent practice", "non_practising"),
        ("In training", "non_practising"),
        ("Temporarily inactive", "non_practising"),
        ("Professionally inactive", "non_practising"),
        ("Resigned", "cancelled"),
        ("Cancelled", "cancelled"),
        ("Deceased", "cancelled"),
        ("Suspended", "suspended"),
        (None, "unknown"),
    ],
)
def test_licence_statuses_are_classified(status, expected):
    assert CPSBC.classify(status) == expected


def test_the_card_text_is_escaped_in_the_emulator_and_read_back_plain():
    odd = replace(DOCTOR, family_name="O'Brien <b>", addresses=[])
    assert "<b>" not in render_card(odd)
    (card,) = pages.parse_reply(commands(render_results([odd], 1, 1, 1)).decode()).cards
    assert card.name == "O'Brien <b>, Ana M"


# ---- imports over HTTP -------------------------------------------------------------------------


def run(db, settings, src):
    return run_source(db, settings.with_source(src), src)


def test_full_import_finds_everyone_once_with_the_scope(db, settings, people, tmp_path):
    with CpsbcEmulator(people) as register:
        report = run(db, settings, source(register.base_url))
    assert report.outcome == "success", report.message
    assert report.counts.records_seen == report.counts.added == len(people)
    stored = {r["registrant_id"]: r for r in db.query("select * from registrations")}
    assert set(stored) == {p.cpsbc_id for p in people}
    for p in people:
        row = stored[p.cpsbc_id]
        assert (row["name"], row["registration_number"], row["status"]) == (
            p.listed_name,
            p.msp_number,
            p.status,
        )
    kinds = {
        (r["kind"], r["mechanism"]) for r in db.query("select kind, mechanism from authorizations")
    }
    assert kinds == {("trigger_point_injection", "scope_of_practice")}
    assert db.table("authorizations").count == len(people)
    cities = {r["city"] for r in db.query("select city from practice_locations")}
    assert {"Vancouver", "Surrey", "Victoria", "Kelowna"} <= cities
    searches = [r for r in register.requests if r.method == "POST"]
    texts = {parse_qs(r.body.decode())["ps_last_name"][0] for r in searches}
    assert len(texts) == 676 and all(len(t) == 2 for t in texts)
    assert [r.path for r in register.requests[:2]] == ["/robots.txt", FORM_PATH]
    # A patient asking for trigger point injections in Vancouver finds physicians, and only them.
    with TestClient(create_app(tmp_path / "registry.db")) as client:
        found = client.get(
            "/api/search", params={"city": "Vancouver", "kind": "trigger_point_injection"}
        )
        other = client.get("/api/search", params={"city": "Vancouver", "kind": "dry_needling"})
    assert found.status_code == 200, found.text
    regulators = {r["regulator"]["id"] for r in found.json()["results"]}
    assert found.json()["count"] > 0 and regulators == {"cpsbc"}
    assert other.status_code == 200 and other.json()["count"] == 0


def test_a_search_without_the_session_cookie_fails_the_run_and_changes_nothing(
    db, settings, people
):
    with CpsbcEmulator(people[:40]) as register:
        assert run(db, settings, source(register.base_url)).outcome == "success"
        before = snapshot(db)
        register.set_cookie = False
        register.expire_forms()
        report = run(db, settings, source(register.base_url))
    assert report.outcome == "failed"
    assert "not Drupal AJAX commands" in report.message
    assert snapshot(db) == before


def test_an_outdated_form_build_id_is_refreshed_once(people):
    with CpsbcEmulator(people, build_id_uses=10) as register:
        records, notes = crawl_all(register, alphabet=VOWELS)
    assert {r.registrant_id for r in records} == with_vowel_pairs(people)
    forms = [r for r in register.requests if r.path == FORM_PATH]
    assert notes["forms"] == len(forms) == 1 + notes["pages"] // 10 and notes["pages"] > 10


def test_the_build_id_drupal_rotates_is_followed_without_reloading_the_form(people):
    with CpsbcEmulator(people, rotate_build_id=True) as register:
        records, notes = crawl_all(register, alphabet=VOWELS)
    assert {r.registrant_id for r in records} == with_vowel_pairs(people)
    assert notes["forms"] == 1
    assert len([r for r in register.requests if r.path == FORM_PATH]) == 1


def test_single_use_build_ids_cost_a_form_reload_each_and_the_crawl_completes(people):
    with CpsbcEmulator(people, build_id_uses=1) as register:
        records, notes = crawl_all(register, alphabet=VOWELS)
    assert {r.registrant_id for r in records} == with_vowel_pairs(people)
    assert notes["forms"] == notes["pages"]


def crawl_all(register, **options) -> tuple[list[Registration], dict]:
    notes: dict = {}
    errors: list[dict] = []
    src = source(register.base_url, **options)
    with PoliteClient(POLICY) as client:
        records = list(crawl(src, client, errors=errors, notes=notes))
    assert errors == []
    return records, notes


def test_a_capped_reply_is_drilled_to_three_letters(people):
    people = people[:150]
    # A cap above the most people sharing one last name: longer texts tell them apart; both
    # "el" and "le" are capped, and drilling each gives "ele".
    cap = max(Counter(p.family_name for p in people).values()) + 2
    with CpsbcEmulator(people, cap=cap) as register:
        records, notes = crawl_all(register)
    assert {r.registrant_id for r in records} == {p.cpsbc_id for p in people}
    assert notes["drilled"] and all(len(t) == 2 for t in notes["drilled"])
    asked = [parse_qs(r.body.decode()) for r in register.requests if r.method == "POST"]
    firsts = [q["ps_last_name"][0] for q in asked if q["pagination_info"] == ["1"]]
    assert len(firsts) == len(set(firsts)) == notes["searches"]  # no text asked twice
    assert notes["warnings"] and "capped" in notes["warnings"][0]["warning"]


def test_every_record_carries_trigger_point_injections_by_scope(people):
    with CpsbcEmulator(people[:30]) as register:
        records, notes = crawl_all(register)
    assert all(r.authorizations == [TPI] for r in records)
    assert notes["floor"] == 1 + notes["least_pages"] and notes["searches"] == 676


@pytest.mark.parametrize("fault", ["server_error", "robots"])
def test_a_bad_run_fails_and_changes_nothing(db, settings, people, fault):
    with CpsbcEmulator(people[:40]) as register:
        assert run(db, settings, source(register.base_url)).outcome == "success"
        before = snapshot(db)
        if fault == "server_error":
            register.fail_next(SEARCH_PATH, 500, count=10)
        else:
            register.robots_txt = "User-agent: *\nDisallow: /public/\n"
        report = run(db, settings, source(register.base_url))
    assert report.outcome == "failed", report.message
    assert snapshot(db) == before


def test_the_floor_before_a_run_is_the_form_and_every_two_letter_text():
    from scrapers.adapter import Crawl

    with PoliteClient(POLICY) as client:
        state = Crawl(source("https://www.cpsbc.ca"), client)
        assert ADAPTER.floor(state, 300) == 677
        assert ADAPTER.floor(state, 20_000) == 1001


# ---- preflight ---------------------------------------------------------------------------------


def preflight(register) -> dict[str, tuple[bool, str]]:
    with PoliteClient(POLICY) as client:
        checks = run_preflight(source(register.base_url), client)
    return {c.name: (c.ok, c.seen) for c in checks}


FORM = "the form page gives a form_build_id and a ps_last_name field"
SEARCH = "a two-letter search ('ma') answers with cards and a count"
SUBSTRING = "the last name matches as a substring (names not starting with the text)"
SHORT = "a one-letter search ('m') is refused"
PROFILE = "one profile loads and names the physician"


def test_preflight_passes_on_the_emulator(people):
    with CpsbcEmulator(people) as register:
        checks = preflight(register)
    assert list(checks) == [FORM, SEARCH, SUBSTRING, SHORT, PROFILE]
    assert all(ok for ok, _ in checks.values()), checks
    assert checks[SHORT][1] == "Last name must be at least 2 characters."
    assert "Licence status" in checks[SEARCH][1] and checks[SUBSTRING][1]


def test_preflight_fails_on_prefix_matching_and_on_one_letter_searches(people):
    with CpsbcEmulator(people, match="prefix", min_chars=1) as register:
        checks = preflight(register)
    assert checks[FORM][0] and checks[SEARCH][0] and checks[PROFILE][0]
    assert not checks[SUBSTRING][0] and checks[SUBSTRING][1] == "every name starts with it"
    assert not checks[SHORT][0]


def test_preflight_fails_without_the_session_cookie(people):
    with CpsbcEmulator(people, set_cookie=False) as register:
        checks = preflight(register)
    assert checks[FORM][0] and not checks[SEARCH][0]
    assert "not Drupal AJAX commands" in checks[SEARCH][1]


def test_the_options_table_is_the_code_s():
    import re
    from pathlib import Path

    from scrapers.drupal_cpsbc import DEFAULT_OPTIONS

    doc = (Path(__file__).parent.parent / "docs/platforms/drupal_cpsbc.md").read_text("utf-8")
    table = doc.split("| option | default | meaning |", 1)[1].split("\n\n", 1)[0]
    documented = dict(re.findall(r"^\| `([a-z_]+)` \| ([^|]+) \|", table, flags=re.M))
    assert sorted(documented) == sorted(DEFAULT_OPTIONS)
    for name, value in DEFAULT_OPTIONS.items():
        assert documented[name].strip() == f"`{value}`", name


def test_a_register_refusing_two_letters_fails_the_run_with_its_message(db, settings, people):
    with CpsbcEmulator(people[:40], min_chars=3) as register:
        report = run(db, settings, source(register.base_url))
    assert report.outcome == "failed"
    assert (
        "the register refused the search 'aa': Last name must be at least 3 characters."
        in report.message
    )


@pytest.mark.parametrize("fault", ["429", "reset"])
def test_a_throttled_or_reset_search_is_retried_and_the_crawl_completes(people, fault):
    with CpsbcEmulator(people) as register:
        if fault == "429":
            register.fail_next(SEARCH_PATH, 429, headers={"Retry-After": "0"})
        else:
            register.reset_next(SEARCH_PATH)
        records, _ = crawl_all(register, alphabet=VOWELS)
    assert {r.registrant_id for r in records} == with_vowel_pairs(people)
    assert (429 in register.statuses) == (fault == "429")


def test_a_form_refused_as_outdated_twice_fails_the_listing():
    import httpx

    from scrapers.adapter import Crawl
    from scrapers.drupal_cpsbc import Session

    outdated = commands(f'<div class="messages messages--error">{OUTDATED}</div>')

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == FORM_PATH:
            return httpx.Response(200, content=render_page("form-x"))
        if request.url.path == SEARCH_PATH:
            return httpx.Response(200, content=outdated)
        return httpx.Response(404)

    with PoliteClient(POLICY, transport=httpx.MockTransport(handler)) as client:
        session = Session(Crawl(source("http://127.0.0.1:9"), client))
        with pytest.raises(LayoutChanged, match="kept refusing the form as outdated"):
            session.search("ab", 1)
        assert session.opened == 2


def test_a_result_item_without_a_profile_link_is_nobody():
    decoy = '<div class="result-item"><a href="/about">About the directory</a></div>'
    body = render_results([DOCTOR], 1, 1, 1).replace("</p>", "</p>" + decoy, 1)
    reply = pages.parse_reply(commands(body).decode())
    assert [c.cpsbc_id for c in reply.cards] == ["401234"]


def test_a_reply_with_cards_but_no_count_fails_the_run(db, settings, people):
    with CpsbcEmulator(people[:40]) as register:
        body = commands(render_results(people[:1], 1, 1, 1).replace("text-mid-blue", "x"))
        register.fail_next(
            SEARCH_PATH, 200, body=body, headers={"Content-Type": "application/json"}
        )
        report = run(db, settings, source(register.base_url))
    assert report.outcome == "failed"
    assert "lists cards but prints no count" in report.message


def test_the_population_is_stable_and_shaped_like_the_directory():
    people = bc_physicians(300)
    assert people == bc_physicians(300) and len({p.cpsbc_id for p in people}) == 300
    statuses = Counter(p.status for p in people)
    assert 170 <= statuses["Practising"] <= 200 and len(statuses) == 9
    assert all(p.msp_number is None for p in people if p.status == "In training")
    assert all(not p.addresses for p in people if p.status != "Practising")
    cities = Counter(a.city for p in people for a in p.addresses)
    assert [c for c, _ in cities.most_common(1)] == ["Vancouver"]
    assert {"Surrey", "Victoria", "Kelowna"} <= set(cities)


def test_an_expired_form_cache_costs_one_form_reload(people):
    from scrapers.adapter import Crawl
    from scrapers.drupal_cpsbc import Session

    with CpsbcEmulator(people) as register, PoliteClient(POLICY) as client:
        session = Session(Crawl(source(register.base_url), client))
        session.open()
        register.expire_forms()
        reply, _ = session.search("ma", 1)
    assert reply.cards and reply.count is not None and session.opened == 2


def test_hostile_card_text_is_cleaned_and_a_script_stays_text():
    hostile = replace(
        DOCTOR,
        family_name="Smith\x07",
        given_names="<script>alert(1)</script>",
        status="Practising\x00",
        addresses=[],
    )
    (card,) = pages.parse_reply(commands(render_results([hostile], 1, 1, 1)).decode()).cards
    record = pages.registration(card, "cpsbc", BASE, EVIDENCE)
    assert record.name == "Smith, <script>alert(1)</script>"
    assert record.given_names == "<script>alert(1)</script>"  # text, escaped wherever shown
    assert record.status == "Practising" and record.status_class == "practising"
