"""One rule for which sources a command acts on (registry/imports/choice.py), for import,
preflight, reparse and cassettes alike."""

import pytest

from registry.imports.choice import SourceChoiceError, choose_sources
from scrapers.sources import load_settings

SETTINGS = load_settings()


def keys(sources):
    return [s.key for s in sources]


def test_an_import_of_nothing_named_takes_every_enabled_source():
    assert keys(choose_sources(SETTINGS, (), "import")) == [
        s.key for s in SETTINGS.sources.values() if s.enabled
    ]
    assert "wa_doh_pt" not in keys(choose_sources(SETTINGS, (), "import"))  # disabled


def test_an_import_refuses_unknown_unsupported_and_disabled_sources_by_name():
    with pytest.raises(SourceChoiceError, match=r"^unknown source\(s\) nowhere, nope; known: cpta"):
        choose_sources(SETTINGS, ("cpta", "nowhere", "nope"), "import")
    with pytest.raises(SourceChoiceError, match="^va_pt is not yet supported: "):
        choose_sources(SETTINGS, ("va_pt",), "import")
    with pytest.raises(
        SourceChoiceError, match=r"^source\(s\) wa_doh_pt are disabled in the config"
    ):
        choose_sources(SETTINGS, ("wa_doh_pt",), "import")
    assert keys(choose_sources(SETTINGS, ("oppq", "cpta"), "import")) == ["oppq", "cpta"]


def test_a_preflight_checks_disabled_sources_too_but_only_those_with_an_adapter():
    default = keys(choose_sources(SETTINGS, (), "check"))
    assert "wa_doh_pt" in default and "va_pt" not in default
    with pytest.raises(SourceChoiceError, match="^va_pt has no adapter to check: "):
        choose_sources(SETTINGS, ("va_pt",), "check")


def test_reading_one_source_only_needs_it_declared():
    assert keys(choose_sources(SETTINGS, ("va_pt",), "read")) == ["va_pt"]
    with pytest.raises(SourceChoiceError, match="^unknown source nowhere; known: cpta, "):
        choose_sources(SETTINGS, ("nowhere",), "read")
    assert choose_sources(SETTINGS, (), "read") == []
