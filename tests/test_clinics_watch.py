"""Watch lists end to end over HTTP: a clinic watches registrations, the register changes in a
later import, the changes appear in the list's Atom and JSON feeds and reach its webhook, signed,
after the receiver's first failures."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import httpx
import pytest
from click.testing import CliRunner

from registry.cli import cli
from registry.clinics.egress import ALLOW_PRIVATE_ENV
from registry.clinics.verify import Freshness, LastImport
from registry.clinics.watch import Notice
from registry.clinics.webhooks import SIGNATURE_HEADER, verify_signature
from tests.clinic_site import Site, age, registry_with
from tests.conftest import PEOPLE, person
from tests.receivers import Receiver
from tests.runs import second_run

ATOM = "{http://www.w3.org/2005/Atom}"
STALE = person("bc1", "Chan", "Grace", number="BC-55", regulator="chcpbc")


@pytest.fixture
def private_receivers(monkeypatch):
    """The operator's opt-in to webhook receivers on 127.0.0.1 (off by default)."""
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")


@pytest.fixture
def world(tmp_path):
    path = tmp_path / "registry.db"
    db = registry_with(path, (PEOPLE, "cpta"), ([STALE], "chcpbc"))
    with Site(path) as site, httpx.Client(base_url=site.url, timeout=30) as client:
        yield client, db, path
    db.close()


def watch(client, numbers, **extra):
    registrations = [
        {"regulator": g, "registration_number": n, "label": f"staff {n}"} for g, n in numbers
    ]
    r = client.post("/api/watch", json={"registrations": registrations, **extra})
    assert r.status_code == 201, r.text
    return r.json()


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_changes_to_watched_registrations_appear_in_both_feeds(world):
    client, db, _ = world
    mine = watch(
        client,
        [("cpta", "20001"), ("cpta", "20003"), ("AB", "20006"), ("cpta", "20007"), ("BC", "BC-55")],
        name="Bow River Physio",
    )
    theirs = watch(client, [("cpta", "20008")])
    assert [a["registration_number"] for a in mine["added"]] == [
        "20001",
        "20003",
        "20006",
        "20007",
        "BC-55",
    ]
    assert mine["errors"] == [] and mine["token"].startswith("nrw_")
    before = client.get("/api/watch/feed.json", headers=bearer(mine["token"])).json()
    assert before["items"] == []  # only what happens after a registration is added is news

    second_run(db)
    age(db, "chcpbc", 30)
    feed = client.get("/api/watch/feed.json", headers=bearer(mine["token"]))
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("application/feed+json")
    items = feed.json()["items"]
    got = sorted(
        (i["_registry"]["kind"], i["_registry"]["regulator"], i["_registry"]["registration_number"])
        for i in items
    )
    assert got == [
        ("authorization_removed", "cpta", "20001"),
        ("conditions_changed", "cpta", "20006"),
        ("data_stale", "chcpbc", None),
        ("status_changed", "cpta", "20003"),
    ]
    by_kind = {i["_registry"]["kind"]: i for i in items}
    # Each notice has the keys its name lists, in that order; a stale source's detail is its
    # freshness.
    assert all(list(i["_registry"]) == list(Notice.__annotations__) for i in items)
    stale = by_kind["data_stale"]["_registry"]["detail"]
    assert list(stale) == list(Freshness.__annotations__)
    assert list(stale["last_successful_import"]) == list(LastImport.__annotations__)
    assert (
        by_kind["conditions_changed"]["content_text"] == "Conditions changed: added 'No needling'."
    )
    assert by_kind["status_changed"]["content_text"] == (
        "Status changed from 'Practising' to 'Suspended'."
    )
    assert by_kind["authorization_removed"]["_registry"]["label"] == "staff 20001"
    assert feed.json()["version"] == "https://jsonfeed.org/version/1.1"

    atom = client.get("/api/watch/feed.atom", params={"token": mine["token"]})
    assert atom.status_code == 200 and atom.headers["content-type"].startswith(
        "application/atom+xml"
    )
    root = ET.fromstring(atom.content)
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{tag}") is not None
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 4
    for entry in entries:
        for tag in ("id", "title", "updated", "summary"):
            assert entry.find(f"{ATOM}{tag}").text
    assert len({e.find(f"{ATOM}id").text for e in entries}) == 4
    updated = [e.find(f"{ATOM}updated").text for e in entries]
    assert updated == sorted(updated, reverse=True)
    assert root.find(f"{ATOM}updated").text == updated[0]

    # The other clinic sees its own news only.
    other = client.get("/api/watch/feed.json", params={"token": theirs["token"]}).json()["items"]
    assert [(i["_registry"]["kind"], i["_registry"]["registration_number"]) for i in other] == [
        ("left", "20008")
    ]

    # The list itself, with current verdicts.
    listed = client.get("/api/watch", headers=bearer(mine["token"])).json()
    verdicts = {r["registration_number"]: r["verdict"] for r in listed["registrations"]}
    assert verdicts == {
        "20001": "not_authorized",
        "20003": "not_practising",  # suspended: standing first, as everywhere
        "20006": "authorized",
        "20007": "authorized",
        "BC-55": "data_stale",
    }

    # Removing a registration removes its notices.
    assert (
        client.delete("/api/watch/registrations/cpta/20001", headers=bearer(mine["token"]))
    ).status_code == 204
    assert (
        client.delete("/api/watch/registrations/cpta/20001", headers=bearer(mine["token"]))
    ).status_code == 404
    kinds = [
        i["_registry"]["kind"]
        for i in client.get("/api/watch/feed.json", headers=bearer(mine["token"])).json()["items"]
    ]
    assert "authorization_removed" not in kinds and len(kinds) == 3


def test_adding_registrations_reports_those_that_cannot_be_watched(world):
    client, _, _ = world
    made = watch(client, [])
    r = client.post(
        "/api/watch/registrations",
        headers=bearer(made["token"]),
        json={
            "registrations": [
                {"regulator": "cpta", "registration_number": "20002"},
                {"regulator": "cpta", "registration_number": "404"},
                {"regulator": "Atlantis", "registration_number": "1"},
                "20003",
            ]
        },
    )
    assert r.status_code == 200
    assert [a["registration_number"] for a in r.json()["added"]] == ["20002"]
    errors = r.json()["errors"]
    assert [e["index"] for e in errors] == [1, 2, 3]
    assert "no registration '404'" in errors[0]["error"]
    assert "unknown regulator or province" in errors[1]["error"]


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/api/watch"),
        ("DELETE", "/api/watch"),
        ("GET", "/api/watch/feed.json"),
        ("GET", "/api/watch/feed.atom"),
        ("POST", "/api/watch/registrations"),
        ("DELETE", "/api/watch/registrations/cpta/20001"),
    ],
)
def test_without_a_valid_token_nothing_is_visible(world, method, url):
    client, _, _ = world
    real = watch(client, [("cpta", "20001")])["token"]
    answers = []
    for headers, params in (
        ({}, {}),
        (bearer("nrw_not-a-real-token"), {}),
        ({}, {"token": "nrw_not-a-real-token"}),
        (bearer(real[:-1]), {}),
        ({"Authorization": f"Basic {real}"}, {}),
    ):
        r = client.request(method, url, headers=headers, params=params)
        answers.append((r.status_code, r.json()))
    assert all(a == answers[0] for a in answers)
    assert answers[0][0] == 401 and "token" in answers[0][1]["error"]


def test_bad_watch_requests_are_4xx(world):
    client, _, _ = world
    cases = [
        ({"content": b"{not json"}, 400, "not valid JSON"),
        ({"json": [1, 2]}, 400, "JSON object"),
        ({"json": {"webhook_url": "ftp://x"}}, 400, "webhook_url"),
        ({"json": {"registrations": "cpta:1"}}, 400, "registrations must be a list"),
        ({"json": {"name": 5}}, 400, "name must be text"),
        ({"content": b"{" + b" " * (1024 * 1024 + 10) + b"}"}, 413, "larger than 1 MB"),
    ]
    for kwargs, status, message in cases:
        r = client.post("/api/watch", **kwargs)
        assert r.status_code == status, (kwargs.keys(), r.text)
        assert message in r.json()["error"]


def test_deleting_a_list_revokes_its_token(world):
    client, _, _ = world
    token = watch(client, [("cpta", "20001")])["token"]
    assert client.delete("/api/watch", headers=bearer(token)).status_code == 204
    assert client.get("/api/watch/feed.json", params={"token": token}).status_code == 401


def test_webhook_is_signed_and_retried_until_accepted(world, private_receivers):
    client, db, path = world
    with Receiver(fail_first=2) as receiver:
        made = watch(client, [("cpta", "20001"), ("cpta", "20003")], webhook_url=receiver.url)
        secret = made["webhook"]["secret"]
        second_run(db)
        runner = CliRunner()
        deliver = ["watch", "deliver", "--db", str(path), "--first-wait", "0.01"]
        result = runner.invoke(cli, deliver)
        assert result.exit_code == 0, result.output
        assert "2 delivered, 0 failed (3 attempts)" in result.output
        assert len(receiver.requests) == 3  # two 503s, then accepted
        bodies = {body for _, body in receiver.requests}
        assert len(bodies) == 1  # the same delivery each time
        headers, body = receiver.requests[-1]
        assert verify_signature(secret, body, headers[SIGNATURE_HEADER])
        assert not verify_signature("another secret", body, headers[SIGNATURE_HEADER])
        sent = json.loads(body)
        assert sent["watch_list"] == made["list"]["id"]
        assert sorted((n["kind"], n["registration_number"]) for n in sent["notices"]) == [
            ("authorization_removed", "20001"),
            ("status_changed", "20003"),
        ]
        # Delivered notices are not sent again.
        again = runner.invoke(cli, deliver)
        assert again.exit_code == 0 and "0 delivered, 0 failed (0 attempts)" in again.output
        assert len(receiver.requests) == 3


def test_webhook_failures_are_recorded_and_retried_next_time(world, private_receivers):
    client, db, path = world
    with (
        Receiver(fail_first=100, fail_status=500) as failing,
        Receiver(fail_first=100, fail_status=410) as gone,
    ):
        watch(client, [("cpta", "20001")], webhook_url=failing.url)
        watch(client, [("cpta", "20003")], webhook_url=gone.url)
        second_run(db)
        runner = CliRunner()
        deliver = ["watch", "deliver", "--db", str(path), "--first-wait", "0", "--attempts", "2"]
        first = runner.invoke(cli, deliver)
        assert first.exit_code == 1
        assert "0 delivered, 1 failed (2 attempts): HTTP 500" in first.output
        assert "0 delivered, 1 failed (1 attempts): HTTP 410" in first.output
        assert len(gone.requests) == 1  # a 4xx refusal is not retried within the run
        failing.fail_first = gone.fail_first = 0
        second = runner.invoke(cli, deliver)
        assert second.exit_code == 0, second.output
        assert second.output.count("1 delivered, 0 failed (1 attempts)") == 2
