"""Datasette's pages at /data/, in-process: our templates and CSS, the link to the site, and
redirects that stay under one /data/ prefix."""

from __future__ import annotations

import html
import re

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


def test_query_pages_have_readable_titles(client):
    saved = client.get("/data/registry/authorizations_by_place").text
    assert (
        "<title>Authorizations per province, city and kind · registry · Needling Registry" in saved
    )
    arbitrary = client.get("/data/registry", params={"sql": "select 1 as one"}).text
    assert "<title>SQL query · registry · Needling Registry</title>" in arbitrary
    assert "select" not in arbitrary.split("<title>")[1].split("</title>")[0]


@pytest.mark.parametrize(
    "url",
    [
        "/data/",
        "/data/registry",
        "/data/registry/regulators",
        "/data/registry/authorizations_by_place",
        "/data/registry?sql=select+1",
    ],
)
def test_a_pages_json_links_answer(client, url):
    """The JSON of a page, as its <link rel=alternate> and Link header name it, and the link
    that shows or hides a query's SQL: under one /data/ prefix, answering 200."""
    page = client.get(url)
    alternate = re.search(
        r'<link rel="alternate" type="application/json\+datasette" href="([^"]+)"', page.text
    )
    links = [html.unescape(alternate.group(1)), page.headers["link"].split(";")[0].strip("<> ")]
    links += [
        html.unescape(h)
        for h in re.findall(r'class="show-hide-sql">\(<a href="([^"]+)"', page.text)
    ]
    for link in links:
        assert "/data/data/" not in link, link
        assert client.get(link).status_code == 200, link


def test_data_links_the_researchers_guide(client):
    page = client.get("/data/").text
    assert 'href="/researchers">researchers\' guide</a>' in page.replace("&#39;", "'")
    guide = client.get("/researchers")
    assert guide.status_code == 200 and guide.headers["content-type"].startswith("text/plain")
    assert guide.text.startswith("# For researchers")
    assert "authorized_per_city_per_month" in guide.text


def test_a_tables_sort_links_answer(client):
    page = client.get("/data/registry/regulators").text
    links = [html.unescape(h) for h in re.findall(r'<th [^>]*>\s*<a href="([^"]+)"', page)]
    assert links and all(link.startswith("/data/registry/regulators?_sort") for link in links)
    for link in links:
        assert client.get(link).status_code == 200, link
