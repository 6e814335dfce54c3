"""Requests read in a few threads (settings.read_threads), rosters in threads of their own: more
threads only contend for the interpreter's lock (BENCHMARKS.md)."""

from __future__ import annotations

import pytest
from anyio import to_thread
from starlette.testclient import TestClient

from registry.settings import SiteSettings, read_threads
from registry.web.app import create_app
from tests.patients import patient_database


def test_the_number_of_threads_comes_from_the_environment():
    assert SiteSettings.load("x.db", environ={}).read_threads == 2
    assert SiteSettings.load("x.db", environ={"REGISTRY_READ_THREADS": "3"}).read_threads == 3
    for bad in ("0", "two", "-1"):
        with pytest.raises(ValueError, match="REGISTRY_READ_THREADS"):
            read_threads(bad)


def test_the_site_reads_in_that_many_threads_and_rosters_apart(tmp_path):
    path = patient_database(tmp_path / "registry.db")
    settings = SiteSettings.load(path, environ={"REGISTRY_READ_THREADS": "3"})
    with TestClient(create_app(settings)) as client:
        tokens = client.portal.call(lambda: to_thread.current_default_thread_limiter().total_tokens)
        assert tokens == 3
        assert client.app.state.roster_threads.total_tokens == 2
        assert client.get("/api/search", params={"q": "rob"}).status_code == 200
        roster = "Province,Registration number,Name\nAB,20001,Alice Roberts\n"
        answer = client.post(
            "/api/verify", content=roster.encode(), headers={"content-type": "text/csv"}
        )
        assert answer.status_code == 200, answer.text
