"""Releases: built consistently, named by content, never overwritten, checksummed, and served
read-only by `datasette -i` with every saved query and download working."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from db import db_file
from registry.releases.publish import PUBLIC_SETTINGS, PublishError, publish, serve_command, verify
from registry.releases.queries import QUERIES
from registry.settings import SiteSettings
from registry.web.app import create_app, from_environment
from tests.conftest import PEOPLE, free_port, load, person
from tests.histories import three_runs
from tests.releases import NOW, published, serving
from tests.runs import run

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def source(db):
    three_runs(db)
    return db_file(db)


@pytest.fixture
def release(source, tmp_path):
    return publish(source, tmp_path / "releases", now=NOW)


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """(source, release) made once, for the tests that only read them."""
    return published(tmp_path_factory.mktemp("shared"))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_release_is_named_by_its_content_and_checksummed(shared):
    source, release = shared
    assert re.fullmatch(r"registry-2026-11-28-[0-9a-f]{12}", release.name)
    assert release.path.name == release.name
    db = release.path / "registry.db"
    assert sha256(db) == release.sha256 and release.name.endswith(release.sha256[:12])
    manifest = json.loads((release.path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["sha256"] == release.sha256
    for name in ("registry.db", "metadata.json", "inspect-data.json"):
        assert manifest["files"][name]["sha256"] == sha256(release.path / name)
        assert manifest["files"][name]["bytes"] == (release.path / name).stat().st_size
    assert verify(release.path) == []
    sums = (release.path / "SHA256SUMS").read_text(encoding="utf-8")
    assert f"{sha256(release.path / 'manifest.json')}  manifest.json" in sums
    for f in release.path.iterdir():
        assert not f.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH), f.name
    assert not list(release.path.parent.glob(".publishing-*"))  # staging cleaned up


def test_the_manifest_describes_sources_runs_and_counts(shared):
    source, release = shared
    manifest = release.manifest
    conn = sqlite3.connect(source)
    for name, count in manifest["tables"].items():
        assert conn.execute(f"select count(*) from [{name}]").fetchone()[0] == count
    assert manifest["tables"]["registrations"] == 9 and manifest["tables"]["events"] > 0
    assert "directory_fts_data" not in manifest["tables"]
    assert manifest["schema"]["migrations"] == [
        name for (name,) in conn.execute("select name from _sqlite_migrations order by id")
    ]
    cpta = next(s for s in manifest["sources"] if s["id"] == "cpta")
    assert cpta["terms_note"].startswith("Public directory of the College")
    runs = manifest["import_runs"]
    assert (runs["total"], runs["successful"]) == (3, 3)
    assert [r["regulator_id"] for r in runs["latest_successful_per_source"]] == ["cpta"]
    assert runs["latest_successful_per_source"][0]["on_register"] == 8
    assert manifest["synthetic_sample"] is False
    assert manifest["created_at"] == "2026-11-28T12:00:00Z"


def test_the_release_file_is_a_complete_standalone_database(shared):
    source, release = shared
    uri = f"{(release.path / 'registry.db').as_uri()}?immutable=1"
    conn = sqlite3.connect(uri, uri=True)
    assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
    assert conn.execute("pragma journal_mode").fetchone() == ("delete",)
    assert conn.execute("select count(*) from sqlite_stat1").fetchone()[0] > 0
    hits = conn.execute(
        "select d.name from directory d join directory_fts f on f.rowid = d.id "
        "where directory_fts match 'red*' order by d.id"
    ).fetchall()
    assert ("Roberts, Alice",) in hits and ("Zhang, Zoe",) in hits


def test_a_release_is_never_overwritten(release, source, db):
    with pytest.raises(PublishError, match="already published"):
        publish(source, release.path.parent, now=NOW)
    load(db, [*PEOPLE, person("r10", "Young", "Ada", number="20010")])
    second = publish(source, release.path.parent, now=NOW)
    assert second.name != release.name
    assert verify(release.path) == [] and verify(second.path) == []
    assert second.manifest["tables"]["registrations"] == 10


def test_publish_errors_are_clear(tmp_path):
    with pytest.raises(PublishError, match="no database at"):
        publish(tmp_path / "missing.db", tmp_path / "out")
    (tmp_path / "notes.txt").write_text("not a database")
    with pytest.raises(PublishError, match="not a SQLite database"):
        publish(tmp_path / "notes.txt", tmp_path / "out")
    result = run("publish", "--db", str(tmp_path / "missing.db"), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "no database at" in result.output


def test_publish_command(source, tmp_path):
    result = run("publish", "--db", str(source), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    (folder,) = (tmp_path / "out").iterdir()
    assert f"published {folder}" in result.output and "registrations 9" in result.output
    (tmp_path / "file").write_text("")
    result = run("publish", "--db", str(source), "--out", str(tmp_path / "file"))
    assert result.exit_code == 2 and "must be a folder" in result.output


def test_serve_release_refuses_a_damaged_or_foreign_folder(release, tmp_path):
    result = run("serve-release", str(tmp_path))
    assert result.exit_code == 2 and "not a release folder" in result.output
    metadata = release.path / "metadata.json"
    metadata.chmod(0o644)
    metadata.write_text("{}")
    result = run("serve-release", str(release.path), "--print")
    assert result.exit_code == 2 and "checksum mismatch for metadata.json" in result.output


def test_datasette_serves_a_release_read_only(shared):
    _, release = shared
    port = free_port()
    with serving(serve_command(release.path, host="127.0.0.1", port=port), port) as http:
        page = http.get("/registry/directory")
        assert page.status_code == 200 and "Roberts, Alice" in page.text
        assert "registry-2026-11-28" in http.get("/").text  # the release's own title
        assert page.headers["cache-control"] == "max-age=31536000, public"  # hashed URL

        rows = http.get("/registry/directory.json?_shape=array&_size=max").json()
        assert len(rows) == 9
        csv = http.get("/registry/registrations.csv?_stream=on")
        assert csv.status_code == 200 and csv.text.count("\n") == 10  # header + 9

        history = http.get(
            "/registry/registration_history.json",
            params={"_shape": "array", "regulator": "cpta", "registration_number": "20001"},
        ).json()
        assert [r["kind"] for r in history][-1] == "current"
        state = http.get("/registry/state_as_of.csv", params={"as_of": "2026-02-01"})
        assert state.status_code == 200 and state.text.count("\n") == 9  # header + 8
        for name in QUERIES:
            assert http.get(f"/registry/{name}.json").status_code == 200, name

        download = http.get("/registry.db")
        assert download.status_code == 200
        assert hashlib.sha256(download.content).hexdigest() == release.sha256

        assert http.get("/registry.json?sql=select+count(*)+from+events").status_code == 200
        settings = http.get("/-/settings.json").json()
        assert settings["sql_time_limit_ms"] == 1000 and settings["max_returned_rows"] == 1000
        databases = http.get("/-/databases.json").json()
        assert databases[0]["is_mutable"] is False
    assert verify(release.path) == []  # serving wrote nothing


def test_serve_release_with_sql_off_runs_saved_queries_only(shared):
    """The Dockerfile's command: `registry serve-release` execs datasette -i on $PORT."""
    _, release = shared
    port = free_port()
    registry = Path(sys.executable).with_name("registry")
    # --port comes from $PORT, as on container platforms
    command = ["env", f"PORT={port}", str(registry), "serve-release", str(release.path), "--no-sql"]
    with serving(command, port) as http:
        assert http.get("/registry.json?sql=select+1").status_code == 403
        assert http.get("/registry/coverage_per_regulator.json").status_code == 200
        assert http.get("/registry/directory.json").status_code == 200


def test_dockerfile_serves_a_release_with_the_tested_command():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "FROM python:3.11-slim" in dockerfile
    assert "constraints.txt" in dockerfile
    assert re.search(
        r'CMD \["registry", "serve-release", "/srv/release", "--host", "0.0.0.0"', dockerfile
    )


def test_researchers_example_runs_against_a_release(shared, tmp_path):
    _, release = shared
    doc = (ROOT / "docs" / "researchers.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", doc, re.S).group(1)
    assert "releases/registry-2026-11-28-3f9c0a1b2c4d" in code
    code = code.replace("releases/registry-2026-11-28-3f9c0a1b2c4d", str(release.path))
    script = tmp_path / "analysis.py"
    script.write_text(code, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "cpta" in done.stdout and "Red Deer" in done.stdout


def test_publishing_doc_shows_the_settings_the_code_uses():
    doc = (ROOT / "docs" / "publishing.md").read_text(encoding="utf-8")
    flat = " ".join(doc.replace("\\\n", " ").split())
    for key, value in PUBLIC_SETTINGS.items():
        # the hand-run datasette command and the `datasette publish cloudrun` one
        assert flat.count(f"--setting {key} {value}") == 2, key


def test_every_table_of_a_release_is_described_in_its_metadata(release):
    metadata = json.loads((release.path / "metadata.json").read_text(encoding="utf-8"))
    described = metadata["databases"]["registry"]["tables"]
    conn = sqlite3.connect(f"{(release.path / 'registry.db').as_uri()}?immutable=1", uri=True)
    for (name,) in conn.execute("select name from sqlite_master where type = 'table'"):
        assert name in described, name
        for (column,) in conn.execute(f"select name from pragma_table_info('{name}')"):
            assert described[name]["columns"][column], f"{name}.{column}"
    assert "sqlite_stat1" in described  # written by publish's ANALYZE
    assert metadata["source_url"] == "/registry/regulators"  # a release is served at /


def test_the_site_can_turn_arbitrary_sql_off(tmp_path, db):
    three_runs(db)
    app = create_app(SiteSettings.load(db_file(db), allow_sql=False))
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/data/registry.json", params={"sql": "select 1"}).status_code == 403
        saved = client.get(
            "/data/registry/state_as_of.json", params={"as_of": "2026-02-01", "_shape": "array"}
        )
        assert saved.status_code == 200 and len(saved.json()) == 8
        assert client.get("/data/registry/events.csv").status_code == 200
    with TestClient(create_app(db_file(db))) as client:
        assert client.get("/data/registry.json", params={"sql": "select 1"}).status_code == 200


def test_the_asgi_factory_reads_the_sql_switch_from_the_environment(db, monkeypatch):
    load(db, PEOPLE)
    monkeypatch.setenv("REGISTRY_DB", str(db_file(db)))
    monkeypatch.setenv("REGISTRY_NO_SQL", "1")
    with TestClient(from_environment()) as client:
        assert client.get("/data/registry.json", params={"sql": "select 1"}).status_code == 403
    monkeypatch.setenv("REGISTRY_NO_SQL", "0")
    with TestClient(from_environment()) as client:
        assert client.get("/data/registry.json", params={"sql": "select 1"}).status_code == 200
