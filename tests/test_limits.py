"""Per-client rate limits, reused receipts and the watch-list quota (registry/limits.py)."""

from __future__ import annotations

import sqlite3

import pytest
from starlette.testclient import TestClient

from db.clinics import clinics_path, open_clinics
from registry.limits import Limits, Recent
from registry.settings import SiteSettings
from registry.web.app import create_app
from tests.conftest import PEOPLE, load

ALICE = {"regulator": "cpta", "registration_number": "20001"}


def app_with(tmp_path, db, **limits):
    load(db, PEOPLE)
    return create_app(SiteSettings.load(tmp_path / "registry.db", limits=Limits(**limits)))


def receipts_stored(tmp_path) -> int:
    with sqlite3.connect(clinics_path(tmp_path / "registry.db")) as conn:
        return conn.execute("select count(*) from receipts").fetchone()[0]


def test_verify_over_the_limit_gets_429_with_retry_after(tmp_path, db):
    with TestClient(app_with(tmp_path, db, verify="3/minute", receipt_window=0)) as client:
        statuses = [client.get("/api/verify", params=ALICE).status_code for _ in range(5)]
        refused = client.get("/api/verify", params=ALICE)
    assert statuses == [200, 200, 200, 429, 429]
    assert refused.json()["status"] == 429
    assert refused.headers["content-type"] == "application/json"
    assert refused.json()["error"].startswith(
        "too many requests: at most 3 per 1 minute for verify"
    )
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert receipts_stored(tmp_path) == 3  # refused requests store nothing


def test_limits_are_per_client(tmp_path, db):
    app = app_with(tmp_path, db, verify="1/minute")
    with (
        TestClient(app, client=("192.0.2.1", 1)) as one,
        TestClient(app, client=("192.0.2.2", 1)) as two,
    ):
        assert one.get("/api/verify", params=ALICE).status_code == 200
        assert one.get("/api/verify", params=ALICE).status_code == 429
        assert two.get("/api/verify", params=ALICE).status_code == 200


def test_roster_and_watch_creation_are_limited(tmp_path, db):
    csv = "College,Reg #\ncpta,20001\n"
    with TestClient(app_with(tmp_path, db, roster="2/hour", watch_create="1/day")) as client:
        rosters = [
            client.post("/api/verify", content=csv, headers={"content-type": "text/csv"})
            for _ in range(2)
        ]
        page = client.post("/verify", content=csv, headers={"content-type": "text/csv"})
        lists = [client.post("/api/watch", json={}).status_code for _ in range(2)]
        reading = client.get("/api/search", params={"q": "rob"})
    assert [r.status_code for r in rosters] == [200, 200]
    assert page.status_code == 429 and int(page.headers["retry-after"]) > 60
    assert lists == [201, 429]
    assert reading.status_code == 200  # reads are not limited


def test_identical_answer_reuses_its_receipt_within_the_window(tmp_path, db):
    with TestClient(app_with(tmp_path, db, receipt_window=60)) as client:
        first = client.get("/api/verify", params=ALICE)
        again = client.get("/api/verify", params=ALICE)
        other = client.get("/api/verify", params={**ALICE, "name": "Alice Roberts"})
        stored = client.get(f"/api/receipts/{first.json()['receipt']['id']}")
    assert again.json() == first.json()  # the same receipt: id and checked_at too
    assert other.json()["receipt"]["id"] != first.json()["receipt"]["id"]
    assert stored.json() == first.json()
    assert receipts_stored(tmp_path) == 2


def test_a_roster_of_repeated_rows_stores_one_receipt(tmp_path, db):
    csv = "College,Reg #\n" + "cpta,20001\n" * 500 + "cpta,20003\n"
    with TestClient(app_with(tmp_path, db)) as client:
        rows = client.post("/api/verify", content=csv, headers={"content-type": "text/csv"})
        again = client.get("/api/verify", params=ALICE)
    ids = {r["receipt_id"] for r in rows.json()["rows"]}
    assert len(ids) == 2
    assert receipts_stored(tmp_path) == 2
    assert again.json()["receipt"]["id"] in ids  # the same question from the same client
    assert receipts_stored(tmp_path) == 2


def test_receipts_are_not_shared_between_clients(tmp_path):
    now = [1000.0]
    recent = Recent(60, open_clinics(tmp_path / "clinics.db"), clock=lambda: now[0])
    answer = {"verdict": "authorized", "receipt": {"id": "rcpt_1", "checked_at": "t1"}}
    later = {"verdict": "authorized", "receipt": {"id": "rcpt_2", "checked_at": "t2"}}
    assert Recent.key("a", answer) == Recent.key("a", later)
    assert Recent.key("a", answer) != Recent.key("b", answer)
    recent.put(Recent.key("a", answer), "{}")
    assert recent.get(Recent.key("a", later)) == "{}"
    assert recent.get(Recent.key("b", later)) is None
    now[0] += 61  # past the window: neither returned nor kept once another comes
    assert recent.get(Recent.key("a", later)) is None
    recent.put(Recent.key("b", later), "[]")
    assert recent.clinics.execute("select count(*) from recent_receipts").fetchone()[0] == 1
    assert Recent(0, recent.clinics).get("anything") is None


def test_watch_list_size_quota(tmp_path, db):
    entries = [{"regulator": "cpta", "registration_number": n} for n in ("20001", "20003")]
    with TestClient(app_with(tmp_path, db, watch_items=3)) as client:
        created = client.post("/api/watch", json={"registrations": entries})
        auth = {"authorization": f"Bearer {created.json()['token']}"}
        too_many = client.post(
            "/api/watch/registrations", json={"registrations": entries}, headers=auth
        )
        one_more = client.post(
            "/api/watch/registrations", json={"registrations": entries[:1]}, headers=auth
        )
        at_once = client.post("/api/watch", json={"registrations": entries * 2})
    assert created.status_code == 201
    assert too_many.status_code == 413 and "at most 3" in too_many.json()["error"]
    assert one_more.status_code == 200
    assert at_once.status_code == 413


def test_limits_from_the_environment():
    limits = Limits.from_environment(
        {"REGISTRY_LIMIT_VERIFY": "5/second", "REGISTRY_LIMIT_WATCH_ITEMS": "7"}
    )
    assert (limits.verify, limits.watch_items, limits.roster) == ("5/second", 7, Limits.roster)
    with pytest.raises(ValueError):
        Limits.from_environment({"REGISTRY_LIMIT_ROSTER": "lots"})


def test_head_counts_against_the_limit_and_stores_nothing(tmp_path, db):
    with TestClient(app_with(tmp_path, db, verify="3/minute", receipt_window=0)) as client:
        heads = [client.head("/api/verify", params=ALICE).status_code for _ in range(3)]
        assert heads == [200, 200, 200]
        assert receipts_stored(tmp_path) == 0
        assert client.head("/api/verify", params=ALICE).status_code == 429
        assert client.get("/api/verify", params=ALICE).status_code == 429  # the same budget


def test_checking_one_person_on_the_page_is_limited_like_the_api(tmp_path, db):
    one = {"regulator": "cpta", "number": "20001", "name": "Alice Roberts"}
    with TestClient(app_with(tmp_path, db, verify="2/minute", receipt_window=0)) as client:
        statuses = [client.post("/verify/one", data=one).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert receipts_stored(tmp_path) == 2
