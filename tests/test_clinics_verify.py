"""Verifying one registration and a roster, end to end over HTTP against the served app."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import sqlite3
from dataclasses import replace

import httpx
import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from db.clinics import clinics_path
from registry.clinics.verify import Freshness, Receipt, VerifyAnswer
from registry.limits import Limits
from registry.settings import SiteSettings
from registry.web.app import create_app
from tests.clinic_site import Site, age, registry_with
from tests.conftest import PEOPLE, person

NOT_TRACKED = person("ns1", "MacLeod", "Fiona", number="NS-301", regulator="nscp", needling=False)
# Nova Scotia does not record needling; a cancelled licence is "not practising" all the same.
CANCELLED = person(
    "ns2",
    "Boudreau",
    "Paul",
    number="NS-302",
    regulator="nscp",
    needling=False,
    status="Cancelled",
    status_class="cancelled",
)
LEAVER = person("r9", "Tremblay", "Marc", number="20009")
STALE = person("bc1", "Chan", "Grace", number="BC-55", regulator="chcpbc", needling=False)
# Ontario's register prints numbers masked, as "XXX42"; two people may share the visible digits.
ONTARIO = [
    person("on1", "Gallagher", "Madison", number="XXX42", regulator="cpo"),
    person("on2", "Okafor", "Daniel", number="XXX42", regulator="cpo", needling=False),
    person("on3", "Lindqvist", "Sara", number="XXX77", regulator="cpo"),
]
UNNUMBERED = replace(person("qc1", "Dubé", "Émilie", regulator="oppq"), registration_number=None)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    path = tmp_path_factory.mktemp("verify") / "registry.db"
    db = registry_with(
        path,
        ([*PEOPLE, LEAVER], "cpta"),
        (PEOPLE, "cpta"),  # the second run no longer lists Marc Tremblay
        ([NOT_TRACKED, CANCELLED], "nscp"),
        ([STALE], "chcpbc"),
        ([UNNUMBERED], "oppq"),
        (ONTARIO, "cpo"),
    )
    # BC's last good import ended 30 days ago: older than its limit (336 hours by default).
    age(db, "chcpbc", 30)
    db.close()
    with Site(path) as running, httpx.Client(base_url=running.url, timeout=30) as client:
        yield client, path


def verify(client, **params):
    return client.get("/api/verify", params=params)


@pytest.mark.parametrize(
    ("regulator", "number", "verdict", "status"),
    [
        ("cpta", "20001", "authorized", "Practising"),
        ("CPTA", "20002", "not_authorized", "Practising"),
        ("Alberta", "20005", "not_practising", "Suspended"),  # holds it, but suspended
        ("nscp", "NS-301", "not_tracked", "Practising"),
        ("Nova Scotia", "NS-301", "not_tracked", "Practising"),
        ("nscp", "NS-302", "not_practising", "Cancelled"),  # never "the register does not say"
        ("AB", "99999", "not_found", None),
        ("cpta", "20009", "no_longer_on_register", None),  # no status now: history only
        ("BC", "BC-55", "data_stale", "Practising"),
    ],
)
def test_each_verdict(site, regulator, number, verdict, status):
    client, _ = site
    r = verify(client, regulator=regulator, registration_number=number)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["verdict"] == verdict
    assert (body["registration"] or {}).get("status") == status
    receipt = body["receipt"]
    assert receipt["id"].startswith("rcpt_") and len(receipt["id"]) == 37
    assert receipt["checked_at"].endswith("Z") and receipt["import_run_id"] >= 1
    assert receipt["source_url"].startswith("https://")


def test_authorized_answer_in_full(site):
    client, _ = site
    body = verify(client, regulator="cpta", registration_number=" #20006 ").json()
    assert body["verdict"] == "authorized"
    assert body["registration"]["conditions"] == ["Supervision"]
    assert body["registration"]["authorizations"] == [
        {
            "wording": "Using needles in practice",
            "kind": "needling",
            "mechanism": "restricted_activity_authorization",
            "by_scope": False,
        }
    ]
    assert body["registration"]["profession"] == "physiotherapist"
    assert (body["regulator"]["profession"], body["regulator"]["mechanism"]) == (
        "physiotherapist",
        "restricted_activity_authorization",
    )
    assert (
        body["receipt"]["source_url"] == "https://example.test/client/PublicDirectory/Registrants"
    )
    assert body["receipt"]["fetched_at"] == "2026-11-23T10:00:00Z"
    assert body["receipt"]["response_sha256"] == "ab" * 32
    assert body["data"]["stale"] is False and body["verdict_if_fresh"] is None
    # The answer has the keys its names list, in that order (registry/clinics/verify.py).
    assert list(body) == list(VerifyAnswer.__annotations__)
    assert list(body["receipt"]) == list(Receipt.__annotations__)
    assert list(body["data"]) == list(Freshness.__annotations__)


def test_stale_data_says_what_it_would_answer(site):
    client, _ = site
    body = verify(client, regulator="chcpbc", registration_number="BC-55").json()
    assert (body["verdict"], body["verdict_if_fresh"]) == ("data_stale", "not_authorized")
    assert body["data"]["stale"] is True and body["data"]["stale_after_hours"] == 336


def test_not_found_receipt_points_at_the_register_and_run(site):
    client, _ = site
    body = verify(client, regulator="cpta", registration_number="99999").json()
    assert body["registration"] is None
    assert list(body["receipt"]) == list(Receipt.__annotations__)
    assert body["receipt"]["source_url"] == "https://cpta.alinityapp.com/client/publicdirectory"
    assert body["receipt"]["response_sha256"] is None
    assert (
        body["receipt"]["import_run_id"] == body["data"]["last_successful_import"]["import_run_id"]
    )


@pytest.mark.parametrize(
    ("number", "name", "warned"),
    [
        ("20004", "anne marie cote", False),  # accents, case, hyphen
        ("20004", "Côté, Anne-Marie", False),
        ("20001", "Alice B. Roberts", False),  # middle initial
        ("20001", "A. Roberts", False),  # initial
        ("20006", "Priya Smith", False),  # one part of a hyphenated surname
        ("20001", "Alice Robertson", True),
        ("20001", "Maya Roberts", True),
    ],
)
def test_a_name_that_is_not_the_holders_is_never_authorized(site, number, name, warned):
    client, _ = site
    body = verify(client, regulator="cpta", registration_number=number, name=name).json()
    assert bool(body["name_warning"]) is warned
    if warned:
        assert body["verdict"] == "name_mismatch"
        assert body["verdict_if_name_matched"] == "authorized"
        assert name in body["name_warning"]
        assert body["registration"]["name"] in body["name_warning"]
        stored = verify_receipt(client, body)
        assert stored["verdict"] == "name_mismatch"
    else:
        assert body["verdict"] == "authorized" and body["verdict_if_name_matched"] is None


@pytest.mark.parametrize(
    ("name", "verdict"),
    [
        ("Alice Robets", "name_close"),  # a letter missing: a typo
        ("Alcie Roberts", "name_close"),  # two letters swapped
        ("Roberts, Alica", "name_close"),
        ("Jean Robert", "name_mismatch"),  # someone else (on the register too)
        ("Maya Robinson", "name_mismatch"),
        ("Bob Smith", "name_mismatch"),
    ],
)
def test_a_typo_is_told_from_someone_else_and_neither_is_authorized(site, name, verdict):
    client, _ = site
    body = verify(client, regulator="cpta", registration_number="20001", name=name).json()
    assert body["verdict"] == verdict
    assert body["name_match"] == ("close" if verdict == "name_close" else "different")
    assert "authorized" not in body["name_warning"]
    words = "probably the same person" if verdict == "name_close" else "someone else"
    assert words in body["name_warning"]


def test_the_roster_page_tells_a_typo_from_someone_else_in_words(site):
    client, _ = site
    text = "Name,Province,Reg #\nAlice Robets,AB,20001\nJean Robert,AB,20001\n"
    files = {"roster": ("staff.csv", text.encode(), "text/csv")}
    for lang, close, other in (
        ("en", "Name spelled differently", "Someone else&#39;s number"),
        ("fr", "Nom écrit autrement", "Numéro d&#39;une autre personne"),
    ):
        shown = client.post("/verify", params={"lang": lang}, files=files, data={"format": "html"})
        assert shown.status_code == 200
        assert close in shown.text and other in shown.text
        rows = shown.text[shown.text.index('<table class="roster">') : shown.text.index("</table>")]
        # Neither row reads "authorized" anywhere, not even as what the holder's record says.
        assert "Authorized" not in rows and "Autorisé" not in rows


def verify_receipt(client, body):
    return client.get(f"/api/receipts/{body['receipt']['id']}").json()


def test_someone_elses_number_in_a_roster_is_counted_and_listed_first(site):
    client, _ = site
    text = (
        "Full name,Province,Reg #\n"
        "Alice Roberts,AB,20001\n"
        "Melanie Fournier,AB,20003\n"  # Maya Robinson's number
        "Jean Robert,AB,20002\n"
    )
    body = client.post("/api/verify", content=text.encode()).json()
    assert [(r["line"], r["verdict"]) for r in body["rows"]] == [
        (3, "name_mismatch"),
        (4, "not_authorized"),
        (2, "authorized"),
    ]
    mismatch = body["rows"][0]
    assert mismatch["name_on_register"] == "Robinson, Maya"
    assert mismatch["verdict_if_name_matched"] == "authorized"
    assert body["summary"] == {
        "rows": 3,
        "needing_attention": 2,
        "by_verdict": {"authorized": 1, "name_mismatch": 1, "not_authorized": 1},
    }
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.post("/api/verify", params={"format": "csv"}, content=text.encode()).text
            )
        )
    )
    assert [(r["Full name"], r["verdict"], r["line"]) for r in rows] == [
        ("Melanie Fournier", "name_mismatch", "3"),
        ("Jean Robert", "not_authorized", "4"),
        ("Alice Roberts", "authorized", "2"),
    ]
    assert rows[0]["name_on_register"] == "Robinson, Maya"
    receipt = client.get(f"/api/receipts/{mismatch['receipt_id']}").json()
    assert receipt["verdict"] == "name_mismatch"
    page = client.get(f"/receipts/{mismatch['receipt_id']}")
    assert "Robinson, Maya" in page.text


def test_receipt_is_returned_later_unchanged_and_printable(site):
    client, path = site
    first = verify(client, regulator="cpta", registration_number="20003", name="Maya Robinson")
    receipt_id = first.json()["receipt"]["id"]
    again = client.get(f"/api/receipts/{receipt_id}")
    assert again.status_code == 200 and again.json() == first.json()
    assert again.headers["x-receipt-sha256"] == hashlib.sha256(again.content).hexdigest()
    page = client.get(f"/receipts/{receipt_id}")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for text in (receipt_id, "authorized", "Using needles in practice", "ab" * 32):
        assert text in page.text
    assert again.headers["x-receipt-sha256"] in page.text
    # Stored in the clinics database, not in the registry database Datasette publishes.
    with sqlite3.connect(clinics_path(path)) as clinics:
        assert clinics.execute("select 1 from receipts where id = ?", [receipt_id]).fetchone()
    with sqlite3.connect(path) as registry:
        tables = {r[0] for r in registry.execute("select name from sqlite_master")}
    assert not tables & {"receipts", "watch_lists", "watch_items"}
    assert client.get("/data/registry/receipts.json").status_code == 404


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"registration_number": "20001"}, "give regulator"),
        ({"regulator": "cpta"}, "give registration_number"),
        ({"regulator": "ZZ", "registration_number": "1"}, "unknown regulator or province"),
        ({"regulator": "NB", "registration_number": "1"}, "not yet covered"),
        ({"regulator": "Québec", "registration_number": "1"}, "publishes no registration numbers"),
        ({"regulator": "cpta", "registration_number": "1", "colour": "x"}, "unknown parameter"),
        ({"regulator": "cpta", "registration_number": "9" * 50}, "too long"),
    ],
)
def test_bad_single_queries_are_400_with_a_message(site, params, message):
    client, _ = site
    r = verify(client, **params)
    assert r.status_code == 400
    assert message in r.json()["error"] and r.json()["status"] == 400


def test_unknown_receipt_is_404(site):
    client, _ = site
    for url in ("/api/receipts/rcpt_00000000000000000000000000000000", "/api/receipts/x"):
        r = client.get(url)
        assert r.status_code == 404 and r.json()["error"] == "no receipt with that id"
    assert client.get("/receipts/rcpt_0").status_code == 404


ROSTER = (
    "\ufeffFull name,Province,Reg #,Start date\r\n"
    "Alice Roberts,Alberta,20001,2024-01-02\r\n"
    "Jean Robert,AB,20002,2024-02-03\r\n"
    "Somebody,Atlantis,123,2024-03-04\r\n"
    ",,,\r\n"
    "Fiona MacLeod,NS,NS-301,2024-04-05\r\n"
    "Maya Robinson,cpta,,2024-05-06\r\n"
    "Marc Tremblay,CPTA,20009,2024-06-07\r\n"
)


def test_roster_as_json_keeps_rows_and_reports_bad_rows(site):
    client, _ = site
    r = client.post(
        "/api/verify", content=ROSTER.encode("utf-8"), headers={"content-type": "text/csv"}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    got = [(row["line"], row["verdict"], row["error"] is not None) for row in body["rows"]]
    assert got == [  # the rows that need action first, else in file order
        (4, None, True),
        (7, None, True),
        (3, "not_authorized", False),
        (8, "no_longer_on_register", False),
        (6, "not_tracked", False),
        (2, "authorized", False),
    ]
    assert "unknown regulator or province 'Atlantis'" in body["rows"][0]["error"]
    assert body["rows"][1]["error"] == "give the registration number"
    assert body["rows"][5]["input"] == {
        "Full name": "Alice Roberts",
        "Province": "Alberta",
        "Reg #": "20001",
        "Start date": "2024-01-02",
    }
    assert body["summary"] == {
        "rows": 6,
        "needing_attention": 5,
        "by_verdict": {
            "authorized": 1,
            "error": 2,
            "no_longer_on_register": 1,
            "not_authorized": 1,
            "not_tracked": 1,
        },
    }
    receipt = client.get(f"/api/receipts/{body['rows'][5]['receipt_id']}").json()
    assert receipt["verdict"] == "authorized" and receipt["query"]["name"] == "Alice Roberts"


def test_roster_as_csv_by_accept_header_and_by_format(site):
    client, _ = site
    for kwargs in (
        {"headers": {"accept": "text/csv"}},
        {"params": {"format": "csv"}},
    ):
        r = client.post("/api/verify", content=ROSTER.encode("utf-8"), **kwargs)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(r.text)))
        assert [row["Full name"] for row in rows] == [
            "Somebody",
            "Maya Robinson",
            "Jean Robert",
            "Marc Tremblay",
            "Fiona MacLeod",
            "Alice Roberts",
        ]
        assert [row["verdict"] for row in rows] == [
            "",
            "",
            "not_authorized",
            "no_longer_on_register",
            "not_tracked",
            "authorized",
        ]
        assert [row["line"] for row in rows] == ["4", "7", "3", "8", "6", "2"]
        assert rows[5]["authorizations"] == "Using needles in practice"
        assert rows[5]["receipt_id"].startswith("rcpt_") and rows[0]["error"]


@pytest.mark.parametrize(
    "header",
    [
        "Name;College;Registration No.",
        "Physiotherapist\tProvince/Territory\tLicence number",
        "First name,Last name,Regulator,Licence #",
        "Nom complet,Ordre,Numéro de permis",
    ],
)
def test_roster_headers_are_matched_forgivingly(site, header):
    client, _ = site
    delimiter = ";" if ";" in header else "\t" if "\t" in header else ","
    names = ["Alice", "Roberts"] if header.startswith("First") else ["Alice Roberts"]
    row = delimiter.join([*names, "cpta", "20001"])
    r = client.post("/api/verify", content=f"{header}\n{row}\n".encode())
    assert r.status_code == 200, r.text
    (result,) = r.json()["rows"]
    assert result["verdict"] == "authorized" and result["name_warning"] is None


@pytest.mark.parametrize(
    ("content", "headers", "status", "message"),
    [
        (b"Name,Province,Reg\n\x81\x8d,AB,1\n", {}, 415, "could not be read"),
        (b"Name,Email\nAlice,a@example.test\n", {}, 422, "no column for the regulator"),
        (b"Name,Province\nAlice,AB\n", {}, 422, "no column for the registration number"),
        (b"", {}, 422, "empty"),
        (b'Name,Province,Reg\n"Alice,AB,1\n', {}, 422, "not valid CSV"),
        (b"{}", {"content-type": "application/json"}, 415, "text/csv"),
    ],
)
def test_bad_rosters_get_a_clear_4xx(site, content, headers, status, message):
    client, _ = site
    r = client.post("/api/verify", content=content, headers=headers)
    assert r.status_code == status, r.text
    assert message in r.json()["error"]


def test_oversized_roster_is_413(site):
    client, _ = site
    big = b"Name,Province,Reg\n" + b"Alice Roberts,AB,20001\n" * 300_000  # about 7 MB
    r = client.post("/api/verify", content=big)
    assert r.status_code == 413 and "larger than 5 MB" in r.json()["error"]
    many = b"Name,Province,Reg\n" + b"A,AB,1\n" * 20_001
    r = client.post("/api/verify", content=many)
    assert r.status_code == 413 and "more than 20,000 rows" in r.json()["error"]


def test_bad_format_is_400(site):
    client, _ = site
    for fmt in ("xml", "html"):
        r = client.post("/api/verify", params={"format": fmt}, content=ROSTER.encode())
        assert r.status_code == 400
        assert r.json()["error"] == f"format must be csv or json, got {fmt!r}"


def test_roster_web_page_uploads_and_shows_or_downloads(site):
    client, _ = site
    page = client.get("/verify")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    files = {"roster": ("staff.csv", ROSTER.encode("utf-8"), "text/csv")}
    shown = client.post("/verify", files=files, data={"format": "html"})
    assert shown.status_code == 200 and "6 rows checked, 5 need your attention" in shown.text
    assert "No longer on the register" in shown.text and "/receipts/rcpt_" in shown.text
    # Problems first: the two rows that could not be checked, then the rest; the legend after.
    assert shown.text.index("Atlantis") < shown.text.index("Jean Robert")
    assert shown.text.index("Jean Robert") < shown.text.index("Alice Roberts")
    assert 'id="only-attention"' in shown.text and "What the verdicts mean" in shown.text
    french = client.post("/verify", params={"lang": "fr"}, files=files, data={"format": "html"})
    assert '<html lang="fr">' in french.text
    assert "6 lignes vérifiées, 5 demandent votre attention" in french.text
    assert "N&#39;est plus inscrit·e" in french.text
    download = client.post("/verify", files=files, data={"format": "csv"})
    assert download.headers["content-type"].startswith("text/csv")
    header = next(csv.reader(io.StringIO(download.text)))
    assert header[:5] == ["Full name", "Province", "Reg #", "Start date", "verdict"]
    bad = client.post("/verify", files={"roster": ("x.csv", b"\x81\x8d\n", "text/csv")})
    assert bad.status_code == 415 and "We could not read the letters in this file" in bad.text
    assert "0x" not in bad.text and "position" not in bad.text
    missing = client.post(
        "/verify", data={"format": "html"}, files={"other": ("x", b"", "text/csv")}
    )
    assert missing.status_code == 422 and "roster" in missing.text


def test_form_upload_to_the_api(site):
    client, _ = site
    files = {"roster": ("staff.csv", ROSTER.encode("utf-8"), "text/csv")}
    r = client.post("/api/verify", files=files)
    assert r.status_code == 200 and r.json()["summary"]["rows"] == 6


def test_roster_columns_come_back_even_when_names_repeat_or_are_blank(site):
    client, _ = site
    text = "Name,Province,Reg #,Note,Note,\nAlice Roberts,AB,20001,first,second,third\n"
    r = client.post("/api/verify", params={"format": "csv"}, content=text.encode())
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0][:6] == ["Name", "Province", "Reg #", "Note", "Note", ""]
    assert rows[1][:7] == ["Alice Roberts", "AB", "20001", "first", "second", "third", "authorized"]
    (row,) = client.post("/api/verify", content=text.encode()).json()["rows"]
    assert row["input"] == {
        "Name": "Alice Roberts",
        "Province": "AB",
        "Reg #": "20001",
        "Note": "first",
        "Note (5)": "second",
        "column 6": "third",
    }


@pytest.mark.parametrize(
    ("regulator", "number", "shown", "french"),
    [
        (
            "cpta",
            "99999",
            ["Number not found", "none (absence is shown by the whole import run)"],
            ["Numéro introuvable", "aucun (l&#39;absence est établie"],
        ),
        (
            "chcpbc",
            "BC-55",
            ["Our copy is out of date", "Stale data says: Not authorized", "stale since"],
            ["Notre copie n&#39;est plus à jour", "périmées depuis le"],
        ),
        (
            "cpta",
            "20009",
            ["No longer on the register", "no longer on the register since"],
            ["N&#39;est plus inscrit·e", "n&#39;est plus au tableau depuis le"],
        ),
    ],
)
def test_receipt_page_for_every_kind_of_answer(site, regulator, number, shown, french):
    client, _ = site
    body = verify(client, regulator=regulator, registration_number=number).json()
    page = client.get(f"/receipts/{body['receipt']['id']}")
    assert page.status_code == 200
    for text in shown:
        assert text in page.text
    assert "(limit: 14 days after the last successful import)" in page.text
    fr = client.get(f"/receipts/{body['receipt']['id']}", params={"lang": "fr"})
    assert fr.status_code == 200 and '<html lang="fr">' in fr.text
    for text in french:
        assert text in fr.text


@pytest.mark.parametrize(
    ("number", "name", "verdict", "holder"),
    [
        ("12342", "Madison Gallagher", "authorized", "Gallagher, Madison"),
        ("12342", "Daniel Okafor", "not_authorized", "Okafor, Daniel"),
        ("XXX42", "Gallagher, Madison", "authorized", "Gallagher, Madison"),
        ("98777", "S. Lindqvist", "authorized", "Lindqvist, Sara"),
    ],
)
def test_ontario_matches_visible_digits_with_the_name(site, number, name, verdict, holder):
    client, _ = site
    body = verify(client, regulator="ON", registration_number=number, name=name).json()
    assert body["regulator"]["id"] == "cpo"
    assert body["verdict"] == verdict
    assert body["registration"]["name"] == holder
    assert body["matched_by"] == "visible_digits_and_name"
    assert body["check_by_name_url"] is None


@pytest.mark.parametrize(
    ("number", "name"),
    [
        ("12342", None),  # two people show XXX42: the digits alone cannot tell them apart
        ("12342", "Melanie Fournier"),  # nobody showing XXX42 has this name
        ("12399", "Madison Gallagher"),  # her visible digits are 42, not 99
        ("1234", "Madison Gallagher"),  # shorter than the masked number
        ("XXX42", None),
    ],
)
def test_ontario_without_a_safe_match_says_check_by_name(site, number, name):
    client, _ = site
    params = {"regulator": "cpo", "registration_number": number} | ({"name": name} if name else {})
    body = verify(client, **params).json()
    assert body["verdict"] == "check_by_name"
    assert body["registration"] is None and body["matched_by"] is None
    assert body["check_by_name_url"].startswith("/?q=")
    if name:
        assert name.split()[-1] in body["check_by_name_url"]
    assert body["receipt"]["source_url"] == body["regulator"]["register_url"]


def test_ontario_in_a_roster(site):
    client, _ = site
    text = "Name,Province,Reg #\nMadison Gallagher,ON,12342\nMelanie Fournier,ON,55542\n"
    rows = client.post("/api/verify", content=text.encode()).json()["rows"]
    assert [(r["line"], r["verdict"]) for r in rows] == [(3, "check_by_name"), (2, "authorized")]


@pytest.fixture(scope="module")
def roomy(site):
    """The same registry served in-process with room for many rosters a minute, for the tests
    below (the served site keeps the default limit of 30 rosters a minute per client)."""
    _, path = site
    limits = Limits(roster="1000/minute", verify="1000/minute")
    with TestClient(create_app(SiteSettings.load(path, limits=limits))) as client:
        yield client, path


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1"]
)
def test_the_encodings_spreadsheets_write_are_read(roomy, encoding):
    """Excel's plain "CSV" on Windows is Windows-1252; "Unicode text" is UTF-16 with a BOM."""
    client, _ = roomy
    text = "Nom,Province,Permis\r\nAnne-Marie Côté,AB,20004\r\n"
    r = client.post("/api/verify", content=text.encode(encoding))
    assert r.status_code == 200, r.text
    (row,) = r.json()["rows"]
    assert row["input"]["Nom"] == "Anne-Marie Côté"
    assert row["verdict"] == "authorized" and row["name_warning"] is None


def test_roster_errors_are_in_the_managers_words_and_language(roomy):
    client, _ = roomy
    files = {"roster": ("x.csv", b"Name,Email\nAlice,a@example.test\n", "text/csv")}
    en = client.post("/verify", files=files, data={"format": "html"})
    assert en.status_code == 422
    assert "We could not find a column for the regulator or the province" in en.text
    fr = client.post("/verify", params={"lang": "fr"}, files=files, data={"format": "html"})
    assert fr.status_code == 422
    assert "Nous n&#39;avons pas trouvé de colonne pour l&#39;ordre ou la province" in fr.text
    bad = {"roster": ("x.csv", b"Nom\n\x81\x8d\n", "text/csv")}
    fr = client.post("/verify", params={"lang": "fr"}, files=bad, data={"format": "html"})
    assert fr.status_code == 415 and "Nous n&#39;avons pas pu lire les lettres" in fr.text


def check_one(client, lang="en", **fields):
    return client.post("/verify/one", params={"lang": lang}, data=fields)


def test_one_person_is_checked_on_the_page_with_verdict_evidence_and_receipt(roomy):
    client, _ = roomy
    page = client.get("/verify")
    soup = BeautifulSoup(page.text, "html.parser")
    form = soup.select_one("form[action^='/verify/one']")
    assert [i["name"] for i in form.select("input")] == ["regulator", "number", "name"]
    # Both forms land on the results, focused on their heading.
    assert all(f["action"].endswith("#results-heading") for f in soup.select("form.search"))
    r = check_one(client, regulator="Alberta", number="20001", name="Alice Roberts")
    assert r.status_code == 200, r.text
    soup = BeautifulSoup(r.text, "html.parser")
    heading = soup.select_one("#results-heading")
    assert heading["tabindex"] == "-1" and heading.has_attr("autofocus")
    # The result comes before the forms: the first thing under the title.
    assert r.text.index('id="results-heading"') < r.text.index('id="one-heading"')
    assert soup.select_one(".roster .verdict").get_text() == "Authorized to needle"
    receipt = soup.select_one(".roster a[href^='/receipts/rcpt_']")["href"].split("?")[0]
    evidence = soup.select_one("dl.evidence").get_text()
    assert "ab" * 32 in evidence and "example.test" in evidence
    stored = client.get("/api" + receipt).json()  # the same receipt as the API's
    assert stored["verdict"] == "authorized" and stored["query"]["name"] == "Alice Roberts"
    # A name alone: one person on that register by that name is checked by their number.
    alone = BeautifulSoup(check_one(client, regulator="cpta", name="Lévesque").text, "html.parser")
    assert alone.select_one(".roster .verdict").get_text() == "Not authorized to needle"
    # Several: the page lists them, each to check by number.
    several = check_one(client, regulator="cpta", name="Rob")
    listed = BeautifulSoup(several.text, "html.parser").select(".candidates li")
    assert len(listed) == 3 and "20001" in several.text and "20003" in several.text
    # Nobody, or nothing to check: said in the manager's language, with a 400.
    nobody = check_one(client, lang="fr", regulator="cpta", name="Zzyzx")
    assert nobody.status_code == 400 and "Personne de ce nom à ce tableau" in nobody.text
    empty = check_one(client, regulator="cpta")
    assert empty.status_code == 400 and "Give the regulator or the province" in empty.text


def test_a_removed_row_does_not_say_practising_as_its_status(roomy):
    """One person, one state: someone who left the register has no current status; the last
    one the register showed is history."""
    client, _ = roomy
    r = check_one(client, regulator="cpta", number="20009")
    soup = BeautifulSoup(r.text, "html.parser")
    cell = soup.select_one(".roster td[data-label='On the register']").get_text()
    assert soup.select_one(".roster .verdict").get_text() == "No longer on the register"
    assert "Status:" not in cell and "Last listed as: Practising" in cell
    text = "Name,Province,Reg #\nMarc Tremblay,AB,20009\n"
    (row,) = client.post("/api/verify", content=text.encode()).json()["rows"]
    assert row["standing"] == "no_longer_on_register"
    assert row["status"] is None and row["last_listed_status"] == "Practising"
    # The results kept after viewing say it the same way.
    files = {"roster": ("staff.csv", text.encode(), "text/csv")}
    shown = client.post("/verify", files=files, data={"format": "html"}).text
    batch = re.search(r"/verify/batches/(batch_\w+)\.csv", shown).group(1)
    kept = csv.DictReader(io.StringIO(client.get(f"/verify/batches/{batch}.csv").text))
    (line,) = list(kept)
    assert (line["standing"], line["status"], line["last_listed_status"]) == (
        "no_longer_on_register",
        "",
        "Practising",
    )


def test_not_practising_is_never_the_register_does_not_say_in_a_roster(roomy):
    client, _ = roomy
    text = "Name,Province,Reg #\nPaul Boudreau,NS,NS-302\nFiona MacLeod,NS,NS-301\n"
    rows = client.post("/api/verify", content=text.encode()).json()["rows"]
    assert [(r["verdict"], r["standing"]) for r in rows] == [
        ("not_practising", "not_practising"),
        ("not_tracked", "practising"),
    ]
