"""Scheduling: each source on its own interval with a steady jitter; `registry schedule --once`."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from click.testing import CliRunner

from emulators.alinity import AlinityEmulator
from emulators.people import alberta_physiotherapists
from registry.cli import cli
from registry.clinics.egress import ALLOW_PRIVATE_ENV
from registry.clinics.webhooks import SIGNATURE_HEADER, verify_signature
from registry.imports.schedule import RETRY_AFTER, jitter, next_due, plan
from tests.conftest import only
from tests.receivers import Receiver
from tests.runs import NEEDLES, practising_with

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def run(outcome: str, run_id: int = 7, started: datetime = T0) -> dict:
    return {"id": run_id, "outcome": outcome, "started_at": started.strftime("%Y-%m-%dT%H:%M:%SZ")}


def test_never_run_source_is_due_now_and_disabled_never(settings):
    cpta = settings.sources["cpta"]
    assert next_due(cpta, None, 0.1) < T0
    assert next_due(replace(cpta, enabled=False), None, 0.1) is None
    assert next_due(replace(cpta, coverage="not_yet_supported"), None, 0.1) is None


def test_interval_after_success_and_sooner_retry_after_failure(settings):
    cpta = replace(settings.sources["cpta"], interval_hours=168)
    after_success = next_due(cpta, run("success"), 0.0)
    assert after_success == T0 + timedelta(hours=168)
    assert next_due(cpta, run("failed"), 0.0) == T0 + RETRY_AFTER
    assert next_due(cpta, run("rejected"), 0.0) == T0 + RETRY_AFTER
    hourly = replace(cpta, interval_hours=1)
    assert next_due(hourly, run("failed"), 0.0) == T0 + timedelta(hours=1)


def test_jitter_is_bounded_steady_and_spread(settings):
    cpta = replace(settings.sources["cpta"], interval_hours=100)
    other = replace(cpta, key="chcpbc")
    delays = {jitter(cpta, i, 0.1) for i in range(50)}
    assert all(timedelta(0) <= d < timedelta(hours=10) for d in delays)
    assert len(delays) > 40, "different runs get different delays"
    assert jitter(cpta, 3, 0.1) == jitter(cpta, 3, 0.1), "a restart keeps the plan"
    assert jitter(cpta, 3, 0.1) != jitter(other, 3, 0.1)


def test_plan_orders_sources_soonest_first(settings):
    a = replace(settings.sources["cpta"], key="a", interval_hours=24)
    b = replace(settings.sources["cpta"], key="b", interval_hours=1)
    s = replace(settings, sources={"a": a, "b": b}, jitter_share=0.0)
    planned = plan(s, {"a": run("success"), "b": run("success")}, T0)
    assert [(src.key, when) for src, when in planned] == [
        ("b", T0 + timedelta(hours=1)),
        ("a", T0 + timedelta(hours=24)),
    ]


def test_schedule_once_runs_what_is_due_then_nothing(tmp_path):
    with AlinityEmulator(alberta_physiotherapists(30, seed=4)) as register:
        config = tmp_path / "ops.toml"
        config.write_text(
            only("cpta") + f"[sources.cpta]\nbase_url = '{register.base_url}'\n"
            "spacing_seconds = 0\ninterval_hours = 24\n",
            encoding="utf-8",
        )
        args = ["schedule", "--once", "--config", str(config), "--db", str(tmp_path / "r.db")]
        first = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert first.exit_code == 0, first.output
        assert "running cpta" in first.output and "cpta: ok" in first.output
        requests = len(register.requests)
        second = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert second.exit_code == 0 and "running" not in second.output
    assert len(register.requests) == requests


def test_schedule_delivers_watch_webhooks_after_its_runs(tmp_path, monkeypatch):
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")  # the receiver is on 127.0.0.1
    people = alberta_physiotherapists(40, seed=5)
    holder = practising_with(people, True)[0]
    db_path = str(tmp_path / "r.db")
    with AlinityEmulator(people) as register, Receiver() as receiver:
        config = tmp_path / "ops.toml"
        config.write_text(
            only("cpta") + f"[sources.cpta]\nbase_url = '{register.base_url}'\n"
            "spacing_seconds = 0\ninterval_hours = 0.5\n",
            encoding="utf-8",
        )
        runner = CliRunner()
        args = ["schedule", "--once", "--config", str(config), "--db", db_path]
        first = runner.invoke(cli, args, catch_exceptions=False)
        assert first.exit_code == 0 and "cpta: ok" in first.output, first.output
        assert "delivered" not in first.output, "no watch lists yet: nothing to deliver"
        made = runner.invoke(
            cli,
            ["watch", "create", "--db", db_path, "--webhook-url", receiver.url,
             "--registration", f"cpta:{holder.registration_number}"],
        )  # fmt: skip
        assert made.exit_code == 0, made.output
        register.set_people(
            [
                replace(p, authorizations=[a for a in p.authorizations if a != NEEDLES])
                if p is holder
                else p
                for p in people
            ]
        )
        # The first run, an hour ago: the source is due again, and its next run starts in a
        # later second (no waiting on the real clock).
        with sqlite3.connect(db_path) as conn:
            conn.execute(
                "update import_runs set started_at = strftime('%Y-%m-%dT%H:%M:%SZ', started_at,"
                " '-1 hour'), ended_at = strftime('%Y-%m-%dT%H:%M:%SZ', ended_at, '-1 hour')"
            )
        conn.close()
        second = runner.invoke(cli, args, catch_exceptions=False)
    assert second.exit_code == 0 and "cpta: ok" in second.output, second.output
    assert "1 delivered, 0 failed (1 attempts)" in second.output
    headers, body = receiver.requests[0]
    secret = json.loads(made.output)["webhook_secret"]
    assert verify_signature(secret, body, headers[SIGNATURE_HEADER])
    assert [(n["kind"], n["registration_number"]) for n in json.loads(body)["notices"]] == [
        ("authorization_removed", holder.registration_number)
    ]


class Stop(Exception):
    """Ends the scheduler's endless loop in a test."""


def test_a_hanging_delivery_does_not_hold_up_the_scheduled_imports(tmp_path, monkeypatch):
    """Deliveries run beside the imports: while one hangs, the next due sources are imported,
    and what those runs changed is delivered once the hanging delivery ends."""
    import registry.cli as cli_module
    import registry.clinics.webhooks
    import registry.imports.schedule
    from db import open_db
    from db.clinics import clinics_path, open_clinics
    from registry.imports.importer import RunReport

    db_path = tmp_path / "r.db"
    open_db(db_path).close()
    open_clinics(clinics_path(db_path)).close()
    config = tmp_path / "ops.toml"
    config.write_text(only("cpta"), encoding="utf-8")
    release, delivering = threading.Event(), threading.Event()
    imports, deliveries = [], []

    def hanging_deliver(*args, **options):
        deliveries.append(len(imports))
        delivering.set()
        release.wait(10)  # a receiver that never ends (bounded only so a failing test ends)
        return []

    def run_source(db, settings, source, **kw):
        imports.append(source.key)
        return RunReport(source.key, 1, "success", "", 0, 0.0)

    naps = []

    def nap(seconds):
        delivering.wait(5)
        naps.append(seconds)
        if len(naps) == 3:
            raise Stop

    always_due = [(datetime.min.replace(tzinfo=UTC))]
    monkeypatch.setattr(registry.clinics.webhooks, "deliver", hanging_deliver)
    monkeypatch.setattr(cli_module, "run_source", run_source)
    monkeypatch.setattr(cli_module, "_nap", nap)
    monkeypatch.setattr(
        registry.imports.schedule,
        "plan",
        lambda settings, last, now: [(settings.sources["cpta"], always_due[0])],
    )
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["schedule", "--config", str(config), "--db", str(db_path)])
    assert isinstance(result.exception, Stop), result.output
    assert time.monotonic() - started < 5  # the imports did not wait for the receiver
    assert imports == ["cpta"] * 3
    assert deliveries == [1]  # one delivery run at a time, still hanging
    release.set()
    for _ in range(100):
        if len(deliveries) == 2:
            break
        time.sleep(0.05)
    assert deliveries == [1, 3]  # then once more, for what the later runs changed
