"""Keeping the proof of a roster's results (CSV, print of every receipt) without uploading again,
and receipts that stand alone (local time, QR code of their own address, how to check them)."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
import segno
import zxingcpp
from bs4 import BeautifulSoup

from registry.web import clinics
from tests.clinic_site import Site, registry_with
from tests.conftest import PEOPLE

ROSTER = (
    "Full name,Province,Reg #,Notes\n"
    'Alice Roberts,AB,20001,=HYPERLINK("x")\n'
    "Melanie Fournier,AB,20003,\n"  # Maya Robinson's number
    "Jean Robert,AB,20002,\n"
    "Nobody,Atlantis,1,\n"  # cannot be checked: no receipt
)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    path = tmp_path_factory.mktemp("keep") / "registry.db"
    registry_with(path, (PEOPLE, "cpta")).close()
    with Site(path) as running, httpx.Client(base_url=running.url, timeout=30) as client:
        yield client


def shown(client, lang="en") -> BeautifulSoup:
    r = client.post(
        f"/verify?lang={lang}",
        files={"roster": ("staff.csv", ROSTER.encode(), "text/csv")},
        data={"format": "html"},
    )
    assert r.status_code == 200, r.text
    return BeautifulSoup(r.text, "html.parser")


def links(page: BeautifulSoup) -> tuple[str, str]:
    keep = page.select_one(".keep")
    csv_link = keep.find("a", string="Download CSV")["href"]
    print_link = keep.find("a", string="Print all receipts")["href"]
    return csv_link, print_link


def test_download_csv_after_viewing_has_the_proof(site):
    page = shown(site)
    csv_link, _ = links(page)
    assert re.fullmatch(r"/verify/batches/batch_[0-9a-f]{32}\.csv\?lang=en", csv_link)
    r = site.get(csv_link)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [(row["Full name"], row["verdict"], row["line"]) for row in rows] == [
        ("Nobody", "", "5"),
        ("Melanie Fournier", "name_mismatch", "3"),
        ("Jean Robert", "not_authorized", "4"),
        ("Alice Roberts", "authorized", "2"),
    ]
    assert rows[0]["error"] and rows[0]["receipt_url"] == ""
    assert rows[1]["verdict_in_words"] == "Someone else's number"
    assert rows[3]["Notes"] == '\'=HYPERLINK("x")'  # neutralised for spreadsheets
    for row in rows[1:]:
        assert row["checked_at"].endswith("Z") and row["fetched_at"]
        assert row["source_url"].startswith("https://")
        assert re.fullmatch(r"[0-9a-f]{64}", row["response_sha256"])
        receipt_url = row["receipt_url"]
        assert re.fullmatch(rf"{site.base_url}/receipts/rcpt_[0-9a-f]{{32}}", receipt_url)
        stored = site.get(receipt_url.replace("/receipts/", "/api/receipts/"))
        assert hashlib.sha256(stored.content).hexdigest() == row["receipt_sha256"]
        assert stored.json()["verdict"] == row["verdict"]
    french = list(csv.DictReader(io.StringIO(site.get(csv_link.replace("en", "fr")).text)))
    assert french[1]["verdict_in_words"] == "Numéro d'une autre personne"


def test_print_all_receipts_one_per_page_dated(site):
    _, print_link = links(shown(site))
    r = site.get(print_link)
    assert r.status_code == 200
    page = BeautifulSoup(r.text, "html.parser")
    receipts = page.select("article.receipt")
    assert len(receipts) == 3  # the row that could not be checked has none
    names = [a.h2.get_text(" ", strip=True) for a in receipts]
    assert names == [
        "Verification receipt: Melanie Fournier",
        "Verification receipt: Jean Robert",
        "Verification receipt: Alice Roberts",
    ]
    assert re.search(r"Printed \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", page.select_one("h1 + p").text)
    css = site.get("/static/clinics.css").text
    assert ".receipt { break-after: page;" in css.split("@media print")[1]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/verify/batches/batch_00000000000000000000000000000000.csv", 404),
        ("/verify/batches/rcpt_x/receipts", 404),
        ("/verify/batches/batch_00000000000000000000000000000000/receipts", 404),
        ("/verify/batches/{batch}/receipts?page=0", 400),
        ("/verify/batches/{batch}/receipts?page=2", 400),
        ("/verify/batches/{batch}/receipts?page=x", 400),
        ("/verify/batches/{batch}.csv?evil=1", 400),
    ],
)
def test_unknown_batches_and_bad_pages_are_clear(site, path, status):
    _, print_link = links(shown(site))
    batch = print_link.split("/")[3]
    r = site.get(path.format(batch=batch))
    assert r.status_code == status
    assert "<h1>" in r.text or "error" in r.text


def decode_qr(qr) -> list[str]:
    """Decode a segno QR code with zxing-cpp, from the grey pixels of its PNG-like raster."""
    scale, border = 4, 4
    matrix = [[0] * border + list(row) + [0] * border for row in qr.matrix]
    side = len(matrix[0])
    blank = [[0] * side] * border
    pixels = bytearray()
    for row in [*blank, *matrix, *blank]:
        line = bytes(0 if dark else 255 for dark in row for _ in range(scale))
        pixels += line * scale
    image = memoryview(pixels).cast("B", (side * scale, side * scale))
    return [b.text for b in zxingcpp.read_barcodes(image)]


def test_receipt_stands_alone(site):
    page = shown(site)
    href = page.select('a[href^="/receipts/"]')[-1]["href"]
    r = site.get(href)
    assert r.status_code == 200
    receipt = BeautifulSoup(r.text, "html.parser")
    rid = href.split("/")[2].split("?")[0]
    own = f"{site.base_url}/receipts/{rid}"
    assert receipt.select_one("a.own-url")["href"] == own
    # Local time beside UTC: Alberta's, from the same instant.
    checked = receipt.find("dt", string="Checked at").find_next("dd").get_text(" ", strip=True)
    stamp = re.search(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) \(UTC\)", checked).group(1)
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    local = moment.astimezone(ZoneInfo("America/Edmonton")).strftime("%Y-%m-%d %H:%M %Z")
    assert checked.startswith(f"{local} (regulator's local time)")
    fetched = receipt.find("dt", string="Fetched at").find_next("dd").get_text(" ", strip=True)
    assert re.search(r"read \d+(\.\d)? days before this check", fetched)
    assert "limit: 14 days" in receipt.text
    # The QR code is inline SVG (the CSP allows no other image source) made from its own address.
    svg = receipt.select_one("figure.qr svg")
    assert svg["role"] == "img" and svg.title.text == "QR code of this receipt's address"
    assert decode_qr(segno.make(own, error="m")) == [own]
    assert str(svg) == str(BeautifulSoup(clinics.qr_svg(own, svg.title.text), "html.parser").svg)
    # How to check it: the command, and what it prints.
    command = receipt.select_one(".how-to-check pre code").text
    assert command == f"curl -s {site.base_url}/api/receipts/{rid} | sha256sum"
    stored = site.get(f"/api/receipts/{rid}").content
    expected = receipt.select_one(".how-to-check code.expected").text
    assert expected == f"{hashlib.sha256(stored).hexdigest()}  -"
    # A print button that only enhances (hidden without JavaScript), an instruction, a way back.
    assert receipt.select_one("button.print-button").has_attr("hidden")
    assert "Ctrl+P" in receipt.select_one(".print-hint").text
    assert [a["href"] for a in receipt.find_all("a", string="Back to verifying a roster")] == [
        "/verify?lang=en"
    ] * 2
    french = BeautifulSoup(site.get(f"/receipts/{rid}?lang=fr").text, "html.parser")
    assert french.select_one(".how-to-check h2").text == "Comment vérifier cette preuve"
    assert "(heure locale de l'ordre)" in french.text


def test_a_forged_host_header_never_reaches_a_receipt(site):
    """Links, QR code, check line and CSV use the configured public address, whatever Host a
    client sends."""
    evil = {"Host": "evil.example"}
    page = shown(site)
    href = page.select('a[href^="/receipts/"]')[-1]["href"]
    rid = href.split("/")[2].split("?")[0]
    r = site.get(href, headers=evil)
    assert r.status_code == 200 and "evil.example" not in r.text
    receipt = BeautifulSoup(r.text, "html.parser")
    assert receipt.select_one("a.own-url")["href"] == f"{site.base_url}/receipts/{rid}"
    svg = receipt.select_one("figure.qr svg")
    assert str(svg) == str(
        BeautifulSoup(
            clinics.qr_svg(f"{site.base_url}/receipts/{rid}", svg.title.text), "html.parser"
        ).svg
    )
    csv_link, print_link = links(page)
    for link in (csv_link, print_link):
        r = site.get(link, headers=evil)
        assert r.status_code == 200 and "evil.example" not in r.text, link
    r = site.get("/p/cpta/20001", headers=evil)
    assert r.status_code == 200 and "evil.example" not in r.text
