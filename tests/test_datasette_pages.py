"""Datasette's pages at /data/, in-process: our templates and CSS, the link to the site, and
redirects that stay under one /data/ prefix."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from registry.web.app import create_app
from tests.patients import patient_database


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    path = patient_database(tmp_path_factory.mktemp("pages") / "registry.db")
    with TestClient(create_app(path), raise_server_exceptions=False) as c:
        yield c


def test_pages_have_lang_our_css_and_a_link_to_the_site(client):
    pages = ["/data/", "/data/registry", "/data/registry/directory", "/data/registry/state_as_of"]
    for url in pages:
        page = client.get(url)
        assert page.status_code == 200, url
        assert '<html lang="en">' in page.text, url
        assert 'href="/data/site-assets/data.css"' in page.text, url
        assert '<a href="/">Needling Registry home</a>' in page.text, url
        assert "<main>" in page.text, url
    css = client.get("/data/site-assets/data.css")
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]
    assert "td em" in css.text


def test_the_filter_form_redirects_under_one_prefix(client):
    response = client.get(
        "/data/registry/directory?_filter_column=city&_filter_op=exact&_filter_value=Red+Deer",
        follow_redirects=False,
    )
    assert response.status_code == 302
    assert response.headers["location"] == "/data/registry/directory?city__exact=Red+Deer"
    assert client.get(response.headers["location"]).status_code == 200


def test_controls_have_labels(client):
    table = client.get("/data/registry/directory").text
    for label in ["New filter: column", "New filter: operator", "New filter: value", "Sort by"]:
        assert f'aria-label="{label}"' in table
    assert 'aria-label="SQL query"' in client.get("/data/registry").text
