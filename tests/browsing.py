"""The browser tests' shared parts: Debian's chromium driven by Playwright, the site served on
127.0.0.1, what a page must not do, axe-core and screenshots. Its fixtures, `browser` and `server`
(the site over the database of tests/patients.py), reach every test through tests/conftest.py.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import uvicorn

from registry.settings import OSM_TILES, SiteSettings
from registry.web.app import create_app
from tests.conftest import free_port
from tests.patients import patient_database

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


# Every browser test module's marks: `pytestmark = BROWSER_TESTS`.
BROWSER_TESTS = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason="Debian's chromium is not installed (scripts/test installs it: apt-get install "
        "chromium)",
    ),
]


# No network but 127.0.0.1, nothing of the browser's own phoning home.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Every name but the test server's fails to resolve: the results map's tiles too (a test
    # that wants tiles answers them itself, with page.route, before any lookup).
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]


TILE_HOST = urlsplit(OSM_TILES).hostname  # the results map's tiles: allowed, kept apart


SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"


@contextlib.contextmanager
def serving(path: Path):
    """The site over a database on 127.0.0.1, in a thread; its base URL."""
    port = free_port()
    # Its own address is the public one: receipts' links and QR codes point back here.
    settings = SiteSettings.load(path, public_url=f"http://127.0.0.1:{port}")
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", ws="none"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The site over the test database of tests/patients.py."""
    with serving(patient_database(tmp_path_factory.mktemp("browser") / "registry.db")) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Watch:
    """What a page did that it must not: requests elsewhere, CSP violations, dialogs, errors."""

    def __init__(self, page, base: str):
        self.base = urlsplit(base).netloc
        self.foreign: list[str] = []
        self.tiles: list[str] = []  # the results map's, from the tile server the CSP allows
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("request", self.request)
        page.on("dialog", self.dialog)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", self.console)

    def request(self, request):
        self.requests.append(request.url)
        if urlsplit(request.url).netloc != self.base:
            self.foreign.append(request.url)
            if urlsplit(request.url).hostname == TILE_HOST and request.resource_type == "image":
                self.tiles.append(request.url)

    def dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def console(self, message):
        # A Content-Security-Policy violation ("Refused to load ...", "Refused to execute ...");
        # an HTTP error status is logged too, but the 400 of a bad search is the page's answer.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(message.text)

    def clean(self):
        elsewhere = [u for u in self.foreign if u not in self.tiles]  # a map's tiles may be asked
        assert elsewhere == [] and self.dialogs == [] and self.errors == []


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def navigate(page, action) -> None:
    """Do what loads a new page (a submit, a link) and wait for that page, not the old one."""
    with page.expect_navigation():
        action()


def unfold(page) -> None:
    """Open every folded part (<details>), as a person reading the details would."""
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")


AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"  # axe-core 4.10.3, from npm


def load_axe(page) -> None:
    """axe-core into the page, through the DevTools protocol: the page's CSP (rightly) refuses an
    injected <script>."""
    page.evaluate("(source) => { (0, eval)(source); }", AXE.read_text(encoding="utf-8"))


WCAG = "{runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}"


def axe_violations(page, every_rule: bool = False) -> list[str]:
    """axe-core's WCAG 2 A/AA and best-practice violations on the page as it is now (with
    `every_rule`, those of all of axe's rules)."""
    load_axe(page)
    return page.evaluate(
        f"async () => (await axe.run(document{'' if every_rule else ', ' + WCAG})).violations"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )


def above_the_fold(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 844


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical WCAG 2 A/AA and best-practice violations on the page."""
    load_axe(page)
    return page.evaluate(
        f"async () => (await axe.run(document, {WCAG})).violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
