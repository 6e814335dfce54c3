"""What place a person meant, and the search that follows: one understanding for the page and
the API.

A place is typed in the city box ("Red Deer", "Reddeer", "Red Deer AB", "T4N"), given to the API
(`city`, `near`), or written in the name box with other words ("physiotherapist Red Deer", "dry
needling Calagry", "T4N 1A1"). Each is understood the same way here: a postal area, a city as
the registers print it, or a place in the gazetteer written loosely; a misspelt one is answered
with the places named close to it. When a search in a place finds nobody, `why_empty` says why.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from registry.gazetteer import Place, UnknownPlace, gazetteer, place_key, variants
from registry.lookup import cities, postcodes
from registry.lookup.answers import Link, RegulatorHere, SearchAnswer, WhyEmpty
from registry.lookup.search import (
    Query,
    SearchError,
    UnknownCity,
    kind_from_words,
    search,
    skip,
    tokens,
)
from scrapers.kinds import DEFAULT_PROFESSION
from scrapers.places import COUNTRIES, fold, region_code


@dataclass(frozen=True)
class Where:
    """What a person typed for a place, understood: as typed ("Red Deer"), or rewritten
    ("Reddeer", "Red Deer AB", "Saint Albert", "Quebec City", "T4N": `changed`)."""

    typed: str
    name: str
    region: str  # "" where not known
    changed: bool

    @property
    def label(self) -> str:
        return f"{self.name}, {self.region}" if self.region else self.name


def understand(conn: sqlite3.Connection, typed: str) -> Where | None:
    """The place a person means: a postal area ("T4N"), a city on the registers as they print
    it, or a place in the gazetteer, written loosely; None when it is none of these."""
    if fsa := postcodes.area(typed):
        found = postcodes.place(conn, fsa)
        return Where(typed, found.name, found.region, True) if found else None
    options = variants(typed)
    known = cities.by_key(conn)
    for i, (name, region) in enumerate(options):
        for city in known.get(place_key(name), ()):
            if region is None or city.region == region:
                return Where(typed, city.name, city.region, i > 0)
    try:
        place = gazetteer().resolve(typed)
    except UnknownPlace:
        return None
    return Where(typed, place.name, place.region, place_key(place.name) != place_key(options[0][0]))


def near_misses(typed: str) -> list[Place]:
    """ "Did you mean Calgary?": places named close to what was typed."""
    return [] if postcodes.area(typed) else gazetteer().near_misses(typed)


# Words naming a profession ("physiotherapist in Red Deer", "acupuncteur Montréal"), in English
# or French, accent-folded: they are not a name to look for, and they say whom the search is for.
# Longer phrases first, so that "naturopathic doctor" is not read as "doctor".
PROFESSION_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("naturopathic", "doctors"), "naturopath"),
    (("naturopathic", "doctor"), "naturopath"),
    (("physical", "therapists"), "physiotherapist"),
    (("physical", "therapist"), "physiotherapist"),
    (("physical", "therapy"), "physiotherapist"),
    *(
        ((word,), "physiotherapist")
        for word in (
            "physiotherapists",
            "physiotherapist",
            "physiotherapy",
            "physios",
            "physio",
            "physiotherapeutes",
            "physiotherapeute",
            "physiotherapie",
        )
    ),
    *(
        ((word,), "acupuncturist")
        for word in (
            "acupuncturists",
            "acupuncturist",
            "acupuncteurs",
            "acupuncteur",
            "acupunctrices",
            "acupunctrice",
        )
    ),
    *(((word,), "physician") for word in ("physicians", "physician", "medecins", "medecin")),
    *(
        ((word,), "naturopath")
        for word in ("naturopaths", "naturopath", "naturopathes", "naturopathe")
    ),
)
# Small words between what and where ("dry needling in Calgary", "physio près de Laval").
_BETWEEN = {"in", "near", "at", "around", "a", "au", "en", "pres", "de", "du", "dans", "the"}


def without_profession(words: list[str]) -> tuple[list[str], str | None]:
    """The words without those naming a profession ("physiotherapist", "physical therapy",
    "acupuncteur"), and the profession the last of them named (None: none did)."""
    folded = [fold(w) for w in words]
    keep = [True] * len(words)
    named = None
    present = set(folded)
    for phrase, profession in PROFESSION_WORDS:
        if phrase[0] not in present:
            continue
        n = len(phrase)
        for i in range(len(words) - n + 1):
            if all(keep[i : i + n]) and tuple(folded[i : i + n]) == phrase:
                keep[i : i + n] = [False] * n
                named = profession
    return [w for w, k in zip(words, keep, strict=True) if k], named


def _trim(words: list[str]) -> list[str]:
    """The words without small joining words at either end ("in", "près de")."""
    start, end = 0, len(words)
    while start < end and fold(words[start]) in _BETWEEN:
        start += 1
    while end > start and fold(words[end - 1]) in _BETWEEN:
        end -= 1
    return words[start:end]


def _is_a_name(conn: sqlite3.Connection, words: list[str]) -> bool:
    """Whether these words are (the start of) someone's name on the registers: "Hamilton" typed
    in the name box is looked for as a name, not read as the city."""
    expression = "name : (" + " ".join(f'"{w.casefold()}"' for w in words) + ")"
    found = conn.execute(
        "select 1 from directory_fts where directory_fts match ? limit 1", [expression]
    )
    return found.fetchone() is not None


def _runs(words: list[str]):
    """Runs of words at the end, then the start, longest first: (the run, the other words)."""
    for n in range(len(words), 0, -1):
        yield words[-n:], words[:-n]
        if n < len(words):
            yield words[:n], words[n:]


def place_in_words(
    conn: sqlite3.Connection, words: list[str], asked: bool
) -> tuple[Where, list[str]] | None:
    """A place written in the name box with other words, and those other words.

    A postal code anywhere ("T4N", "T4N 1A1") is a place. Otherwise the longest run of words at
    the end or the start that the city box would understand, unless those words are a name on
    the registers; a place not on the registers (a US town named like a person) only when the
    words also asked for a kind of needling or a profession (`asked`)."""
    for i in range(len(words)):
        for n in (2, 1):
            text = " ".join(words[i : i + n])
            if len(words[i : i + n]) == n and postcodes.area(text):
                if (where := understand(conn, text)) is not None:
                    return where, words[:i] + words[i + n :]
                break
    known = cities.by_key(conn)
    for run, rest in _runs(words):
        run, rest = _trim(run), _trim(rest)
        if not run:
            continue
        # A place first (lookups in memory), then a name (the full-text index), as most runs
        # of words people type in the name box are no place.
        where = understand(conn, " ".join(run))
        if where is None or _is_a_name(conn, run):
            continue
        if asked or _on_registers(known, where):
            return replace(where, changed=True), rest
    return None


def _on_registers(known: dict[str, list[cities.City]], where: Where) -> bool:
    return any(
        (c.name, c.region) == (where.name, where.region)
        for c in known.get(place_key(where.name), ())
    )


def guess_in_words(words: list[str]) -> tuple[list[Place], list[str]]:
    """Places named close to a misspelt run of words at the end or the start ("Calagry"), and
    the other words; ([], words) when none is close."""
    for run, rest in _runs(words):
        run, rest = _trim(run), _trim(rest)
        if run and (close := near_misses(" ".join(run))):
            return close, rest
    return [], words


@dataclass(frozen=True)
class Understood:
    """A search as the person meant it: the query to run, the place understood (from the city
    box, `city`/`near`, or read out of the name box), and places close to a misspelt one."""

    query: Query
    where: Where | None = None
    typed_place: str = ""  # what was typed for the place, understood or not
    did_you_mean: tuple[Place, ...] = ()
    name_words: str = ""  # the name box's words that are not a place (for "did you mean")
    q_kind: str | None = None  # a kind of needling named in the name box
    asked: bool = False  # the name box named a kind of needling or the profession too


def _read_q(query: Query) -> tuple[Query, list[str], str | None, bool]:
    """The name box's words without those naming the profession, those naming a kind of
    needling made the kind: (the query, the other words, the kind named, whether any was)."""
    if not (query.q and query.q.strip()):
        return query, [], None, False
    words = tokens(query.q, "q")
    if not words:
        raise SearchError("q has no letters or digits to search for")
    named, profession = without_profession(words)
    rest, kind = kind_from_words(named)
    asked = kind is not None or len(named) < len(words)
    if kind is not None and query.kind in (None, "needling"):  # the more precise kind wins
        query = replace(query, kind=kind)
    if profession is not None and not query.profession:  # the profession box wins
        query = replace(query, profession=profession)
    if asked:
        query = replace(query, q=" ".join(rest) or None)
    return query, rest, kind, asked


def understand_query(conn: sqlite3.Connection, query: Query, within: int = 0) -> Understood:
    """The query with its place understood, the same for the page and the API.

    `city` and `near` are understood as places ("Reddeer", "Red Deer AB", "T4N"); words in `q`
    naming the profession are dropped, those naming a kind of needling become the kind, and,
    without a city, a place written among them becomes the city (or, with `within` km, the
    centre of a near search)."""
    query, rest, kind, asked = _read_q(query)
    typed = (query.near or query.city or "").strip()
    if typed and query.province and "," not in typed:
        typed = f"{typed}, {query.province}"
    if typed:
        where = understand(conn, typed)
        if query.near:
            if where is not None and where.changed:
                query = replace(query, near=where.label)
        elif where is not None and where.region:
            query = replace(query, city=where.name, province=where.region)
        elif where is None:  # a city the registers print but no gazetteer knows: as typed
            name, _, after = typed.rpartition(",")
            if name.strip() and (code := region_code(after)):
                query = replace(query, city=name.strip(), province=code)
        return Understood(query, where, typed, q_kind=kind)
    found = place_in_words(conn, rest, asked) if rest else None
    if found is None:
        return Understood(query, q_kind=kind, name_words=" ".join(rest), asked=asked)
    where, others = found
    query = replace(query, q=" ".join(others) or None)
    if within:
        query = replace(query, near=where.label, km=within)
    else:
        query = replace(query, city=where.name, province=where.region or None)
    return Understood(query, where, where.typed, name_words=" ".join(others), q_kind=kind)


def find(
    conn: sqlite3.Connection,
    query: Query,
    *,
    within: int = 0,
    offset: int = 0,
    as_json: bool = False,
) -> tuple[SearchAnswer, Understood]:
    """A search with its place understood (see understand_query), from its `offset`th result.

    `Unknown` when the place typed is not one we know and nobody is found: for a misspelt
    place, whether typed in the city box or the name box, its `did_you_mean` lists the places
    named close to it."""
    understood = understand_query(conn, query, within)
    try:
        run = understood.query
        if offset:
            run = skip(conn, run, offset)
        found = search(conn, run, as_json=as_json)
    except UnknownCity as e:  # a near search's centre the gazetteer does not know
        typed = understood.typed_place or e.city
        guesses = tuple(near_misses(typed))
        raise Unknown(typed, replace(understood, did_you_mean=guesses), str(e)) from None
    region = understood.where.region if understood.where else understood.query.province
    found["regulators_here"] = regulators_here(conn, region) if region else []
    if found["results"] or understood.where is not None:
        return found, understood
    if understood.typed_place:
        guesses = tuple(near_misses(understood.typed_place))
        raise Unknown(understood.typed_place, replace(understood, did_you_mean=guesses))
    # A misspelt place in the name box, only beside words asking for a kind of needling or the
    # profession ("dry needling Calagry"): a name alone ("O'Brien") is looked for as a name.
    if understood.asked and understood.name_words and not found["not_tracked"]:
        close, others = guess_in_words(understood.name_words.split())
        if close:
            raise Unknown(
                understood.name_words,
                replace(understood, did_you_mean=tuple(close), name_words=" ".join(others)),
            )
    return found, understood


class Unknown(UnknownCity):
    """A place we do not know, nobody found, and what we understood (with the places close to
    it)."""

    def __init__(self, typed: str, understood: Understood, message: str = ""):
        message = message or f"no city or town called {typed[:60]!r} is known to us"
        if understood.did_you_mean:
            labels = ", ".join(p.label for p in understood.did_you_mean)
            message += f"; did you mean {labels}?"
        super().__init__(message, typed)
        self.understood = understood


def search_in_place(conn: sqlite3.Connection, query: Query, as_json: bool = False) -> SearchAnswer:
    """`find` for the API: the results, with the place understood when it was rewritten."""
    try:
        found, understood = find(conn, query, as_json=as_json)
    except UnknownCity as e:
        raise SearchError(str(e)) from None
    where = understood.where
    if where is not None and where.changed:
        return {"place": {"typed": where.typed, "name": where.name, "region": where.region}} | found
    return found


def regulator_lang(jurisdiction: str | None) -> str:
    """The language a regulator's register is written in: French in Quebec, English elsewhere."""
    return "fr" if (jurisdiction or "").upper().rpartition("-")[2] == "QC" else "en"


# Whether a regulator's registrations give a city is read through their index by regulator: with
# statistics saying one regulator holds them all, SQLite chose to scan every registration, which
# for a regulator holding none (another profession's board in the province) found nothing in
# 0.2-0.5 s at 1,000,000: every patient page that found nobody paid it.
_REGULATORS_OF = """
select g.name, g.short_name, g.register_url,
  exists (select 1 from last_successful_runs r where r.regulator_id = g.id),
  exists (select 1 from registrations x
            indexed by idx_registrations_regulator_id_registration_number
          join practice_locations l on l.registration_id = x.id
          where x.regulator_id = g.id and trim(coalesce(l.city, '')) != ''),
  coalesce(g.profession, 'physiotherapist')
from regulators g where g.jurisdiction = ? order by g.id
"""


def why_empty(
    conn: sqlite3.Connection, region: str, profession: str | None = DEFAULT_PROFESSION
) -> WhyEmpty:
    """Why a search in a place found nobody: we do not read that province's or state's register
    yet (with the regulators' own searches), its register publishes no addresses (Washington's),
    or nobody there matches. Only the registers of the profession searched for count (None:
    any), so that a physiotherapist's search is never answered with the acupuncturists'."""
    country = COUNTRIES.get(region)
    rows = conn.execute(_REGULATORS_OF, [f"{country}-{region}"]).fetchall() if country else []
    rows = [row[:5] for row in rows if profession is None or row[5] == profession]
    read = [row for row in rows if row[3]]
    if not read:
        links: list[Link] = [
            {"name": name, "url": url.strip(), "lang": regulator_lang(region)}
            for name, _, url, _, _ in rows
            if url and urlsplit(url.strip()).scheme in ("http", "https")
        ]
        return {
            "kind": "not_read" if rows else "no_register",
            "links": links,
            "physiotherapy": profession == DEFAULT_PROFESSION,
        }
    if not any(row[4] for row in read):
        regulators = [row[0] for row in read]
        return {"kind": "no_addresses", "regulators": regulators, "lang": regulator_lang(region)}
    return {"kind": "nobody"}


_HERE = """
select g.id, g.name, g.short_name, g.jurisdiction, coalesce(g.profession, 'physiotherapist'),
  g.mechanism, g.needling, g.coverage, g.register_url, g.scope, g.wording,
  exists (select 1 from last_successful_runs r where r.regulator_id = g.id)
from regulators g where g.jurisdiction = ? order by g.profession = 'physiotherapist' desc,
  g.profession, g.id
"""
# What a patient asks where the board keeps a record it does not publish, by its mechanism.
_ASKED_FOR = {"registration": "registration", "attestation": "attestation"}


def ask_practitioner(mechanism: str | None) -> str:
    """What to ask a practitioner whose board keeps, but does not publish, who may needle."""
    what = _ASKED_FOR.get(mechanism or "", "registration or attestation")
    return (
        "The board keeps a record of who may dry-needle but does not publish it: ask the "
        f"practitioner to show you their dry needling {what} with the board."
    )


def regulators_here(conn: sqlite3.Connection, region: str) -> list[RegulatorHere]:
    """Who may needle in a province or state: each declared regulator there with the
    profession it registers, how a person comes to needle (by the profession's scope of
    practice, or authorized in person: the mechanism), the kinds it gives, and whether its
    register shows who may (`needling`; kept_unpublished with what to ask the practitioner)."""
    country = COUNTRIES.get(region)
    if not country:
        return []
    out: list[RegulatorHere] = []
    for row in conn.execute(_HERE, [f"{country}-{region}"]).fetchall():
        (gid, name, short, jurisdiction, profession, mechanism, needling, coverage, url) = row[:9]
        scope, wording, read = row[9:]
        kinds = set(json.loads(scope or "{}").values()) | set(json.loads(wording or "{}").values())
        url = (url or "").strip()
        out.append(
            {
                "regulator": gid,
                "name": name,
                "short_name": short,
                "jurisdiction": jurisdiction,
                "profession": profession,
                "mechanism": mechanism,
                "by_scope": mechanism == "scope_of_practice",
                "kinds": sorted(kinds),
                "needling": needling,
                "coverage": coverage,
                "read": bool(read),
                "register_url": url if urlsplit(url).scheme in ("http", "https") else None,
                "ask": ask_practitioner(mechanism) if needling == "kept_unpublished" else None,
            }
        )
    return out
