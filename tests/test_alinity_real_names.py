"""The Alinity drill on the names registers really hold, in the order live tenants reply.

A real register's names (`../shared/samples/names/`, read there and never copied; the tests that
need them skip without it) are served by the emulator in the live collation (family, then given
names; case, accents, hyphens and apostrophes ignored, spaces not), in every recorded variant:
everyone is found, within 1.5 x the proof floor on prefix tenants and 2 x on substring ones.
The rest uses synthetic people built to show one behaviour each.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from emulators.alinity import (
    CNDA,
    CPTBC,
    REALISTIC,
    RECORDED_VARIANTS,
    AlinityEmulator,
    Tenant,
    requests_per_registrant,
    search,
    tenant_record,
)
from emulators.people import alberta_physiotherapists
from emulators.realnames import really_named
from registry.imports.importer import run_source
from scrapers.alinity_pages import names_of
from scrapers.drill import ACCENTED, BudgetSpent, Drill
from tests.conftest import emulated
from tests.runs import first_import

REAL = really_named(1149, seed=22)  # the size of the register the issue measured on
needs_sample = pytest.mark.skipif(not REAL, reason="../shared/samples/names/ is absent")


def _families(people):
    return [p.family_name for p in people]


def test_the_emulator_replies_in_the_live_collation():
    # Synthetic names with the shapes live-evidence.md records: hyphens and apostrophes are
    # ignored, a space is not (and sorts before letters), case and accents are second.
    names = ["Al-Shadi", "Alsberg", "O'Hara", "Oakes", "Dale Moreno", "Dale", "Darby", "álvarez"]
    people = [
        replace(p, family_name=name, given_names="Sam")
        for p, name in zip(alberta_physiotherapists(len(names), seed=3), names, strict=True)
    ]
    listed = search(people, family="", cap=None, tenant=Tenant())
    assert _families(listed) == [
        "Alsberg",  # "alsb" before "alsh": the hyphen of "Al-Shadi" is ignored
        "Al-Shadi",
        "álvarez",  # the accent is second to the letters
        "Dale",
        "Dale Moreno",  # a space is not ignored, and sorts before letters
        "Darby",
        "Oakes",  # "oa" before "oh": the apostrophe of "O'Hara" is ignored
        "O'Hara",
    ]


# Not met at 1.5 (bound 2): where one-character searches are answered the floor counts 26 of
# them, but each capped letter's accented and punctuated extensions ("bé", "o'") are owed as on
# other tenants (1.57 on these names; BENCHMARKS.md); unsorted replies prove nothing from order.
LOOSER = ("prefix, one-character searches answered", "prefix, unsorted")


@needs_sample
@pytest.mark.parametrize("variant", list(RECORDED_VARIANTS))
def test_real_names_nobody_missed_near_the_floor(variant):
    result = requests_per_registrant(REAL, RECORDED_VARIANTS[variant])
    assert result["missing"] == 0 and result["found"] == len(REAL), result
    bound = 2.0 if variant.startswith("substring") or variant in LOOSER else 1.5
    assert result["proof_ratio"] <= bound, result


def test_an_accent_blind_tenant_is_recognised_without_an_accented_name():
    # The sample has next to no accents: before, every accented text was drilled as if new
    # ("bà" answered like "ba"), 12,722 searches on 1,500 names; now the first such reply tells.
    tenant = Tenant(min_chars=2, accents="insensitive")

    def ask(last, first):
        return [
            tenant_record(p, tenant)
            for p in search(REAL, family=last, given=first, cap=tenant.cap, tenant=tenant)
        ]

    drill = Drill(ask, min_chars=2, names=names_of)
    assert len(drill.run()) == len(REAL)
    assert drill.accents == "insensitive"
    # The two-letter starts with punctuation (754) and the "a b" texts (676), and little more.
    assert drill.searches < 1.5 * (26 * 29 + 26 * 26), drill.searches


def _with_family(people, index, family):
    return [replace(p, family_name=family) if i == index else p for i, p in enumerate(people)]


def test_a_one_letter_first_word_is_reached_where_a_tenant_refuses_a_space():
    # "A Vandermeer" (synthetic): "a " is one character once trimmed, refused like "a"; only
    # "a v" reaches it. Every "a " answered with nobody: the drill asks the "a b" texts.
    people = _with_family(alberta_physiotherapists(120, seed=12), 5, "A Vandermeer")
    result = requests_per_registrant(people, Tenant(min_chars=2))
    assert result["missing"] == 0 and result["spaced"]
    # The "a b" texts, and (this tenant tells accents apart) the accented starts "bé" and more.
    assert result["proof_floor"] >= result["floor"] + 26 * 26 + 26 * len(ACCENTED)


def test_where_one_letter_first_words_are_not_asked_the_run_names_them(db, settings):
    people = _with_family(alberta_physiotherapists(60, seed=12), 5, "A Vandermeer")
    with AlinityEmulator(people, tenant=CNDA) as register:
        source = emulated(settings.sources["cpta"], register.base_url)
        source = replace(source, options={**source.options, "spaced_words": False})
        report = run_source(db, settings.with_source(source), source)
    assert report.outcome == "success", report.message
    assert report.counts.records_seen == 59  # the one the form cannot reach this way
    assert "family names whose first word is one letter" in report.message
    run = db.execute("select unreachable from import_runs where id = ?", [report.run_id])
    assert "first word is one letter" in run.fetchone()[0]


def test_a_tenant_that_answers_every_text_in_full_meets_the_budget():
    # A register whose every reply is full, whatever the text, listing the same people (the
    # substring crawl the issue saw: everyone listed, and it kept drilling for 200,000
    # searches) would be drilled for days: the budget stops it, saying how far it got.
    people = alberta_physiotherapists(25, seed=4)
    calls = []

    def ask(last, first):
        calls.append((last, first))
        rows = [replace(p, family_name=f"X{last}y{i}") for i, p in enumerate(people)]
        return [] if first else [tenant_record(p, Tenant()) for p in rows]

    drill = Drill(ask, min_chars=2, names=names_of, budget=3)
    with pytest.raises(BudgetSpent, match=r"stopped after \d+ searches, .* 25 registrants"):
        drill.run()
    assert len(drill.found) == 25
    assert len(calls) == drill.searches <= 3 * drill.floor_requests() + 1


FORTY = alberta_physiotherapists(40, seed=12)
ONE_CHARACTER = replace(CNDA, min_chars=1)  # a tenant that answers one-character searches


def live_paced(settings, base_url: str):
    """CPTA's source pointed at the emulator, its size the live register's."""
    source = emulated(settings.sources["cpta"], base_url)
    return replace(source, live_size=4000, spacing_seconds=0.0)


# One good import of FORTY, where the two tests below start.
forty = first_import(FORTY, tenant=ONE_CHARACTER, source=live_paced)


def test_a_run_over_its_budget_fails_and_keeps_the_data(forty, settings, tmp_path):
    with (
        forty.opened_copy(tmp_path) as db,
        AlinityEmulator(FORTY, tenant=ONE_CHARACTER, port=forty.port) as register,
    ):
        source = live_paced(settings, register.base_url)
        tight = replace(source, options={**source.options, "request_budget": 0.5})
        over = run_source(db, settings.with_source(tight), tight)
        assert forty.report.outcome == "success", forty.report.message
        assert over.outcome == "failed" and "stopped after" in over.message, over.message
        assert db.execute("select count(*) from registrations").fetchone()[0] == 40


def test_each_run_says_how_long_it_is_expected_to_take_at_the_live_pace(forty, settings, tmp_path):
    lines = list(forty.progress)  # the first run's
    with (
        forty.opened_copy(tmp_path) as db,
        AlinityEmulator(FORTY, tenant=ONE_CHARACTER, port=forty.port) as register,
    ):
        source = live_paced(settings, register.base_url)
        run_source(db, settings.with_source(source), source, progress=lines.append)
        row = db.execute("select refusals from import_runs order by id desc limit 1").fetchone()
    expected = [line for line in lines if "expected" in line]
    assert expected[0].startswith("cpta: expected at least") and "4000 registrants" in expected[0]
    assert "as the last run" in expected[1]
    assert row[0] == 0


@needs_sample
@pytest.mark.parametrize(
    ("tenant", "bound"),
    [
        # The live-like tenant: substring, PEI keys, 403 after 8 searches a second.
        (REALISTIC, 2.0),
        (replace(CPTBC, matching="prefix", swapped=True, glued=True), 1.5),
    ],
    ids=["substring with 403 bursts", "prefix, cptbc keys, swapped, glued"],
)
def test_real_names_over_http(db, settings, tenant, bound):
    people = REAL[:800]
    with AlinityEmulator(people, tenant=tenant) as register:
        source = emulated(settings.sources["cpta"], register.base_url, max_retries=0)
        report = run_source(db, settings.with_source(source), source)
    assert report.outcome == "success", report.message
    stored = {r[0] for r in db.execute("select registrant_id from registrations")}
    assert stored == {p.rg for p in people}
    listed, floor, requests = db.execute(
        "select listed, request_floor, requests from import_runs where id = ?", [report.run_id]
    ).fetchone()
    assert listed == len(people) and requests <= bound * floor, (requests, floor)
