"""`registry preflight`, cassettes recorded with --record, replayed with no network, and anonymised.
The register is the CPO emulator on 127.0.0.1."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from emulators.cpo import CpoEmulator, ontario_physiotherapists
from registry.cli import cli
from registry.imports.preflight import check_source
from scrapers.cassette import read as read_cassette
from tests.conftest import only


@pytest.fixture(scope="module")
def people():
    return ontario_physiotherapists(40, seed=3)


def config_for(tmp_path, register, **extra) -> str:
    text = only("cpo") + (
        f"[sources.cpo]\nbase_url = '{register.base_url}'\nspacing_seconds = 0\n"
        "backoff_seconds = 0.05\nmax_retries = 1\n"
        f"[sources.cpo.options]\nprofile_base_url = '{register.base_url}'\n"
    )
    path = tmp_path / "ops.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_preflight_passes_prints_what_it_saw_and_writes_nothing(tmp_path, people):
    with CpoEmulator(people) as register:
        config = config_for(tmp_path, register)
        result = run("preflight", "cpo", "--config", config, "--record", tmp_path / "cassettes")
        requests = len(register.requests)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("cpo: PASS (")
    assert "NAME, REGISTRATION STATUS, CLINIC NAME" in result.output  # the header, as seen
    assert "[FAIL]" not in result.output
    assert requests <= 15
    recorded = read_cassette(tmp_path / "cassettes" / "cpo.har")
    assert len(recorded) == requests  # every exchange, robots.txt included
    assert not list(tmp_path.glob("*.db"))


def test_a_failing_register_fails_the_preflight_with_exit_1(tmp_path, people):
    header = ["NAME", "STATUS", "CLINIC", "ADDRESS", "POSTAL CODE", "CITY", "PHONE", "MORE"]
    with CpoEmulator(people, csv_header=header) as register:
        result = run("preflight", "cpo", "--config", config_for(tmp_path, register))
    assert result.exit_code == 1
    assert result.output.startswith("cpo: FAIL")
    assert "[FAIL] the CSV export has the expected header" in result.output


def test_the_budget_bounds_the_requests(tmp_path, people, settings):
    with CpoEmulator(people) as register:
        config = config_for(tmp_path, register)
        result = run("preflight", "cpo", "--config", config, "--budget", "3")
        requests = len(register.requests)
    assert requests == 3
    assert result.exit_code == 1 and "budget of 3 requests is spent" in result.output


def test_a_preflight_cassette_replays_with_no_network(tmp_path, people, settings):
    with CpoEmulator(people) as register:
        config = config_for(tmp_path, register)
        live = run("preflight", "cpo", "--config", config, "--record", tmp_path / "c")
    # The emulator is gone: the replay can only use the cassette.
    replayed = run("preflight", "cpo", "--config", config, "--replay", tmp_path / "c")
    assert replayed.exit_code == 0, replayed.output
    assert replayed.output.splitlines()[1:] == live.output.splitlines()[1:-1]


def test_an_import_recorded_replays_through_the_importer_and_anonymises(
    tmp_path, people, settings, db
):
    with CpoEmulator(people) as register:
        config = config_for(tmp_path, register)
        imported = run("import", "cpo", "--config", config, "--db", tmp_path / "live.db",
                       "--record", tmp_path / "c")  # fmt: skip
    assert imported.exit_code == 0, imported.output
    cassette = tmp_path / "c" / "cpo.har"
    json.loads(cassette.read_text(encoding="utf-8"))  # HAR is JSON

    # Replayed with no network into another database: the same people.
    again = run("reparse", "cpo", "--config", config, "--db", tmp_path / "replay.db",
                "--cassette", cassette)  # fmt: skip
    assert again.exit_code == 0, again.output
    assert "reparsed from the cassette cpo.har: 40 records: 40 added" in again.output

    # Anonymised: nobody real is left, every byte count is the same, and it still imports.
    out = tmp_path / "anon.har"
    anon = run("cassette-anonymise", "cpo", cassette, out, "--config", config)
    assert anon.exit_code == 0, anon.output
    assert "40 people replaced" in anon.output
    before, after = read_cassette(cassette), read_cassette(out)
    assert [len(e.body) for e in before] == [len(e.body) for e in after]
    assert [e.status for e in before] == [e.status for e in after]
    text = "\n".join(e.body.decode("utf-8") + e.url for e in after)
    for person in people:
        for word in [*person.family_name.split(), *person.given_names.split(), person.guid]:
            assert not re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text), word
    replay_db = tmp_path / "anon.db"
    replayed = run("reparse", "cpo", "--config", config, "--db", replay_db, "--cassette", out)
    assert replayed.exit_code == 0, replayed.output
    assert "40 records: 40 added" in replayed.output
    from db import open_db

    original, anonymous = open_db(tmp_path / "replay.db"), open_db(replay_db)
    shape = "select status, status_class from registrations order by status, status_class"
    assert [tuple(r) for r in original.execute(shape)] == [
        tuple(r) for r in anonymous.execute(shape)
    ]
    names = {r[0] for r in original.execute("select name from registrations")}
    assert not names & {r[0] for r in anonymous.execute("select name from registrations")}
    authorized = "select count(*) from authorizations"
    assert original.execute(authorized).fetchone() == anonymous.execute(authorized).fetchone()


def test_check_source_writes_no_database(tmp_path, people, settings):
    from dataclasses import replace

    with CpoEmulator(people) as register:
        source = replace(
            settings.sources["cpo"],
            base_url=register.base_url,
            spacing_seconds=0.0,
            options={**settings.sources["cpo"].options, "profile_base_url": register.base_url},
        )
        result = check_source(settings, source)
    assert result.ok, result.checks
    assert not list(tmp_path.iterdir())


def test_preflight_errors_are_clear(tmp_path):
    assert "unknown source(s) nope" in run("preflight", "nope").output
    result = run("preflight", "cpo", "--replay", tmp_path)
    assert result.exit_code == 2 and "no cassette" in result.output
