"""The values the lookup wing hands to the web: a registration's document, a search's answer,
what it says when nobody is found, and a registration's history.

TypedDicts, so that they stay the plain dictionaries the API encodes (no cost on the search path,
the same JSON); the keys are listed here in the order the builders write them, which is the order
of the JSON. Builders: registry/lookup/documents.py, search.py, places.py, standing.py and
history.py.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

from registry.lookup.freshness import SourceState


class Standing(TypedDict):
    """Whether this person may practise (standing.standing_fields)."""

    state: str  # practising, not_practising, no_longer_on_register... (standing.standing_of)
    status: str | None  # the register's current status words; None once they left it
    last_listed_status: str | None  # for someone who left: the status it last showed


class Needling(TypedDict):
    """What a document says about needling."""

    tracking: str  # the regulator's: tracked, not_tracked, kept_unpublished...
    answer: str  # standing.needling_answer
    authorized: bool
    kinds: list[str]
    authorizations: Any  # [{wording, kind, mechanism, by_scope}], or SQLite's JSON (as_json)


class DocumentRegulator(TypedDict):
    """The regulator of a document, as its row in `regulators`."""

    id: str
    name: str
    short_name: str | None
    jurisdiction: str
    register_url: str | None
    terms_note: str | None
    needling: str
    sample: bool
    profession: str
    mechanism: str | None


class Document(TypedDict):
    """A registration as the API returns it (documents.documents)."""

    id: str
    regulator: DocumentRegulator
    registration_number: str | None
    name: str
    profession: str
    standing: Standing
    family_name: str | None
    given_names: str | None
    category: str | None
    status: str | None
    status_class: str | None
    on_register: bool
    no_longer_on_register_since: str | None
    conditions: Any  # [str], or SQLite's JSON (as_json)
    needling: Needling
    # [{organization, address, city, province, postal_code, phone}] (and distance_km in a near
    # search), or SQLite's JSON (as_json)
    locations: Any
    profile_url: str | None
    first_seen: str
    last_seen: str | None
    evidence: Any  # [{url, fetched_at, sha256, method, request, import_run}], or SQLite's JSON
    distance_km: NotRequired[float]  # a near search's: to the nearest of their practice cities


class DocumentAsOf(Document):
    """A document with its state replaced by the state in force at a moment (history.as_of)."""

    as_of: str
    state_valid_from: str | None
    state_valid_to: str | None


class Event(TypedDict):
    """A change the register showed to a registration (history._event)."""

    id: int
    at: str
    kind: str  # authorization_removed, status_changed, left... (db/history.py)
    regulator: str
    registration_id: str
    registration_number: str | None
    name: str
    import_run: int
    detail: dict[str, Any]


class RegistrationHistory(TypedDict):
    """A registration's events, oldest first, and its earlier states
    (history.registration_history)."""

    id: str
    first_seen: str
    current_state_since: str
    events: list[Event]
    # Each: valid_from, valid_to, ended_by_run, then the state then in force (db/history.py)
    versions: list[dict[str, Any]]


class Untracked(TypedDict):
    """People matching a search by kind whose regulator does not record needling
    (search.untracked_matches)."""

    regulator: str
    name: str
    jurisdiction: str
    needling: str
    matches: int
    listed: int
    count_is_exact: bool


class Near(TypedDict):
    """The centre and reach of a near search."""

    name: str
    region: str | None
    country: str | None
    latitude: float
    longitude: float
    km: int
    cities: int


class RegulatorHere(TypedDict):
    """A regulator of the province or state searched (places.regulators_here)."""

    regulator: str
    name: str
    short_name: str | None
    jurisdiction: str
    profession: str
    mechanism: str | None
    by_scope: bool
    kinds: list[str]
    needling: str
    coverage: str | None
    read: bool
    register_url: str | None
    ask: str | None  # what to ask the practitioner where the board does not publish it


class PlaceRewritten(TypedDict):
    """The place a search understood, when it is not what was typed."""

    typed: str
    name: str
    region: str | None


class SearchAnswer(TypedDict):
    """One page of a search (search.search, places.find, places.search_in_place)."""

    place: NotRequired[PlaceRewritten]  # search_in_place, first
    count: int
    count_is_exact: bool
    next_cursor: str | None
    near: NotRequired[Near]  # a near search
    results: list[Document]
    not_tracked: list[Untracked]
    registration_number: NotRequired[str]  # a search by registration number
    regulators_here: NotRequired[list[RegulatorHere]]  # places.find


class Link(TypedDict):
    """A regulator's own search, where we do not read its register."""

    name: str
    url: str
    lang: str


class WhyEmpty(TypedDict):
    """Why a search in a place found nobody (places.why_empty)."""

    kind: str  # not_read, no_register, no_addresses or nobody
    links: NotRequired[list[Link]]  # not_read, no_register
    physiotherapy: NotRequired[bool]  # not_read, no_register
    regulators: NotRequired[list[str]]  # no_addresses
    lang: NotRequired[str]  # no_addresses


class ReadHere(TypedDict):
    """A register we read, as the search page lists it before any search
    (regulators.read_here)."""

    state: SourceState
    sample: bool
