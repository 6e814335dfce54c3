"""The OPPQ adapter: parsers on recorded pages, layout changes, and imports over real HTTP.

The fixtures under tests/fixtures/oppq/ are bytes of emulators.oppq's render functions for the
synthetic population `quebec_physiotherapists(400, 2026)` (base https://oppq.qc.ca).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from emulators.oppq import PPAS, OppqEmulator, quebec_physiotherapists
from registry.documents import documents
from registry.importer import run_source
from scrapers.oppq import (
    DEFAULT_OPTIONS,
    ListItem,
    approaches_of,
    authorizations,
    parse_last_page,
    parse_list_page,
    parse_profile,
    parse_workplace,
    profile_slug,
    split_name,
)
from scrapers.records import Authorization, LayoutChanged, Location
from scrapers.sources import Source

FIXTURES = Path(__file__).parent / "fixtures" / "oppq"
WORDING = {
    "Aiguilles sous le derme (PPAS)": "dry_needling",
    "Dry needling (PPAS)": "dry_needling",
    "Acupuncture": "acupuncture",
}
LIST_FR = "https://oppq.qc.ca/fr/trouver-un-professionnel/resultats/page/3/"
LIST_EN = "https://oppq.qc.ca/en/find-a-professional/results/page/3/"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def make_source(base: str = "https://oppq.qc.ca", **options) -> Source:
    return Source(
        key="oppq",
        jurisdiction="CA-QC",
        regulator="Ordre professionnel de la physiothérapie du Québec",
        short_name="OPPQ",
        platform="oppq",
        register_url="https://oppq.qc.ca/fr/trouver-un-professionnel/",
        terms_note="Synthetic test register.",
        needling="unknown",
        base_url=base,
        mechanism="attestation",
        wording=dict(WORDING),
        spacing_seconds=0.0,
        backoff_seconds=0.05,
        max_retries=1,
        options={**DEFAULT_OPTIONS, **options},
    )


# ---------------------------------------------------------------- parsers on recorded pages

GATINEAU = Location(
    "Clinique Physio Hull",
    "6666, boulevard Saint-Joseph",
    "Gatineau",
    "QC",
    "J9A 1B4",
    "873 555-0143",
)
TROIS_RIVIERES = Location(
    "Physio Mauricie",
    "8383, boulevard Saint-Joseph",
    "Trois-Rivières",
    "QC",
    "G8T 4E0",
    "819 555-0131",
)
DAMOURS = Location(
    "Physio Côte-des-Neiges", "1123, rue Saint-Denis, bureau 204", "Montréal", "QC", "H2T 8A0"
)
LHEUREUX = Location(None, "9444, rue King Ouest", "Trois-Rivières", "QC", "G9A 6B5")
NGUYEN = Location(
    "Clinique de physiothérapie du Plateau",
    "9013, boulevard Saint-Laurent, bureau 1500",
    "Montréal",
    "QC",
    "H2S 6C9",
    "514 555-0194",
)


def test_french_list_page_items_in_full():
    base = "https://oppq.qc.ca/fr/trouver-un-professionnel/"
    physio = "Physiothérapeute"
    assert parse_list_page(fixture("list-page-3.fr.html"), LIST_FR) == [
        ListItem(f"{base}karim-ait-ouali/", "Karim Ait Ouali", physio, GATINEAU),
        ListItem(f"{base}karim-ait-ouali/", "Karim Ait Ouali", physio, TROIS_RIVIERES),
        ListItem(f"{base}marie-eve-damours/", "Marie-Ève D'Amours", physio, DAMOURS),
        ListItem(f"{base}emilie-dube/", "Émilie Dubé", "Technologue en physiothérapie", None),
        ListItem(f"{base}jean-francois-lheureux/", "Jean-François L'Heureux", physio, LHEUREUX),
        ListItem(f"{base}thi-lan-nguyen/", "Thi Lan Nguyen", physio, NGUYEN),
    ]


def test_english_list_page_has_the_same_people_and_places():
    items = parse_list_page(fixture("list-page-3.en.html"), LIST_EN)
    assert [i.profile_url for i in items][2:4] == [
        "https://oppq.qc.ca/en/find-a-professional/marie-eve-damours/",
        "https://oppq.qc.ca/en/find-a-professional/emilie-dube/",
    ]
    assert [i.title for i in items] == ["Physiotherapist"] * 3 + ["Physiotherapy technologist"] + [
        "Physiotherapist"
    ] * 2
    assert [i.location for i in items] == [
        GATINEAU,
        TROIS_RIVIERES,
        DAMOURS,
        None,
        LHEUREUX,
        NGUYEN,
    ]
    assert [profile_slug(i.profile_url, "en") for i in items] == [
        profile_slug(i.profile_url, "fr")
        for i in parse_list_page(fixture("list-page-3.fr.html"), LIST_FR)
    ]


def test_pager_gives_the_last_page_from_any_page():
    assert parse_last_page(fixture("list-page-3.fr.html")) == 37
    assert parse_last_page(fixture("list-page-1.fr.html")) == 37
    assert parse_last_page(fixture("list-page-3.en.html")) == 37


def test_homonyms_keep_distinct_slugs():
    items = parse_list_page(fixture("list-page-1.fr.html"), LIST_FR)
    assert [(i.name, profile_slug(i.profile_url, "fr")) for i in items] == [
        ("Marie Tremblay", "marie-tremblay"),
        ("Marie Tremblay", "marie-tremblay-2"),
    ]


def test_french_profile_in_full_and_its_attestations():
    profile = parse_profile(fixture("profile-thi-lan-nguyen.fr.html"))
    assert profile == {
        "name": "Thi Lan Nguyen",
        "title": "Physiothérapeute",
        "lists": [
            ["Français"],
            ["Électrothérapie", "Acupuncture", "Aiguilles sous le derme (PPAS)"],
            ["Tendinite", "Incontinence urinaire"],
        ],
        "headings": ["Langues parlées", "Approches", "Raisons de consultation"],
    }
    found, unknown = authorizations(approaches_of(profile, 1), make_source())
    assert found == [
        Authorization("Acupuncture", "acupuncture", "attestation"),
        Authorization("Aiguilles sous le derme (PPAS)", "dry_needling", "attestation"),
    ]
    assert unknown == []


def test_english_profile_keeps_the_english_wording():
    profile = parse_profile(fixture("profile-thi-lan-nguyen.en.html"))
    assert (profile["name"], profile["title"]) == ("Thi Lan Nguyen", "Physiotherapist")
    found, _ = authorizations(approaches_of(profile, 1), make_source())
    assert found == [
        Authorization("Acupuncture", "acupuncture", "attestation"),
        Authorization("Dry needling (PPAS)", "dry_needling", "attestation"),
    ]


def test_technologist_profile_has_no_attestation():
    profile = parse_profile(fixture("profile-emilie-dube.fr.html"))
    assert (profile["name"], profile["title"]) == ("Émilie Dubé", "Technologue en physiothérapie")
    assert approaches_of(profile, 1) == ["Thérapie manuelle", "Hydrothérapie", "Électrothérapie"]
    assert authorizations(approaches_of(profile, 1), make_source()) == ([], [])


def test_needling_words_outside_the_wording_map_are_reported():
    found, unknown = authorizations(
        ["Puncture avec aiguilles sèches", "Thérapie manuelle", "IMS (Gunn)", "acupuncture"],
        make_source(),
    )
    assert found == [Authorization("acupuncture", "acupuncture", "attestation")]
    assert unknown == ["Puncture avec aiguilles sèches", "IMS (Gunn)"]


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
    assert parse_workplace([], "Physio X") == Location("Physio X")
    assert parse_workplace([]) is None


# ---------------------------------------------------------------- layout changes


def test_missing_pager_is_a_layout_change():
    page = fixture("list-page-3.fr.html").replace("page-numbers", "pg")
    with pytest.raises(LayoutChanged, match="no pager"):
        parse_last_page(page)


def test_item_without_profile_link_is_a_layout_change():
    page = fixture("list-page-3.fr.html").replace('class="link-button"', 'class="button"', 1)
    with pytest.raises(LayoutChanged, match="a.link-button"):
        parse_list_page(page, LIST_FR)


def test_address_without_coordinates_is_a_layout_change():
    page = fixture("list-page-3.fr.html").replace("data-latitude=", "data-lat=", 1)
    with pytest.raises(LayoutChanged, match="data-latitude"):
        parse_list_page(page, LIST_FR)


def test_item_without_name_is_a_layout_change():
    page = fixture("list-page-3.fr.html").replace("info-window__name", "info-window__nom", 1)
    with pytest.raises(LayoutChanged, match="info-window__name"):
        parse_list_page(page, LIST_FR)


def test_workplace_without_city_line_is_a_layout_change():
    with pytest.raises(LayoutChanged, match="City"):
        parse_workplace(["12, rue A", "Lévis G6V 1A1"])


def test_profile_link_outside_the_directory_is_a_layout_change():
    with pytest.raises(LayoutChanged, match="not /fr/trouver-un-professionnel/<slug>/"):
        profile_slug("https://oppq.qc.ca/fr/membres/anne-cote/", "fr")


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


@pytest.fixture(scope="module")
def people():
    return quebec_physiotherapists(400, 2026)


def run(db, settings, register, **options):
    source = make_source(register.base_url, **options)
    return run_source(db, settings.with_source(source), source)


def test_full_french_import_finds_everyone_with_their_attestations(db, settings, people):
    with OppqEmulator(people) as register:
        report = run(db, settings, register)
        last = register.last_page()
    assert report.outcome == "success", report.message
    assert report.counts.records_seen == len(people) == report.counts.added
    assert report.requests == len(register.requests) == 1 + last + len(people)
    assert [r.path for r in register.requests[:3]] == [
        "/robots.txt",
        "/fr/trouver-un-professionnel/resultats/",
        "/fr/trouver-un-professionnel/resultats/page/2/",
    ]
    stored = {r["registrant_id"]: r for r in db.query("select * from registrations")}
    assert set(stored) == {p.slug for p in people}
    held_by = {}
    for a in db.query("select * from authorizations order by rowid"):
        held_by.setdefault(a["registration_id"], []).append((a["wording"], a["kind"]))
        assert a["mechanism"] == "attestation"
    kinds = {PPAS[0]: "dry_needling", "Acupuncture": "acupuncture"}
    for p in people:
        row = stored[p.slug]
        assert (row["name"], row["family_name"], row["given_names"]) == (
            p.name,
            p.family_name,
            p.given_names,
        )
        assert row["category"] == p.title[0] and row["status"] == "Membre actif"
        assert row["status_class"] == "practising" and row["registration_number"] is None
        assert row["profile_url"] == f"{register.base_url}/fr/trouver-un-professionnel/{p.slug}/"
        assert held_by.get(f"oppq:{p.slug}", []) == [(w, kinds[w]) for w in p.attestations("fr")]
        places = [
            (
                r["organization"],
                r["address"],
                r["city"],
                r["province"],
                r["postal_code"],
                r["phone"],
            )
            for r in db.query(
                "select * from practice_locations where registration_id = ? order by position",
                [f"oppq:{p.slug}"],
            )
        ]
        assert places == [
            (w.organization, w.street, w.city, "QC", w.postal_code, w.phone) for w in p.workplaces
        ]
    montreal = [p for p in people if p.workplaces and p.workplaces[0].city == "Montréal"]
    assert len(montreal) >= 40 and sum(bool(p.attestations()) for p in montreal) >= 5
    assert {p.title[0] for p in people} == {"Physiothérapeute", "Technologue en physiothérapie"}
    (doc,) = documents(db.conn, ["oppq:thi-lan-nguyen"])
    evidence = {e["role"]: e["url"] for e in doc["evidence"]}
    assert evidence["detail"] == stored["thi-lan-nguyen"]["profile_url"]
    assert "/fr/trouver-un-professionnel/resultats/" in evidence["listing"]


def test_english_import_reads_the_english_directory(db, settings, people):
    crowd = people[:120]
    with OppqEmulator(crowd) as register:
        report = run(db, settings, register, language="en")
    assert report.outcome == "success", report.message
    assert all("/en/find-a-professional/" in r.path for r in register.requests[1:])
    rows = {r["registrant_id"]: r for r in db.query("select * from registrations")}
    assert set(rows) == {p.slug for p in crowd}
    assert {r["status"] for r in rows.values()} == {"Active member"}
    assert {r["category"] for r in rows.values()} <= {
        "Physiotherapist",
        "Physiotherapy technologist",
    }
    wordings = {a["wording"] for a in db.query("select wording from authorizations")}
    assert "Dry needling (PPAS)" in wordings and "Aiguilles sous le derme (PPAS)" not in wordings


def test_server_error_on_a_list_page_fails_the_run_and_changes_nothing(db, settings, people):
    crowd = people[:60]
    with OppqEmulator(crowd) as register:
        assert run(db, settings, register).outcome == "success"
        before = snapshot(db)
        register.set_people(people[:70])
        register.fail_next("/fr/trouver-un-professionnel/resultats/page/2/", 500, count=5)
        report = run(db, settings, register)
    assert report.outcome == "failed" and "500" in report.message
    assert snapshot(db) == before


def test_server_error_on_a_profile_fails_the_run_and_changes_nothing(db, settings, people):
    crowd = people[:60]
    with OppqEmulator(crowd) as register:
        assert run(db, settings, register).outcome == "success"
        before = snapshot(db)
        register.fail_next(f"/fr/trouver-un-professionnel/{crowd[7].slug}/", 500, count=5)
        report = run(db, settings, register)
    assert report.outcome == "failed" and "1 registrant(s) could not be read" in report.message
    assert crowd[7].slug in report.errors[0]["url"]
    assert snapshot(db) == before


def test_robots_disallow_fails_the_run_and_changes_nothing(db, settings, people):
    crowd = people[:30]
    with OppqEmulator(crowd) as register:
        assert run(db, settings, register).outcome == "success"
    before = snapshot(db)
    with OppqEmulator(crowd, robots_txt="User-agent: *\nDisallow: /fr/\n") as register:
        report = run(db, settings, register)
    assert report.outcome == "failed" and "robots" in report.message.lower()
    assert [r.path for r in register.requests] == ["/robots.txt"]
    assert snapshot(db) == before


def test_changed_needling_wording_fails_the_run(db, settings, people):
    holder = next(p for p in people if PPAS in p.approaches)
    changed = replace(
        holder,
        approaches=[
            ("Puncture avec aiguilles sèches", "Dry needling") if a == PPAS else a
            for a in holder.approaches
        ],
    )
    crowd = [p for p in people[:40] if p is not holder] + [changed]
    with OppqEmulator(crowd) as register:
        report = run(db, settings, register)
    assert report.outcome == "failed"
    assert "Puncture avec aiguilles sèches" in report.message
    assert db.table("registrations").count == 0


def test_missing_pager_fails_the_run(db, settings, people):
    with OppqEmulator(people[:30], pager=False) as register:
        report = run(db, settings, register)
    assert report.outcome == "failed" and "no pager" in report.message
    assert db.table("registrations").count == 0
