"""datasette-export-notebook: every table and saved query offers "Notebook", whose page gives
code for Jupyter (pandas) and Observable (d3) that reads this instance's JSON and CSV; the URLs
it gives answer, with CORS so that a notebook on another origin can read them."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

from registry.web.app import create_app
from tests.patients import patient_database


@pytest.fixture(scope="module")
def path(tmp_path_factory) -> Path:
    return patient_database(tmp_path_factory.mktemp("notebook") / "registry.db")


@pytest.fixture(scope="module")
def client(path):
    with TestClient(create_app(path), raise_server_exceptions=False) as c:
        yield c


def code(page: str) -> list[str]:
    return [
        html.unescape(block).strip()
        for block in re.findall(r'<pre class="copyable">(.*?)</pre>', page, re.S)
    ]


def test_table_and_query_pages_link_to_the_notebook_export_and_their_links_answer(client):
    # Datasette mounted under /data/ doubled the prefix of these links (/data/data/...).
    for url, notebook in [
        (
            "/data/registry/directory?city=Red+Deer",
            "/data/registry/directory.Notebook?city=Red+Deer",
        ),
        ("/data/registry/coverage_per_regulator", "/data/registry/coverage_per_regulator.Notebook"),
    ]:
        page = client.get(url)
        assert page.status_code == 200
        links = re.findall(r'<p class="export-links">(.*?)</p>', page.text, re.S)[0]
        hrefs = [html.unescape(h) for h in re.findall(r'href="([^"#]+)"', links)]
        assert [h.split("?")[0].rsplit(".", 1)[1] for h in hrefs] == ["json", "Notebook", "csv"]
        assert hrefs[1].startswith(notebook), url
        for href in hrefs:
            assert client.get(href).status_code == 200, href


def test_the_notebook_page_gives_jupyter_and_observable_code_whose_urls_answer(client):
    page = client.get("/data/registry/directory.Notebook?city=Red+Deer")
    assert page.status_code == 200
    assert "<h2>Jupyter</h2>" in page.text and "<h2>Observable</h2>" in page.text
    assert '<html lang="en">' in page.text and "Needling Registry home" in page.text
    blocks = code(page.text)
    assert blocks[0] == "import pandas"
    pandas_url = json.loads(re.search(r"read_json\(\s*(\".*?\")\s*\)", blocks[1]).group(1))
    observable_url = json.loads(
        re.search(r"d3\.json\(\s*(\".*?\")\s*\)", "\n".join(blocks)).group(1)
    )
    assert pandas_url == observable_url
    assert urlsplit(pandas_url).path == "/data/registry/directory.json"
    url = urlsplit(pandas_url)
    rows = client.get(f"{url.path}?{url.query}", headers={"origin": "https://observablehq.com"})
    assert rows.status_code == 200
    assert rows.headers["access-control-allow-origin"] == "*"
    people = rows.json()
    assert people and {row["city"] for row in people} == {"Red Deer"}
    assert "only available if Datasette is running with the" not in page.text


def test_the_notebook_page_of_a_saved_query_reads_its_parameters(client):
    page = client.get("/data/registry/authorizations_by_place.Notebook?province=ab&kind=")
    assert page.status_code == 200
    read = re.search(r"read_json\(\s*(\".*?\")\s*\)", "\n".join(code(page.text)))
    url = urlsplit(json.loads(read.group(1)))
    rows = client.get(f"{url.path}?{url.query}").json()
    assert rows and {row["province"] for row in rows} == {"AB"}


@pytest.mark.browser
def test_the_notebook_page_passes_axe_on_a_phone(path):
    from playwright.sync_api import sync_playwright

    from tests.browsing import (
        CHROMIUM,
        CHROMIUM_ARGS,
        SCREENSHOTS,
        Watch,
        serious_violations,
        serving,
    )

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    with serving(path) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
        page = context.new_page()
        page.watch = Watch(page, base)
        page.goto(base + "/data/registry/directory?city=Red+Deer")
        with page.expect_navigation():
            page.get_by_role("link", name="Notebook", exact=True).click()
        assert page.get_by_role("heading", name="Jupyter").count() == 1
        assert serious_violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "data-notebook-390.png", full_page=True)
        page.watch.clean()
        context.close()
        browser.close()


def test_the_docs_notebook_link_answers(client):
    doc = (Path(__file__).parents[1] / "docs" / "researchers.md").read_text(encoding="utf-8")
    links = re.findall(r"\(http://127\.0\.0\.1:8000(/data/[^)\s]*\.Notebook[^)\s]*)\)", doc)
    assert links == ["/data/registry/directory.Notebook?city=Red+Deer"]
    page = client.get(links[0])
    assert page.status_code == 200 and "<h2>Jupyter</h2>" in page.text
