"""The named values the lookup wing hands to the web (registry/lookup/answers.py) say what the
builders really write: every key, in the order of the JSON, and no other."""

from __future__ import annotations

import sqlite3

import pytest

from registry.lookup import history, places, regulators
from registry.lookup.answers import (
    Document,
    DocumentAsOf,
    DocumentRegulator,
    Event,
    Near,
    Needling,
    PlaceRewritten,
    ReadHere,
    RegistrationHistory,
    RegulatorHere,
    SearchAnswer,
    Standing,
    Untracked,
    WhyEmpty,
)
from registry.lookup.documents import documents
from registry.lookup.search import Query
from tests.conftest import PEOPLE, load, with_changes
from tests.patients import patient_database


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    path = patient_database(tmp_path_factory.mktemp("answers") / "registry.db")
    conn = sqlite3.connect(path)
    yield conn
    conn.close()


def named(value: dict, kind) -> None:
    """`value` has every key `kind` requires, only keys it names, in its order."""
    keys = list(kind.__annotations__)
    optional = {k for k, a in kind.__annotations__.items() if "NotRequired[" in str(a)}
    assert set(value) <= set(keys), set(value) - set(keys)
    assert set(keys) - optional <= set(value), set(keys) - optional - set(value)
    assert list(value) == [k for k in keys if k in value]


def documents_named(answer: dict) -> None:
    assert answer["results"]
    for doc in answer["results"]:
        named(doc, Document)
        named(doc["standing"], Standing)
        named(doc["needling"], Needling)
        named(doc["regulator"], DocumentRegulator)


def test_a_search_in_a_city(conn):
    answer, _ = places.find(conn, Query(city="Red Deer", everyone=True))
    named(answer, SearchAnswer)
    documents_named(answer)
    assert answer["regulators_here"]
    for here in answer["regulators_here"]:
        named(here, RegulatorHere)


def test_a_near_search(conn):
    answer, _ = places.find(conn, Query(near="Red Deer", km=50))
    named(answer, SearchAnswer)
    named(answer["near"], Near)
    documents_named(answer)
    assert all("distance_km" in doc for doc in answer["results"])


def test_a_place_read_out_of_the_name_box(conn):
    answer = places.search_in_place(conn, Query(q="Red Deer"))
    named(answer, SearchAnswer)
    named(answer["place"], PlaceRewritten)
    documents_named(answer)


def test_a_search_by_kind_where_needling_is_not_tracked(conn):
    answer, _ = places.find(conn, Query(near="Halifax", km=25, kind="needling"))
    named(answer, SearchAnswer)
    assert answer["not_tracked"]
    for row in answer["not_tracked"]:
        named(row, Untracked)


def test_a_search_by_registration_number(conn):
    answer, _ = places.find(conn, Query(q="20001"))
    named(answer, SearchAnswer)
    assert answer["registration_number"] == "20001"
    documents_named(answer)


@pytest.mark.parametrize("region", ["AB", "MB", "WA", "YT"])
def test_why_a_search_is_empty(conn, region):
    named(places.why_empty(conn, region), WhyEmpty)
    named(places.why_empty(conn, region, None), WhyEmpty)


def test_a_document_as_of_a_date(conn):
    (doc,) = documents(conn, ["cpta:r1"])
    named(history.as_of(conn, doc, "2999-01-01T00:00:00Z"), DocumentAsOf)


def test_a_registrations_history_and_the_changes(db):
    load(db, PEOPLE, now="2026-01-01T00:00:00Z")
    changed = [with_changes(PEOPLE[0], status="Suspended", status_class="suspended"), *PEOPLE[1:]]
    load(db, changed, now="2026-02-01T00:00:00Z")
    past = history.registration_history(db.conn, "cpta:r1")
    named(past, RegistrationHistory)
    assert past["events"] and past["versions"]
    for event in past["events"]:
        named(event, Event)
    events, more = history.changes(db.conn, 0, 10)
    assert events and not more
    for event in events:
        named(event, Event)


def test_the_registers_read_here(conn):
    read = regulators.read_here(conn, {})
    assert read
    for row in read:
        named(row, ReadHere)
