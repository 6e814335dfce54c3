"""The page a person gets while a first import fills the database (db `pages_written_once`):
503, in the page's language, on a phone and a desktop, with no axe-core violation; then the
search answers again."""

from __future__ import annotations

import sqlite3

import pytest

from tests.browsing import BROWSER_TESTS, Watch, axe_violations, serving, shot
from tests.patients import patient_database

pytestmark = BROWSER_TESTS

WORDS = {
    "en": "busy being filled",
    "fr": "en cours de remplissage",
}


@pytest.fixture(scope="module")
def filling(tmp_path_factory):
    """The site over a database that a first import holds; `hold()` and `release()` the lock."""
    path = patient_database(tmp_path_factory.mktemp("busy") / "registry.db")
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("pragma journal_mode = delete")  # as a first fill writes, before the site
    try:
        with serving(path) as url:
            yield url, writer
    finally:
        writer.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("size", [(390, 844), (1280, 900)])
def test_a_search_during_a_first_import_says_so(browser, filling, size, lang):
    url, writer = filling
    context = browser.new_context(
        viewport={"width": size[0], "height": size[1]}, is_mobile=size[0] < 500
    )
    try:
        page = context.new_page()
        watch = Watch(page, url)
        writer.execute("begin exclusive")
        try:
            response = page.goto(f"{url}/?city=Red+Deer&lang={lang}")
            assert response is not None and response.status == 503
            assert response.headers["retry-after"] == "60"
            assert page.locator("html").get_attribute("lang") == lang
            assert WORDS[lang] in page.locator("main").inner_text()
            assert axe_violations(page) == []
            shot(page, f"busy-{lang}-{size[0]}")
        finally:
            writer.execute("rollback")
        page.goto(f"{url}/?city=Red+Deer&lang={lang}")
        assert page.locator(".result").count() > 0
        watch.clean()
    finally:
        context.close()
