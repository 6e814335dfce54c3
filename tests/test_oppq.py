"""The OPPQ adapter: parsers on recorded pages, layout changes, and imports over real HTTP.

The fixtures under tests/fixtures/oppq/ are bytes of emulators.oppq's render functions for the
synthetic population `quebec_physiotherapists(400, 2026)` (base https://oppq.qc.ca): results page
3 in the live `data-content` layout (English) and in the older child-element layout (French).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from emulators.oppq import (
    ACUPUNCTURE,
    LIVE_BASE,
    MANIPULATIONS,
    PPAS,
    OppqEmulator,
    list_items,
    quebec_physiotherapists,
    render_list_page,
    render_profile,
)
from registry.imports.importer import run_source
from registry.lookup.documents import documents
from scrapers.adapter import crawl, run_preflight
from scrapers.http import HttpPolicy, PoliteClient
from scrapers.oppq import DEFAULT_OPTIONS
from scrapers.oppq_pages import (
    approaches_of,
    authorizations,
    label_key,
    parse_last_page,
    parse_list_page,
    parse_profile,
    parse_workplace,
    profile_slug,
    split_name,
)
from scrapers.records import Authorization, LayoutChanged, Location
from scrapers.sources import load_settings
from tests.conftest import emulated

FIXTURES = Path(__file__).parent / "fixtures" / "oppq"
LIST_EN = "https://oppq.qc.ca/en/find-a-professional/results/page/3/"
LIST_FR = "https://oppq.qc.ca/fr/trouver-un-professionnel/resultats/page/3/"
PEOPLE = quebec_physiotherapists(400, 2026)
PAGE_3 = list_items(PEOPLE)[24:36]


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def make_source(base: str = "https://oppq.qc.ca", **options):
    """The declared OPPQ source (its real wording map), pointed at `base`."""
    declared = load_settings().sources["oppq"]
    return emulated(declared, base, options={**DEFAULT_OPTIONS, **options})


def test_fixtures_are_the_emulators_bytes():
    last = -(-len(list_items(PEOPLE)) // 12)
    by_slug = {p.slug: p for p in PEOPLE}
    assert fixture("list-page-3.en.html").encode() == render_list_page(
        PAGE_3, 3, last, LIVE_BASE, "en"
    )
    assert fixture("list-page-3.fr.children.html").encode() == render_list_page(
        PAGE_3, 3, last, LIVE_BASE, "fr", layout="children"
    )
    assert fixture("profile-thi-lan-nguyen.fr.html").encode() == render_profile(
        by_slug["thi-lan-nguyen"], LIVE_BASE, "fr"
    )


# ---------------------------------------------------------------- parsers on recorded pages


def expected_markers(language: str) -> list[tuple]:
    i = 0 if language == "fr" else 1
    prefix = "/fr/trouver-un-professionnel/" if language == "fr" else "/en/find-a-professional/"
    out = []
    for p, w in PAGE_3:
        location = None
        if w is not None:
            location = Location(w.organization, w.street, w.city, "QC", w.postal_code, w.phone)
        out.append(
            (
                f"{LIVE_BASE}{prefix}{p.slug}/",
                p.name,
                p.title[i],
                location,
                w and w.latitude,
                w and w.longitude,
            )
        )
    return out


def test_data_content_markers_in_full():
    items = parse_list_page(fixture("list-page-3.en.html"), LIST_EN)
    seen = [(i.profile_url, i.name, i.title, i.location, i.latitude, i.longitude) for i in items]
    assert seen == expected_markers("en")
    assert all(i.from_data_content for i in items)
    assert any(i.location is None and i.latitude is None for i in items)  # no workplace
    assert len({i.profile_url for i in items}) < len(items)  # two workplaces, two markers


def test_child_element_markers_read_the_same():
    items = parse_list_page(fixture("list-page-3.fr.children.html"), LIST_FR)
    seen = [(i.profile_url, i.name, i.title, i.location, i.latitude, i.longitude) for i in items]
    assert seen == expected_markers("fr")
    assert not any(i.from_data_content for i in items)


def test_homonyms_keep_distinct_slugs():
    items = parse_list_page(fixture("list-page-3.en.html"), LIST_EN)
    slugs = [profile_slug(i.profile_url, "en") for i in items if i.name == "Nadia Ben Salah"]
    assert slugs == ["nadia-ben-salah", "nadia-ben-salah-2", "nadia-ben-salah-3"]


def test_pager_gives_the_last_page():
    last = -(-len(list_items(PEOPLE)) // 12)
    assert parse_last_page(fixture("list-page-3.en.html")) == last == 38
    assert parse_last_page(fixture("list-page-3.fr.children.html")) == last


def test_profile_in_full_and_its_attestation():
    profile = parse_profile(fixture("profile-thi-lan-nguyen.fr.html"))
    assert profile == {
        "name": "Thi Lan Nguyen",
        "title": "Physiothérapeute",
        "lists": [
            ["Français"],
            ["Électrothérapie", "Acupuncture", PPAS[0]],
            ["Tendinite", "Incontinence urinaire"],
        ],
        "headings": ["Langues parlées", "Approches", "Raisons de consultation"],
    }
    found, unknown = authorizations(approaches_of(profile, 1), make_source())
    assert found == [Authorization(PPAS[0], "dry_needling", "attestation")]
    assert unknown == []  # "Acupuncture" is an approach, neither an attestation nor an error


def test_english_profile_keeps_the_english_wording():
    profile = parse_profile(fixture("profile-thi-lan-nguyen.en.html"))
    assert (profile["name"], profile["title"]) == ("Thi Lan Nguyen", "Physiotherapist")
    found, _ = authorizations(approaches_of(profile, 1), make_source())
    assert found == [Authorization(PPAS[1], "dry_needling", "attestation")]


def test_technologist_profile_has_no_attestation():
    profile = parse_profile(fixture("profile-emilie-dube.fr.html"))
    assert (profile["name"], profile["title"]) == ("Émilie Dubé", "Technologue en physiothérapie")
    assert authorizations(approaches_of(profile, 1), make_source()) == ([], [])


@pytest.mark.parametrize(
    "label",
    [
        "L’utilisation des aiguilles sous le derme (attestation délivrée par l’OPPQ)",
        "utilisation des aiguilles sous le derme (Attestation délivrée par l'OPPQ).",
        "Aiguilles sous le derme  (attestation delivree par l'OPPQ)",
        "Punctures physiothérapiques avec aiguilles sèches (PPAS) (attestation délivrée par "
        "l'OPPQ)",
    ],
)
def test_needling_attestation_variants_are_recognised(label):
    found, unknown = authorizations([label], make_source())
    assert [(a.wording, a.kind) for a in found] == [(label, "dry_needling")] and unknown == []


def test_acupuncture_and_other_attestations_are_not_needling():
    found, unknown = authorizations(
        ["Acupuncture", MANIPULATIONS[0], "Thérapie manuelle", ACUPUNCTURE[1]], make_source()
    )
    assert (found, unknown) == ([], [])


def test_needling_words_outside_the_wording_map_are_reported():
    found, unknown = authorizations(
        ["Puncture avec aiguilles sèches", "Thérapie manuelle", "IMS (Gunn)", "acupuncture"],
        make_source(),
    )
    assert found == []
    assert unknown == ["Puncture avec aiguilles sèches", "IMS (Gunn)"]


def test_label_key_ignores_apostrophes_case_accents_and_a_final_period():
    assert label_key("L’OPPQ).") == label_key("l'oppq)") == "l'oppq)"


@pytest.mark.parametrize(
    ("name", "family", "given"),
    [
        ("Émilie De Grandpré", "De Grandpré", "Émilie"),
        ("Karim Ait Ouali", "Ait Ouali", "Karim"),
        ("Thi Lan Nguyen", "Nguyen", "Thi Lan"),
        ("Anne-Sophie Côté-Lévesque", "Côté-Lévesque", "Anne-Sophie"),
        ("Marie-Ève D'Amours", "D'Amours", "Marie-Ève"),
        ("Quoc Bao Le", "Le", "Quoc Bao"),
        ("Cher", "Cher", None),
    ],
)
def test_split_name(name, family, given):
    assert split_name(name) == (family, given)


def test_workplace_variants():
    assert parse_workplace(["12, rue A", "Lévis, QC G6V 1A1", "418 555-0100 poste 2"]) == Location(
        None, "12, rue A", "Lévis", "QC", "G6V 1A1", "418 555-0100 poste 2"
    )
    assert parse_workplace(
        ["12, rue A", "Lévis (Québec) G6V 1A1", "Tél. : 418 555-0100", "info@example.test"]
    ) == Location(None, "12, rue A", "Lévis", "QC", "G6V 1A1", "418 555-0100")
    assert parse_workplace([], "Physio X") == Location("Physio X")
    assert parse_workplace([]) is None


# ---------------------------------------------------------------- layout changes


def test_missing_pager_is_a_layout_change():
    page = fixture("list-page-3.en.html").replace("page-numbers", "pg")
    with pytest.raises(LayoutChanged, match="no pager"):
        parse_last_page(page)


def test_marker_without_profile_link_is_a_layout_change():
    page = fixture("list-page-3.en.html").replace("info-window__profile", "info-window__x", 1)
    with pytest.raises(LayoutChanged, match="no profile link"):
        parse_list_page(page, LIST_EN)
    page = fixture("list-page-3.fr.children.html").replace('"link-button"', '"button"', 1)
    with pytest.raises(LayoutChanged, match="no profile link"):
        parse_list_page(page, LIST_FR)


def test_marker_without_coordinates_is_a_layout_change():
    page = fixture("list-page-3.en.html").replace("data-longitude=", "data-lng=", 1)
    with pytest.raises(LayoutChanged, match="data-longitude"):
        parse_list_page(page, LIST_EN)


def test_marker_without_name_is_a_layout_change():
    page = fixture("list-page-3.en.html").replace("info-window__name", "info-window__nom", 1)
    with pytest.raises(LayoutChanged, match="info-window__name"):
        parse_list_page(page, LIST_EN)


def test_workplace_without_city_line_is_a_layout_change():
    with pytest.raises(LayoutChanged, match="City"):
        parse_workplace(["12, rue A", "Lévis G6V 1A1"])


def test_profile_link_outside_the_directory_is_a_layout_change():
    with pytest.raises(LayoutChanged, match="not /en/find-a-professional/<slug>/"):
        profile_slug("https://oppq.qc.ca/en/members/anne-cote/", "en")


def test_profile_with_two_lists_is_a_layout_change():
    page = fixture("profile-thi-lan-nguyen.fr.html").replace(
        'class="professional__list"', 'class="list"', 1
    )
    with pytest.raises(LayoutChanged, match="2 ul.professional__list, expected 3"):
        parse_profile(page)


def test_profile_title_without_comma_is_a_layout_change():
    page = fixture("profile-thi-lan-nguyen.fr.html").replace(
        "Thi Lan Nguyen, Physiothérapeute", "Thi Lan Nguyen"
    )
    with pytest.raises(LayoutChanged, match="'Name, title'"):
        parse_profile(page)


def test_reordered_profile_lists_are_a_layout_change():
    page = fixture("profile-thi-lan-nguyen.fr.html").replace(">Approches<", ">Langues<")
    with pytest.raises(LayoutChanged, match="not the approaches"):
        approaches_of(parse_profile(page), 1)


# ---------------------------------------------------------------- imports over HTTP


def snapshot(db) -> dict:
    tables = ["registrations", "authorizations", "practice_locations", "directory"]
    return {t: [dict(r) for r in db.query(f"select * from {t} order by 1, 2")] for t in tables}


def run(db, settings, register, **options):
    source = make_source(register.base_url, **options)
    return run_source(db, settings.with_source(source), source)


def stored_places(db, slug: str) -> list[tuple]:
    return [
        tuple(r.values())
        for r in db.query(
            "select organization, address, city, province, postal_code, phone, latitude, "
            "longitude from practice_locations where registration_id = ? order by position",
            [f"oppq:{slug}"],
        )
    ]


def assert_everyone_imported(db, register, people, language: str) -> None:
    i = 0 if language == "fr" else 1
    prefix = "/fr/trouver-un-professionnel/" if language == "fr" else "/en/find-a-professional/"
    stored = {r["registrant_id"]: r for r in db.query("select * from registrations")}
    assert set(stored) == {p.slug for p in people}
    held_by: dict[str, list] = {}
    for a in db.query("select * from authorizations order by rowid"):
        held_by.setdefault(a["registration_id"], []).append((a["wording"], a["kind"]))
        assert a["mechanism"] == "attestation"
    status = "Membre actif" if language == "fr" else "Active member"
    for p in people:
        row = stored[p.slug]
        assert (row["name"], row["family_name"], row["given_names"]) == (
            p.name,
            p.family_name,
            p.given_names,
        )
        assert row["category"] == p.title[i] and row["status"] == status
        assert row["status_class"] == "practising" and row["registration_number"] is None
        assert row["profile_url"] == f"{register.base_url}{prefix}{p.slug}/"
        assert held_by.get(f"oppq:{p.slug}", []) == [
            (w, "dry_needling") for w in p.attestations(language)
        ]
        assert stored_places(db, p.slug) == [
            (w.organization, w.street, w.city, "QC", w.postal_code, w.phone)
            + (w.latitude, w.longitude)
            for w in p.workplaces
        ]


def test_full_import_of_the_live_layout(db, settings):
    with OppqEmulator(PEOPLE) as register:
        report = run(db, settings, register)
        last = register.last_page()
    assert report.outcome == "success", report.message
    assert report.counts.records_seen == len(PEOPLE) == report.counts.added
    assert report.requests == len(register.requests) == 1 + last + len(PEOPLE)
    assert [r.path for r in register.requests[:3]] == [
        "/robots.txt",
        "/en/find-a-professional/results/",
        "/en/find-a-professional/results/page/2/",
    ]
    assert_everyone_imported(db, register, PEOPLE, "en")
    assert sum(bool(p.attestations()) for p in PEOPLE) >= 20
    assert any(ACUPUNCTURE in p.approaches for p in PEOPLE)
    (doc,) = documents(db.conn, ["oppq:thi-lan-nguyen"])
    evidence = {e["role"]: e["url"] for e in doc["evidence"]}
    assert evidence["detail"].endswith("/en/find-a-professional/thi-lan-nguyen/")
    assert "/en/find-a-professional/results/" in evidence["listing"]


def test_full_import_of_the_child_element_layout_in_french(db, settings):
    crowd = PEOPLE[:150]
    with OppqEmulator(crowd, layout="children") as register:
        report = run(db, settings, register, language="fr")
    assert report.outcome == "success", report.message
    assert all("/fr/trouver-un-professionnel/" in r.path for r in register.requests[1:])
    assert_everyone_imported(db, register, crowd, "fr")


def client_for(settings, source) -> PoliteClient:
    policy = HttpPolicy(user_agent=settings.user_agent, spacing_seconds=0.0, max_retries=0)
    return PoliteClient(policy)


def test_the_crawl_records_its_floor(settings):
    crowd = PEOPLE[:50]
    notes: dict = {}
    with OppqEmulator(crowd) as register:
        source = make_source(register.base_url)
        with client_for(settings, source) as client:
            records = list(crawl(source, client, notes=notes))
    assert len(records) == len(crowd) == notes["listed"]
    assert notes["floor"] == register.last_page() + len(crowd) == len(register.requests) - 1


def test_cloudflare_404_fails_the_run_and_says_why(db, settings):
    with OppqEmulator(PEOPLE[:30]) as register:
        assert run(db, settings, register).outcome == "success"
    before = snapshot(db)
    with OppqEmulator(PEOPLE[:30], blocked=True) as register:
        report = run(db, settings, register)
    assert report.outcome == "failed"
    assert "404" in report.message and "Cloudflare" in report.message
    assert "Page non trouvée" in report.message
    assert snapshot(db) == before


def test_server_error_on_a_results_page_fails_the_run_and_changes_nothing(db, settings):
    crowd = PEOPLE[:60]
    with OppqEmulator(crowd) as register:
        assert run(db, settings, register).outcome == "success"
        before = snapshot(db)
        register.set_people(PEOPLE[:70])
        register.fail_next("/en/find-a-professional/results/page/2/", 500, count=5)
        report = run(db, settings, register)
    assert report.outcome == "failed" and "500" in report.message
    assert snapshot(db) == before


def test_server_error_on_a_profile_fails_the_run_and_changes_nothing(db, settings):
    crowd = PEOPLE[:60]
    with OppqEmulator(crowd) as register:
        assert run(db, settings, register).outcome == "success"
        before = snapshot(db)
        register.fail_next(f"/en/find-a-professional/{crowd[7].slug}/", 500, count=5)
        report = run(db, settings, register)
    assert report.outcome == "failed" and "1 registrant(s) could not be read" in report.message
    assert crowd[7].slug in report.errors[0]["url"]
    assert snapshot(db) == before


def test_robots_disallow_fails_the_run_and_changes_nothing(db, settings):
    crowd = PEOPLE[:30]
    with OppqEmulator(crowd) as register:
        assert run(db, settings, register).outcome == "success"
    before = snapshot(db)
    with OppqEmulator(crowd, robots_txt="User-agent: *\nDisallow: /en/\n") as register:
        report = run(db, settings, register)
    assert report.outcome == "failed" and "robots" in report.message.lower()
    assert [r.path for r in register.requests] == ["/robots.txt"]
    assert snapshot(db) == before


def changed_wording(people):
    holder = next(p for p in people if PPAS in p.approaches)
    changed = replace(
        holder,
        approaches=[
            ("Puncture avec aiguilles sèches", "Dry needling with filiform needles")
            if a == PPAS
            else a
            for a in holder.approaches
        ],
    )
    return [changed if p is holder else p for p in people]


def test_changed_needling_wording_fails_the_run(db, settings):
    crowd = changed_wording(PEOPLE[:40])
    with OppqEmulator(crowd) as register:
        report = run(db, settings, register)
    assert report.outcome == "failed"
    assert "Dry needling with filiform needles" in report.message
    assert db.table("registrations").count == 0


def test_missing_pager_fails_the_run(db, settings):
    with OppqEmulator(PEOPLE[:30], pager=False) as register:
        report = run(db, settings, register)
    assert report.outcome == "failed" and "no pager" in report.message
    assert db.table("registrations").count == 0


# ---------------------------------------------------------------- preflight


def preflight(settings, register, **options) -> dict:
    source = make_source(register.base_url, **options)
    with client_for(settings, source) as client:
        checks = run_preflight(source, client)
    assert len(register.requests) <= 12
    return {c.name: c for c in checks}


FIRST = "the first results page answers"
DATA_CONTENT = "results are <address> markers with their info window in data-content"
COORDINATES = "markers carry data-latitude and data-longitude"
PAGER = "the pager gives the last page number"
PROFILE = "a profile has its name, title and three lists, the second the approaches"
LABELS = "attestation labels show among the approaches"
NEEDLING = "a needling attestation is in the source's wording map"
UNKNOWN = "no needling wording outside the wording map"


def test_preflight_passes_on_the_live_layout(settings):
    with OppqEmulator(PEOPLE) as register:
        checks = preflight(settings, register)
    assert list(checks) == [
        FIRST,
        DATA_CONTENT,
        COORDINATES,
        PAGER,
        PROFILE,
        LABELS,
        NEEDLING,
        UNKNOWN,
    ]
    assert all(c.ok for c in checks.values()), [c for c in checks.values() if not c.ok]
    assert checks[FIRST].seen.startswith("200 from ")
    assert checks[DATA_CONTENT].seen.startswith("12 markers, 12 with data-content")
    assert checks[PAGER].seen == "last page 38"
    assert "'Languages spoken', 'Approaches'" in checks[PROFILE].seen
    assert PPAS[1] in checks[LABELS].seen  # verbatim
    assert checks[NEEDLING].seen == f"{PPAS[1]} -> dry_needling"


def test_preflight_fails_on_the_cloudflare_404(settings):
    with OppqEmulator(PEOPLE[:30], blocked=True) as register:
        checks = list(preflight(settings, register).values())
    assert [(c.name, c.ok) for c in checks] == [(FIRST, False)]
    assert "Cloudflare" in checks[0].seen and "404" in checks[0].seen


def test_preflight_flags_the_child_element_layout_and_a_missing_pager(settings):
    with OppqEmulator(PEOPLE, layout="children", pager=False) as register:
        checks = preflight(settings, register)
    assert {name for name, c in checks.items() if not c.ok} == {DATA_CONTENT, PAGER}
    assert checks[DATA_CONTENT].seen.startswith("12 markers, 0 with data-content")


def test_preflight_flags_missing_coordinates_and_unknown_needling_wording(settings):
    bare = [replace(p, workplaces=[]) for p in changed_wording(PEOPLE[:12])]
    with OppqEmulator(bare) as register:
        checks = preflight(settings, register)
    failed = {name: c.seen for name, c in checks.items() if not c.ok}
    assert set(failed) == {COORDINATES, NEEDLING, UNKNOWN}
    assert failed[UNKNOWN] == "Dry needling with filiform needles"
