"""The normalized records every adapter yields: the one seam between sources and the database.

Adapters turn a register's own shapes into these; nothing downstream knows about platforms.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, fields

import orjson


def _content_json():
    """json.dumps(obj, ensure_ascii=False, separators=(",", ":")) as one reused encoder: json
    builds a new one on every call, a third of what hashing a record costs."""
    fallback = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":"))
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return fallback.encode
    encoder = make(
        None, fallback.default, json.encoder.encode_basestring, None, ":", ",", False, False, True
    )
    return lambda obj: "".join(encoder(obj, 0))


_CONTENT_JSON = _content_json()


def _content_bytes(content: list, floats: bool) -> bytes:
    """A record's content as the UTF-8 of _CONTENT_JSON, of which the stored hashes were made.

    orjson writes the very same bytes for text, lists and None (every string, escapes included:
    tests/test_records.py) in a tenth of the time, but not for every float ("1e-05", NaN): content
    with `floats` (coordinates), or with anything orjson will not take, is written by json."""
    if not floats:
        try:
            return orjson.dumps(content)
        except TypeError:
            pass
    return _CONTENT_JSON(content).encode("utf-8")


# C0 controls but tab and newline, DEL, lone surrogates and the two non-characters XML forbids:
# none means anything in a name or an address, and one NUL makes every feed invalid XML.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean_text(value):
    """Text without control characters (see _CONTROLS); anything else returned as it is."""
    if isinstance(value, str):
        return _CONTROLS.sub("", value)
    if isinstance(value, list):
        return [clean_text(v) for v in value]
    return value


def _clean_fields(record, names) -> None:
    for name in names:
        value = getattr(record, name)
        cleaned = clean_text(value)
        if cleaned != value:
            object.__setattr__(record, name, cleaned)  # frozen dataclasses too


class LayoutChanged(Exception):
    """A register answered in a shape its adapter does not know: fail the run, change nothing."""


@dataclass(frozen=True)
class Evidence:
    """Where one piece of a record came from: the request, when, and a hash of the exact bytes."""

    url: str
    fetched_at: str  # ISO 8601, UTC
    sha256: str
    method: str = "GET"
    request: str = ""  # what was asked (a form body summary for POSTs), for reproducibility


@dataclass(frozen=True)
class Authorization:
    """One needling authorization in the regulator's exact words, with our normalized kind."""

    wording: str
    kind: str  # one of registry.kinds: dry_needling, acupuncture, ims, needling (umbrella)
    mechanism: str  # restricted_activity_authorization, roster, attestation, ...

    def __post_init__(self):
        if isinstance(self.wording, str) and _CONTROLS.search(self.wording):
            object.__setattr__(self, "wording", clean_text(self.wording))


@dataclass(frozen=True)
class Location:
    """A practice location as published; fields the register hides are never filled in."""

    organization: str | None = None
    address: str | None = None
    city: str | None = None
    province: str | None = None
    postal_code: str | None = None
    phone: str | None = None
    # Where the register itself places the location (OPPQ's map markers); "near a city" uses
    # these instead of the gazetteer's centre of the city.
    latitude: float | None = None
    longitude: float | None = None

    def content(self) -> list:
        """The published fields; coordinates only when published, so that records of registers
        without them keep the hashes they had before coordinates existed."""
        if self.latitude is None and self.longitude is None:
            return [
                self.organization,
                self.address,
                self.city,
                self.province,
                self.postal_code,
                self.phone,
            ]
        return list(vars(self).values())

    def __post_init__(self):
        if _CONTROLS.search(
            f"{self.organization}{self.address}{self.city}{self.phone}"
            f"{self.province}{self.postal_code}"
        ):
            _clean_fields(self, _LOCATION_FIELDS)


_LOCATION_FIELDS = tuple(f.name for f in fields(Location))


@dataclass
class Registration:
    """One registrant as a regulator lists them, keyed on the regulator's own stable id."""

    regulator: str  # source key, e.g. "cpta"
    registrant_id: str  # the register's stable id (Alinity `rg`)
    registration_number: str | None
    name: str  # as listed, e.g. "Côté, Anne-Marie"
    family_name: str | None
    given_names: str | None
    category: str | None  # register category, e.g. "General Register"
    status: str | None  # standing as listed, e.g. "Practising"
    status_class: str  # normalized: practising, suspended, cancelled, non_practising, unknown
    conditions: list[str] = field(default_factory=list)
    profile_url: str | None = None
    authorizations: list[Authorization] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    # Role ("listing", "detail", "practice") -> the response that role's data came from.
    evidence: dict[str, Evidence] = field(default_factory=dict)
    # Set only by registers that list several professions; otherwise the source's profession.
    profession: str | None = None

    def __post_init__(self):
        # Every adapter's text is cleaned here, once; the archive keeps the bytes as received.
        # One search over all the text first: the usual record has nothing to clean.
        text = (
            f"{self.registrant_id}\n{self.registration_number}\n{self.name}\n{self.family_name}\n"
            f"{self.given_names}\n{self.category}\n{self.status}\n{self.status_class}\n"
            f"{self.profile_url}\n" + "\n".join(map(str, self.conditions))
        )
        if _CONTROLS.search(text):
            _clean_fields(self, _REGISTRATION_TEXT)

    def content(self) -> list:
        """The record's published content, without evidence: what a change is measured on.

        Built by hand rather than with dataclasses.asdict, which is ten times slower.
        """
        held, locations = self.authorizations, self.locations
        content = [
            self.regulator,
            self.registrant_id,
            self.registration_number,
            self.name,
            self.family_name,
            self.given_names,
            self.category,
            self.status,
            self.status_class,
            self.conditions,
            self.profile_url,
            # (no comprehension for none or one: each costs a call, a large share of a hash)
            [list(vars(a).values()) for a in held] if held else [],
            [locations[0].content()]
            if len(locations) == 1
            else [loc.content() for loc in locations],
        ]
        # The profession only where a record carries its own: records of single-profession
        # registers keep the hashes they had before professions existed.
        if self.profession:
            content.append(self.profession)
        return content

    def content_hash(self) -> str:
        placed = False
        for location in self.locations:  # (a loop: a generator costs more than one location)
            if location.latitude is not None or location.longitude is not None:
                placed = True
                break
        return hashlib.sha256(_content_bytes(self.content(), placed)).hexdigest()


_REGISTRATION_TEXT = tuple(
    f.name
    for f in fields(Registration)
    if f.name not in ("authorizations", "locations", "evidence", "regulator", "profession")
)
