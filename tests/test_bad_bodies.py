"""Hostile request bodies and numbers get a 400 in words, never a 500 with a traceback: JSON
nested 10,000 deep, integers past Python's 4,300 digits, digits that are not ASCII, and uploads
the client abandons half way."""

from __future__ import annotations

import base64
import logging

import pytest
from starlette.testclient import TestClient

from registry.web.app import create_app
from tests.conftest import PEOPLE, load

HUGE = "9" * 5000


@pytest.fixture
def client(tmp_path, db):
    load(db, PEOPLE)
    with TestClient(create_app(tmp_path / "registry.db"), raise_server_exceptions=False) as c:
        yield c


def errors_logged(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    "body, words",
    [
        ("[" * 10_000 + "]" * 10_000, "nested too deeply"),
        ('{"registrations": ' + "[" * 10_000 + "]" * 10_000 + "}", "nested too deeply"),
        ('{"name": ' + HUGE + "}", "a number is too long"),
    ],
)
def test_hostile_json_is_a_400_in_words(client, caplog, body, words):
    r = client.post("/api/watch", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 400, r.text
    assert words in r.json()["error"]
    assert errors_logged(caplog) == []


def cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "params, words",
    [
        ({"q": "rob", "limit": HUGE}, "limit"),
        ({"q": "rob", "limit": "²"}, "limit"),
        ({"near": "Calgary", "km": HUGE}, "km"),
        ({"near": "Calgary", "km": "٣"}, "km"),
        ({"q": "rob", "cursor": cursor('{"after": ' + HUGE + "}")}, "cursor"),
        ({"q": "rob", "cursor": cursor("[" * 10_000 + "]" * 10_000)}, "cursor"),
    ],
)
def test_hostile_numbers_in_a_search_are_a_400(client, caplog, params, words):
    r = client.get("/api/search", params=params)
    assert r.status_code == 400, r.text
    assert words in r.json()["error"]
    assert errors_logged(caplog) == []


@pytest.mark.parametrize("params", [{"page": HUGE}, {"page": "²"}, {"within": HUGE}])
def test_hostile_numbers_on_the_search_page_fall_back(client, caplog, params):
    assert client.get("/", params={"q": "rob", **params}).status_code == 200
    assert errors_logged(caplog) == []


def test_an_abandoned_upload_is_answered_quietly(client, caplog):
    """The client sends part of a roster and goes away: a 400 for nobody, and no traceback."""
    sent: list[dict] = []
    parts = [
        {"type": "http.request", "body": b"Full name,Province,Reg #\n", "more_body": True},
        {"type": "http.disconnect"},
    ]

    async def receive():
        return parts.pop(0) if parts else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/verify",
        "raw_path": b"/api/verify",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"content-type", b"text/csv")],
        "client": ("192.0.2.9", 5),
        "server": ("testserver", 80),
        "state": {},
    }
    assert client.portal is not None
    client.portal.call(client.app, scope, receive, send)
    assert sent[0]["status"] == 400
    assert errors_logged(caplog) == []
