"""A read replica: the public site (pages, API, Datasette) over a copy of a published release,
which it never writes; the clinic routes answer that the primary serves them."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from db import db_file
from db.clinics import clinics_path
from registry.cli import cli
from registry.releases.publish import publish, verify
from registry.settings import SiteSettings
from registry.web.app import PRIMARY_ONLY, create_app
from tests.histories import three_runs

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def release(db, tmp_path):
    three_runs(db)
    return publish(db_file(db), tmp_path / "releases", now=NOW)


CLINIC_REQUESTS = [
    ("GET", "/api/verify?regulator=cpta&registration_number=20001"),
    ("POST", "/api/verify"),
    ("GET", "/api/receipts/rcpt_00000000000000000000000000000000"),
    ("GET", "/verify"),
    ("POST", "/verify"),
    ("POST", "/api/watch"),
    ("GET", "/api/watch"),
    ("GET", "/api/watch/feed.atom"),
    ("GET", "/watch"),
    ("POST", "/watch/new"),
]


def test_a_replica_serves_the_public_reads_and_sends_clinics_to_the_primary(release):
    path = release.path / "registry.db"
    app = create_app(SiteSettings.load(path), replica=True)
    with TestClient(app) as client:
        search = client.get("/api/search", params={"q": "rob"})
        page = client.get("/", params={"q": "rob"})
        data = client.get("/data/registry/directory.json?_size=1")
        described = client.get("/api/openapi.json").json()
        refused = {
            (method, url): client.request(method, url, content=b"x")
            for method, url in CLINIC_REQUESTS
        }
        as_page = client.get("/verify", headers={"accept": "text/html"})
    assert (search.status_code, page.status_code, data.status_code) == (200, 200, 200)
    assert search.json()["results"]
    for request, answer in refused.items():
        assert answer.status_code == 421, request
        assert answer.json() == {"error": PRIMARY_ONLY, "status": 421}, request
    assert as_page.status_code == 421 and "read replica" in as_page.text
    # documented as the primary serves it, for clients reading the replica's description
    assert "Verify one registration" in described["paths"]["/api/verify"]["get"]["summary"]
    # it wrote nothing: no clinics database, the release as published
    assert not clinics_path(path).exists()
    assert verify(release.path) == []


def test_serve_replica_refuses_a_database_it_would_have_to_migrate(tmp_path):
    path = tmp_path / "old.db"
    sqlite3.connect(path).execute("create table t (x)").connection.close()
    result = CliRunner().invoke(cli, ["serve", "--replica", "--db", str(path)])
    assert result.exit_code == 2
    assert "has an older schema than this version" in result.output
    assert "a replica never writes" in result.output
    missing = CliRunner().invoke(cli, ["serve", "--replica", "--db", str(tmp_path / "no.db")])
    assert missing.exit_code == 2 and "no database at" in missing.output


def proxy_rules() -> list[re.Pattern]:
    """The nginx locations docs/operating.md sends to the primary."""
    text = (ROOT / "docs" / "operating.md").read_text(encoding="utf-8")
    found = re.findall(r"location ~ (\S+) \{[^}]*registry_primary", text)
    assert len(found) == 2, found
    return [re.compile(pattern) for pattern in found]


def test_the_documented_proxy_rule_sends_exactly_the_clinic_routes_to_the_primary():
    from registry.web import api, clinics, pages, watch, watch_pages

    rules = proxy_rules()

    def to_primary(path: str) -> bool:
        return any(rule.search(path) for rule in rules)

    def example(path: str) -> str:  # a path parameter as a client would fill it
        return re.sub(r"\{[^}]+\}", "x1", path)

    for route in [*clinics.routes, *watch.routes, *watch_pages.routes]:
        assert to_primary(example(route.path)), route.path
    public = [r.path for r in [*api.routes, *pages.routes] if hasattr(r, "path")]
    public += ["/data/registry/directory.json", "/static/site.css", "/p/cpta/20001"]
    public += ["/?q=verify", "/verifying", "/watchers", "/api/searchverify"]
    for path in public:
        assert not to_primary(example(path)), path
