"""Where files live is decided in db/layout.py, and every layer (the database, the clinics
database, the importer's archive and locks, the demo) asks it."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from db import default_path, layout, open_db
from db.clinics import clinics_path
from registry.cli import cli
from registry.imports import demo
from registry.imports.importer import archive_of, source_lock


def test_the_layout_beside_a_registry_database(tmp_path, monkeypatch):
    monkeypatch.delenv(layout.DB_ENV, raising=False)
    monkeypatch.delenv(layout.CLINICS_ENV, raising=False)
    assert layout.registry_db() == default_path() == Path("db") / "registry.db"
    db = tmp_path / "x" / "registry.db"
    assert layout.clinics_db(db) == clinics_path(db) == tmp_path / "x" / "registry.clinics.db"
    assert layout.archive_dir(db) == tmp_path / "x" / "archive" / "registry"
    assert layout.lock_file(db, "cpta") == tmp_path / "x" / "locks" / "registry.cpta.lock"
    assert layout.sqlite_files(db) == [
        db,
        tmp_path / "x" / "registry.db-wal",
        tmp_path / "x" / "registry.db-shm",
    ]


def test_the_environment_moves_the_databases(tmp_path, monkeypatch):
    monkeypatch.setenv(layout.DB_ENV, str(tmp_path / "a.db"))
    monkeypatch.setenv(layout.CLINICS_ENV, str(tmp_path / "private" / "c.db"))
    assert layout.registry_db() == default_path() == tmp_path / "a.db"
    assert layout.clinics_db(tmp_path / "a.db") == tmp_path / "private" / "c.db"
    assert clinics_path("anything.db") == tmp_path / "private" / "c.db"


def test_the_importer_puts_its_archive_and_locks_where_the_layout_says(tmp_path):
    path = tmp_path / "registry.db"
    db = open_db(path)
    try:
        assert archive_of(db).root == layout.archive_dir(path)
        with source_lock(db, "cpta"):
            assert layout.lock_file(path, "cpta").exists()
    finally:
        db.close()


def test_the_demo_resets_the_clinics_database_it_serves(tmp_path, monkeypatch):
    """With $REGISTRY_CLINICS_DB set, the demo starts that file afresh (its watch lists pointed
    into the old registry) and leaves the file beside its database alone."""
    # One sample register is enough for where files go (the whole demo is tests/conftest.py's).
    monkeypatch.setattr(demo, "SAMPLES", {"cpo": demo.SAMPLES["cpo"]})
    db = tmp_path / "demo" / "registry.db"
    elsewhere = tmp_path / "private" / "clinics.db"
    beside = layout.clinics_db(db)
    for stale in (elsewhere, beside, layout.archive_dir(db) / "old"):
        stale.parent.mkdir(parents=True, exist_ok=True)
        stale.write_text("an earlier demo's")
    result = CliRunner().invoke(
        cli,
        ["demo", "--no-serve", "--count", "25", "--db", str(db)],
        env={layout.CLINICS_ENV: str(elsewhere)},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert not elsewhere.exists()
    assert beside.read_text() == "an earlier demo's"
    assert not (layout.archive_dir(db) / "old").exists()
    assert layout.archive_dir(db).is_dir()  # this demo's responses
    assert open_db(db).table("registrations").count > 0
