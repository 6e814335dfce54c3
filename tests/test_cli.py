"""The `registry` command: help, errors with clear messages and exit codes, imports via config."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from emulators.alinity import AlinityEmulator
from emulators.people import alberta_physiotherapists
from registry.cli import cli
from tests.conftest import only
from tests.runs import run

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help_an_example_and_a_place_in_the_readme(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output and f"registry {command}" in result.output
    assert f"registry {command}" in README or command == "demo" and "scripts/demo" in README


def test_commands_are_kebab_case():
    assert all(name == name.lower() and "_" not in name for name in cli.commands)


def write(tmp_path, text: str) -> str:
    path = tmp_path / "ops.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_unknown_source_is_a_usage_error(tmp_path):
    result = run("import", "nowhere", "--db", str(tmp_path / "r.db"))
    assert result.exit_code == 2
    assert "unknown source(s) nowhere; known: cpta" in result.output


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("[sources.cpta\n", "is not valid TOML"),
        ("[sources.cpta]\nspacing = 2\n", "unknown key(s) spacing"),
        ("[sources.cpta]\nspacing_seconds = -1\n", "spacing_seconds must be a number >= 0"),
        ("[sources.x]\nplatform = 'alinity'\n", "[sources.x] is missing jurisdiction"),
        ("[sources.cpta]\nplatform = 'wordpress'\n", "known platforms: alinity"),
        ("[sources.cpta.wording]\n'Dry needling' = 'cupping'\n", "maps to unknown kind 'cupping'"),
        ("[sources.cpta.options]\nrowcap = 10\n", "unknown option(s) rowcap"),
        ("[sources.cpta]\nbase_url = 'ftp://x'\n", "base_url must be an http(s) URL"),
        ("[importer]\nmax_shrink = 3\n", "max_shrink must be a share between 0 and 1"),
        ("[imports]\n", "unknown section(s) imports"),
        ("[sources.cpta]\nprofession = 'dentist'\n", "profession must be one of physiotherapist"),
        (
            "[sources.cpta]\nneedling = 'secret'\n",
            "needling must be one of tracked, kept_unpublished",
        ),
        ("[sources.cpta]\nmechanism = 'scope_of_practice'\n", "the one needs the other"),
        ("[sources.cpta.scope]\n'Acupuncture' = 'acupuncture'\n", "the one needs the other"),
    ],
)
def test_bad_config_is_a_clear_usage_error(tmp_path, config, message):
    result = run("import", "--config", write(tmp_path, config), "--db", str(tmp_path / "r.db"))
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_missing_config_file(tmp_path):
    result = run("sources", "--config", str(tmp_path / "absent.toml"))
    assert result.exit_code == 2 and "does not exist" in result.output


def test_disabled_source_is_refused_by_name(tmp_path):
    config = write(tmp_path, "[sources.cpta]\nenabled = false\n")
    result = run("import", "cpta", "--config", config, "--db", str(tmp_path / "r.db"))
    assert result.exit_code == 2 and "disabled in the config" in result.output


def test_serve_without_a_database(tmp_path):
    result = run("serve", "--db", str(tmp_path / "absent.db"))
    assert result.exit_code == 2 and "no database at" in result.output


def test_serve_and_demo_on_a_busy_port(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        result = run("demo", "--port", port, "--db", str(tmp_path / "demo" / "registry.db"))
        assert result.exit_code == 2 and f"port {port} on 127.0.0.1 is in use" in result.output


def test_bad_port_value():
    result = run("serve", "--port", "99999")
    assert result.exit_code == 2 and "99999" in result.output


def test_import_another_tenant_by_config_alone(tmp_path):
    people = alberta_physiotherapists(40, seed=11)
    with AlinityEmulator(people) as register:
        config = write(
            tmp_path,
            only("tenant")
            + f"""
[sources.tenant]
jurisdiction = "CA-MB"
regulator = "A Manitoba college on Alinity"
short_name = "AMC"
platform = "alinity"
base_url = "{register.base_url}"
register_url = "{register.base_url}/client/publicdirectory"
terms_note = "Test tenant."
needling = "tracked"
mechanism = "roster"
spacing_seconds = 0

[sources.tenant.wording]
"Using needles in practice" = "dry_needling"
""",
        )
        db = str(tmp_path / "r.db")
        result = run("import", "--config", config, "--db", db)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("tenant: ok") and "40 records: 40 added" in result.output
    listed = json.loads(run("sources", "--json", "--config", config, "--db", db).output)
    tenant = next(s for s in listed if s["source"] == "tenant")
    assert tenant["last_successful_import"] and tenant["wording"] == ["Using needles in practice"]
    cpta = next(s for s in listed if s["source"] == "cpta")
    assert cpta["enabled"] is False and cpta["last_successful_import"] is None


def test_failed_source_exits_1_with_its_reason(tmp_path):
    with AlinityEmulator(
        alberta_physiotherapists(30, seed=3), robots_txt="User-agent: *\nDisallow: /\n"
    ) as register:
        config = write(
            tmp_path, f"[sources.cpta]\nbase_url = '{register.base_url}'\nspacing_seconds = 0\n"
        )
        result = run("import", "cpta", "--config", config, "--db", str(tmp_path / "r.db"))
    assert result.exit_code == 1
    assert result.output.startswith("cpta: FAILED") and "robots.txt" in result.output


def test_config_from_environment(tmp_path):
    config = write(tmp_path, "[sources.cpta]\nspacing_seconds = 7\n")
    result = run("sources", "--json", env={"REGISTRY_CONFIG": config})
    assert json.loads(result.output)[0]["spacing_seconds"] == 7.0


def test_database_path_that_is_a_folder_or_not_sqlite(tmp_path):
    result = run("import", "cpta", "--db", str(tmp_path))
    assert result.exit_code == 2 and "is a directory" in result.output
    text = tmp_path / "notes.db"
    text.write_text("not a database", encoding="utf-8")
    for command in (["import", "cpta"], ["serve"], ["sources"]):
        result = run(*command, "--db", str(text))
        assert result.exit_code == 2 and "is not a SQLite database" in result.output
    assert text.read_text(encoding="utf-8") == "not a database"


def test_serve_reads_its_config_once_at_start_and_refuses_a_broken_one(tmp_path, db):
    """`registry serve --config` builds the site's settings before listening: a broken config is
    a usage error then, not a failure on some later request."""
    config = tmp_path / "operator.toml"
    config.write_text("[nonsense]\nx = 1\n", encoding="utf-8")
    result = run("serve", "--db", str(tmp_path / "registry.db"), "--config", str(config))
    assert result.exit_code == 2
    assert "unknown section(s) nonsense" in result.output


def test_site_settings_take_the_freshness_limits_from_the_config(tmp_path):
    from registry.settings import SiteSettings

    config = tmp_path / "operator.toml"
    config.write_text("[sources.cpta]\nstale_after_hours = 5\n", encoding="utf-8")
    settings = SiteSettings.load(tmp_path / "registry.db", config, environ={})
    assert settings.freshness["cpta"] == 5
    assert SiteSettings.load(tmp_path / "r.db", environ={}).freshness["cpta"] != 5
    assert settings.allow_sql is True
    assert SiteSettings.load(tmp_path / "r.db", environ={"REGISTRY_NO_SQL": "1"}).allow_sql is False
