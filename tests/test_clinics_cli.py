"""`registry verify` and `registry watch create`: rosters from the command line, clear errors."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from db import open_db
from db.clinics import clinics_path, open_clinics
from registry.cli import cli
from registry.clinics.receipts import fetch
from tests.clinic_site import age, registry_with
from tests.conftest import PEOPLE


@pytest.fixture
def registry_db(tmp_path):
    path = tmp_path / "registry.db"
    registry_with(path, (PEOPLE, "cpta")).close()
    return path


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def roster(tmp_path, text: str, encoding="utf-8"):
    path = tmp_path / "staff.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_verify_prints_the_roster_with_verdicts_and_receipts(tmp_path, registry_db):
    path = roster(tmp_path, "Name,College,Licence number\nAlice Roberts,CPTA,20001\nX,ZZ,1\n")
    result = run("verify", path, "--db", registry_db)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["Name"], r["verdict"]) for r in rows] == [("X", ""), ("Alice Roberts", "authorized")]
    assert "unknown regulator or province 'ZZ'" in rows[0]["error"]
    assert "2 rows, 1 needing attention (listed first): authorized 1, error 1" in result.stderr
    clinics = open_clinics(clinics_path(registry_db))
    stored, _ = fetch(clinics, rows[1]["receipt_id"])
    clinics.close()
    assert stored["verdict"] == "authorized" and stored["query"]["name"] == "Alice Roberts"


def test_verify_as_json_to_a_file(tmp_path, registry_db):
    path = roster(tmp_path, "Full name,Province,Reg #\nJean Robert,Alberta,20002\n")
    out = tmp_path / "out.json"
    result = run("verify", path, "--format", "json", "-o", out, "--db", registry_db)
    assert result.exit_code == 0
    body = json.loads(out.read_text(encoding="utf-8"))
    assert body["summary"] == {
        "rows": 1,
        "needing_attention": 1,
        "by_verdict": {"not_authorized": 1},
    }


def test_verify_says_when_a_number_belongs_to_someone_else(tmp_path, registry_db):
    path = roster(
        tmp_path, "Name,Province,Reg #\nAlice Roberts,AB,20001\nMelanie Fournier,AB,20001\n"
    )
    result = run("verify", path, "--db", registry_db)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["Name"], r["verdict"], r["name_on_register"]) for r in rows] == [
        ("Melanie Fournier", "name_mismatch", "Roberts, Alice"),
        ("Alice Roberts", "authorized", "Roberts, Alice"),
    ]
    assert "name_mismatch 1" in result.stderr and "1 needing attention" in result.stderr


@pytest.mark.parametrize(
    ("text", "encoding", "message"),
    [
        ("Nom,Province,Permis\n\x81\x8d,QC,1\n", "latin-1", "could not be read"),
        ("Name,Email\nA,a@example.test\n", "utf-8", "no column for the regulator"),
    ],
)
def test_verify_bad_rosters_are_usage_errors(tmp_path, registry_db, text, encoding, message):
    result = run("verify", roster(tmp_path, text, encoding), "--db", registry_db)
    assert result.exit_code == 2 and message in result.output
    assert "Traceback" not in result.output


def test_verify_without_a_database_is_a_usage_error(tmp_path):
    path = roster(tmp_path, "Name,Province,Reg\nA,AB,1\n")
    result = run("verify", path, "--db", tmp_path / "missing.db")
    assert result.exit_code == 2 and "no database at" in result.output


def test_watch_create_prints_the_token_once(tmp_path, registry_db):
    result = run(
        "watch", "create", "--name", "Bow River", "--registration", "cpta:20001",
        "--registration", "cpta:404", "--db", registry_db,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["token"].startswith("nrw_") and body["webhook_secret"] is None
    assert [a["registration_number"] for a in body["added"]] == ["20001"]
    assert body["errors"][0]["index"] == 1
    bad = run("watch", "create", "--registration", "20001", "--db", registry_db)
    assert bad.exit_code == 2 and "REGULATOR:NUMBER" in bad.output


def test_freshness_limit_comes_from_the_source_config(tmp_path, registry_db):
    db = open_db(registry_db)
    age(db, "cpta", 1)  # imported a day ago
    db.close()
    path = roster(tmp_path, "Name,College,Reg #\nAlice Roberts,cpta,20001\n")
    default = run("verify", path, "--db", registry_db, "--format", "json")
    assert json.loads(default.stdout)["rows"][0]["verdict"] == "authorized"  # limit: 336 hours
    config = tmp_path / "ops.toml"
    config.write_text("[sources.cpta]\nstale_after_hours = 12\n", encoding="utf-8")
    strict = run("verify", path, "--db", registry_db, "--format", "json", "--config", config)
    row = json.loads(strict.stdout)["rows"][0]
    assert (row["verdict"], row["verdict_if_fresh"]) == ("data_stale", "authorized")
    config.write_text("[sources.cpta]\ninterval_hours = 6\n", encoding="utf-8")  # limit: 12 h
    twice = run("verify", path, "--db", registry_db, "--format", "json", "--config", config)
    assert json.loads(twice.stdout)["rows"][0]["verdict"] == "data_stale"
