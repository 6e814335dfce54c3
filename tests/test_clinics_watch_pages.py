"""The watch-list screen over HTTP: watch a roster's people from its results, the token shown
once, the list's page (people, changes, feeds) opened by a form POST or a Bearer header, a
webhook with a test delivery under the API's safety rules, and deleting with a confirmation."""

from __future__ import annotations

import json
import re
import threading
import time
from html import unescape

import httpx
import pytest

from registry.clinics.egress import ALLOW_PRIVATE_ENV
from registry.clinics.webhooks import SIGNATURE_HEADER, verify_signature
from registry.web.assets import IMMUTABLE
from registry.web.webhook_tests import WebhookTestOutcome, WebhookTests
from tests.clinic_site import Site, registry_with
from tests.conftest import PEOPLE, person
from tests.receivers import Receiver, Trickle
from tests.runs import second_run

ONTARIO = [person("on1", "Gallagher", "Madison", number="XXX42", regulator="cpo")]
ROSTER = (
    "Full name,Province,Reg #\n"
    "Alice Roberts,AB,20001\n"
    "Melanie Fournier,AB,20003\n"  # Maya Robinson's number: never watched as Melanie
    "Madison Gallagher,ON,12342\n"  # Ontario, masked on the register as XXX42
    "Sam Nobody,ON,55555\n"
    "Priya Smith-Jones,AB,20006\n"
)


@pytest.fixture
def world(tmp_path):
    path = tmp_path / "registry.db"
    db = registry_with(path, (PEOPLE, "cpta"), (ONTARIO, "cpo"))
    with Site(path) as site, httpx.Client(base_url=site.url, timeout=30) as client:
        yield client, db
    db.close()


def verify(client, lang="en") -> str:
    r = client.post(
        f"/verify?lang={lang}",
        files={"roster": ("staff.csv", ROSTER.encode(), "text/csv")},
        data={"format": "html"},
    )
    assert r.status_code == 200, r.text
    assert 'action="/watch/new?lang=' in r.text
    return re.search(r'name="batch" value="(batch_[0-9a-f]{32})"', r.text).group(1)


def create(client, name="Bow <b>River</b> Physio", lang="en") -> tuple[str, str]:
    batch = verify(client, lang)
    r = client.post(f"/watch/new?lang={lang}", data={"batch": batch, "name": name})
    assert r.status_code == 201, r.text
    assert r.headers["cache-control"] == "no-store"
    token = re.search(r'value="(nrw_[A-Za-z0-9_-]+)"', r.text).group(1)
    return token, r.text


def opened(client, token, lang="en") -> httpx.Response:
    r = client.post(f"/watch?lang={lang}", data={"token": token})
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    return r


def cells(html: str, column: str) -> list[str]:
    """The text of each table cell labelled `column`, tags removed."""
    found = re.findall(rf'<td data-label="{re.escape(column)}">(.*?)</td>', html, re.S)
    spaced = [re.sub(r"<br>|<p[ >]", " <", c) for c in found]  # lines become spaces
    return [unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", c))).strip() for c in spaced]


def test_watch_these_people_from_a_rosters_results(world):
    client, _ = world
    token, page = create(client)
    assert "Keep this token now: it is shown only once" in page
    assert "3 people are watched." in page
    # Left out, and said so: the number that belongs to Maya Robinson, the unknown Ontario one.
    skipped = re.search(r'<ul class="skipped">(.*?)</ul>', page, re.S).group(1)
    assert "Line 3" in skipped and "Someone else&#39;s number" in skipped
    assert "Melanie Fournier" in skipped
    assert "Line 5" in skipped and "Check by name" in skipped and "Sam Nobody" in skipped
    # The token is not in the address of anything: the button that opens the list POSTs it.
    assert f"?token={token}" not in page
    assert re.search(
        rf'<form class="watch-form" action="/watch\?lang=en" method="post">\s*'
        rf'<input type="hidden" name="token" value="{token}">',
        page,
    )

    html = opened(client, token).text
    assert "<h1>Watch list: <bdi>Bow &lt;b&gt;River&lt;/b&gt; Physio</bdi></h1>" in html
    people = cells(html, "Person")
    assert people == [
        "Alice Roberts Register's name: Roberts, Alice cpta 20001",
        "Madison Gallagher Register's name: Gallagher, Madison cpo XXX42",
        "Priya Smith-Jones Register's name: Smith-Jones, Priya cpta 20006",
    ]
    assert "<b>River" not in html
    assert cells(html, "Verdict now") == ["Authorized to needle Status: Practising"] * 3
    assert all(c.startswith("No change since 20") for c in cells(html, "Latest change"))
    assert "No change yet." in html
    # Feed addresses carry the token (feed readers send no headers: docs/operating.md).
    assert f'value="{client.base_url}/api/watch/feed.atom?token={token}"' in html
    assert f'curl -H "Authorization: Bearer {token}" {client.base_url}/api' in html
    # The same page with the token in a header, as a program would ask.
    by_header = client.get("/watch", headers={"Authorization": f"Bearer {token}"})
    assert by_header.status_code == 200 and cells(by_header.text, "Person") == people


def test_the_lists_page_shows_the_latest_changes(world):
    client, db = world
    token, _ = create(client)
    second_run(db)  # Alice loses her authorization; Priya gets a condition
    html = opened(client, token).text
    latest = cells(html, "Latest change")
    today = latest[0][-11:-1]
    assert latest == [
        f"Authorization removed: Using needles in practice ({today})",
        f"No change since {today}",
        f"Conditions changed: Supervision; No needling ({today})",
    ]
    assert cells(html, "Verdict now")[0].startswith("Not authorized to needle")
    changes = re.search(r'<ul class="changes">(.*?)</ul>', html, re.S).group(1)
    assert changes.count("<li>") == 2
    french = opened(client, token, "fr").text
    assert '<html lang="fr">' in french
    assert "Autorisation retirée" in french and "Conditions changées" in french


def test_the_token_never_travels_in_an_address(world):
    client, _ = world
    token, _ = create(client)
    r = client.get(f"/watch?token={token}", headers={"Accept": "text/html"})
    assert r.status_code == 400
    assert "Never put the token in a page's address" in unescape(r.text)
    assert "Physio" not in r.text and token not in r.text


@pytest.mark.parametrize(
    ("data", "status", "words"),
    [
        ({"token": "nrw_not-a-real-token"}, 401, "This token does not open a watch list"),
        ({"token": ""}, 401, "This token does not open a watch list"),
        ({}, 401, "This token does not open a watch list"),
        ({"token": "x" * 20_000}, 413, "The form is too large."),
    ],
)
def test_a_wrong_token_gets_a_clear_page(world, data, status, words):
    client, _ = world
    r = client.post("/watch", data=data)
    assert r.status_code == status and words in r.text


def test_bad_creations_are_refused_in_words(world):
    client, _ = world
    r = client.post("/watch/new", data={"batch": "batch_" + "0" * 32})
    assert r.status_code == 404 and "no longer kept" in r.text
    r = client.post("/watch/new", json={"batch": "x"})
    assert r.status_code == 415 and "Send this as a form." in r.text
    batch = verify(client)
    r = client.post("/watch/new", data={"batch": batch, "name": "x" * 201})
    assert r.status_code == 400 and "at most 200 characters" in r.text
    r = client.post("/watch/new?token=x", data={"batch": batch})
    assert r.status_code == 400


def test_a_roster_with_nobody_to_watch(world):
    client, _ = world
    r = client.post(
        "/verify",
        files={"roster": ("s.csv", b"Full name,Province,Reg #\nSam Nobody,AB,99999\n", "text/csv")},
        data={"format": "html"},
    )
    batch = re.search(r'name="batch" value="(batch_[0-9a-f]{32})"', r.text).group(1)
    r = client.post("/watch/new", data={"batch": batch})
    assert r.status_code == 422 and "No row of this roster" in r.text


def test_webhooks_follow_the_apis_safety_rules(world, monkeypatch):
    client, _ = world
    token, _ = create(client)
    for url, words in [
        ("http://127.0.0.1:9/hook", "127.0.0.1 is a loopback address"),
        ("http://169.254.169.254/latest", "link-local"),
        ("ftp://example.org/", "http:// or https://"),
        ("http://user:pw@example.org/", "user name or password"),
    ]:
        r = client.post("/watch/webhook", data={"token": token, "webhook_url": url})
        assert r.status_code == 400, url
        assert "This webhook address cannot be used" in r.text and words in r.text
    r = client.post("/watch/webhook/test", data={"token": token})
    assert r.status_code == 400 and "Save a webhook address first." in r.text


def test_webhook_setup_and_a_signed_test_delivery(world, monkeypatch):
    client, _ = world
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")  # the operator's opt-in, for a local receiver
    token, _ = create(client)
    with Receiver() as receiver:
        r = client.post("/watch/webhook", data={"token": token, "webhook_url": receiver.url})
        assert r.status_code == 200 and "The webhook is saved." in r.text
        secret = re.search(
            r'id="secret" class="token" type="text" readonly value="([0-9a-f]{64})"', r.text
        ).group(1)
        r = client.post("/watch/webhook/test", data={"token": token})
        assert r.status_code == 200
        assert "The test delivery was accepted: your server answered HTTP 204." in r.text
        assert 'id="secret"' not in r.text  # shown once
        headers, body = receiver.requests[0]
        assert verify_signature(secret, body, headers[SIGNATURE_HEADER])
        sent = json.loads(body)
        assert sent["test"] is True and sent["notices"] == []
        assert sent["delivery"].startswith("test-")
    # The receiver is gone: the failure is reported, not a 500.
    r = client.post("/watch/webhook/test", data={"token": token})
    assert r.status_code == 200 and "The test delivery failed" in r.text
    r = client.post("/watch/webhook", data={"token": token, "webhook_url": ""})
    assert "The webhook is removed" in r.text
    listed = client.get("/api/watch", headers={"Authorization": f"Bearer {token}"}).json()
    assert listed["webhook_url"] is None


def test_deleting_asks_first_then_deletes(world):
    client, _ = world
    token, _ = create(client)
    r = client.post("/watch/delete", data={"token": token})
    assert r.status_code == 200 and "Delete this watch list?" in r.text
    assert "3 people on it will be deleted" in r.text
    opened(client, token)  # still there: nothing is deleted before the confirmation
    r = client.post("/watch/delete", data={"token": token, "confirm": "yes"})
    assert r.status_code == 200 and "The watch list is deleted" in r.text
    assert client.post("/watch", data={"token": token}).status_code == 401
    assert client.get("/api/watch/feed.json", params={"token": token}).status_code == 401


def test_every_clinics_and_watch_page_links_its_files_by_content_hash(world):
    """Issue 15: the clinics' pages use the content-hashed static names the patients' pages do,
    each answered with a year's cache lifetime."""
    client, _ = world
    batch = verify(client)
    results = client.post(
        "/verify",
        files={"roster": ("staff.csv", ROSTER.encode(), "text/csv")},
        data={"format": "html"},
    ).text
    receipt = re.search(r'href="(/receipts/[^"?]+)', results).group(1)
    token, created = create(client)
    pages = {
        "verify form": client.get("/verify?lang=fr").text,
        "results": results,
        "receipt": client.get(receipt).text,
        "receipts to print": client.get(f"/verify/batches/{batch}/receipts").text,
        "watch list created": created,
        "open a watch list": client.get("/watch").text,
        "watch list": opened(client, token).text,
        "delete?": client.post("/watch/delete", data={"token": token}).text,
        "deleted": client.post("/watch/delete", data={"token": token, "confirm": "yes"}).text,
    }
    assert "print." in pages["receipt"] and "sample-roster." in pages["verify form"]
    for page, html in pages.items():
        urls = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
        assert any("/clinics." in u for u in urls), page
        for url in urls:
            assert re.fullmatch(r"/static/[\w/.-]+\.[0-9a-f]{12}\.\w+", url), (page, url)
            answer = client.get(url)
            assert answer.status_code == 200, (page, url)
            assert answer.headers["cache-control"] == IMMUTABLE, (page, url)


def test_the_watch_api_checks_a_masked_ontario_number_with_its_name(world):
    """Issue 16, noticed: a masked number ("XXX42") is kept with the name it was added with, so
    the list's later checks (the API and the page) find its holder, not "check by name", even
    when the clinic's label is not the name."""
    client, _ = world
    madison = {"regulator": "ON", "registration_number": "12342", "name": "Madison Gallagher"}
    made = client.post(
        "/api/watch", json={"registrations": [{**madison, "label": "Maddy (front desk)"}]}
    )
    assert made.status_code == 201, made.text
    assert [(a["registration_number"], a["verdict"]) for a in made.json()["added"]] == [
        ("XXX42", "authorized")
    ]
    token = made.json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    # Added later, through the other door, under no label at all.
    other = client.post("/api/watch", json={"registrations": []}).json()["token"]
    added = client.post(
        "/api/watch/registrations",
        headers={"Authorization": f"Bearer {other}"},
        json={"registrations": [madison]},
    )
    assert [a["verdict"] for a in added.json()["added"]] == ["authorized"]
    for bearer in (headers, {"Authorization": f"Bearer {other}"}):
        listed = client.get("/api/watch", headers=bearer).json()["registrations"]
        assert [(r["registration_number"], r["verdict"]) for r in listed] == [
            ("XXX42", "authorized")
        ]
    page = opened(client, token).text
    assert cells(page, "Verdict now") == ["Authorized to needle Status: Practising"]


def test_a_masked_number_is_not_found_by_a_different_name(world):
    """The stored name is the one checked: someone else's name with the same visible digits is
    never watched as Madison."""
    client, _ = world
    made = client.post(
        "/api/watch",
        json={
            "registrations": [
                {"regulator": "ON", "registration_number": "99942", "name": "Sam Nobody"}
            ]
        },
    )
    assert made.status_code == 201 and made.json()["added"] == []
    assert "no registration" in made.json()["errors"][0]["error"]


def test_slow_test_deliveries_never_hold_the_threads_that_serve_pages(world, monkeypatch):
    """Two test deliveries to a receiver that answers a byte at a time: each page answers in a
    few seconds that the test is on its way, and meanwhile the home page and the search answer
    at once (the site has two threads for pages and searches)."""
    client, _ = world
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")
    tokens = [create(client, name=f"Clinic {n}")[0] for n in range(2)]
    # A process's first search loads the gazetteer (a word may be a place): a second or two,
    # once (`registry serve` loads it as it starts). Not what this measures; another search is.
    assert client.get("/api/search", params={"q": "gagnon"}, timeout=10).status_code == 200
    with Trickle() as trickle:
        for token in tokens:
            r = client.post("/watch/webhook", data={"token": token, "webhook_url": trickle.url})
            assert r.status_code == 200
        answers: list = []

        def test_delivery(token):
            answers.append(client.post("/watch/webhook/test", data={"token": token}, timeout=8))

        senders = [threading.Thread(target=test_delivery, args=(t,)) for t in tokens]
        for sender in senders:
            sender.start()
        for _ in range(100):
            if trickle.requests == 2:
                break
            time.sleep(0.05)
        assert trickle.requests == 2  # both receivers are being waited on now
        for path, params in [("/", {}), ("/api/search", {"q": "roberts"})]:
            started = time.monotonic()
            r = client.get(path, params=params, timeout=5)
            assert r.status_code == 200 and time.monotonic() - started < 1.5, path
        for sender in senders:
            sender.join(10)
        assert [r.status_code for r in answers] == [200, 200]
        assert all("The test delivery is on its way" in r.text for r in answers)
        # Asked again while it is on its way: the same delivery, not another one.
        r = client.post("/watch/webhook/test", data={"token": tokens[0]}, timeout=8)
        assert "on its way" in r.text and trickle.requests == 2


def test_test_deliveries_are_bounded_and_their_outcome_is_kept():
    release = threading.Event()

    def send(list_id, url, secret):
        release.wait(5)
        return 204, None

    tests = WebhookTests(send, workers=1, max_waiting=2)
    try:
        first = tests.submit("a", "https://a.example/", "s")
        assert tests.latest("a") is not None and not tests.latest("a").done
        assert tests.submit("a", "https://a.example/", "s") is first  # one per list
        assert tests.submit("b", "https://b.example/", "s") is not None
        assert tests.submit("c", "https://c.example/", "s") is None  # two on their way: no more
        release.set()
        first.result(5)
        assert tests.latest("a") == WebhookTestOutcome(tests.latest("a").sent_at, True, 204, None)
        assert tests.submit("c", "https://c.example/", "s") is not None  # room again
    finally:
        release.set()
        tests.close()


def test_a_large_list_is_checked_one_page_of_people_at_a_time(tmp_path, monkeypatch):
    """250 people watched: a request checks and shows at most 100 of them, with the way to the
    others; reading lists has its own per-client rate."""
    from bs4 import BeautifulSoup
    from starlette.testclient import TestClient

    from db.clinics import clinics_path, open_clinics
    from db.connections import read_only
    from registry.clinics import watch
    from registry.limits import Limits
    from registry.settings import SiteSettings
    from registry.web import watch_pages
    from registry.web.app import create_app

    path = tmp_path / "registry.db"
    many = [person(f"m{i}", f"Family{i}", "Given", number=str(300000 + i)) for i in range(250)]
    registry_with(path, (many, "cpta")).close()
    clinics, conn = open_clinics(clinics_path(path)), read_only(path)
    row, token = watch.create_list(clinics, "Large clinic", None)
    entries = [{"regulator": "cpta", "registration_number": p.registration_number} for p in many]
    watch.add_items(conn, clinics, row["id"], entries, {})
    clinics.close()
    conn.close()
    checked: list[int] = []
    real = watch_pages.verify_many

    def counting(conn, queries, freshness):
        checked.append(len(queries))
        return real(conn, queries, freshness)

    monkeypatch.setattr(watch_pages, "verify_many", counting)
    settings = SiteSettings.load(path, limits=Limits(watch_read="5/minute"))
    with TestClient(create_app(settings)) as client:
        first = client.post("/watch", data={"token": token})
        assert first.status_code == 200
        page = BeautifulSoup(first.text, "html.parser")
        assert len(page.select("table.watched tbody tr")) == 100
        assert "People 1 to 100 of 250." in page.text and "250" in page.select_one(".lead").text
        assert [f.find("input", {"name": "page"})["value"] for f in page.select(".pager form")] == [
            "2"
        ]
        last = client.post("/watch", data={"token": token, "page": "3"})
        rows = BeautifulSoup(last.text, "html.parser").select("table.watched tbody tr")
        assert len(rows) == 50 and "People 201 to 250 of 250." in last.text
        beyond = client.post("/watch", data={"token": token, "page": "9" * 5000})
        assert beyond.status_code == 200 and "People 201 to 250" in beyond.text
        bearer = client.get("/watch?page=2", headers={"Authorization": f"Bearer {token}"})
        assert "People 101 to 200 of 250." in bearer.text
        assert checked == [100, 50, 50, 100]  # never the whole list in one request
        assert client.post("/watch", data={"token": token}).status_code == 200  # the fifth
        assert client.post("/watch", data={"token": token}).status_code == 429
        assert client.get("/api/watch/feed.json", params={"token": token}).status_code == 429
