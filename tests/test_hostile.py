"""The hostile register: Nova Scotia's emulator with markup, broken attributes, `javascript:`
URLs, NUL and other controls, RTL overrides, zero-width characters, 1,500-character strings and
spreadsheet formulas in names, cities and clinics, imported over HTTP. Every page, feed, receipt
and CSV is then checked for harm: no live markup, valid XML, no live formulas, no controls."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from xml.etree import ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from db import open_db
from db.load import sync_regulators
from emulators.nsphysio import HOSTILE_TEXT, NSPhysioEmulator, hostile_physiotherapists
from registry.csvsafe import NUMBER, TRIGGERS
from registry.imports.importer import run_source
from registry.web.app import create_app
from tests.runs import declare

CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
OVERRIDES = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
HOSTILE = len(HOSTILE_TEXT)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The hostile register imported twice (everyone hostile is suspended in between, so watch
    lists get notices), and the app over the result."""
    tmp = tmp_path_factory.mktemp("hostile")

    people = hostile_physiotherapists(40)
    db = open_db(tmp / "registry.db")
    with NSPhysioEmulator(people) as register:
        settings, source = declare(tmp, register.base_url)
        sync_regulators(db, settings.sources.values())
        report = run_source(db, settings, source)
        assert report.outcome == "success", report.message
        numbers = [p.licence_number for p in people[:HOSTILE]]
        with TestClient(create_app(tmp / "registry.db"), raise_server_exceptions=False) as app:
            made = app.post(
                "/api/watch",
                json={
                    "name": "Watch \x00 <b>list</b>",
                    "registrations": [
                        {"regulator": "nscp", "registration_number": n, "label": HOSTILE_TEXT[0]}
                        for n in numbers
                    ],
                },
            )
            assert made.status_code == 201, made.text
            register.set_people(
                [replace(p, status="Suspended") if i < HOSTILE else p for i, p in enumerate(people)]
            )
            assert run_source(db, settings, source).outcome == "success"
            yield app, db, numbers, made.json()["token"]
    db.close()


def strings(value):
    """Every string in a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def assert_clean_text(texts):
    for text in texts:
        assert not CONTROLS.search(text.replace("\t", "").replace("\n", "")), repr(text[:80])


def assert_harmless_html(html: str):
    assert "\x00" not in html
    soup = BeautifulSoup(html, "html.parser")
    for script in soup.find_all("script"):
        assert script.get("src") and not script.string, script  # only the site's own files
    for tag in soup.find_all(True):
        assert tag.name not in ("img", "iframe", "object", "embed"), tag
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), tag
            if name in ("href", "src", "action"):
                assert not str(value).strip().lower().startswith("javascript:"), tag
    # Bidirectional controls only inside an isolating element.
    for node in soup.find_all(string=lambda s: any(c in s for c in OVERRIDES)):
        assert node.find_parent("bdi") is not None, repr(str(node)[:60])


def assert_no_live_formula(text: str):
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows
    for row in rows:
        for cell in row:
            assert not (cell.startswith(TRIGGERS) and not NUMBER.fullmatch(cell)), cell[:60]
    return rows


def test_the_import_keeps_the_words_but_no_control_characters(site):
    _, db, numbers, _ = site
    rows = list(db.query("select * from registrations where regulator_id = 'nscp'"))
    assert_clean_text(str(v) for r in rows for v in r.values() if v)
    locations = db.query("select * from practice_locations")
    assert_clean_text(str(v) for r in locations for v in r.values() if v)
    names = {r["name"] for r in rows}
    assert any(n.startswith("<script>alert('name')</script>") for n in names)
    assert any("NulByteBellEscape" in n for n in names)  # the controls dropped, the rest kept
    assert any(len(n) > 1_500 for n in names)


def test_the_search_page_shows_hostile_text_as_text(site):
    app, *_ = site
    page = app.get("/", params={"city": "Halifax", "show": "all", "lang": "en"})
    assert page.status_code == 200
    assert "&lt;script&gt;" in page.text or "&lt;img" in page.text
    assert_harmless_html(page.text)


def roster(numbers):
    lines = ["Full name,Province,Reg #"]
    lines += [f"\"=cmd|' /C calc'!A0\",nscp,{n}" for n in numbers]
    return "\r\n".join(lines).encode()


def test_verify_results_receipts_and_csv_are_harmless(site):
    app, _, numbers, _ = site
    files = {"roster": ("staff.csv", roster(numbers), "text/csv")}
    shown = app.post("/verify", files=files, data={"format": "html"})
    assert shown.status_code == 200 and shown.text.count("/receipts/rcpt_") >= HOSTILE
    assert_harmless_html(shown.text)

    as_csv = app.post("/verify", files=files, data={"format": "csv"})
    rows = assert_no_live_formula(as_csv.text)
    assert len(rows) == HOSTILE + 1
    assert any(cell.startswith("'=") for row in rows for cell in row)  # neutralised, kept

    answer = app.post("/api/verify", content=roster(numbers), headers={"content-type": "text/csv"})
    body = answer.json()
    assert_clean_text(strings(body))
    for row in body["rows"]:
        receipt = app.get(f"/api/receipts/{row['receipt_id']}")
        assert receipt.status_code == 200
        assert_clean_text(strings(json.loads(receipt.text)))
        page = app.get(f"/receipts/{row['receipt_id']}")
        assert page.status_code == 200
        assert_harmless_html(page.text)


def test_feeds_are_valid_and_clean(site):
    app, _, _, token = site
    atom = app.get("/api/watch/feed.atom", params={"token": token})
    assert atom.status_code == 200
    feed = ET.fromstring(atom.content)  # a real XML parser: one NUL would make this fail
    entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) >= HOSTILE
    assert_clean_text(feed.itertext())
    as_json = app.get("/api/watch/feed.json", params={"token": token})
    assert_clean_text(strings(as_json.json()))


def test_datasette_csv_export_has_no_live_formula(site):
    app, *_ = site
    export = app.get("/data/registry/registrations.csv", params={"_size": "max"})
    assert export.status_code == 200
    rows = assert_no_live_formula(export.text)
    assert any(cell.startswith("'=HYPERLINK") for row in rows for cell in row)
    downloaded = app.get("/data/registry/registrations.csv", params={"_dl": "1", "_stream": "on"})
    assert downloaded.headers["content-type"].startswith("text/csv")
    assert_no_live_formula(downloaded.text)
    query = app.get("/data/registry.csv", params={"sql": "select name, -5 as n from registrations"})
    rows = assert_no_live_formula(query.text)
    assert ["n"] == rows[0][1:] and rows[1][1] == "-5"  # a real negative number stays a number
