"""Releases for long caches: a release served by `serve_command` has its data at URLs that carry
the database's hash (datasette-hashed-urls) with a far-future Cache-Control, gzips what it can
(datasette-gzip), and uses the project's templates, charts and CSS; /data/ of `registry serve`
does not gzip (its CSV is rewritten on the way out)."""

from __future__ import annotations

import gzip
import json
import re

import httpx
import pytest
from starlette.testclient import TestClient

from db import db_file
from registry.releases.publish import serve_command
from registry.web.app import create_app
from tests.conftest import free_port
from tests.histories import three_runs
from tests.releases import published, serving

YEAR = "max-age=31536000, public"


@pytest.fixture
def source(db):
    """A registry database with three runs, as tests/test_publish.py's."""
    three_runs(db)
    return db_file(db)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """One release, served by Datasette, for the tests that only read it."""
    _, release = published(tmp_path_factory.mktemp("release"))
    port = free_port()
    with serving(serve_command(release.path, host="127.0.0.1", port=port), port) as http:
        yield http, release


def test_a_release_serves_its_data_at_hashed_urls_cached_for_a_year(served):
    http, built = served
    inspected = json.loads((built.path / "inspect-data.json").read_text(encoding="utf-8"))
    digest = inspected["registry"]["hash"]
    assert digest == built.sha256  # Datasette's hash of an immutable file is its SHA-256
    hashed = f"/registry-{digest[:7]}"

    moved = http.get("/registry/directory?city=Red+Deer", follow_redirects=False)
    assert moved.status_code == 302
    assert moved.headers["location"] == f"{hashed}/directory?city=Red+Deer"
    assert "cache-control" not in moved.headers  # a redirect must follow the next release

    page = http.get(f"{hashed}/directory?city=Red+Deer")
    assert page.status_code == 200 and "Roberts, Alice" in page.text
    assert page.headers["cache-control"] == YEAR
    for url in [
        f"{hashed}/directory.json?_shape=array",
        f"{hashed}/registrations.csv?_stream=on",
        f"{hashed}/grants_and_removals_per_month.json",
        f"{hashed}.db",
    ]:
        answer = http.get(url)
        assert answer.status_code == 200, url
        assert answer.headers["cache-control"] == YEAR, url
    # A stale hash (the previous release's) leads to this one's.
    stale = http.get("/registry-0000000/directory", follow_redirects=False)
    assert stale.headers["location"] == f"{hashed}/directory"
    # Pages without the database in their path keep the hour.
    assert http.get("/").headers.get("cache-control") != YEAR


def test_a_release_gzips_pages_and_json(served):
    http, built = served
    hashed = f"/registry-{built.sha256[:7]}"
    for url in [f"{hashed}/registrations", f"{hashed}/registrations.json"]:
        raw = http.get(url, headers={"accept-encoding": "gzip"})
        assert raw.headers["content-encoding"] == "gzip", url
        assert "accept-encoding" in raw.headers["vary"].lower(), url
        plain = http.get(url, headers={"accept-encoding": "identity"})
        assert "content-encoding" not in plain.headers, url
        # httpx decodes the gzip; the answers differ only in the time the queries took.
        same = re.sub(r"(took |query_ms\": )[0-9.]+", "", raw.text)
        assert same == re.sub(r"(took |query_ms\": )[0-9.]+", "", plain.text), url


def test_a_release_uses_the_project_templates_and_css(served):
    http, built = served
    page = http.get(f"/registry-{built.sha256[:7]}/grants_and_removals_per_month")
    assert page.status_code == 200
    assert '<html lang="en">' in page.text and '<p class="crumbs">' in page.text
    assert 'class="registry-chart"' in page.text  # tests/histories.py has grants and removals
    assert 'href="/site-assets/data.css"' in page.text
    css = http.get("/site-assets/data.css")
    assert css.status_code == 200 and ".registry-chart" in css.text


def test_the_manifest_command_needs_only_datasette(served):
    _, release = served
    assert "--template-dir" not in release.manifest["serve"]
    assert release.manifest["serve"].startswith("datasette serve -i registry.db")


def test_the_live_data_is_gzipped_only_after_its_csv_is_neutralised(source):
    from datasette.plugins import pm

    with TestClient(create_app(source)) as client:
        # datasette-gzip is off inside the site: it would compress before NeutraliseCSV reads
        # the body; the site's own GZipMiddleware compresses on the way out instead.
        assert not pm.has_plugin("gzip")
        csv = client.get("/data/registry/registrations.csv", headers={"accept-encoding": "gzip"})
        assert csv.status_code == 200 and csv.headers.get("content-encoding") == "gzip"
        assert csv.text.startswith('"id","regulator_id"')  # neutralised (every cell quoted)


def test_gzip_is_real_compression(served):
    http, built = served
    url = f"{http.base_url}/registry-{built.sha256[:7]}/registrations.json"
    with httpx.stream("GET", url, headers={"accept-encoding": "gzip"}) as answer:
        body = b"".join(answer.iter_raw())
    assert json.loads(gzip.decompress(body))["rows"]


def test_a_release_neutralises_formulas_in_its_csv(db, tmp_path):
    """Scraped text beginning with = + - @ reaches no spreadsheet as a live formula from a
    release either: the release loads the project's Datasette plugin."""
    from db import db_file
    from registry.releases.publish import publish
    from tests.conftest import load, person

    load(db, [person("f1", '=HYPERLINK("http://x")', "@Eve", number="30001")])
    built = publish(db_file(db), tmp_path / "releases")
    port = free_port()
    with serving(serve_command(built.path, host="127.0.0.1", port=port), port) as http:
        for accept in ("gzip", "identity"):
            answer = http.get(
                "/registry/registrations.csv?_size=max", headers={"accept-encoding": accept}
            )
            assert answer.status_code == 200
            assert "'=HYPERLINK" in answer.text and "'@Eve" in answer.text
            assert ',"=HYPERLINK' not in answer.text and ",=HYPERLINK" not in answer.text
