"""Professions and scope of practice at the source's end: a registrant of a profession that may
needle by its scope carries that as an authorization of its own mechanism, never mixed with a
per-person one; a trigger point injection is not "using needles"."""

from __future__ import annotations

from dataclasses import replace

import pytest

from scrapers.adapter import by_scope
from scrapers.kinds import KINDS, MECHANISMS, NEEDLING_TRACKING, PROFESSIONS, kinds_answering
from scrapers.records import Registration
from scrapers.sources import load_settings


def registration(**changes) -> Registration:
    record = Registration(
        regulator="x",
        registrant_id="1",
        registration_number="1",
        name="Doe, Jane",
        family_name="Doe",
        given_names="Jane",
        category=None,
        status="Practising",
        status_class="practising",
    )
    return replace(record, **changes)


def test_a_trigger_point_injection_is_not_answered_by_the_needling_umbrella():
    assert kinds_answering("trigger_point_injection") == ["trigger_point_injection"]
    assert kinds_answering("dry_needling") == ["dry_needling", "needling"]
    assert "trigger_point_injection" in kinds_answering("needling")


def test_kept_but_unpublished_is_its_own_answer():
    assert "kept_unpublished" in NEEDLING_TRACKING
    assert {"tracked", "not_tracked", "unknown"} < set(NEEDLING_TRACKING)
    assert "scope_of_practice" in MECHANISMS and "trigger_point_injection" in KINDS


def test_every_builtin_source_names_a_known_profession():
    settings = load_settings()
    assert {s.profession for s in settings.sources.values()} <= set(PROFESSIONS)
    assert settings.sources["cpta"].profession == "physiotherapist"


def test_scope_gives_every_registrant_the_same_authorization_by_its_own_mechanism():
    source = replace(
        load_settings().sources["cpta"],
        profession="acupuncturist",
        mechanism="scope_of_practice",
        scope={"Acupuncture (scope of practice)": "acupuncture"},
    )
    (given,) = by_scope(source)
    assert (given.kind, given.mechanism) == ("acupuncture", "scope_of_practice")
    assert given.wording == "Acupuncture (scope of practice)"


def test_a_record_of_its_own_profession_hashes_apart_and_others_keep_their_hash():
    plain = registration()
    assert plain.content_hash() == registration().content_hash()
    own = registration(profession="acupuncturist")
    assert own.content_hash() != plain.content_hash()
    assert "acupuncturist" not in str(plain.content())


@pytest.mark.parametrize("key", ["cpta", "cpo", "oppq"])
def test_physiotherapy_sources_have_no_scope(key):
    source = load_settings().sources[key]
    assert source.scope == {} and by_scope(source) == []
