"""Every page in French shows French: a walk over every page type (the patient search with
results, empty and in error; a practitioner's page; the page on needling; the clinics' verify
page, its results, receipts and errors; the watch-list pages; error pages) fails on any English
message of the catalogue (registry/web/i18n.py) in the visible text, and on the raw values that
once leaked ("listing", "0.0 jours")."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from registry.web import i18n
from registry.web.app import create_app
from tests.patients import patient_database

ROSTER = (
    "Full name,Province,Reg #\r\n"
    "Alice Roberts,Alberta,20001\r\n"
    "Alice Robertson,AB,20001\r\n"  # a name that differs from the holder's
    "Jean Robert,AB,20002\r\n"
    "Somebody,Atlantis,123\r\n"  # a regulator we do not know
    ",,\r\n"
    "Ann MacDonald,NS,\r\n"  # no number
    "Noah Tremblay,ON,30001\r\n"
    "Arjun Singh,BC,50001\r\n"  # stale data
)
# Words that are the same in both languages, or are names, codes and units.
SHARED = re.compile(r"^[\W\d_]*$")


def fragments(text: str) -> list[str]:
    """The literal parts of a catalogue message long enough to be recognised (3 words or more),
    placeholders cut out: "{count} people found." gives "people found."."""
    parts = re.split(r"\{[^}]*\}", text)
    return [p.strip() for p in parts if len(p.split()) >= 3 and not SHARED.match(p)]


def english() -> dict[str, list[str]]:
    """Every English message that differs from its French one, as the fragments to look for."""
    out = {}
    for key, text in i18n.MESSAGES["en"].items():
        french = i18n.MESSAGES["fr"].get(key)
        if french is not None and french != text and (found := fragments(text)):
            out[key] = found
    return out


def visible_french(html: str) -> str:
    """The page's visible text, less what is marked as in another language (register words)."""
    soup = BeautifulSoup(html, "html.parser")
    # Scripts and styles are not shown; code (a command, a JSON copy, an address) is in no
    # language.
    for node in soup(["script", "style", "template", "noscript", "pre", "code"]):
        node.decompose()
    for node in soup.select("[lang]"):
        if node.name != "html" and not node["lang"].startswith("fr"):
            node.decompose()
    for node in soup.select("[hidden]"):
        node.decompose()
    return " ".join(soup.get_text(" ").split())


# Raw values that once leaked, and English words no French sentence has: a message written
# elsewhere than the catalogue (the domain's, a template's) shows up by them.
RAW = re.compile(
    r"\b(listing|detail|practice|days?|the|is|not|and|with|of|give|use|found|register)\b"
    r"|\d+\.\d+ jours|/api/"
)


def leaks(html: str) -> list[str]:
    text = visible_french(html)
    found = [f"{key}: {f!r}" for key, fs in english().items() for f in fs if f in text]
    found += [
        f"raw: {m.group(0)!r} in …{text[max(0, m.start() - 60) : m.end() + 20]}…"
        for m in RAW.finditer(text)
    ]
    return found


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    path = patient_database(tmp_path_factory.mktemp("fr") / "registry.db")
    with TestClient(create_app(path), raise_server_exceptions=False) as c:
        yield c


def roster(client):
    return client.post(
        "/verify?lang=fr",
        files={"roster": ("staff.csv", ROSTER.encode(), "text/csv")},
        data={"format": "html"},
    )


def pages(client) -> dict[str, str]:
    """Every page type in French, by name."""
    get = {
        "search": "/",
        "results": "/?city=Red+Deer&show=all",
        "results near": "/?city=Red+Deer&within=200",
        "results not tracked": "/?city=Halifax&kind=dry_needling",
        "results stale and failing": "/?q=Singh&show=all",
        "results from the name box": "/?q=physio+Reddeer",
        "empty": "/?city=Moncton",
        "empty no addresses": "/?city=Spokane",
        "unknown city": "/?city=Calagry",
        "misspelt place in the name box": "/?q=dry+needling+Calagry",
        "empty form": "/?q=",
        "too long": "/?q=" + "x" * 300,
        "practitioner": "/p/cpta/20001",
        "practitioner not authorized": "/p/cpta/20002",
        "about needling": "/about-needling",
        "verify": "/verify",
        "watch": "/watch",
        "not found": "/nowhere",
        "practitioner not found": "/p/cpta/00000",
    }
    out = {}
    for name, url in get.items():
        sep = "&" if "?" in url else "?"
        out[name] = client.get(f"{url}{sep}lang=fr").text
    shown = roster(client)
    assert shown.status_code == 200, shown.text
    out["verify results"] = shown.text
    receipts = sorted(set(re.findall(r'href="(/receipts/rcpt_[0-9a-z_]+)', shown.text)))
    assert receipts
    for i, url in enumerate(receipts):
        out[f"receipt {i}"] = client.get(f"{url}?lang=fr").text
    bad = client.post("/verify?lang=fr", files={"roster": ("x.csv", b"\x00\x01", "text/csv")})
    out["verify bad file"] = bad.text
    empty = client.post("/verify?lang=fr", files={"roster": ("x.csv", b"", "text/csv")})
    out["verify empty file"] = empty.text
    batch = re.search(r'name="batch" value="(batch_[0-9a-f]{32})"', shown.text).group(1)
    created = client.post("/watch/new?lang=fr", data={"batch": batch, "name": "Physio Bow"})
    out["watch created"] = created.text
    token = re.search(r'value="(nrw_[A-Za-z0-9_-]+)"', created.text).group(1)
    out["watch opened"] = client.post("/watch?lang=fr", data={"token": token}).text
    out["watch wrong token"] = client.post("/watch?lang=fr", data={"token": "nrw_nope"}).text
    return out


def test_every_french_page_is_in_french(client):
    found = {name: leaks(html) for name, html in pages(client).items()}
    assert {name: f for name, f in found.items() if f} == {}


def test_the_check_finds_english(client):
    """The walk would see a leak: the same pages in English are full of catalogue messages."""
    page = client.get("/?city=Red+Deer&show=all&lang=en").text
    assert len(leaks(page)) >= 5


def test_a_register_read_today_is_less_than_a_day_old_in_both_languages(tmp_path):
    """Not "0.0 jours": a receipt for a page read within the day says so in words."""
    path = patient_database(tmp_path / "registry.db")
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    with sqlite3.connect(path) as conn:
        # The responses' dates become today's (the time of day stays: at most hours apart).
        conn.execute("update responses set fetched_at = ? || substr(fetched_at, 11)", [today])
    with TestClient(create_app(path), raise_server_exceptions=False) as client:
        answer = client.get(
            "/api/verify", params={"regulator": "cpta", "registration_number": "20001"}
        ).json()
        for lang, words in (
            ("fr", "Le tableau a été lu moins d'un jour avant cette vérification."),
            ("en", "The register was read less than a day before this check."),
        ):
            page = client.get(f"/receipts/{answer['receipt']['id']}", params={"lang": lang})
            assert words in visible_french(page.text)
            # (the receipt's own address, http://127.0.0.1:8000/..., holds "0.0" too)
            assert not re.search(r"\b0[.,]0 (jours?|days?)\b", visible_french(page.text))
