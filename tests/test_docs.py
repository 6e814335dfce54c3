"""Documentation and publishing configuration stay true to the code."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from db import open_db
from scrapers.kinds import KINDS
from scrapers.sources import PLATFORMS, load_settings

ROOT = Path(__file__).resolve().parents[1]
METADATA = json.loads((ROOT / "metadata.json").read_text(encoding="utf-8"))


def test_every_source_is_attributed_in_datasette_metadata():
    attribution = METADATA["databases"]["registry"]["source"]
    for source in load_settings().sources.values():
        if source.coverage == "supported":
            assert source.regulator in attribution and source.register_url in attribution


def test_metadata_names_only_tables_that_exist(tmp_path):
    db = open_db(tmp_path / "registry.db")
    tables = {*db.table_names(), *db.view_names()}  # Datasette describes views too
    described = set(METADATA["databases"]["registry"]["tables"])
    assert described <= tables
    for name, table in METADATA["databases"]["registry"]["tables"].items():
        for column in table.get("columns", {}):
            assert column in db[name].columns_dict, f"{name}.{column}"
        for facet in table.get("facets", []):
            column = facet["array"] if isinstance(facet, dict) else facet
            assert column in db[name].columns_dict, f"{name} facet {column}"


def test_internal_tables_are_hidden():
    tables = METADATA["databases"]["registry"]["tables"]
    assert tables["_sqlite_migrations"]["hidden"] and tables["directory_fts"]["hidden"]


def test_kinds_and_wording_are_documented():
    kinds_doc = (ROOT / "docs" / "kinds.md").read_text(encoding="utf-8")
    for kind in KINDS:
        assert f"`{kind}`" in kinds_doc
    for source in load_settings().sources.values():
        for wording in source.wording:
            assert wording in kinds_doc, f"{source.key}: {wording!r} missing from docs/kinds.md"


def test_every_source_key_is_documented():
    sources_doc = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
    from scrapers.sources import Source

    for field in Source.__dataclass_fields__:
        if field != "key":
            assert f"`{field}`" in sources_doc, f"docs/sources.md lacks {field}"


def test_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "scripts/test" in readme and "scripts/test" in ci


def test_fts_index_folds_accents_and_has_prefix_indexes(tmp_path):
    open_db(tmp_path / "registry.db").close()
    (sql,) = (
        sqlite3.connect(tmp_path / "registry.db")
        .execute("select sql from sqlite_master where name = 'directory_fts'")
        .fetchone()
    )
    assert "remove_diacritics 2" in sql and "porter" not in sql and "prefix='2 3 4 5 6 7 8'" in sql


def test_regulators_doc_lists_every_source_with_its_terms():
    doc = (ROOT / "docs" / "regulators.md").read_text(encoding="utf-8")
    for source in load_settings().sources.values():
        line = next(
            (row for row in doc.splitlines() if row.startswith(f"| `{source.key}` |")), None
        )
        assert line, f"docs/regulators.md lacks {source.key}"
        assert source.regulator in line and source.terms_note in line


def test_the_alinity_options_table_is_the_code_s():
    import re

    from scrapers.alinity import DEFAULT_OPTIONS

    doc = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
    section = doc.split("## Alinity options", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.M)
    assert sorted(documented) == sorted(DEFAULT_OPTIONS)
    defaults = dict(re.findall(r"^\| `([a-z_]+)` \| ([^|]+) \|", section, flags=re.M))
    for name in ("row_cap", "min_chars", "max_prefix_length", "renewals", "request_budget"):
        assert defaults[name].strip() == str(DEFAULT_OPTIONS[name]), name


def _options_table(text: str) -> dict[str, str]:
    import re

    table = text.split("| option | default | meaning |", 1)[1].split("\n\n", 1)[0]
    return dict(re.findall(r"^\| `([a-z_]+)` \| ([^|]+) \|", table, flags=re.M))


@pytest.mark.parametrize("platform", sorted(set(PLATFORMS) - {"alinity"}))
def test_every_platform_s_options_table_is_the_code_s(platform):
    """docs/platforms/<platform>.md lists each option of the adapter's DEFAULT_OPTIONS, and no
    other, with its default where the default is a plain value."""
    import importlib

    defaults = importlib.import_module(PLATFORMS[platform]).DEFAULT_OPTIONS
    doc = (ROOT / "docs" / "platforms" / f"{platform}.md").read_text(encoding="utf-8")
    assert "| option | default | meaning |" in doc, f"{platform}: no options table"
    documented = _options_table(doc)
    assert sorted(documented) == sorted(defaults)
    for name, value in defaults.items():
        if isinstance(value, str | int | float | bool) and 0 < len(str(value)) < 60:
            assert documented[name].strip() == f"`{value}`", name
