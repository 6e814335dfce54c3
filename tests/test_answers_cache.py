"""Kept answers (registry/web/responses.py): repeated reads are served from the cache, and never
after new data, whether an import brought it or any other write to the file; and the reads run
off the event loop, each thread on its own connection."""

from __future__ import annotations

import threading

import pytest
from starlette.testclient import TestClient

from registry.lookup import places
from registry.web.app import create_app
from tests.conftest import PEOPLE, load, person


@pytest.fixture
def client(tmp_path, db):
    load(db, PEOPLE)
    with TestClient(create_app(tmp_path / "registry.db"), raise_server_exceptions=False) as c:
        yield c


def names(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [r["name"] for r in response.json()["results"]]


def test_a_repeated_search_is_answered_from_the_cache(client, monkeypatch):
    first = client.get("/api/search", params={"q": "rob"})
    calls = []
    empty = {"count": 0, "count_is_exact": True, "next_cursor": None, "results": []}
    monkeypatch.setattr(
        "registry.lookup.places.search",
        lambda *a, **k: calls.append(a) or {**empty, "not_tracked": []},
    )
    again = client.get("/api/search", params={"q": "rob"})
    assert again.status_code == 200 and again.content == first.content
    assert calls == []  # not searched again
    client.get("/api/search", params={"q": "robi"})  # another question is asked
    assert len(calls) == 1


def test_an_import_is_seen_at_once_by_the_api_and_the_pages(client, db):
    assert names(client.get("/api/search", params={"q": "zzyzx"})) == []
    page = client.get("/", params={"q": "zzyzx", "show": "all"})
    assert page.status_code == 200 and "Zzyzx" not in page.text
    load(db, [*PEOPLE, person("r99", "Zzyzx", "Newcomer", number="29999")])
    assert names(client.get("/api/search", params={"q": "zzyzx"})) == ["Zzyzx, Newcomer"]
    page = client.get("/", params={"q": "zzyzx", "show": "all"})
    assert "Zzyzx" in page.text
    assert client.get("/p/cpta/29999").status_code == 200


def test_a_write_outside_any_import_is_seen_too(client, db):
    before = client.get("/api/search", params={"q": "roberts"}).json()
    assert before["results"][0]["name"] == "Roberts, Alice"
    rid = "select id from registrations where registration_number = '20001'"
    with db.conn:  # a hand edit: no import run records it
        db.conn.execute(f"update registrations set name = 'Roberts, Alicia' where id = ({rid})")
        db.conn.execute(f"update directory set name = 'Roberts, Alicia' where id = ({rid})")
    after = client.get("/api/search", params={"q": "roberts"}).json()
    assert after["results"][0]["name"] == "Roberts, Alicia"


def test_the_language_is_part_of_the_key(client):
    english = client.get("/", params={"city": "Red Deer"}, headers={"accept-language": "en"})
    french = client.get("/", params={"city": "Red Deer"}, headers={"accept-language": "fr"})
    assert english.status_code == french.status_code == 200
    assert '<html lang="en"' in english.text and '<html lang="fr"' in french.text


def test_errors_are_not_kept(client, monkeypatch):
    assert client.get("/api/search", params={"q": "!!"}).status_code == 400
    assert len(client.app.state.answers._kept) == 0


def test_the_patient_page_reads_off_the_event_loop(client, monkeypatch):
    seen = []
    real = places.search

    def spy(conn, query, **options):
        seen.append((threading.current_thread().name, conn))
        return real(conn, query, **options)

    monkeypatch.setattr(places, "search", spy)
    assert client.get("/", params={"city": "Calgary"}).status_code == 200
    ((thread, conn),) = seen
    assert thread != "MainThread" and "AnyIO worker thread" in thread
    assert conn in client.app.state.conn._opened  # this thread's own connection, read-only
    assert conn.execute("pragma query_only").fetchone() == (1,)


def test_kept_answers_are_bounded_in_bytes_as_well_as_in_number():
    from starlette.responses import Response

    from registry.web.responses import Answers

    kept = Answers(size=100, max_bytes=10_000)
    for i in range(10):
        kept.put(("url", i), Response(b"x" * 3_000))
    assert len(kept) == 3 and kept.bytes == 9_000  # the three most recent
    assert kept.get(("url", 9)) is not None and kept.get(("url", 0)) is None
    kept.put(("url", 9), Response(b"y" * 1_000))  # a key answered again: counted once
    assert kept.bytes == 7_000
    kept.put(("huge", 0), Response(b"z" * 20_000))  # larger than the whole budget: not kept
    assert kept.get(("huge", 0)) is None and kept.bytes == 7_000
    kept.clear()
    assert len(kept) == 0 and kept.bytes == 0
