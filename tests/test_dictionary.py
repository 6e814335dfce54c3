"""The data dictionary describes the whole schema; the generated files are current; every saved
query runs through Datasette and answers correctly."""

from __future__ import annotations

import asyncio
import json

import pytest
from datasette.app import Datasette

from db import open_db
from db.dictionary import TABLES
from registry.releases.metadata import (
    DICTIONARY_PATH,
    HAND_WRITTEN,
    METADATA_PATH,
    build,
    generated,
    regulator_rows,
    schema,
)
from registry.releases.queries import QUERIES
from scrapers.sources import load_settings
from tests.conftest import PEOPLE
from tests.histories import three_runs


def test_every_table_and_column_of_a_migrated_database_is_described(tmp_path):
    db = open_db(tmp_path / "registry.db")
    names = [*db.table_names(), *db.view_names()]
    assert "registration_versions" in names and "events" in names
    for name in names:
        assert name in TABLES, f"table {name} is not in db/dictionary.py"
        assert TABLES[name].description.strip()
        for column in db[name].columns_dict:
            assert TABLES[name].columns.get(column, "").strip(), f"{name}.{column} undescribed"
    # and nothing is described that the schema does not have
    for name, table in TABLES.items():
        if not table.optional:
            assert name in names, f"db/dictionary.py describes {name}, which does not exist"
            assert set(table.columns) == set(db[name].columns_dict), name


def test_presentation_hints_name_real_columns():
    types = schema()
    for name, table in TABLES.items():
        if table.optional:
            continue
        hinted = [table.label_column, table.sort, table.sort_desc, *table.sortable_columns]
        hinted += [f["array"] if isinstance(f, dict) else f for f in table.facets]
        for column in filter(None, hinted):
            assert column in types[name], f"{name}: {column}"


def test_internal_tables_are_hidden_and_researchers_tables_are_not():
    meta = json.loads(METADATA_PATH.read_text(encoding="utf-8"))["databases"]["registry"]
    tables = meta["tables"]
    for name in ("_sqlite_migrations", "directory_fts", "directory_fts_data"):
        assert tables[name]["hidden"] is True
    for name in ("directory", "registrations", "events", "registration_versions", "regulators"):
        assert "hidden" not in tables[name]


def test_generated_files_are_current():
    """metadata.json, docs/data-dictionary.md and docs/regulators.md are what `registry
    metadata` writes."""
    for path, text in generated(load_settings().sources.values()).items():
        assert path.read_text(encoding="utf-8") == text, (
            f"{path.name} is out of date; run `registry metadata`"
        )


def test_data_dictionary_doc_lists_every_public_column_and_query():
    files = generated(load_settings().sources.values())
    doc = files[DICTIONARY_PATH]
    for name, table in TABLES.items():
        if not table.hidden:
            assert f"### `{name}`" in doc
            for column in table.columns:
                assert f"| `{column}` |" in doc, f"{name}.{column}"
    for name in QUERIES:
        assert f"### `{name}`" in doc


def test_licence_and_attribution_name_every_supported_regulator():
    meta = json.loads(METADATA_PATH.read_text(encoding="utf-8"))
    for source in load_settings().sources.values():
        if source.coverage == "supported":
            assert source.regulator in meta["description_html"]
            assert source.register_url in meta["databases"]["registry"]["source"]
        else:
            assert source.regulator not in meta["databases"]["registry"]["source"]
    assert "CC BY 4.0" in meta["databases"]["registry"]["license"]


@pytest.fixture
def history_db(db):
    return three_runs(db)


def get(ds: Datasette, url: str):
    """One request, after Datasette's startup hooks (datasette-hashed-urls needs its own)."""

    async def started():
        await ds.invoke_startup()
        return await ds.client.get(url)

    return asyncio.run(started())


def run(path, name: str, **params) -> list[dict]:
    meta = build(regulator_rows(load_settings().sources.values()), "/")
    ds = Datasette([str(path)], metadata=meta)
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = get(ds, f"/registry/{name}.json?_shape=array&{query}")
    assert response.status_code == 200, response.text
    return response.json()


def db_path(db):
    return next(row[2] for row in db.execute("pragma database_list") if row[1] == "main")


def test_authorizations_by_place(history_db):
    rows = run(db_path(history_db), "authorizations_by_place", province="ab")
    red_deer = [r for r in rows if r["city"] == "Red Deer"]
    # Alice (again), Anne-Marie, Zoe; Hélène holds none
    assert red_deer == [
        {
            "province": "AB",
            "city": "Red Deer",
            "kind": "needling",
            "registrations": 3,
            "practising": 3,
        }
    ]
    assert "Edmonton" not in {r["city"] for r in rows}  # Maya left
    st_albert = next(r for r in rows if r["city"] == "St. Albert")
    assert st_albert["practising"] == 1  # Liam is practising again
    assert run(db_path(history_db), "authorizations_by_place", kind="acupuncture") == []


def test_grants_and_removals_per_month(history_db):
    rows = run(db_path(history_db), "grants_and_removals_per_month")
    assert rows == [
        {
            "month": "2026-03",
            "regulator_id": "cpta",
            "regulator": "College of Physiotherapists of Alberta",
            "granted": 0,
            "removed": 1,
            "appeared_authorized": 1,
            "left_authorized": 1,
        },
        {
            "month": "2026-04",
            "regulator_id": "cpta",
            "regulator": "College of Physiotherapists of Alberta",
            "granted": 1,
            "removed": 0,
            "appeared_authorized": 0,
            "left_authorized": 0,
        },
    ]
    assert run(db_path(history_db), "grants_and_removals_per_month", regulator="cpo") == []


def test_coverage_per_regulator(history_db):
    rows = run(db_path(history_db), "coverage_per_regulator")
    assert [r["regulator_id"] for r in rows if r["coverage"] != "supported"]  # listed too
    cpta = next(r for r in rows if r["regulator_id"] == "cpta")
    assert cpta["successful_runs"] == 3
    assert cpta["registrations_ever"] == 9
    assert cpta["on_register"] == 8  # everyone but Maya
    assert cpta["first_import"] <= cpta["last_import"]
    assert rows[0]["coverage"] == "supported"


def test_registration_history(history_db):
    rows = run(
        db_path(history_db), "registration_history", regulator="cpta", registration_number="20001"
    )
    assert [(r["at"][:10], r["entry"], r["kind"]) for r in rows] == [
        ("2026-01-10", "state", "earlier"),
        ("2026-03-01", "event", "authorization_removed"),
        ("2026-03-01", "state", "earlier"),
        ("2026-04-15", "event", "authorization_granted"),
        ("2026-04-15", "state", "current"),
    ]
    assert json.loads(rows[2]["detail"])["authorizations"] == []
    assert json.loads(rows[-1]["detail"])["authorizations"][0]["kind"] == "needling"
    assert rows[0]["valid_to"].startswith("2026-03-01")


def test_evidence_of_registration(history_db):
    rows = run(
        db_path(history_db),
        "evidence_of_registration",
        regulator="cpta",
        registration_number="20001",
    )
    # Alice's current state was written by the third run (her authorization came back).
    (last_run,) = history_db.execute(
        "select last_run_id from registrations where registration_number = '20001'"
    ).fetchone()
    assert rows == [
        {
            "registration_id": "cpta:r1",
            "name": "Roberts, Alice",
            "role": "listing",
            "url": "https://example.test/client/PublicDirectory/Registrants",
            "method": "POST",
            "request": "querySID=1",
            "fetched_at": "2026-11-23T10:00:00Z",
            "sha256": "ab" * 32,
            "run_id": last_run,
        }
    ]
    assert last_run == 3
    assert (
        run(
            db_path(history_db),
            "evidence_of_registration",
            regulator="cpta",
            registration_number="99999",
        )
        == []
    )


def test_state_as_of(history_db):
    def by_number(rows):
        return {r["registration_number"]: r for r in rows}

    february = by_number(run(db_path(history_db), "state_as_of", as_of="2026-02-01"))
    assert set(february) == {p.registration_number for p in PEOPLE}
    assert february["20001"]["kinds"] == "needling"
    assert february["20005"]["status"] == "Suspended" and february["20003"]["on_register"] == 1

    march = by_number(run(db_path(history_db), "state_as_of", as_of="2026-03-01"))
    assert march["20001"]["kinds"] is None  # removed that day
    assert march["20003"]["on_register"] == 0  # Maya left
    assert march["20005"]["status"] == "Practising"
    assert "20009" in march

    assert run(db_path(history_db), "state_as_of", as_of="2025-12-31") == []


def test_every_saved_query_runs_with_sql_off(history_db):
    """Canned queries are the researcher's interface on an instance with arbitrary SQL off."""
    meta = build(regulator_rows(load_settings().sources.values()), "/")
    ds = Datasette([db_path(history_db)], metadata=meta, settings={"default_allow_sql": False})
    params = "as_of=2026-03-01&regulator=cpta&registration_number=20001"
    for name in QUERIES:
        response = get(ds, f"/registry/{name}.json?_shape=array&{params}")
        assert response.status_code == 200, (name, response.text)
        assert response.json(), f"{name} returned no rows"
    response = get(ds, "/registry.json?sql=select+1")
    assert response.status_code == 403


def test_metadata_command_checks_and_rewrites_stale_files(tmp_path, monkeypatch):
    from registry.releases import metadata
    from tests.runs import run as cli

    assert cli("metadata", "--check").exit_code == 0  # the committed files are current
    monkeypatch.setattr(metadata, "ROOT", tmp_path)
    monkeypatch.setattr(metadata, "METADATA_PATH", tmp_path / "metadata.json")
    monkeypatch.setattr(metadata, "DICTIONARY_PATH", tmp_path / "docs" / "data-dictionary.md")
    monkeypatch.setattr(metadata, "REGULATORS_PATH", tmp_path / "docs" / "regulators.md")
    (tmp_path / "docs").mkdir()
    (tmp_path / "metadata.json").write_text("{}")
    result = cli("metadata", "--check")
    assert result.exit_code == 1 and "metadata.json is out of date" in result.output
    assert (tmp_path / "metadata.json").read_text() == "{}"  # --check writes nothing
    result = cli("metadata")
    assert result.exit_code == 0 and "wrote docs/data-dictionary.md" in result.output
    assert cli("metadata", "--check").exit_code == 0
    assert json.loads((tmp_path / "metadata.json").read_text())["databases"]["registry"]["queries"]


def test_regulators_doc_is_regenerated_and_keeps_its_hand_written_sections(tmp_path, monkeypatch):
    from registry.releases import metadata
    from tests.runs import run as cli

    doc = tmp_path / "regulators.md"
    monkeypatch.setattr(metadata, "ROOT", tmp_path)
    monkeypatch.setattr(metadata, "REGULATORS_PATH", doc)
    monkeypatch.setattr(metadata, "METADATA_PATH", tmp_path / "metadata.json")
    monkeypatch.setattr(metadata, "DICTIONARY_PATH", tmp_path / "data-dictionary.md")
    note = "## Why this tenant\n\nA hand-written reason, kept as it is | even with pipes.\n"
    doc.write_text(f"# Regulators\n\n| `cpo` | a stale row |\n\n{HAND_WRITTEN}\n{note}")
    assert cli("metadata", "--check").exit_code == 1
    assert cli("metadata").exit_code == 0
    text = doc.read_text(encoding="utf-8")
    assert text.endswith(f"\n{HAND_WRITTEN}\n{note}") and "a stale row" not in text
    sources = load_settings().sources.values()
    for source in sources:
        row = next(r for r in text.splitlines() if r.startswith(f"| `{source.key}` |"))
        assert source.regulator in row and source.terms_note in row
        assert ("not yet supported" in row) == (source.coverage != "supported")
    assert len([r for r in text.splitlines() if r.startswith("| `")]) == len(sources)
    assert cli("metadata", "--check").exit_code == 0  # idempotent: the kept part is not doubled
    doc.write_text("# Regulators\n\nby hand, no marker\n")  # a file without the line: all new
    assert cli("metadata").exit_code == 0
    assert doc.read_text(encoding="utf-8").endswith(f"{HAND_WRITTEN}\n")
