"""One home for "the last successful run of a source": the view, the named reads in db/reads.py,
and every layer that reports it (/api/sources, the verdicts, the page notices, the CLI and the
release manifest) answering the same."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from starlette.testclient import TestClient

from db import open_db, reads
from db.load import finish_run, start_run, sync_regulators
from registry.cli import cli
from registry.lookup.freshness import freshness_limits, states
from registry.releases.publish import _contents
from registry.releases.queries import QUERIES
from registry.web.app import create_app
from scrapers.sources import load_settings
from tests.conftest import PEOPLE, load, person

ONTARIO = [person("on1", "Tremblay", "Luc", number="30001", regulator="cpo", city="Toronto")]
NOVA_SCOTIA = [person("ns1", "MacLeod", "Fiona", number="N-1", regulator="nscp", city="Halifax")]


def _set_times(db, run_id: int, started: str, ended: str | None) -> None:
    db.execute(
        "update import_runs set started_at = ?, ended_at = ? where id = ?", [started, ended, run_id]
    )
    db.conn.commit()


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> tuple[Path, dict]:
    """Alberta: two good runs, then a failed one. Ontario: a good run, then one still running.
    Nova Scotia: one good run. British Columbia: only a rejected run. Everyone else: none.
    The times are old, so every source with data is stale (the page then prints its date)."""
    path = tmp_path_factory.mktemp("reads") / "registry.db"
    db = open_db(path)
    sync_regulators(db, load_settings().sources.values())
    first, _ = load(db, PEOPLE[:4])
    _set_times(db, first, "2020-01-01T00:00:00Z", "2020-01-01T00:10:00Z")
    second, _ = load(db, PEOPLE)
    _set_times(db, second, "2020-02-01T00:00:00Z", "2020-02-01T00:10:00Z")
    failed = start_run(db, "cpta")
    finish_run(db, failed, "failed", "HTTP 503", requests=3, errors=[])
    _set_times(db, failed, "2020-03-01T00:00:00Z", "2020-03-01T00:01:00Z")
    ontario, _ = load(db, ONTARIO, regulator="cpo")
    _set_times(db, ontario, "2020-01-15T00:00:00Z", "2020-01-15T00:05:00Z")
    running = start_run(db, "cpo")
    _set_times(db, running, "2020-04-01T00:00:00Z", None)
    nova, _ = load(db, NOVA_SCOTIA, regulator="nscp")
    _set_times(db, nova, "2020-01-20T00:00:00Z", "2020-01-20T00:02:00Z")
    rejected = start_run(db, "chcpbc")
    finish_run(db, rejected, "rejected", "empty register", requests=1, errors=[])
    db.close()
    expected = {
        "cpta": (second, "2020-02-01T00:10:00Z"),
        "cpo": (ontario, "2020-01-15T00:05:00Z"),
        "nscp": (nova, "2020-01-20T00:02:00Z"),
    }
    return path, {"expected": expected, "failed": failed, "running": running, "first": first}


def _read(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def test_the_view_and_the_named_reads(history):
    path, runs = history
    conn = _read(path)
    try:
        successes = reads.last_successes(conn)
        assert {k: (r["id"], r["ended_at"]) for k, r in successes.items()} == runs["expected"]
        cpta = successes["cpta"]
        assert cpta["outcome"] == "success" and cpta["successful_runs"] == 2
        assert cpta["first_started_at"] == "2020-01-01T00:00:00Z"
        assert cpta["on_register"] == len(PEOPLE)
        latest = reads.latest_runs(conn)
        assert latest["cpta"]["id"] == runs["failed"] and latest["cpo"]["id"] == runs["running"]
        assert latest["chcpbc"]["outcome"] == "rejected"
        finished = reads.latest_runs(conn, finished=True)
        assert finished["cpo"]["id"] == runs["expected"]["cpo"][0]
        assert reads.last_success_before(conn, "cpta", None) == "2020-02-01T00:10:00Z"
        assert reads.last_success_before(conn, "cpta", "2020-01-20T00:00:00Z") == (
            "2020-01-01T00:10:00Z"
        )
        assert reads.last_success_before(conn, "cpta", "2019-01-01T00:00:00Z") is None
        assert reads.data_version(conn) == (runs["expected"]["nscp"][0], "2020-02-01T00:10:00Z")
        totals = reads.run_totals(conn)
        assert (totals["total"], totals["successful"]) == (7, 4)
    finally:
        conn.close()


def test_nothing_outside_db_writes_sql_against_import_runs():
    """Prose may name the table; SQL (from, join, update, into) against it lives in db/ only."""
    sql = re.compile(r"\b(from|join|update|into)\s+import_runs\b", re.IGNORECASE)
    root = Path(__file__).resolve().parent.parent
    offenders = [
        str(p.relative_to(root))
        for folder in ("registry", "scrapers")
        for p in (root / folder).rglob("*.py")
        if sql.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_every_layer_reports_the_same_last_successful_run(history):
    path, runs = history
    expected = runs["expected"]
    with TestClient(create_app(path), raise_server_exceptions=False) as client:
        # /api/sources
        sources = {s["id"]: s for s in client.get("/api/sources").json()["sources"]}
        for gid, source in sources.items():
            got = source["last_success"]
            assert ((got["id"], got["ended_at"]) if got else None) == expected.get(gid), gid
        assert sources["cpta"]["last_run"]["outcome"] == "failed"
        assert sources["cpo"]["last_run"]["outcome"] == "running"
        assert sources["cpta"]["on_register"] == len(PEOPLE)
        # the verdicts
        for gid, number in (("cpta", "20001"), ("cpo", "30001"), ("nscp", "N-1")):
            body = client.get(
                "/api/verify", params={"regulator": gid, "registration_number": number}
            ).json()
            last = body["data"]["last_successful_import"]
            assert (last["import_run_id"], last["ended_at"]) == expected[gid], gid
        # a number not on the register: the receipt points at the run that read the register
        body = client.get(
            "/api/verify", params={"regulator": "cpta", "registration_number": "99999"}
        ).json()
        assert body["receipt"]["import_run_id"] == expected["cpta"][0]
        # the page: every stale register with data says when it was last read
        soup = BeautifulSoup(client.get("/").text, "html.parser")
        listed = [" ".join(li.get_text().split()) for li in soup.select(".sources li")]
        for gid, (_, ended) in expected.items():
            name = sources[gid]["name"]
            (line,) = [line for line in listed if name in line]
            assert f"last read {ended[:10]}" in line, line
    # the page notices' source of truth
    conn = _read(path)
    try:
        found = states(conn, freshness_limits(load_settings()))
        manifest = _contents(conn)["import_runs"]["latest_successful_per_source"]
    finally:
        conn.close()
    assert {k: s.last_success for k, s in found.items() if s.last_success} == {
        k: ended for k, (_, ended) in expected.items()
    }
    assert found["cpta"].failing and not found["cpo"].failing and found["chcpbc"].failing
    # the release manifest
    assert {r["regulator_id"]: (r["id"], r["ended_at"]) for r in manifest} == expected
    # the CLI
    result = CliRunner().invoke(
        cli, ["sources", "--json", "--db", str(path)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    cli_rows = {r["source"]: r["last_successful_import"] for r in json.loads(result.output)}
    assert {k: v for k, v in cli_rows.items() if v} == {k: e for k, (_, e) in expected.items()}
    assert cli_rows["cpta"] == sources["cpta"]["last_success"]["ended_at"]


def test_saved_query_coverage_reads_the_view(history):
    path, runs = history
    conn = _read(path)
    try:
        cursor = conn.execute(QUERIES["coverage_per_regulator"].sql)
        names = [d[0] for d in cursor.description]
        rows = {r["regulator_id"]: r for r in (dict(zip(names, v, strict=True)) for v in cursor)}
    finally:
        conn.close()
    assert rows["cpta"]["last_import"] == "2020-02-01T00:10:00Z"
    assert rows["cpta"]["first_import"] == "2020-01-01T00:00:00Z"
    assert rows["cpta"]["successful_runs"] == 2 and rows["chcpbc"]["successful_runs"] == 0
    assert rows["chcpbc"]["last_import"] is None
