"""Verification verdicts: is this registration authorized to needle, and on what evidence?

One module answers for the single-check API, rosters (API, web page, CLI) and watch lists. It only
reads the registry database; receipts are written by registry/clinics/receipts.py.

Verdicts, in the order they are decided:
  not_found              the regulator's register (as last imported) has no such number
  check_by_name          the register hides or omits some numbers (Ontario shows "XXX42"), and no
                         one person matched the visible digits and the name given: not proof of
                         absence, so look the person up by name (`check_by_name_url`)
  name_mismatch          the number is on the register but its holder is someone else: the name
                         given is not theirs; never "authorized" (`verdict_if_name_matched` says
                         what the holder's record says)
  name_close             the number's holder has a name spelled close to the one given (a likely
                         typo: "Andersen" for "Anderson", same initials): probably the same person,
                         to be confirmed and corrected; never "authorized" either
  data_stale             the source's last successful import is older than its freshness limit
                         (`verdict_if_fresh` says what the stale data would answer)
  no_longer_on_register  the number was on the register and has since left it
  not_practising         on the register, but suspended, cancelled or not practising: may not
                         practise, so may not needle, whatever the register records about needling
  not_tracked            the regulator does not record needling (or has not been confirmed to),
                         and lists no authorization for this person
  authorized             on the register, practising, holding a needling authorization
  not_authorized         the regulator tracks needling and this person may not needle now
"""

from __future__ import annotations

import difflib
import json
import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypedDict
from urllib.parse import urlencode

from db import reads
from registry.lookup.answers import Document
from registry.lookup.documents import documents
from registry.lookup.freshness import DEFAULT_STALE_AFTER_HOURS, fresh_until
from registry.lookup.numbers import fits_mask, is_masked, normalize_number
from scrapers.kinds import DEFAULT_PROFESSION
from scrapers.places import fold, jurisdiction_region, region_code

VERDICTS = (
    "authorized",
    "name_mismatch",
    "name_close",
    "check_by_name",
    "not_authorized",
    "not_practising",
    "not_tracked",
    "not_found",
    "no_longer_on_register",
    "data_stale",
)
# Problems first: the order rows are listed in for a person to act on (errors come before all).
ATTENTION_ORDER = (
    "name_mismatch",
    "not_practising",
    "not_authorized",
    "no_longer_on_register",
    "name_close",
    "not_found",
    "check_by_name",
    "data_stale",
    "not_tracked",
    "authorized",
)
CHUNK = 500  # registrations per query: well inside SQLite's variable limit

# US states whose boards we declare; Canadian provinces come from scrapers.places.


class VerifyError(ValueError):
    """A query that cannot be checked as given; the message says what to send instead."""


@dataclass(frozen=True)
class Query:
    regulator: str  # a regulator id or short name, or a province or state (code or name)
    registration_number: str
    name: str | None = None


def needs_attention(verdict: str | None) -> bool:
    """Whether a row needs a person to act: anything but a clean "authorized" (None: an error)."""
    return verdict != "authorized"


def attention_rank(verdict: str | None) -> int:
    """Sort key putting the rows that need action first; an error (None) before any verdict."""
    return -1 if verdict is None else ATTENTION_ORDER.index(verdict)


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_REGULATORS = """
select g.id, g.short_name, g.name, g.jurisdiction, g.needling, g.register_url, g.coverage,
  g.coverage_note, coalesce(g.profession, 'physiotherapist') as profession, g.mechanism
from regulators g order by g.jurisdiction, g.id
"""


class LastImport(TypedDict):
    """A regulator's last successful import run."""

    import_run_id: int
    ended_at: str


class Freshness(TypedDict):
    """How current a regulator's data is, as a verification answer's `data` and a watch list's
    stale-data notice give it (Regulators.freshness_of)."""

    last_successful_import: LastImport | None
    stale_after_hours: float
    stale: bool
    stale_since: str | None
    fresh_until: str | None


class Proof(TypedDict):
    """What a verdict rests on: the response that showed the registration, or for one not
    found, the run that read the whole register without it."""

    source_url: str | None
    fetched_at: str | None
    response_sha256: str | None
    import_run_id: int | None


class Receipt(TypedDict):
    """A verification's receipt: when it was checked, its proof, and the evidence."""

    id: str | None  # set when the receipt is stored (registry/clinics/receipts.py)
    checked_at: str
    source_url: str | None
    fetched_at: str | None
    response_sha256: str | None
    import_run_id: int | None
    last_confirmed_by_import_run_id: int | None
    evidence: list[dict[str, Any]]


class VerifyAnswer(TypedDict):
    """The answer for one registration checked (`_answer`): the verdict first."""

    verdict: str
    verdict_if_fresh: str | None
    verdict_if_name_matched: str | None
    query: dict[str, Any]  # regulator, registration_number, name
    regulator: dict[str, Any]  # id, short_name, name, jurisdiction, profession, mechanism...
    registration: dict[str, Any] | None  # _registration
    name_warning: str | None
    name_match: str | None
    matched_by: str | None
    check_by_name_url: str | None
    data: Freshness
    receipt: Receipt


class Regulators:
    """The regulators, their last good import and freshness, read once per batch."""

    def __init__(self, conn: sqlite3.Connection, freshness: dict[str, float], now: datetime):
        cursor = conn.execute(_REGULATORS)
        names = [c[0] for c in cursor.description]
        self.rows = {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}
        successes = reads.last_successes(conn)
        for gid, g in self.rows.items():
            run = successes.get(gid) or {}
            g["run_id"], g["run_ended_at"] = run.get("id"), run.get("ended_at")
        self.now = now
        self.conn = conn
        self._numbers: dict[str, bool] = {}
        self._masked: dict[str, list[tuple[str, str]]] = {}
        self._by_key: dict[str, list[str]] = {}
        for g in self.rows.values():
            code = jurisdiction_region(g["jurisdiction"])
            for key in (g["id"], g["short_name"] or "", g["name"], g["jurisdiction"], code):
                self._add(fold(key), g["id"])
        self.freshness = {gid: freshness.get(gid, DEFAULT_STALE_AFTER_HOURS) for gid in self.rows}

    def _add(self, key: str, gid: str) -> None:
        if key and gid not in self._by_key.setdefault(key, []):
            self._by_key[key].append(gid)

    def resolve(self, text: str) -> list[dict]:
        """Regulators meant by an id, short name, name, or province or state (code or name)."""
        key = fold(text or "")
        if not key:
            raise VerifyError("give the regulator (e.g. cpta) or the province (e.g. AB)")
        ids = self._by_key.get(key)
        if ids is None:
            code = region_code(text)
            ids = self._by_key.get(fold(code)) if code else None
        if not ids:
            raise VerifyError(
                f"unknown regulator or province {text[:40]!r}; use a regulator id or short "
                "name from /api/sources (e.g. cpta, CPO) or a province (AB, Alberta, Québec)"
            )
        found = [self.rows[i] for i in ids]
        supported = [g for g in found if g["coverage"] == "supported"]
        if not supported:
            g = found[0]
            raise VerifyError(
                f"{g['short_name'] or g['id']} ({g['jurisdiction']}) is not yet covered: "
                f"{g['coverage_note'] or 'no register we can read'}"
            )
        # A province names its physiotherapy register(s) where it has one: another profession's
        # register (naturopaths, acupuncturists) is asked for by its own id or short name.
        physiotherapy = [g for g in supported if g["profession"] == DEFAULT_PROFESSION]
        if len(supported) > 1 and physiotherapy:
            supported = physiotherapy
        numbered = [g for g in supported if self._numbered(g["id"])]
        if not numbered:
            g = supported[0]
            raise VerifyError(
                f"the {g['short_name'] or g['id']} register publishes no registration numbers, "
                "so it cannot be checked by number; find the person by name with "
                f"/api/search?q=NAME&province={g['jurisdiction'].split('-')[-1]}"
            )
        return numbered

    def _numbered(self, gid: str) -> bool:
        """Whether a register publishes numbers: yes, unless it has people and none has one."""
        if gid not in self._numbers:
            self._numbers[gid] = not self.conn.execute(
                "select exists(select 1 from registrations where regulator_id = ?) and not "
                "exists(select 1 from registrations where regulator_id = ? and "
                "registration_number is not null)",
                [gid, gid],
            ).fetchone()[0]
        return self._numbers[gid]

    def masked(self, gid: str) -> list[tuple[str, str]]:
        """(registration id, number) for each number the register prints masked ("XXX42"),
        still on the register first; read once per batch."""
        if gid not in self._masked:
            rows = self.conn.execute(
                "select id, registration_number from registrations where regulator_id = ? and "
                "(registration_number like '%X%' or registration_number like '%*%') "
                "order by removed_at is not null, id",
                [gid],
            ).fetchall()
            self._masked[gid] = [(rid, n) for rid, n in rows if is_masked(n)]
        return self._masked[gid]

    def freshness_of(self, gid: str) -> Freshness:
        g = self.rows[gid]
        hours = self.freshness[gid]
        limit = fresh_until(g["run_ended_at"], hours)
        stale = limit is None or self.now >= limit
        stale_since = utc_text(limit) if limit else None
        return {
            "last_successful_import": (
                {"import_run_id": g["run_id"], "ended_at": g["run_ended_at"]}
                if g["run_id"]
                else None
            ),
            "stale_after_hours": hours,
            "stale": stale,
            "stale_since": stale_since if stale else None,
            "fresh_until": None if stale else stale_since,
        }


def _tokens(text: str | None) -> list[str]:
    return [t for t in re.split(r"[^\w']+|_", fold(text or "").replace("'", "")) if t]


# How alike two spellings of a name part must be (difflib's ratio) to be taken for a typo.
CLOSE_RATIO = 0.75


def _part_matches(word: str, names: list[str]) -> bool:
    """A word of the name given is one of the register's names, or an initial of one."""
    return word in names or (len(word) == 1 and any(n.startswith(word) for n in names))


def _part_close(word: str, names: list[str]) -> bool:
    """A word spelled close to one of the register's names: the same first letter, the same
    length give or take a letter ("Andersen", "Amnda"), and few letters changed; "Robertson"
    for "Roberts" is another name, not a typo."""
    return any(
        n[:1] == word[:1]
        and abs(len(n) - len(word)) <= 1
        and difflib.SequenceMatcher(None, word, n).ratio() >= CLOSE_RATIO
        for n in names
        if len(word) > 1 and len(n) > 1
    )


def name_match(given: str | None, doc: Document) -> str:
    """How the name a clinic gave compares with the register's: "match", "close" (the same
    person by all appearances, a name spelled a little differently: a likely typo) or
    "different" (someone else). No name given is a match: there is nothing to compare.

    Accents and case are folded; order, commas and middle names do not matter; a hyphenated
    surname matches on any of its parts; a given name may be an initial.
    """
    if not given or not given.strip():
        return "match"
    words = _tokens(given)
    family = _tokens(doc.get("family_name"))
    givens = _tokens(doc.get("given_names"))
    if not family:
        listed = set(_tokens(doc.get("name")))
        if words and (set(words) <= listed or len(set(words) & listed) >= 2):
            return "match"
        close = [w for w in words if w not in listed and _part_close(w, list(listed))]
        exact = [w for w in words if w in listed]
        return "close" if exact and close and len(exact) + len(close) == len(words) else "different"
    family_ok = any(t in words for t in family)
    rest = [w for w in words if w not in family]
    given_ok = not givens or not rest or any(_part_matches(t, givens) for t in rest)
    if family_ok and given_ok:
        return "match"
    # A typo: the surname or the given name spelled close to the register's, the other right.
    family_close = family_ok or any(_part_close(w, family) for w in words)
    if family_ok:
        given_close = any(_part_close(t, givens) for t in rest)
    else:
        others = [w for w in words if not _part_close(w, family)]
        given_close = (
            not givens
            or not others
            or any(_part_matches(t, givens) or _part_close(t, givens) for t in others)
        )
    return "close" if family_close and (given_ok or given_close) else "different"


def name_warning(given: str | None, doc: Document) -> str | None:
    """A warning when the name a clinic gave does not match the register's; None when it does."""
    found = name_match(given, doc)
    if found == "match":
        return None
    shown = (given or "").strip()[:80]
    if found == "close":
        return (
            f"the name given, {shown!r}, is spelled a little differently from the register's "
            f"{doc['name']!r}: probably the same person with a typo; check the spelling before "
            "relying on this record"
        )
    return (
        f"the name given, {shown!r}, is not the name of this number's holder, {doc['name']!r}: "
        "the number belongs to someone else"
    )


def _primary_evidence(evidence: list[dict]) -> dict | None:
    """The response that best proves the answer: the detail page if read, else the listing."""
    for role in ("detail", "profile", "listing"):
        for e in evidence:
            if e.get("role") == role:
                return e
    return evidence[0] if evidence else None


def _lookup(conn: sqlite3.Connection, pairs: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Registration ids for (regulator, number) pairs, preferring one still on the register."""
    found: dict[tuple[str, str], str] = {}
    by_regulator: dict[str, list[str]] = {}
    for gid, number in pairs:
        by_regulator.setdefault(gid, []).append(number)
    for gid, numbers in by_regulator.items():
        for i in range(0, len(numbers), CHUNK):
            chunk = numbers[i : i + CHUNK]
            rows = conn.execute(
                "select registration_number, id from registrations where regulator_id = ? and "
                f"registration_number in ({','.join('?' * len(chunk))}) "
                "order by removed_at is not null desc, id desc",
                [gid, *chunk],
            )
            for number, rid in rows:  # later rows win: on the register, lowest id
                found[(gid, number)] = rid
    return found


def _documents(conn: sqlite3.Connection, ids: list[str]) -> dict[str, Document]:
    docs: dict[str, Document] = {}
    unique = list(dict.fromkeys(ids))
    for i in range(0, len(unique), CHUNK):
        for doc in documents(conn, unique[i : i + CHUNK]):
            docs[doc["id"]] = doc
    return docs


def _verdict(doc: Document | None) -> str:
    if doc is None:
        return "not_found"
    if not doc["on_register"]:
        return "no_longer_on_register"
    answer = doc["needling"]["answer"]  # standing first: registry/lookup/standing.py
    if answer in ("not_tracked", "unknown", "kept_unpublished"):
        return "not_tracked"  # whatever the board keeps, the register does not say
    return answer  # authorized | not_authorized | not_practising


def _registration(doc: Document) -> dict:
    return {
        "id": doc["id"],
        "name": doc["name"],
        "registration_number": doc["registration_number"],
        "profession": doc["profession"],
        # Standing first; `status` is the register's status now (none once it no longer lists
        # the person: `last_listed_status` is then the status it showed last, as history).
        "standing": doc["standing"]["state"],
        "category": doc["category"],
        "status": doc["standing"]["status"],
        "last_listed_status": doc["standing"]["last_listed_status"],
        "status_class": doc["status_class"],
        "on_register": doc["on_register"],
        "no_longer_on_register_since": doc["no_longer_on_register_since"],
        "conditions": doc["conditions"],
        "needling_answer": doc["needling"]["answer"],
        "authorized_kinds": doc["needling"]["kinds"],
        # In the regulator's own words, with our kind and how it is held (mechanism; by_scope:
        # the whole profession may) beside them.
        "authorizations": doc["needling"]["authorizations"],
        "profile_url": doc["profile_url"],
        "first_seen": doc["first_seen"],
        "last_seen": doc["last_seen"],
        "api_url": f"/api/registrations/{doc['regulator']['id']}/{doc['registration_number']}",
    }


def check_by_name_url(name: str | None) -> str:
    """Our search page, for the person's name, everyone shown (not only the authorized)."""
    return "/?" + urlencode({"q": (name or "").strip()[:80], "show": "all"})


def _answer(
    query: Query,
    number: str,
    g: dict,
    fresh: Freshness,
    doc: Document | None,
    at: str,
    masked: str | None = None,
) -> VerifyAnswer:
    """The answer for one query. `masked` is how a masked match was decided: "matched" (one
    person on the register shows these visible digits under this name) or "no_safe_match"."""
    verdict = "check_by_name" if masked == "no_safe_match" else _verdict(doc)
    evidence = doc["evidence"] if doc else []
    primary = _primary_evidence(evidence)
    last: Mapping[str, Any] = fresh["last_successful_import"] or {}
    proof: Proof
    if primary:
        proof = {
            "source_url": primary.get("url"),
            "fetched_at": primary.get("fetched_at"),
            "response_sha256": primary.get("sha256"),
            "import_run_id": primary.get("import_run"),
        }
    else:
        # Absence is proved by the run that read the whole register without this number.
        proof = {
            "source_url": g["register_url"],
            "fetched_at": last.get("ended_at"),
            "response_sha256": None,
            "import_run_id": last.get("import_run_id"),
        }
    match = name_match(query.name, doc) if doc else "match"
    warning = name_warning(query.name, doc) if doc else None
    shown = "data_stale" if fresh["stale"] else verdict
    name_verdict = {"close": "name_close", "different": "name_mismatch"}.get(match)
    return {
        # A name that is not the holder's is never "authorized": the verdict says so first.
        "verdict": name_verdict or shown,
        "verdict_if_fresh": verdict if fresh["stale"] else None,
        "verdict_if_name_matched": shown if warning else None,
        "query": {
            "regulator": query.regulator,
            "registration_number": number,
            "name": query.name or None,
        },
        "regulator": {
            k: g[k]
            for k in (
                "id",
                "short_name",
                "name",
                "jurisdiction",
                "profession",
                "mechanism",
                "needling",
                "register_url",
            )
        },
        "registration": _registration(doc) if doc else None,
        "name_warning": warning,
        "name_match": match if doc else None,  # match, close (a likely typo) or different
        # Masked registers (Ontario): how the number was matched, and where to look by name.
        "matched_by": (
            "visible_digits_and_name" if masked == "matched" else "number" if doc else None
        ),
        "check_by_name_url": check_by_name_url(query.name) if verdict == "check_by_name" else None,
        "data": fresh,
        "receipt": {
            "id": None,  # set when the receipt is stored
            "checked_at": at,
            **proof,
            "last_confirmed_by_import_run_id": last.get("import_run_id"),
            "evidence": evidence,
        },
    }


def verify_many(
    conn: sqlite3.Connection,
    queries: list[Query],
    freshness: dict[str, float],
    now: datetime | None = None,
) -> list[VerifyAnswer | VerifyError]:
    """An answer per query, in order; a query that cannot be checked gets its VerifyError."""
    now = now or datetime.now(UTC)
    at = utc_text(now)
    regulators = Regulators(conn, freshness, now)
    resolved: list[tuple[list[dict], str] | VerifyError] = []
    pairs: set[tuple[str, str]] = set()
    for q in queries:
        try:
            candidates = regulators.resolve(q.regulator)
            number = normalize_number(q.registration_number)
            if not number:
                raise VerifyError("give the registration number")
            if len(number) > 40:
                raise VerifyError(f"registration number {number[:40]!r}... is too long")
        except VerifyError as e:
            resolved.append(e)
            continue
        resolved.append((candidates, number))
        pairs.update((g["id"], number) for g in candidates)
    ids = _lookup(conn, pairs)
    # A number not found exactly, on a register that masks numbers: the people whose visible
    # digits fit it, to be told apart by name below.
    fitting: dict[int, list[tuple[dict, str]]] = {}
    for i, r in enumerate(resolved):
        if isinstance(r, VerifyError):
            continue
        candidates, number = r
        if any((g["id"], number) in ids and not is_masked(number) for g in candidates):
            continue
        masking = [g for g in candidates if regulators.masked(g["id"])]
        if masking:
            fitting[i] = [
                (g, rid)
                for g in masking
                for rid, shown in regulators.masked(g["id"])
                if fits_mask(shown, number)
            ]
    wanted = list(ids.values()) + [rid for fits in fitting.values() for _, rid in fits]
    docs = _documents(conn, wanted)
    fresh = {gid: regulators.freshness_of(gid) for gid in regulators.rows}
    out: list[VerifyAnswer | VerifyError] = []
    for i, (q, r) in enumerate(zip(queries, resolved, strict=True)):
        if isinstance(r, VerifyError):
            out.append(r)
            continue
        candidates, number = r
        if i in fitting:
            # Safe only when the name is given and exactly one person fits digits and name.
            named = [
                (g, docs[rid])
                for g, rid in fitting[i]
                if rid in docs and q.name and name_warning(q.name, docs[rid]) is None
            ]
            people = {holder["id"] for _, holder in named}
            if len(people) == 1:
                g, holder = named[0]
                out.append(_answer(q, number, g, fresh[g["id"]], holder, at, masked="matched"))
            else:
                g = next(g for g in candidates if regulators.masked(g["id"]))
                out.append(_answer(q, number, g, fresh[g["id"]], None, at, masked="no_safe_match"))
            continue
        g = next((g for g in candidates if (g["id"], number) in ids), candidates[0])
        doc = docs.get(ids.get((g["id"], number), ""))
        out.append(_answer(q, number, g, fresh[g["id"]], doc, at))
    return out


def verify_one(
    conn: sqlite3.Connection, query: Query, freshness: dict[str, float], now=None
) -> VerifyAnswer:
    """The answer for one query; raises VerifyError when it cannot be checked."""
    (answer,) = verify_many(conn, [query], freshness, now)
    if isinstance(answer, VerifyError):
        raise answer
    return answer


BY_NAME_LIMIT = 10
_BY_NAME = """
select d.name, d.registration_number, d.city, d.province, d.on_register, d.regulator_id
from directory_fts f join directory d on d.id = f.rowid
where directory_fts match ? and d.regulator_id in (select value from json_each(?))
  and d.registration_number is not null
order by d.on_register desc, f.rowid limit ?
"""


def by_name(conn: sqlite3.Connection, regulator: str, name: str) -> list[dict]:
    """The people on a regulator's register (or a province's) whose names hold every word of
    `name`, those still on it first: how a clinic checks someone whose number it does not have.
    VerifyError for a regulator that cannot be checked."""
    candidates = Regulators(conn, {}, datetime.now(UTC)).resolve(regulator)
    words = re.findall(r"\w+", fold(name).casefold())[:8]
    if not words:
        raise VerifyError("give the person's name, or their registration number")
    quoted = [f'"{w}"' for w in words]
    if len(words[-1]) >= 2:
        quoted[-1] += "*"  # the last word may be the start of a name, as in a search
    expression = "name : (" + " ".join(quoted) + ")"
    ids = json.dumps([g["id"] for g in candidates])
    rows = conn.execute(_BY_NAME, [expression, ids, BY_NAME_LIMIT]).fetchall()
    return [
        {
            "name": n,
            "registration_number": number,
            "city": city,
            "province": province,
            "on_register": bool(on),
            "regulator": gid,
        }
        for n, number, city, province, on, gid in rows
    ]


def canonical(body: Mapping[str, Any]) -> str:
    """The JSON text a receipt is stored and hashed as."""
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
