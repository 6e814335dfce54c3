"""Static files under content-hashed names: pages link to
/static/site.<hash>.css, served for a year as immutable; the plain name, or a hash gone stale,
gets the current file with a short lifetime; nothing outside the folder is reachable."""

from __future__ import annotations

import hashlib
import re

import pytest
from bs4 import BeautifulSoup
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from registry.web.app import create_app
from registry.web.assets import IMMUTABLE, SHORT, Assets
from registry.web.pages import HERE
from tests.patients import patient_database


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    path = patient_database(tmp_path_factory.mktemp("assets") / "registry.db")
    with TestClient(create_app(path)) as c:
        yield c


def sha(name: str) -> str:
    return hashlib.sha256((HERE / "static" / name).read_bytes()).hexdigest()[:12]


@pytest.mark.parametrize("path", ["/", "/?city=Red+Deer", "/about-needling?lang=fr", "/verify"])
def test_pages_link_their_files_by_content_hash(client, path):
    soup = BeautifulSoup(client.get(path).text, "html.parser")
    links = [link["href"] for link in soup.select("link[rel=stylesheet]")]
    scripts = [s["src"] for s in soup.select("script[src]")]
    assert f"/static/site.{sha('site.css')}.css" == links[0]
    assert f"/static/suggest.{sha('suggest.js')}.js" in scripts


def test_a_hashed_name_is_immutable_and_the_same_bytes(client):
    for name, kind in (("site.css", "text/css"), ("suggest.js", "javascript")):
        stem, ext = name.split(".")
        hashed = client.get(f"/static/{stem}.{sha(name)}.{ext}")
        assert hashed.status_code == 200 and kind in hashed.headers["content-type"]
        assert (
            hashed.headers["cache-control"] == IMMUTABLE == ("public, max-age=31536000, immutable")
        )
        assert hashed.content == (HERE / "static" / name).read_bytes()
        plain = client.get(f"/static/{name}")
        assert plain.headers["cache-control"] == SHORT and plain.content == hashed.content


def test_a_stale_hash_gets_the_current_file_for_a_short_time(client):
    stale = client.get("/static/site.0123456789ab.css")
    assert stale.status_code == 200 and stale.headers["cache-control"] == SHORT
    assert stale.content == (HERE / "static" / "site.css").read_bytes()


@pytest.mark.parametrize(
    "path",
    [
        "/static/nothing.0123456789ab.css",
        "/static/nothing.css",
        "/static/..%2Fpages.py",
        "/static/..%2Fpages.0123456789ab.py",
    ],
)
def test_what_is_not_there_is_a_404_not_a_500(client, path):
    response = client.get(path)
    assert response.status_code == 404 and "cache-control" not in response.headers


def test_a_revalidation_keeps_the_lifetime(client):
    url = f"/static/site.{sha('site.css')}.css"
    etag = client.get(url).headers["etag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["cache-control"] == IMMUTABLE


def test_the_hash_follows_the_content(tmp_path):
    (tmp_path / "a.css").write_text("body { color: red }")
    assets = Assets(tmp_path)
    first = assets.url("a.css")
    assert re.fullmatch(r"/static/a\.[0-9a-f]{12}\.css", first)
    (tmp_path / "a.css").write_text("body { color: blue; }")
    second = assets.url("a.css")
    assert second != first
    app = Starlette(routes=[Mount("/static", app=assets)])
    with TestClient(app) as c:
        assert c.get(second).headers["cache-control"] == IMMUTABLE
        assert c.get(first).headers["cache-control"] == SHORT  # the old name: not immutable
        assert c.get(first).text == "body { color: blue; }"
    with pytest.raises(FileNotFoundError):
        assets.url("missing.css")
    with pytest.raises(FileNotFoundError):
        assets.url("../a.css")
