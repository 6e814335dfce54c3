"""Webhooks reach only public hosts, a redirect is not a delivery, and one
slow receiver cannot hold up a run: refused at creation, refused again on connecting (DNS
rebinding), every spelling of an inward address, concurrency and the run's time budget."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler

import httpx
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from db.clinics import clinics_path, open_clinics
from db.connections import read_only
from registry.cli import cli
from registry.clinics import egress
from registry.clinics.webhooks import deliver, delivery_lock, send_test
from registry.web.app import create_app
from tests.clinic_site import registry_with
from tests.conftest import PEOPLE, load, with_changes
from tests.receivers import Served, Trickle

INWARD = [
    "http://127.0.0.1/hook",
    "http://[::1]/hook",
    "http://localhost:8080/hook",
    "http://0.0.0.0/hook",
    "http://127.1/hook",
    "http://2130706433/hook",
    "http://0x7f000001/hook",
    "http://user@127.0.0.1/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::ffff:127.0.0.1]/hook",
    "http://[::ffff:a9fe:a9fe]/hook",
    "http://10.0.0.5/hook",
    "http://192.168.1.1/hook",
    "http://100.64.0.1/hook",
    "http://[fd00::1]/hook",
    "http://[fe80::1]/hook",
    "http://224.0.0.1/hook",
    "http://[2002:7f00:1::1]/hook",
    "http://[64:ff9b::7f00:1]/hook",
    "https://240.0.0.1/hook",
    "http://[fec0::1]/hook",  # site-local (deprecated, not global)
    "http://[3fff::1]/hook",  # documentation (RFC 9637)
]


class Receiver(Served):
    """A webhook receiver on 127.0.0.1 answering every POST with `status` (and `headers`) after
    `delay` seconds; it keeps each request's headers."""

    def __init__(self, status: int = 204, headers: dict | None = None, delay: float = 0.0):
        self.requests: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (the standard library's name)
                self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(dict(self.headers))
                time.sleep(delay)
                self.send_response(status)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.serve(Handler)


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "registry.db"
    registry_with(path, (PEOPLE, "cpta")).close()
    return path


@pytest.fixture
def client(path):
    with TestClient(create_app(path), raise_server_exceptions=False) as c:
        yield c


def watch(client, url, number="20001"):
    registrations = [{"regulator": "cpta", "registration_number": number}]
    return client.post("/api/watch", json={"registrations": registrations, "webhook_url": url})


def change_everyone(path):
    """A later run in which everyone loses their authorization: a notice per watched person."""
    db = registry_with(path)
    load(db, [with_changes(p, authorizations=[]) for p in PEOPLE])
    db.close()


def run(path, **options):
    conn, clinics = read_only(path), open_clinics(clinics_path(path))
    try:
        return deliver(conn, clinics, {}, **options)
    finally:
        clinics.close()
        conn.close()


@pytest.mark.parametrize("url", INWARD)
def test_an_inward_webhook_url_is_refused_at_creation(client, url):
    r = watch(client, url)
    assert r.status_code == 400, r.text
    assert "webhook" in r.json()["error"]


@pytest.mark.parametrize("url", ["ftp://example.org/x", "http://", "http://exa mple.org/"])
def test_a_malformed_webhook_url_is_refused(client, url):
    assert watch(client, url).status_code == 400


def test_a_public_address_is_accepted(client):
    # An IP literal: no DNS is needed, so the test stays offline.
    assert watch(client, "https://93.184.216.34/hook").status_code == 201


def test_the_cli_refuses_an_inward_webhook_too(path):
    result = CliRunner().invoke(
        cli, ["watch", "create", "--db", str(path), "--webhook-url", "http://127.1:9/x"]
    )
    assert result.exit_code == 2 and "loopback" in result.output


@pytest.mark.parametrize(
    "address",
    ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "8.8.8.8"],
)
def test_public_addresses_pass(address):
    assert egress.refusal(address) is None


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "::1",
        "0.0.0.0",
        "::",
        "169.254.169.254",
        "::ffff:169.254.169.254",
        "10.1.2.3",
        "172.16.0.1",
        "100.64.0.1",
        "fe80::1%eth0",
        "fc00::1",
        "224.0.0.1",
        "ff02::1",
        "255.255.255.255",
        "2002:a00:1::1",
        "64:ff9b::a9fe:a9fe",
        "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo carrying 127.0.0.1
    ],
)
def test_inward_addresses_are_refused_however_spelled(address):
    assert egress.refusal(address)


def test_the_opt_in_lets_a_test_receiver_on_loopback_be_used(client, monkeypatch):
    assert watch(client, "http://127.0.0.1:9/hook").status_code == 400
    monkeypatch.setenv(egress.ALLOW_PRIVATE_ENV, "1")
    assert watch(client, "http://127.0.0.1:9/hook").status_code == 201


def test_a_list_made_while_allowed_gets_nothing_once_no_longer_allowed(path, client, monkeypatch):
    with Receiver() as receiver:
        monkeypatch.setenv(egress.ALLOW_PRIVATE_ENV, "1")
        assert watch(client, receiver.url).status_code == 201
        monkeypatch.delenv(egress.ALLOW_PRIVATE_ENV)
        change_everyone(path)
        [outcome] = run(path, attempts=2, first_wait=0)
        assert receiver.requests == []
        assert outcome.delivered == 0 and outcome.failed == 1
        assert "loopback" in outcome.errors[0]
        assert outcome.attempts == 1  # a refused address is not retried


def test_a_name_that_rebinds_inward_after_the_check_is_refused_on_connecting(
    path, client, monkeypatch
):
    """The name resolves to a public address when the list is made, then to 127.0.0.1."""
    answers = iter([["93.184.216.34"], ["127.0.0.1"], ["127.0.0.1"]])
    monkeypatch.setattr(egress, "_getaddrinfo", lambda host, port: next(answers))
    with Receiver() as receiver:
        url = f"http://hooks.clinic.test:{receiver.port}/hook"
        assert watch(client, url).status_code == 201
        change_everyone(path)
        [outcome] = run(path, attempts=1, first_wait=0)
        assert receiver.requests == []
        assert outcome.failed == 1 and "loopback" in outcome.errors[0]


def test_the_connection_goes_to_the_address_checked_with_the_original_host(
    path, client, monkeypatch
):
    """Resolved once per connection, by the check itself; the Host header stays the URL's."""
    monkeypatch.setenv(egress.ALLOW_PRIVATE_ENV, "1")
    asked = []

    def resolver(host, port):
        asked.append(host)
        return ["127.0.0.1"]

    monkeypatch.setattr(egress, "_getaddrinfo", resolver)
    with Receiver() as receiver:
        url = f"http://hooks.clinic.test:{receiver.port}/hook"
        assert watch(client, url).status_code == 201
        asked.clear()
        change_everyone(path)
        [outcome] = run(path)
        assert outcome.delivered == 1
        assert asked == ["hooks.clinic.test"]
        assert receiver.requests[0]["Host"] == f"hooks.clinic.test:{receiver.port}"


def test_a_redirect_is_not_followed_and_not_counted_as_delivered(path, client, monkeypatch):
    monkeypatch.setenv(egress.ALLOW_PRIVATE_ENV, "1")
    with Receiver() as target, Receiver(302, {"Location": target.url}) as redirecting:
        assert watch(client, redirecting.url).status_code == 201
        change_everyone(path)
        [outcome] = run(path, attempts=3, first_wait=0)
        assert outcome.delivered == 0 and outcome.failed == 1
        assert outcome.attempts == 3 and len(redirecting.requests) == 3  # retried like a failure
        assert "HTTP 302" in outcome.errors[0]
        assert target.requests == []
        # Undelivered: the next run tries again.
        [again] = run(path, attempts=1, first_wait=0)
        assert again.failed == 1 and len(redirecting.requests) == 4


def test_a_hanging_receiver_holds_up_only_its_own_list(path, client, monkeypatch):
    monkeypatch.setenv(egress.ALLOW_PRIVATE_ENV, "1")
    with Receiver(delay=5) as hanging, Receiver() as quick:
        assert watch(client, hanging.url, "20001").status_code == 201
        assert watch(client, quick.url, "20003").status_code == 201
        change_everyone(path)
        started = time.monotonic()
        slow, fast = run(path, attempts=2, first_wait=0, timeout=0.5)
        took = time.monotonic() - started
        assert fast.delivered == 1 and slow.failed == 1
        assert "Timeout" in slow.errors[0]
        assert took < 3, took  # two half-second attempts, not 5 s each


def test_a_run_stops_starting_deliveries_when_its_time_budget_is_spent(path, client, monkeypatch):
    monkeypatch.setenv(egress.ALLOW_PRIVATE_ENV, "1")
    with Receiver(delay=5) as hanging:
        for number in ("20001", "20003", "20006"):
            assert watch(client, hanging.url, number).status_code == 201
        change_everyone(path)
        started = time.monotonic()
        outcomes = run(path, attempts=5, first_wait=0.2, timeout=10, budget=1.0, concurrency=1)
        assert time.monotonic() - started < 3
        assert all(o.delivered == 0 and o.failed == 1 for o in outcomes)
        assert any("time budget" in o.errors[0] for o in outcomes)


def test_deliveries_use_no_proxy_from_the_environment(monkeypatch):
    """A proxy would make the connection for us, to wherever it likes: none is used."""
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    transport = egress.PinnedTransport()
    with httpx.Client(transport=transport, trust_env=False) as c:
        with pytest.raises(httpx.ConnectError, match="loopback"):
            c.post("http://127.0.0.1:9/hook")  # refused by the check, not sent to a proxy


def test_a_trickling_receiver_is_cut_off_at_the_overall_deadline(path, client, monkeypatch):
    """A byte every 0.2 s passes every 1 s read timeout; the 1 s deadline for the whole POST
    ends it all the same."""
    monkeypatch.setenv(egress.ALLOW_PRIVATE_ENV, "1")
    with Trickle() as trickle, Receiver() as quick:
        assert watch(client, trickle.url, "20001").status_code == 201
        assert watch(client, quick.url, "20003").status_code == 201
        change_everyone(path)
        started = time.monotonic()
        slow, fast = run(path, attempts=2, first_wait=0, timeout=1, total=1)
        took = time.monotonic() - started
    assert fast.delivered == 1 and slow.failed == 1 and slow.attempts == 2
    assert "ReadTimeout" in slow.errors[0] and "deadline" in slow.errors[0]
    assert took < 4, took  # two attempts of one second each


def test_the_run_ends_at_its_budget_whatever_a_receiver_does(path, client, monkeypatch):
    monkeypatch.setenv(egress.ALLOW_PRIVATE_ENV, "1")
    with Trickle() as trickle:
        assert watch(client, trickle.url).status_code == 201
        change_everyone(path)
        started = time.monotonic()
        [outcome] = run(path, attempts=5, first_wait=0, timeout=10, total=60, budget=1)
        assert time.monotonic() - started < 3
    assert outcome.failed == 1 and "deadline" in outcome.errors[0]


def delivered(path) -> dict[str, int]:
    """Notices recorded as delivered, per webhook URL."""
    clinics = open_clinics(clinics_path(path))
    try:
        rows = clinics.execute(
            "select l.webhook_url, count(*) from webhook_deliveries d join watch_lists l "
            "on l.id = d.list_id where d.delivered_at is not null group by l.webhook_url"
        ).fetchall()
    finally:
        clinics.close()
    return dict(rows)


def test_each_delivery_is_recorded_as_it_ends_so_no_later_run_sends_it_again(
    path, client, monkeypatch
):
    """While one receiver holds its list, the quick receiver's delivery is already recorded:
    a second run (here while the first still waits) sends it nothing again."""
    monkeypatch.setenv(egress.ALLOW_PRIVATE_ENV, "1")
    with Trickle() as trickle, Receiver() as quick:
        assert watch(client, trickle.url, "20001").status_code == 201
        assert watch(client, quick.url, "20003").status_code == 201
        change_everyone(path)
        first = threading.Thread(
            target=run, kwargs={"path": path, "attempts": 1, "total": 30, "budget": 30}
        )
        first.start()
        try:
            for _ in range(200):
                if trickle.requests and delivered(path):
                    break
                time.sleep(0.05)
            assert delivered(path) == {quick.url: 1}  # the first run has not ended
            assert first.is_alive()
            run(path, attempts=1, total=0.5)
            assert len(quick.requests) == 1
        finally:
            trickle.stop.set()
            first.join(10)


def test_a_second_delivery_run_waits_for_the_next_turn(path, client, monkeypatch):
    monkeypatch.setenv(egress.ALLOW_PRIVATE_ENV, "1")
    with Receiver() as receiver:
        assert watch(client, receiver.url).status_code == 201
        change_everyone(path)
        with delivery_lock(path):
            result = CliRunner().invoke(cli, ["watch", "deliver", "--db", str(path)])
        assert result.exit_code == 1
        assert "another webhook delivery run" in result.output
        assert receiver.requests == []
        result = CliRunner().invoke(cli, ["watch", "deliver", "--db", str(path)])
        assert result.exit_code == 0 and "1 delivered" in result.output


def test_a_test_delivery_ends_at_its_deadline(monkeypatch):
    monkeypatch.setenv(egress.ALLOW_PRIVATE_ENV, "1")
    with Trickle() as trickle:
        started = time.monotonic()
        status, error = send_test("wl_x", trickle.url, "secret", timeout=1, total=1)
        assert time.monotonic() - started < 2
    assert status is None and "deadline" in error
