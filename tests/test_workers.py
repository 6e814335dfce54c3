"""Several workers, or several servers, enforce one set of limits: the rate limits in a store
they share (REGISTRY_LIMIT_STORAGE), the receipt window in the clinics database.

The rate limits of two processes need a real shared store: the tests that start servers over
Redis run where `redis-server` is installed (Debian's redis-server package) and skip elsewhere;
the configuration and refusals are tested everywhere."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from registry.cli import cli
from registry.limits import Limits
from registry.settings import SiteSettings
from registry.web.app import create_app
from tests.clinic_site import registry_with
from tests.conftest import PEOPLE, free_port

ALICE = {"regulator": "cpta", "registration_number": "20001"}


@pytest.fixture
def registry(tmp_path) -> Path:
    path = tmp_path / "registry.db"
    registry_with(path, (PEOPLE, "cpta")).close()
    return path


def serve(args: list[str], env: dict | None = None):
    return CliRunner().invoke(cli, ["serve", *args], env=env, catch_exceptions=False)


def test_several_workers_without_a_shared_store_are_refused_in_words(registry):
    result = serve(["--db", str(registry), "--workers", "2"], env={"REGISTRY_LIMIT_STORAGE": ""})
    assert result.exit_code == 2
    assert "--workers 2 needs the rate limits in a store every worker shares" in result.output
    assert "REGISTRY_LIMIT_STORAGE=redis://" in result.output
    assert "Traceback" not in result.output


def test_by_default_one_worker_serves_without_a_shared_store(monkeypatch, capsys):
    from registry.cli import serve_workers

    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    assert serve_workers(None, Limits()) == 1
    assert "serving with 1 worker, not 8" in capsys.readouterr().err
    shared = Limits(storage="redis://127.0.0.1:6379/0")
    assert serve_workers(None, shared) == 8
    assert serve_workers(3, shared) == 3
    assert serve_workers(1, Limits()) == 1


@pytest.mark.parametrize(
    ("storage", "message"),
    [
        ("nonsense://x", "REGISTRY_LIMIT_STORAGE=nonsense://x: not a store the limits library"),
        ("memcached://127.0.0.1:11211", "cannot count moving windows"),
    ],
)
def test_an_unusable_store_stops_the_start_in_words(registry, storage, message):
    result = serve(["--db", str(registry)], env={"REGISTRY_LIMIT_STORAGE": storage})
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_store_that_does_not_answer_stops_the_start_without_its_password(registry):
    storage = f"redis://:s3cret@127.0.0.1:{free_port()}/0"  # nothing listens there
    result = serve(["--db", str(registry)], env={"REGISTRY_LIMIT_STORAGE": storage})
    assert result.exit_code == 2, result.output
    assert "does not answer" in result.output
    assert "s3cret" not in result.output


def test_the_receipt_window_holds_across_workers(tmp_path, registry):
    """Two apps (as two workers) over one database: the second reuses the receipt the first
    gave the same client a moment ago."""
    settings = SiteSettings.load(registry, limits=Limits(receipt_window=60))
    with TestClient(create_app(settings)) as one, TestClient(create_app(settings)) as two:
        first = one.get("/api/verify", params=ALICE).json()
        again = two.get("/api/verify", params=ALICE).json()
    assert again["receipt"] == first["receipt"]


def start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "registry", "serve", *args],
            env={**os.environ, "REGISTRY_OFFLINE": "1", **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def up(process: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/sources", timeout=2)
            return
        except httpx.TransportError:
            if process.poll() is not None:
                raise RuntimeError(log.read_text(errors="replace")) from None
            time.sleep(0.2)
    raise RuntimeError(f"not up: {log.read_text(errors='replace')}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        + ["--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 20
        while Limits(storage=url).store().check() is False:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.1)
        yield url
    finally:
        stop(process)


def test_a_clients_limit_holds_across_two_servers_on_one_database(tmp_path, registry, redis_url):
    """Two `registry serve` processes (two replicas, or two workers) with the limits in one
    Redis: a client's 3 verifications a minute are 3 in all, not 3 on each."""
    env = {"REGISTRY_LIMIT_STORAGE": redis_url, "REGISTRY_LIMIT_VERIFY": "3/minute"}
    ports = [free_port(), free_port()]
    processes = [
        start(["--db", str(registry), "--port", str(port)], env, tmp_path / f"{port}.log")
        for port in ports
    ]
    try:
        for process, port in zip(processes, ports, strict=True):
            up(process, port, tmp_path / f"{port}.log")
        statuses = [
            httpx.get(f"http://127.0.0.1:{port}/api/verify", params=ALICE, timeout=30).status_code
            for port in (ports[0], ports[1], ports[0], ports[1], ports[0])
        ]
    finally:
        for process in processes:
            stop(process)
    assert statuses == [200, 200, 200, 429, 429]


def test_serve_with_two_workers_over_a_shared_store(tmp_path, registry, redis_url):
    port = free_port()
    env = {"REGISTRY_LIMIT_STORAGE": redis_url, "REGISTRY_LIMIT_VERIFY": "4/minute"}
    log = tmp_path / "workers.log"
    process = start(["--db", str(registry), "--port", str(port), "--workers", "2"], env, log)
    try:
        up(process, port, log)
        # Near searches read the gazetteer: 60 MB of JSON parsed in one call, which holds
        # Python's lock for seconds; a worker busy with it is not killed as hung, and answers.
        for city in ("Calgary", "Vancouver", "Halifax", "Ottawa"):
            with httpx.Client() as client:
                near = client.get(
                    f"http://127.0.0.1:{port}/api/search",
                    params={"near": city, "km": "50"},
                    timeout=60,
                )
                assert near.status_code == 200, near.text
        statuses = []
        for _ in range(6):  # a new connection each: uvicorn's workers take turns accepting
            with httpx.Client() as client:
                url = f"http://127.0.0.1:{port}/api/verify"
                statuses.append(client.get(url, params=ALICE, timeout=30).status_code)
    finally:
        stop(process)
    assert statuses == [200] * 4 + [429] * 2
    assert "with 2 workers" in log.read_text()
    assert "died" not in log.read_text()


def test_a_store_lost_while_serving_refuses_limited_routes_only(registry):
    """Nothing is stored without its count: the limited routes answer 503 in words while the
    store is away; the search does not depend on it."""
    lost = Limits(storage=f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    with TestClient(create_app(SiteSettings.load(registry, limits=lost))) as client:
        verify = client.get("/api/verify", params=ALICE)
        search = client.get("/api/search", params={"q": "rob"})
    assert verify.status_code == 503
    assert verify.json()["error"] == "the rate-limit store does not answer; retry in a minute"
    assert verify.headers["retry-after"] == "60"
    assert search.status_code == 200


def test_serve_hands_several_workers_their_settings_and_patience(registry, monkeypatch):
    """Each worker builds the app from the environment (registry.web.app:from_environment),
    so the command's settings go there; and a worker busy reading the gazetteer (one call
    holding Python's lock for seconds) is not killed as hung after uvicorn's default 5 s."""
    from registry.web import supervisor

    ran: dict = {}

    def run(config) -> None:
        ran.update(
            app=config.app,
            factory=config.factory,
            workers=config.workers,
            timeout_worker_healthcheck=config.timeout_worker_healthcheck,
        )

    monkeypatch.setattr(supervisor, "run", run)
    for name in ("REGISTRY_DB", "REGISTRY_PUBLIC_URL", "REGISTRY_NO_SQL", "REGISTRY_REPLICA"):
        monkeypatch.setenv(name, "")  # so that what serve sets is undone after the test
        monkeypatch.delenv(name)
    env = {"REGISTRY_LIMIT_STORAGE": "redis://127.0.0.1:6379/0"}
    monkeypatch.setattr(Limits, "check", lambda self, storage: None)  # no Redis needed here
    result = serve(
        ["--db", str(registry), "--workers", "3", "--no-sql", "--port", str(free_port())], env
    )
    assert result.exit_code == 0, result.output
    assert ran["app"] == "registry.web.app:from_environment" and ran["factory"] is True
    assert ran["workers"] == 3
    assert ran["timeout_worker_healthcheck"] >= 30
    assert os.environ["REGISTRY_DB"] == str(registry.resolve())
    assert os.environ["REGISTRY_NO_SQL"] == "1"
    assert os.environ["REGISTRY_REPLICA"] == "0"
