"""The evidence archive: responses kept compressed, content-addressed; reparse with no network."""

from __future__ import annotations

import gzip
import hashlib
import os
import time
from dataclasses import replace

import pytest
from click.testing import CliRunner

from db.archive import Archive
from emulators.alinity import AlinityEmulator
from emulators.people import alberta_physiotherapists
from registry.cli import cli
from registry.imports.importer import archive_of, run_source
from tests.runs import first_import, sample_source, snapshot

PEOPLE = alberta_physiotherapists(40, seed=41)
first = first_import(PEOPLE)  # one good import, with its archive: where each test here starts


@pytest.fixture
def imported(first, settings, tmp_path):
    """A copy of that import's database and archive, the source it was read from, and the run's
    report."""
    with first.opened_copy(tmp_path / "imported") as db:
        yield db, sample_source(settings, first.base_url), first.report


def test_every_response_is_archived_once_by_content(imported):
    db, source, report = imported
    archive = archive_of(db)
    assert archive.runs("cpta") == [report.run_id]
    entries = archive.read_run("cpta", report.run_id)
    assert len(entries) == report.requests - 1  # all but robots.txt, which is not evidence
    for e in entries[:5]:
        body = archive.get(e["sha256"])
        assert e["status"] == 200 and e["fetched_at"] and e["url"].startswith(source.base_url)

        assert hashlib.sha256(body).hexdigest() == e["sha256"]
    blobs = list((archive.root / "blobs").glob("*/*.gz"))
    assert len(blobs) == len({e["sha256"] for e in entries})
    assert gzip.decompress(blobs[0].read_bytes())  # stored compressed


def test_reparse_rebuilds_from_the_archive_without_network(imported, settings):
    db, source, earlier = imported  # the emulator is gone now: no network at all
    before = snapshot(db)
    again = run_source(db, settings.with_source(source), source, replay=earlier.run_id)
    assert again.outcome == "success" and again.counts.changed == 0
    assert again.message.startswith(f"reparsed from the archive of run {earlier.run_id}")
    assert snapshot(db) == before
    # A "parser fix" (here: the wording now maps to dry needling) changes what the same bytes mean.
    fixed = replace(source, wording={"Using needles in practice": "dry_needling"})
    fixed_report = run_source(db, settings.with_source(fixed), fixed, replay=earlier.run_id)
    holders = sum(1 for p in PEOPLE if "Using needles in practice" in p.authorizations)
    assert fixed_report.outcome == "success" and fixed_report.counts.changed == holders
    kinds = {r[0] for r in db.execute("select distinct kind from authorizations")}
    assert kinds == {"dry_needling"}


def test_reparse_command_and_its_errors(db, imported, tmp_path):
    empty = ["--db", str(tmp_path / "registry.db")]  # the `db` fixture's: nothing imported yet
    none_yet = CliRunner().invoke(cli, ["reparse", "cpta", *empty])
    assert none_yet.exit_code == 2 and "no archived responses for cpta" in none_yet.output
    _, source, _ = imported
    args = ["--db", str(tmp_path / "imported" / "registry.db")]
    config = tmp_path / "ops.toml"
    config.write_text(f"[sources.cpta]\nbase_url = '{source.base_url}'\n", encoding="utf-8")
    ok = CliRunner().invoke(cli, ["reparse", "cpta", "--config", str(config), *args])
    assert ok.exit_code == 0, ok.output
    assert "reparsed from the archive of run 1" in ok.output
    missing = CliRunner().invoke(cli, ["reparse", "cpta", "--run", "99", *args])
    assert missing.exit_code == 2 and "run 99 of cpta is not archived" in missing.output
    unknown = CliRunner().invoke(cli, ["reparse", "nowhere", *args])
    assert unknown.exit_code == 2 and "unknown source nowhere" in unknown.output


def test_retention_drops_old_runs_and_unused_blobs(tmp_path):
    archive = Archive(tmp_path / "archive")
    old = archive.put(b"old reply")
    shared = archive.put(b"shared reply")
    archive.write_run("cpta", 1, [{"sha256": old}, {"sha256": shared}])
    archive.write_run("cpta", 2, [{"sha256": shared}])
    manifest = tmp_path / "archive" / "runs" / "cpta" / "1.jsonl.gz"
    ancient = time.time() - 400 * 86400

    os.utime(manifest, (ancient, ancient))
    assert archive.prune(keep_days=365) == 1
    assert archive.runs("cpta") == [2]
    assert archive.get(shared) == b"shared reply"


def test_conditional_requests_save_unchanged_pages(first, imported, settings):
    db, source, report = imported
    before = snapshot(db)
    changed = [replace(PEOPLE[0], standing="Suspended"), *PEOPLE[1:]]
    with AlinityEmulator(changed, port=first.port) as register:
        second = run_source(db, settings.with_source(source), source)
        asked = [
            r for r in register.requests[-second.requests :] if "/registrant/" in r.path.lower()
        ]
    assert report.not_modified == 0
    assert all("if-none-match" in r.headers for r in asked)
    assert second.not_modified == len(PEOPLE) - 1, "only the changed page was sent again"
    assert second.counts.changed == 1 and "not downloaded again (304)" in second.message
    run = next(db.query("select not_modified from import_runs where id = ?", [second.run_id]))
    assert run["not_modified"] == len(PEOPLE) - 1
    assert snapshot(db) != before
    status = next(
        db.query("select status from registrations where registrant_id = ?", [PEOPLE[0].rg])
    )["status"]
    assert status == "Suspended"
