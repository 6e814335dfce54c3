"""Property: no roster and no watch-list body, however odd, gets a 5xx. Every roster
gets a 200 with per-row errors or a clear 4xx; so does every watch-list request."""

from __future__ import annotations

import ipaddress
import json
import socket

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from registry.clinics import egress
from registry.limits import Limits
from registry.settings import SiteSettings
from registry.web.app import create_app
from tests.clinic_site import registry_with
from tests.conftest import PEOPLE

FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def offline_resolver(host: str, port: int) -> list[str]:
    """IP literals resolve to themselves; no name resolves (the tests stay off the network)."""
    try:
        return [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        raise socket.gaierror(f"{host}: not resolved in tests") from None


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "registry.db"
    registry_with(path, (PEOPLE, "cpta")).close()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(egress, "_getaddrinfo", offline_resolver)
        # Thousands of fuzzed bodies from one client: rates are tests/test_limits.py's business.
        unlimited = Limits(
            verify="1000000/minute",
            roster="1000000/minute",
            watch_create="1000000/minute",
            watch_read="1000000/minute",
        )
        with TestClient(
            create_app(SiteSettings.load(path, limits=unlimited)), raise_server_exceptions=False
        ) as c:
            yield c


# -- rosters --------------------------------------------------------------------------------------

HEADERS = ["Full name", "Province", "Reg #", "College", "Licence number", "First name", "", "#"]
CELLS = ["cpta", "AB", "Alberta", "20001", "20003", "99999", "Roberts, Alice", "=1+1", '"', ""]
cell = st.one_of(st.sampled_from(HEADERS + CELLS), st.text(max_size=30))
delimiter = st.sampled_from([",", ";", "\t"])


@st.composite
def roster_text(draw) -> bytes:
    sep = draw(delimiter)
    rows = draw(st.lists(st.lists(cell, max_size=6), max_size=8))
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=0, max_size=5))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(sep.join(r) for r in [header, *rows])
    prefix = draw(st.sampled_from(["", "\ufeff"]))
    return (prefix + text).encode(
        draw(st.sampled_from(["utf-8", "utf-8", "latin-1", "utf-16"])), "replace"
    )


rosters = st.one_of(roster_text(), st.binary(max_size=300))


def assert_not_5xx(r):
    assert r.status_code < 500, (r.status_code, r.text[:300])


@FUZZ
@given(data=rosters, fmt=st.sampled_from(["json", "csv"]))
@example(data=b"Province,Reg #\n", fmt="json")  # header only: no row, no receipt
@example(data=b"Province,Reg #\nnowhere,1\n,\n", fmt="csv")  # every row an error
@example(data=b"Province,Reg #\n\n\n", fmt="json")
def test_no_roster_gets_a_5xx_from_the_api(client, data, fmt):
    r = client.post(
        "/api/verify", params={"format": fmt}, content=data, headers={"content-type": "text/csv"}
    )
    assert_not_5xx(r)
    if r.status_code == 200 and fmt == "json":
        body = r.json()
        assert body["summary"]["rows"] == len(body["rows"])


@FUZZ
@given(data=rosters, fmt=st.sampled_from(["html", "csv", "json"]))
@example(data=b"Province,Reg #\n", fmt="html")
def test_no_roster_gets_a_5xx_from_the_page(client, data, fmt):
    files = {"roster": ("staff.csv", data, "text/csv")}
    assert_not_5xx(client.post("/verify", files=files, data={"format": fmt}))


def test_a_header_only_roster_is_a_200_with_no_rows(client):
    r = client.post(
        "/api/verify", content=b"Province,Reg #\n", headers={"content-type": "text/csv"}
    )
    assert r.status_code == 200
    assert r.json() == {
        "summary": {"rows": 0, "needing_attention": 0, "by_verdict": {}},
        "rows": [],
    }


def test_a_roster_of_errors_only_is_a_200_with_an_error_per_row(client):
    r = client.post(
        "/api/verify",
        content=b"Province,Reg #\nnowhere,1\nAB,\n",
        headers={"content-type": "text/csv"},
    )
    assert r.status_code == 200, r.text
    rows = r.json()["rows"]
    assert len(rows) == 2 and all(row["error"] and row["receipt_id"] is None for row in rows)


# -- watch lists ----------------------------------------------------------------------------------

json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
registration = st.fixed_dictionaries(
    {},
    optional={
        "regulator": st.one_of(st.sampled_from(["cpta", "AB", "nowhere", ""]), json_value),
        "registration_number": st.one_of(st.sampled_from(["20001", "20003", ""]), json_value),
        "label": json_value,
        "name": json_value,
        "province": json_value,
    },
)
watch_body = st.fixed_dictionaries(
    {},
    optional={
        "name": st.one_of(st.text(max_size=250), json_value),
        "registrations": st.one_of(
            st.lists(st.one_of(registration, json_value), max_size=6), json_value
        ),
        "webhook_url": st.one_of(
            st.sampled_from(
                ["http://127.1/", "https://93.184.216.34/h", "http://[::1]/", "http://h\x00/", ""]
            ),
            st.text(max_size=40).map(lambda t: "http://" + t),
            json_value,
        ),
    },
)
watch_bytes = st.one_of(
    watch_body.map(lambda b: json.dumps(b).encode()),
    json_value.map(lambda b: json.dumps(b).encode()),
    st.binary(max_size=200),
)


@FUZZ
@given(body=watch_bytes)
@example(body=b"")
# A name that is not text, on a registration that exists: was a 500 (AttributeError in verify).
@example(
    body=json.dumps(
        {"registrations": [{"regulator": "cpta", "registration_number": "20001", "name": ["x"]}]}
    ).encode()
)
def test_no_watch_list_body_gets_a_5xx(client, body):
    r = client.post("/api/watch", content=body, headers={"content-type": "application/json"})
    assert_not_5xx(r)
    if r.status_code == 201:
        token = r.json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        added = client.post("/api/watch/registrations", content=body, headers=auth)
        assert_not_5xx(added)
        for url in ("/api/watch", "/api/watch/feed.atom", "/api/watch/feed.json"):
            assert client.get(url, headers=auth).status_code == 200
