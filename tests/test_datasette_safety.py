"""Datasette at /data/ and the API's edges: bounded values, no fts3_tokenizer, 405s, headers,
no file path, no suggested facets, cursors past SQLite's integers."""

from __future__ import annotations

import base64
import json
import logging

import pytest
from starlette.testclient import TestClient

from registry.settings import SiteSettings
from registry.web.app import create_app
from registry.web.safety import MAX_LENGTH
from tests.conftest import PEOPLE, load


@pytest.fixture
def client(tmp_path, db):
    load(db, PEOPLE)
    app = create_app(
        SiteSettings.load(tmp_path / "registry.db", public_url="https://registry.example.org/")
    )
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def sql(client, query: str):
    return client.get("/data/registry.json", params={"sql": query, "_shape": "array"})


def test_values_longer_than_the_limit_fail_instead_of_filling_memory(client):
    ok = sql(client, f"select length(hex(zeroblob({MAX_LENGTH // 2 - 1}))) as n")
    assert ok.status_code == 200 and ok.json() == [{"n": MAX_LENGTH - 2}]
    huge = sql(client, "select hex(zeroblob(50000000)) as h")
    assert huge.status_code == 400
    assert "too big" in huge.text
    assert len(huge.content) < 10_000


def test_fts3_tokenizer_cannot_be_called(client):
    for query in (
        "select fts3_tokenizer('simple')",
        "select FTS3_TOKENIZER('porter') as t",
        "select * from (select fts3_tokenizer('simple', x'00') as t)",
    ):
        response = sql(client, query)
        assert response.status_code == 400, query
        assert "not authorized" in response.text
    assert sql(client, "select upper('still works') as u").json() == [{"u": "STILL WORKS"}]


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PROPFIND", "PUT", "DELETE", "PATCH"])
def test_data_answers_405_to_methods_it_does_not_serve(client, method):
    response = client.request(method, "/data/registry")
    assert response.status_code == 405
    assert "GET" in response.headers["allow"]
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"error": "method not allowed", "status": 405}
    assert "content-security-policy" in response.headers


def test_data_pages_carry_the_security_headers(client):
    for path in ("/data/", "/data/registry", "/data/registry/regulators.json"):
        response = client.get(path)
        assert response.status_code == 200, path
        csp = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"


def test_the_database_file_path_is_not_shown(client, tmp_path):
    where = str(tmp_path.resolve())
    for path in ("/data/-/databases.json", "/data/registry", "/data/-/metadata.json", "/data/"):
        response = client.get(path)
        assert response.status_code == 200
        assert where not in response.text, path
    assert client.get("/data/-/databases.json").json()[0]["name"] == "registry"


def test_no_suggested_facets(client):
    table = client.get("/data/registry/registrations.json", params={"_size": 1})
    assert table.json().get("suggested_facets", []) == []


def test_cursor_beyond_sqlite_integers_is_a_400(client):
    for after in (2**63, 2**64 + 5, 10**30):
        cursor = base64.urlsafe_b64encode(json.dumps({"after": after}).encode()).decode()
        for path in ("/api/search?q=rob&cursor=", "/api/changes?cursor="):
            response = client.get(path + cursor.rstrip("="))
            assert response.status_code == 400, (path, after)
            assert "cursor" in response.json()["error"]
    last = base64.urlsafe_b64encode(json.dumps({"after": 2**63 - 1}).encode()).decode()
    assert client.get("/api/search", params={"q": "rob", "cursor": last}).status_code == 200


def test_feed_links_use_the_public_url_not_the_host_header(client):
    token = client.post("/api/watch", json={}).json()["token"]
    headers = {"authorization": f"Bearer {token}", "host": "evil.example"}
    feed = client.get("/api/watch/feed.json", headers=headers).json()
    assert feed["home_page_url"] == "https://registry.example.org/"
    atom = client.get("/api/watch/feed.atom", headers=headers).text
    assert "evil.example" not in atom and 'href="https://registry.example.org/"' in atom


def test_tokens_never_reach_the_access_log(client, caplog):
    from registry.web.app import RedactTokens

    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        "",
        0,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "GET", "/api/watch/feed.atom?token=nrw_secret&x=1", "1.1", 200),
        None,
    )
    assert RedactTokens().filter(record)
    assert "nrw_secret" not in record.getMessage()
    assert "token=REDACTED&x=1" in record.getMessage()
    assert RedactTokens() in logging.getLogger("uvicorn.access").filters or any(
        isinstance(f, RedactTokens) for f in logging.getLogger("uvicorn.access").filters
    )


@pytest.mark.parametrize(
    "sql",
    [
        "select * from pragma_database_list",
        "select file from pragma_database_list()",
        "select (select FILE from Pragma_Database_List) as f",
    ],
)
def test_sql_cannot_show_the_database_file_path(client, tmp_path, sql):
    response = client.get("/data/registry.json", params={"sql": sql, "_shape": "array"})
    assert response.status_code == 200, response.text
    assert str(tmp_path.resolve()) not in response.text and "registry.db" not in response.text


def test_sql_cannot_guess_the_database_file_path_either(client):
    sql = "select name from pragma_database_list where file like '%registry.db'"
    response = client.get("/data/registry.json", params={"sql": sql, "_shape": "array"})
    assert response.json() == []  # the path reads as NULL, which matches nothing


@pytest.mark.parametrize(
    "query",
    [
        "%74oken=nrw_secret",
        "tok%65n=nrw_secret",
        "x=1&%74%6f%6b%65%6e=nrw_secret",
        "token=nrw_secret",
    ],
)
def test_a_token_is_hidden_from_the_log_however_its_name_is_spelled(query):
    from registry.web.app import RedactTokens

    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        "",
        0,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "GET", f"/api/watch/feed.atom?{query}&lang=fr", "1.1", 200),
        None,
    )
    assert RedactTokens().filter(record)
    assert "nrw_secret" not in record.getMessage()
    assert "=REDACTED&lang=fr" in record.getMessage()


def test_an_encoded_token_name_is_the_token_as_the_app_reads_it(client):
    """Any spelling the app reads as `token` authenticates (and is hidden from the log above);
    a name that decodes to something else does not."""
    token = client.post("/api/watch", json={"registrations": []}).json()["token"]
    assert client.get(f"/api/watch/feed.json?%74oken={token}").status_code == 200
    assert client.get(f"/api/watch/feed.json?%2574oken={token}").status_code in (400, 401)
