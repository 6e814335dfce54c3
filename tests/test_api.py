"""The search API and Datasette over a loaded database, in-process."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from dataclasses import replace

import pytest
from sqlite_utils import Database
from starlette.testclient import TestClient

from db import migrations
from db.directory import PREFIX_LENGTHS
from db.load import sync_regulators
from registry.lookup.search import PARAMETERS
from registry.web.app import create_app
from tests.conftest import PEOPLE, load, person


@pytest.fixture
def client(tmp_path, db):
    load(db, PEOPLE)
    with TestClient(create_app(tmp_path / "registry.db"), raise_server_exceptions=False) as c:
        yield c


def names(response):
    assert response.status_code == 200, response.text
    return [r["name"] for r in response.json()["results"]]


def test_prefix_search_in_alphabetical_order(client):
    assert names(client.get("/api/search", params={"q": "rob"})) == [
        "Robert, Jean",
        "Roberts, Alice",
        "Robinson, Maya",
    ]
    assert names(client.get("/api/search", params={"q": "roberts"})) == ["Roberts, Alice"]


def test_accents_fold_both_ways(client):
    assert names(client.get("/api/search", params={"q": "Cote"})) == ["Côté, Anne-Marie"]
    assert names(client.get("/api/search", params={"q": "côté anne-marie"})) == ["Côté, Anne-Marie"]
    assert names(client.get("/api/search", params={"q": "lév"})) == ["Lévesque, Hélène"]


def test_city_and_kind_filters(client):
    assert names(client.get("/api/search", params={"city": "red deer"})) == [
        "Côté, Anne-Marie",
        "Lévesque, Hélène",
        "Roberts, Alice",
    ]
    # Who can do dry needling in Red Deer: the umbrella authorization answers, the
    # unauthorized do not.
    assert names(
        client.get("/api/search", params={"city": "Red Deer", "kind": "dry_needling"})
    ) == ["Côté, Anne-Marie", "Roberts, Alice"]
    assert names(client.get("/api/search", params={"kind": "dry needling", "q": "o'brien"})) == []
    # Liam O'Brien is suspended: found only when everyone is asked for (show=all).
    assert names(client.get("/api/search", params={"q": "o'brien"})) == []
    everyone = {"show": "all"}
    assert names(client.get("/api/search", params={"q": "o'brien"} | everyone)) == ["O'Brien, Liam"]
    assert names(client.get("/api/search", params={"q": "st. albert"} | everyone)) == [
        "O'Brien, Liam"
    ]
    assert names(client.get("/api/search", params={"q": "albert"} | everyone)) == [
        "Côté, Anne-Marie",
        "O'Brien, Liam",
    ]  # "Clinique Physio Saint-Albert" and St. Albert
    assert names(client.get("/api/search", params={"province": "Alberta", "q": "smith"})) == [
        "Smith-Jones, Priya"
    ]


def test_result_carries_authorization_status_and_evidence(client):
    result = client.get("/api/search", params={"q": "roberts"}).json()["results"][0]
    assert result["registration_number"] == "20001"
    assert result["regulator"]["id"] == "cpta" and result["regulator"]["jurisdiction"] == "CA-AB"
    assert result["needling"] == {
        "tracking": "tracked",
        "authorized": True,
        "answer": "authorized",
        "kinds": ["needling"],
        "authorizations": [
            {
                "wording": "Using needles in practice",
                "kind": "needling",
                "mechanism": "restricted_activity_authorization",
                "by_scope": False,
            }
        ],
    }
    assert result["profession"] == "physiotherapist"
    assert result["status"] == "Practising" and result["on_register"] is True
    assert result["evidence"][0]["url"].endswith("/Registrants")
    assert result["evidence"][0]["fetched_at"] == "2026-11-23T10:00:00Z"
    assert result["locations"][0]["city"] == "Red Deer"


def test_paging_with_cursor(client):
    first = client.get("/api/search", params={"q": "rob", "limit": 2}).json()
    assert [r["name"] for r in first["results"]] == ["Robert, Jean", "Roberts, Alice"]
    assert first["count"] == 3 and first["count_is_exact"] is True
    second = client.get(
        "/api/search", params={"q": "rob", "limit": 2, "cursor": first["next_cursor"]}
    ).json()
    assert [r["name"] for r in second["results"]] == ["Robinson, Maya"]
    assert second["next_cursor"] is None


def test_prefixes_in_and_beyond_the_index_page_and_count_alike(tmp_path, db):
    """A first page that is not full is its own count, a full one and later pages are counted
    apart (registry/lookup/search.py), whether the prefix is one the index keeps ("rob", "robertso":
    up to 8 characters, db/directory.py) or one FTS5 merges ("robertson"): the same people,
    counts and pages."""
    assert len("robertso") == max(PREFIX_LENGTHS) < len("robertson")
    people = [person(f"p{i}", f"Robertson{chr(97 + i)}", "Ann", city="Calgary") for i in range(7)]
    people += [person("q1", "Roberts", "Bo", status="Suspended", status_class="suspended")]
    load(db, people)
    with TestClient(create_app(tmp_path / "registry.db")) as client:
        for limit in (3, 7, 10):
            pages = {}
            for q in ("rob", "robert", "robertso", "robertson"):
                answer = client.get("/api/search", params={"q": q, "limit": limit}).json()
                pages[q] = (answer["count"], [r["name"] for r in answer["results"]])
                cursor = answer["next_cursor"]
                assert (cursor is not None) == (limit < 7), (q, limit)
                if cursor:
                    rest = client.get(
                        "/api/search", params={"q": q, "limit": limit, "cursor": cursor}
                    ).json()
                    assert [r["name"] for r in rest["results"]][
                        0
                    ] == f"Robertson{chr(97 + limit)}, Ann"
                    assert (rest["count"], rest["count_is_exact"]) == (7, True)
            assert all(page == pages["rob"] for page in pages.values()), pages
            assert pages["rob"][0] == 7  # the suspended Roberts is not among the practising
            assert pages["rob"][1] == [f"Robertson{chr(97 + i)}, Ann" for i in range(min(limit, 7))]


@pytest.mark.parametrize(
    "q",
    [
        '"',
        '"rob',
        "rob*",
        "NOT",
        "a OR b",
        "st. john's",
        "NEAR(a b)",
        "col:umn",
        "^rob",
        "(",
        "-rob",
        "name: rob",
        "😀 rob",
        "'; drop",
    ],
)
def test_full_text_syntax_is_plain_input(client, q):
    response = client.get("/api/search", params={"q": q})
    assert response.status_code in (200, 400), response.text
    assert (
        "error" in response.json() if response.status_code == 400 else "results" in response.json()
    )


def test_special_inputs_find_what_they_say(client):
    assert names(client.get("/api/search", params={"q": "rob*"})) == [
        "Robert, Jean",
        "Roberts, Alice",
        "Robinson, Maya",
    ]
    assert names(client.get("/api/search", params={"q": "NOT"})) == []
    assert names(client.get("/api/search", params={"q": '"roberts'})) == ["Roberts, Alice"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "at least one of q, city, near, province or kind"),
        ({"q": ""}, "at least one of q, city, near, province or kind"),
        ({"q": "   "}, "at least one of q, city, near, province or kind"),
        ({"q": '"*"'}, "no letters or digits"),
        ({"q": "x" * 10240}, "too long"),
        ({"q": " ".join(["a"] * 9)}, "too many words"),
        ({"q": "rob", "limit": "0"}, "limit must be"),
        ({"q": "rob", "limit": "abc"}, "limit must be"),
        ({"q": "rob", "limit": "1000"}, "limit must be"),
        ({"q": "rob", "cursor": "garbage!"}, "cursor is not valid"),
        ({"q": "rob", "kind": "cupping"}, "unknown kind"),
        ({"q": "rob", "province": "Atlantis"}, "unknown province"),
        ({"q": "rob", "sort": "name"}, "unknown parameter"),
        ({"near": "Red Deer", "km": "0"}, "km must be a whole number"),
        ({"near": "Red Deer", "km": "501"}, "km must be a whole number"),
        ({"near": "Red Deer", "km": "ten"}, "km must be a whole number"),
        ({"near": "Qwxzyville"}, "no city or town called 'Qwxzyville'"),
        ({"near": "Red Deer", "province": "QC"}, "no city or town called 'Red Deer' in QC"),
        ({"near": "!!!"}, "type the name of a city or town"),
    ],
)
def test_bad_input_is_a_clear_400(client, params, message):
    response = client.get("/api/search", params=params)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert response.json()["status"] == 400


def test_registration_by_number(client):
    body = client.get("/api/registrations/cpta/20004").json()
    assert body["name"] == "Côté, Anne-Marie" and body["profile_url"].endswith("/r4")
    missing = client.get("/api/registrations/cpta/99999")
    assert missing.status_code == 404 and "no registration '99999'" in missing.json()["error"]
    unknown = client.get("/api/registrations/nowhere/1")
    assert unknown.status_code == 404 and "unknown regulator" in unknown.json()["error"]


def test_sources_with_last_successful_import(client, db):
    from db.load import finish_run

    finish_run(db, 1, "success", "ok", requests=12, errors=[], counts={"records_seen": 8})
    body = client.get("/api/sources").json()["sources"]
    cpta = next(s for s in body if s["id"] == "cpta")
    assert cpta["jurisdiction"] == "CA-AB" and cpta["needling"] == "tracked"
    assert cpta["wording"] == {
        "Using needles in practice": "needling",
        "Use needles in practice": "needling",
    }
    assert cpta["on_register"] == 8 and cpta["authorized"] == 5
    assert cpta["last_success"]["id"] == 1 and cpta["last_success"]["requests"] == 12
    assert cpta["terms_note"]


def test_openapi_describes_every_endpoint(client):
    spec = client.get("/api/openapi.json").json()
    assert set(spec["paths"]) == {
        "/api/search",
        "/api/cities",
        "/api/registrations/{regulator}/{registration_number}",
        "/api/registrations/{regulator}/{registration_number}/history",
        "/api/changes",
        "/api/sources",
        "/api/openapi.json",
        "/api/verify",
        "/api/receipts/{receipt_id}",
        "/api/watch",
        "/api/watch/registrations",
        "/api/watch/registrations/{regulator}/{number}",
        "/api/watch/feed.json",
        "/api/watch/feed.atom",
    }
    params = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert params == set(PARAMETERS)


def test_unknown_paths_and_methods(client):
    assert client.get("/api/nothing").status_code == 404
    assert client.get("/api/nothing").json()["error"]
    assert client.post("/api/search").status_code == 405


def test_datasette_is_mounted_with_metadata(client):
    home = client.get("/data/")
    assert home.status_code == 200 and "Needling Registry" in home.text
    table = client.get(
        "/data/registry/directory.json", params={"_search": "cote", "_shape": "array"}
    )
    assert table.status_code == 200
    assert [r["name"] for r in table.json()] == ["Côté, Anne-Marie"]
    facets = client.get("/data/registry/directory.json").json()["facet_results"]
    assert {"city", "kinds", "regulator_id"} <= set(facets)
    tables = client.get("/data/registry.json").json()["tables"]
    hidden = {t["name"] for t in tables if t["hidden"]}
    assert {"_sqlite_migrations", "directory_fts"} <= hidden


def test_landing_page(client):
    page = client.get("/")
    assert page.status_code == 200 and "Needling Registry" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("dry needling red deer", ["Côté, Anne-Marie", "Roberts, Alice"]),
        ("who can do dry needling in Red Deer", ["Côté, Anne-Marie", "Roberts, Alice"]),
        ("aiguilles sous le derme red deer", ["Côté, Anne-Marie", "Roberts, Alice"]),
        (
            "needling",
            [
                "Côté, Anne-Marie",
                "Nguyễn, Thi",
                "Roberts, Alice",
                "Robinson, Maya",
                "Smith-Jones, Priya",
            ],
        ),
        ("acupuncture lethbridge", ["Smith-Jones, Priya"]),
    ],
)
def test_words_for_a_kind_of_needling_become_the_kind_filter(client, q, expected):
    assert names(client.get("/api/search", params={"q": q})) == expected


@pytest.mark.parametrize(
    ("standing", "tracking", "authorized", "answer"),
    [
        ("practising", "tracked", True, "authorized"),
        ("practising", "tracked", False, "not_authorized"),
        ("practising", "not_tracked", False, "not_tracked"),
        ("practising", "unknown", False, "unknown"),
        ("practising", "unknown", True, "authorized"),
        ("unknown", "not_tracked", False, "not_tracked"),
        # Standing first: whoever may not practise may not needle, whatever is tracked.
        ("not_practising", "not_tracked", False, "not_practising"),
        ("not_practising", "tracked", False, "not_practising"),
        ("not_practising", "unknown", False, "not_practising"),
        ("no_longer_on_register", "not_tracked", False, "not_practising"),
        ("no_longer_on_register", "tracked", False, "not_practising"),
    ],
)
def test_needling_answer(standing, tracking, authorized, answer):
    from registry.lookup.standing import needling_answer

    assert needling_answer(standing, tracking, authorized) == answer


def test_kind_search_says_who_matches_where_needling_is_not_tracked(tmp_path, db):
    load(db, PEOPLE)
    load(
        db,
        [
            person(
                "n1",
                "MacNeil",
                "Fiona",
                number="NS100",
                city="Halifax",
                needling=False,
                regulator="nscp",
            )
        ],
        regulator="nscp",
    )
    with TestClient(create_app(tmp_path / "registry.db")) as client:
        body = client.get("/api/search", params={"q": "dry needling halifax"}).json()
        assert body["results"] == []
        assert body["not_tracked"] == [
            {
                "regulator": "nscp",
                "name": "Nova Scotia Regulator of Physiotherapy (formerly Nova Scotia College of "
                "Physiotherapists)",
                "jurisdiction": "CA-NS",
                "needling": "not_tracked",
                "matches": 1,
                "listed": 0,
                "count_is_exact": True,
            }
        ]
        anyone = client.get("/api/search", params={"city": "Halifax"}).json()["results"]
        assert [(r["name"], r["needling"]["answer"]) for r in anyone] == [
            ("MacNeil, Fiona", "not_tracked")
        ]
        tracked = client.get("/api/search", params={"q": "dry needling red deer"}).json()
        assert tracked["not_tracked"] == []


def test_province_finds_people_without_a_published_location(tmp_path, db):
    unlisted = person("n2", "Boudreau", "Claire", number="NS200", regulator="nscp")
    load(db, [replace(unlisted, locations=[])], regulator="nscp")
    load(db, PEOPLE)
    with TestClient(create_app(tmp_path / "registry.db")) as client:
        found = client.get("/api/search", params={"province": "NS"}).json()["results"]
        assert [r["name"] for r in found] == ["Boudreau, Claire"]
        alberta = client.get("/api/search", params={"province": "AB", "q": "boudreau"}).json()
        assert alberta["results"] == []


def test_the_longer_prefix_indexes_are_built_for_a_database_made_before_them(tmp_path, settings):
    """m017 makes the full-text index again with prefixes up to 8 characters: every row of a
    database made before it is found as it was, by a prefix the old index did not keep."""
    database = Database(tmp_path / "registry.db")
    migrations.migrations.apply(database, stop_before="m017_longer_prefix_indexes")
    sync_regulators(database, settings.sources.values())
    load(database, PEOPLE)
    asked = "select rowid from directory_fts where directory_fts match ? order by rowid"
    before = database.execute(asked, ['name : "robinso"*']).fetchall()
    migrations.migrate(database)
    (sql,) = database.execute(
        "select sql from sqlite_master where name = 'directory_fts'"
    ).fetchone()
    assert "prefix='2 3 4 5 6 7 8'" in sql
    assert database.execute(asked, ['name : "robinso"*']).fetchall() == before != []
    assert (
        database.execute(asked, ['name : "rob"*']).fetchall()
        == database.execute(
            "select id from directory where name like 'rob%' order by id"
        ).fetchall()
    )


def test_a_database_being_filled_is_busy_not_broken(tmp_path, db):
    """While a first import holds the file (a rollback journal, db `pages_written_once`), reads
    are told 503 with Retry-After, in JSON and as a page; then they are answered again."""
    load(db, PEOPLE)
    db.execute("pragma journal_mode = delete")  # as a first fill writes
    with TestClient(create_app(tmp_path / "registry.db"), raise_server_exceptions=False) as c:
        db.execute("begin exclusive")
        try:
            api = c.get("/api/search", params={"q": "côté"})
            page = c.get("/", params={"q": "côté"}, headers={"accept": "text/html"})
            french = c.get("/", params={"q": "cote", "lang": "fr"}, headers={"accept": "text/html"})
        finally:
            db.execute("rollback")
        assert api.status_code == 503 and api.headers["retry-after"] == "60"
        assert "busy being filled" in api.json()["error"]
        assert page.status_code == 503 and "busy being filled" in page.text
        assert page.headers["content-type"].startswith("text/html")
        assert french.status_code == 503 and "en cours de remplissage" in french.text
        assert names(c.get("/api/search", params={"q": "côté"})) == ["Côté, Anne-Marie"]


_DIES_MID_FILL = """
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("pragma journal_mode = delete")  # as a first fill writes
conn.execute("pragma cache_size = 10")  # so that its pages reach the file before it dies
conn.execute("begin immediate")
conn.execute("update registrations set name = 'Changed, Not' ")
conn.execute("create table filling (x)")
conn.executemany("insert into filling values (randomblob(4000))", [()] * 500)
os._exit(9)
"""


def test_a_fill_that_died_is_rolled_back_by_the_site(tmp_path, db):
    """An importer killed during a first fill leaves a hot journal, which read-only connections
    cannot roll back: the site does it once (503 meanwhile), then answers from the data as it
    was, in WAL mode again."""
    load(db, PEOPLE)
    db.close()
    path = tmp_path / "registry.db"
    died = subprocess.run([sys.executable, "-c", _DIES_MID_FILL, str(path)], check=False)
    assert died.returncode == 9 and (tmp_path / "registry.db-journal").exists()
    with TestClient(create_app(path), raise_server_exceptions=False) as c:
        first = c.get("/api/search", params={"q": "côté"})
        assert first.status_code == 503 and first.headers["retry-after"] == "5"
        assert names(c.get("/api/search", params={"q": "côté"})) == ["Côté, Anne-Marie"]
    reopened = sqlite3.connect(path)
    try:
        assert reopened.execute("pragma journal_mode").fetchone() == ("wal",)
        assert reopened.execute(
            "select count(*) from sqlite_master where name = 'filling'"
        ).fetchone() == (0,)
    finally:
        reopened.close()
