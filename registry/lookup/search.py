"""Search over the directory: user input -> a safe FTS5 expression -> one page of results.

User input is never FTS syntax: it is split into word tokens (as the index's tokenizer splits
text), each token quoted, and the last one made a prefix ("rob" finds "Roberts"). Results come in
alphabetical order straight from the index (see db/directory.py), paged by a keyset cursor.

A search near a city (`near`, `km`) resolves the city in an offline gazetteer (gazetteer.py),
keeps the practice cities within the distance
(registry/lookup/cities.py), and returns the matches in
those cities nearest first, paged by a cursor holding (distance, row id).
"""

from __future__ import annotations

import base64
import json
import re
import sqlite3
from dataclasses import dataclass, replace

from registry.gazetteer import MAX_KM, Place, UnknownPlace, gazetteer, place_key
from registry.lookup import cities
from registry.lookup.answers import SearchAnswer, Untracked
from registry.lookup.documents import documents
from registry.lookup.standing import IN_PRACTICE_SQL
from scrapers.kinds import DEFAULT_PROFESSION, KINDS, PROFESSIONS, kinds_answering
from scrapers.places import PROVINCES, STATES, fold, region_code

MAX_QUERY_CHARS = 200
MAX_TOKENS = 8
MAX_LIMIT = 100
DEFAULT_LIMIT = 20
COUNT_CAP = 1000
DEFAULT_KM = 25
PARAMETERS = (
    "q",
    "city",
    "near",
    "km",
    "province",
    "kind",
    "profession",
    "show",
    "limit",
    "cursor",
)
# `profession`: one of PROFESSIONS, or ANY for whoever may. Without it, a search is for
# physiotherapists, except for the kinds other professions give: acupuncture (registered
# acupuncturists by their scope, and others authorized for it) and trigger point injections
# (physicians, by their scope), which any profession answers.
ANY = "any"
ANY_PROFESSION_KINDS = ("acupuncture", "trigger_point_injection")
SHOW = ("practising", "all")  # `show`: people who may be practising (the default), or everyone

_WORD = re.compile(r"\w+")


class SearchError(ValueError):
    """Bad search input; the message is shown to the user with a 400."""


class UnknownCity(SearchError):
    """A near search for a city the gazetteer does not know."""

    def __init__(self, message: str, city: str):
        super().__init__(message)
        self.city = city


@dataclass(frozen=True)
class Query:
    q: str | None = None
    city: str | None = None
    province: str | None = None
    kind: str | None = None
    near: str | None = None  # a city: results within `km` of it, nearest first
    km: int = DEFAULT_KM
    limit: int = DEFAULT_LIMIT
    after: int = 0
    after_metres: int = 0  # a near search's cursor: the distance of the last result shown
    order: str = "distance"  # a near search's order: "distance" (nearest first) or "name"
    # Everyone, or (the default) only people who may be practising: not suspended, cancelled,
    # not practising, nor gone from the register (registry/lookup/standing.py).
    everyone: bool = False
    # One of PROFESSIONS, ANY, or "" for the default by kind (profession_of).
    profession: str = ""


def profession_of(query: Query) -> str | None:
    """The profession a search is for (None: any): the one asked for, else physiotherapists,
    except for a kind other professions give (ANY_PROFESSION_KINDS)."""
    if query.profession:
        return None if query.profession == ANY else query.profession
    return None if query.kind in ANY_PROFESSION_KINDS else DEFAULT_PROFESSION


def parse_profession(text: str | None) -> str:
    """A `profession` parameter: one of PROFESSIONS or ANY; "" when absent."""
    if not text:
        return ""
    value = re.sub(r"[\s-]+", "_", text.strip().lower())
    if value != ANY and value not in PROFESSIONS:
        raise SearchError(
            f"unknown profession {text[:40]!r}; use one of {', '.join(PROFESSIONS)} or {ANY}"
        )
    return value


def tokens(text: str, what: str) -> list[str]:
    if len(text) > MAX_QUERY_CHARS:
        raise SearchError(f"{what} is too long: at most {MAX_QUERY_CHARS} characters")
    found = _WORD.findall(text.casefold())
    if len(found) > MAX_TOKENS:
        raise SearchError(f"{what} has too many words: at most {MAX_TOKENS}")
    return found


def _quoted(words: list[str]) -> list[str]:
    return [f'"{w}"' for w in words]  # \w+ tokens hold no double quotes


# Words people type for a kind of needling, in English and French, accent-folded: in `q` they
# become the kind filter ("dry needling in Toronto", "aiguilles Montréal") instead of names.
KIND_WORDS = {
    # Longest phrases are tried first: "trigger point injection" is not "trigger point".
    ("trigger", "point", "injection"): "trigger_point_injection",
    ("trigger", "point", "injections"): "trigger_point_injection",
    ("trigger", "points", "injections"): "trigger_point_injection",
    ("injection", "au", "point", "gachette"): "trigger_point_injection",
    ("injections", "aux", "points", "gachettes"): "trigger_point_injection",
    ("tpi",): "trigger_point_injection",
    ("dry", "needling"): "dry_needling",
    ("dry", "needle"): "dry_needling",
    ("trigger", "point"): "dry_needling",
    ("aiguilles",): "dry_needling",
    ("aiguille",): "dry_needling",
    ("ppas",): "dry_needling",
    ("puncture",): "dry_needling",
    ("ims",): "ims",
    ("intramuscular",): "ims",
    ("acupuncture",): "acupuncture",
    ("needling",): "needling",
    ("needles",): "needling",
}
_FILLER = {
    "in",
    "near",
    "a",
    "à",
    "au",
    "en",
    "de",
    "des",
    "du",
    "sous",
    "le",
    "la",
    "derme",
    "seches",
    "sèches",
    "therapy",
    "therapist",
    "who",
    "can",
    "do",
    "with",
}


# Longest phrases first: "trigger point injection" is not "trigger point".
_KIND_PHRASES = sorted(KIND_WORDS.items(), key=lambda item: -len(item[0]))


def kind_from_words(words: list[str]) -> tuple[list[str], str | None]:
    """Take the words naming a kind of needling out of a query: (the other words, the kind)."""
    folded = [fold(w) for w in words]
    present = set(folded)
    for phrase, kind in _KIND_PHRASES:
        if phrase[0] not in present:
            continue
        for i in range(len(folded) - len(phrase) + 1):
            if tuple(folded[i : i + len(phrase)]) == phrase:
                rest = words[:i] + words[i + len(phrase) :]
                return [w for w in rest if fold(w) not in _FILLER], kind
    return words, None


def resolve(query: Query) -> Query:
    """The query with the words for a kind of needling in `q` turned into the kind filter."""
    if query.q is None or not query.q.strip():
        return query
    words = tokens(query.q, "q")
    if not words:
        raise SearchError("q has no letters or digits to search for")
    rest, kind = kind_from_words(words)
    if kind is None:
        return query
    return replace(query, q=" ".join(rest) or None, kind=query.kind or kind)


def _phrase(text: str) -> str:
    return '"' + " ".join(_WORD.findall(text.casefold())) + '"'


def match_expression(query: Query, near: list[str] | None = None) -> str:
    """The FTS5 MATCH expression for a query; raises SearchError on input with nothing to find.

    `near` are the practice cities around a near search's city: a match practises in one of them.
    """
    parts = []
    query = resolve(query)
    if query.q is not None and query.q.strip():
        words = tokens(query.q, "q")
        quoted = _quoted(words)
        if len(words[-1]) >= 2:
            quoted[-1] += "*"
        parts.append("{name cities organizations} : (" + " ".join(quoted) + ")")
    if query.city is not None and query.city.strip():
        words = tokens(query.city, "city")
        if not words:
            raise SearchError("city has no letters or digits to search for")
        parts.append(f'cities : "{" ".join(words)}"')
    if near:
        parts.append(f"cities : ({' OR '.join(dict.fromkeys(_phrase(n) for n in near))})")
    if query.province:
        parts.append(f'provinces : "{query.province.lower()}"')
    if query.kind:
        answering = " OR ".join(f'"{k.replace("_", "")}"' for k in kinds_answering(query.kind))
        parts.append(f"kind_tokens : ({answering})")
    if not parts:
        raise SearchError("give at least one of q, city, near, province or kind")
    return " AND ".join(parts)


def parse_query(params) -> Query:
    """Validate request parameters (a mapping of strings) into a Query."""
    unknown = set(params) - set(PARAMETERS)
    if unknown:
        raise SearchError(
            f"unknown parameter(s): {', '.join(sorted(unknown))}; use {', '.join(PARAMETERS)}"
        )
    province = params.get("province") or None
    if province:
        code = region_code(province)
        if code is None:
            raise SearchError(
                f"unknown province or state {province[:40]!r}; use a code such as "
                f"{', '.join(PROVINCES)} or a US state's, such as {', '.join(sorted(STATES)[:4])}"
            )
        province = code
    kind = params.get("kind") or None
    if kind:
        kind = re.sub(r"[\s-]+", "_", kind.strip().lower())
        if kind not in KINDS:
            raise SearchError(
                f"unknown kind {params['kind'][:40]!r}; use one of {', '.join(KINDS)}"
            )
    profession = parse_profession(params.get("profession"))
    show = params.get("show") or "practising"
    if show not in SHOW:
        raise SearchError(f"show must be {' or '.join(SHOW)}, got {show[:20]!r}")
    km = whole_number(params.get("km") or str(DEFAULT_KM), MAX_KM)
    if km is None or km < 1:
        raise SearchError(f"km must be a whole number of kilometres from 1 to {MAX_KM}")
    after, after_metres = decode_cursor(params.get("cursor"), with_distance=True)
    return Query(
        q=params.get("q"),
        city=params.get("city"),
        near=(params.get("near") or "").strip() or None,
        km=km,
        province=province,
        kind=kind,
        limit=page_size(params.get("limit"), DEFAULT_LIMIT, MAX_LIMIT),
        after=after,
        after_metres=after_metres,
        everyone=show == "all",
        profession=profession,
    )


def whole_number(text: str | None, most: int) -> int | None:
    """`text` as a whole number from 0 to `most` (ASCII digits only), else None: never the
    ValueError of int() on "²" or on more than 4,300 digits."""
    if not text or not text.isascii() or not text.isdigit():
        return None
    if len(text.lstrip("0")) > len(str(most)):
        return None
    number = int(text)
    return number if number <= most else None


def page_size(raw: str | None, default: int, maximum: int) -> int:
    """A `limit` parameter: a whole number from 1 to `maximum`, `default` when absent."""
    size = whole_number(raw or str(default), maximum)
    if size is None or size < 1:
        raise SearchError(f"limit must be a whole number from 1 to {maximum}")
    return size


def encode_cursor(rowid: int, metres: int | None = None) -> str:
    value = {"after": rowid} if metres is None else {"after": rowid, "m": metres}
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, with_distance: bool = False):
    """A cursor's last row id (and, `with_distance`, the distance in metres of a near search's)."""
    if not cursor:
        return (0, 0) if with_distance else 0
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        after, metres = value["after"], value.get("m", 0)
        if all(
            isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 2**63  # SQLite's integers
            for v in (after, metres)
        ):
            return (after, metres) if with_distance else after
    except (ValueError, KeyError, TypeError, UnicodeError, AttributeError, RecursionError):
        pass
    raise SearchError("cursor is not valid: use the next_cursor of a previous page")


_PAGE = """
select f.rowid, d.registration_id from directory_fts f join directory d on d.id = f.rowid {join}
where directory_fts match ? and f.rowid > ? {practising} {profession} order by f.rowid limit ?
"""
# A count needs only the filter's columns: it reads the narrow table of them
# (db/directory.py FILTER_SCHEMA), as `d` too, and its condition ({in_practice}).
_COUNT = """
select count(*) from (select f.rowid from directory_fts f join directory_filter d on d.id = f.rowid
{join} where directory_fts match ? {in_practice} {profession} limit ?)
"""


_IN_PRACTICE = {
    "join": "",  # the directory row holds the status class (db/directory.py)
    "practising": "and " + IN_PRACTICE_SQL,
    "in_practice": "and d.in_practice",  # the same, over directory_filter d
}
_ANYONE = dict.fromkeys(_IN_PRACTICE, "")


def profession_sql(query: Query) -> str:
    """The SQL condition on `directory d` for the query's profession ("" for any). The value is
    one of PROFESSIONS (parse_profession refuses anything else), so it is written in the SQL."""
    profession = profession_of(query)
    if profession is None:
        return ""
    assert profession in PROFESSIONS, profession
    return f"and d.profession = '{profession}'"


def sql(template: str, query: Query) -> str:
    """A query's SQL: for a patient's search (not `everyone`), only people who may be
    practising (a search by kind needs no filter: only practising people hold a kind now); and
    only the profession searched for."""
    practice = _ANYONE if query.everyone or query.kind else _IN_PRACTICE
    return template.format(**practice, profession=profession_sql(query))


def around(conn: sqlite3.Connection, query: Query) -> tuple[Place, list[tuple[cities.City, float]]]:
    """A near search's city and the practice cities within its distance; SearchError for a city
    the gazetteer does not know."""
    assert query.near is not None, "around() is for near searches"
    try:
        centre = gazetteer().resolve(query.near, query.province)
    except UnknownPlace as e:
        raise UnknownCity(str(e), query.near or "") from None
    return centre, cities.near(conn, centre, query.km)


_NEAR_PAGE = """
select f.rowid, d.registration_id, d.cities, d.provinces
from directory_fts f join directory d on d.id = f.rowid {join}
where directory_fts match ? and f.rowid > ? {practising} {profession} order by f.rowid limit ?
"""
_NEAR_ROWS = """
select d.cities, d.provinces from directory_fts f join directory d on d.id = f.rowid {join}
where directory_fts match ? {practising} {profession}
"""


class Rings:
    """The practice cities around a near search's city, grouped by distance (in metres): the
    people of the nearest group come first, each group in alphabetical order."""

    def __init__(self, places: list[tuple[cities.City, float]]):
        self.metres: dict[tuple[str, str], int] = {}
        self.groups: dict[int, list[str]] = {}
        for city, km in places:
            metres = round(km * 1000)
            self.metres[(city.key, city.region.lower())] = metres
            self.groups.setdefault(metres, []).append(city.name)

    def names(self) -> list[str]:
        return [name for group in self.groups.values() for name in group]

    def nearest(self, practice_cities: str, provinces: str) -> int | None:
        """A registrant's distance: to the nearest of their practice cities within the rings (a
        namesake in another province is not one)."""
        found = [
            self.metres[(place_key(city), region)]
            for city in practice_cities.split(" ; ")
            for region in provinces.split()
            if (place_key(city), region) in self.metres
        ]
        return min(found) if found else None


def near_page(conn: sqlite3.Connection, query: Query, rings: Rings) -> list[tuple[int, int, str]]:
    """Up to limit + 1 (metres, row id, registration id) after the cursor, nearest first.

    Each ring is read in row id order from the index, a page at a time, so a page costs about
    the same however many people practise around a big city. Someone practising in several
    cities is shown once, in the ring of the nearest.
    """
    page: list[tuple[int, int, str]] = []
    batch = query.limit + 1
    for metres in sorted(rings.groups):
        if metres < query.after_metres:
            continue
        after = query.after if metres == query.after_metres else 0
        expression = match_expression(query, rings.groups[metres])
        while True:
            rows = conn.execute(sql(_NEAR_PAGE, query), [expression, after, batch]).fetchall()
            for rowid, rid, practice_cities, provinces in rows:
                if rings.nearest(practice_cities, provinces) == metres:
                    page.append((metres, rowid, rid))
                    if len(page) > query.limit:
                        return page
            if len(rows) < batch:
                break
            after = rows[-1][0]
    return page


def name_page(conn: sqlite3.Connection, query: Query, rings: Rings) -> list[tuple[int, int, str]]:
    """A near search in alphabetical order: up to limit + 1 (metres, row id, registration id)
    after the cursor's row id, everyone within the rings (a namesake city elsewhere is not)."""
    page: list[tuple[int, int, str]] = []
    batch, after = query.limit + 1, query.after
    expression = match_expression(query, rings.names())
    while True:
        rows = conn.execute(sql(_NEAR_PAGE, query), [expression, after, batch]).fetchall()
        for rowid, rid, practice_cities, provinces in rows:
            if (metres := rings.nearest(practice_cities, provinces)) is not None:
                page.append((metres, rowid, rid))
                if len(page) > query.limit:
                    return page
        if len(rows) < batch:
            return page
        after = rows[-1][0]


def near_count(conn: sqlite3.Connection, query: Query, rings: Rings) -> int:
    """How many a near search finds, capped at COUNT_CAP + 1 like any search's count."""
    expression = match_expression(query, rings.names())
    if conn.execute(sql(_COUNT, query), [expression, COUNT_CAP + 1]).fetchone()[0] > COUNT_CAP:
        return COUNT_CAP + 1
    rows = conn.execute(sql(_NEAR_ROWS, query), [expression]).fetchall()
    return sum(rings.nearest(c, p) is not None for c, p in rows)


def search_near(conn: sqlite3.Connection, query: Query) -> SearchAnswer:
    """A near search: every match within the distance, nearest first (then alphabetical).

    A result's distance is from the city searched to the nearest of its practice cities; both are
    the gazetteer's centres of those places, not street addresses.
    """
    centre, places = around(conn, query)
    rings = Rings(places)
    by_name = query.order == "name"
    paged = name_page if by_name else near_page
    page, count = (paged(conn, query, rings), near_count(conn, query, rings)) if places else ([], 0)
    shown = page[: query.limit]
    results = documents(conn, [rid for _, _, rid in shown])
    for result, (metres, _, _) in zip(results, shown, strict=True):
        result["distance_km"] = round(metres / 1000, 1)
        for loc in result["locations"]:  # which of their places the distance is measured to
            at = rings.metres.get((place_key(loc["city"] or ""), (loc["province"] or "").lower()))
            loc["distance_km"] = None if at is None else round(at / 1000, 1)
    return {
        "count": min(count, COUNT_CAP),
        "count_is_exact": count <= COUNT_CAP,
        "next_cursor": encode_cursor(shown[-1][1], None if by_name else shown[-1][0])
        if len(page) > query.limit
        else None,
        "near": {
            "name": centre.name,
            "region": centre.region,
            "country": centre.country,
            "latitude": centre.latitude,
            "longitude": centre.longitude,
            "km": query.km,
            "cities": len(places),
        },
        "results": results,
        "not_tracked": untracked_matches(conn, query, rings.names()) if places else [],
    }


def search(conn: sqlite3.Connection, query: Query, *, as_json: bool = False) -> SearchAnswer:
    """One page of results, a count capped at COUNT_CAP, and the cursor of the next page.

    `as_json`: the results' lists stay the JSON SQLite built (documents()), for the API, which
    only encodes them; a near search's are read, to add the distance to each location."""
    query = resolve(query)
    if (number := registration_number(query.q)) is not None:
        found = search_number(conn, query, number, as_json=as_json)
        if found is not None:
            return found
    if query.near:
        return search_near(conn, query)
    expression = match_expression(query)
    rows = conn.execute(sql(_PAGE, query), [expression, query.after, query.limit + 1]).fetchall()
    if query.after == 0 and len(rows) <= query.limit:
        count = len(rows)  # a first page that is not full holds every match
    else:
        # Counted by SQLite, not in Python: reading up to 1,001 matches into Python to count
        # them cost more than a second look-up of the terms (BENCHMARKS.md, session 29).
        count = conn.execute(sql(_COUNT, query), [expression, COUNT_CAP + 1]).fetchone()[0]
    page = rows[: query.limit]
    return {
        "count": min(count, COUNT_CAP),
        "count_is_exact": count <= COUNT_CAP,
        "next_cursor": encode_cursor(page[-1][0]) if len(rows) > query.limit else None,
        "results": documents(conn, [rid for _, rid in page], as_json=as_json),
        "not_tracked": untracked_matches(conn, query),
    }


def skip(conn: sqlite3.Connection, query: Query, count: int) -> Query:
    """The query with its cursor after its first `count` results, read from the index alone (no
    documents): how a page of a numbered list ("21–40 of 56") starts. Past the end, a cursor
    after the last result, so the page is empty."""
    query = resolve(replace(query, after=0, after_metres=0))
    if count <= 0:
        return query
    if not query.near:
        rows = conn.execute(sql(_PAGE, query), [match_expression(query), 0, count]).fetchall()
        return replace(query, after=rows[-1][0]) if rows else query
    _, places = around(conn, query)
    if not places:
        return query
    rings = Rings(places)
    paged = name_page if query.order == "name" else near_page
    rows = paged(conn, replace(query, limit=count), rings)[:count]
    if not rows:
        return query
    metres, rowid, _ = rows[-1]
    return replace(query, after=rowid, after_metres=0 if query.order == "name" else metres)


# People who may practise only: whoever may not practise is "not practising", never "not tracked".
_UNTRACKED = f"""
select g.id, g.name, g.jurisdiction, g.needling, count(*)
from (select rowid from directory_fts where directory_fts match ? limit ?) m
join directory d on d.id = m.rowid join regulators g on g.id = d.regulator_id
where g.needling != 'tracked' and {IN_PRACTICE_SQL} {{profession}}
group by g.id order by g.id
"""


def untracked_matches(
    conn: sqlite3.Connection, query: Query, near: list[str] | None = None
) -> list[Untracked]:
    """For a search by kind: people matching everything else whose regulator does not record
    needling (or whose recording of it is unconfirmed), and are not in the results: their
    absence means "not tracked" or "not confirmed", never "not authorized". `listed` counts
    those of that regulator who are in the results (an authorization the register does show),
    so the results and this count add up to everyone there who matches."""
    if not query.kind:
        return []
    # Only where such a regulator has people at all (the directory is not scanned to find out).
    if not conn.execute(
        "select 1 from regulators g where g.needling != 'tracked' and exists (select 1 from "
        "last_successful_runs r where r.regulator_id = g.id)"
    ).fetchone():
        return []
    try:
        expression = match_expression(replace(query, kind=None), near)
    except SearchError:  # the kind was all there was to search for
        return []
    with_kind = match_expression(query, near)
    untracked = _UNTRACKED.format(profession=profession_sql(query))
    listed = {row[0]: row[4] for row in conn.execute(untracked, [with_kind, COUNT_CAP + 1])}
    out: list[Untracked] = []
    for rid, name, jurisdiction, tracking, count in conn.execute(
        untracked, [expression, COUNT_CAP + 1]
    ):
        shown = listed.get(rid, 0)
        if count - shown <= 0:
            continue  # everyone there who matches is in the results
        out.append(
            {
                "regulator": rid,
                "name": name,
                "jurisdiction": jurisdiction,
                "needling": tracking,
                "matches": count - shown,
                "listed": shown,
                "count_is_exact": count <= COUNT_CAP,
            }
        )
    return out


# A registration number as people type it: "10343", "#10343", "PT60001", "NS-301"; at least three
# digits, so that a postal code ("T4N 1A1") or a word is never taken for one.
_NUMBER = re.compile(r"(?:#|no\.?|n°)?\s*([a-z]{0,4}-?\d{3,}[a-z]?)", re.IGNORECASE)
_BY_NUMBER = """
select d.id, d.registration_id from registrations r join directory d on d.registration_id = r.id
where r.regulator_id in (select id from regulators) and r.registration_number in (?, ?)
{within} order by d.id limit ?
"""


def registration_number(q: str | None) -> str | None:
    """The registration number a search's `q` is, or None when it is not one."""
    found = _NUMBER.fullmatch((q or "").strip())
    return found.group(1) if found else None


def search_number(
    conn: sqlite3.Connection, query: Query, number: str, *, as_json: bool = False
) -> SearchAnswer | None:
    """A search by registration number: the people holding it on any register, within the
    search's city or province if given, whatever their standing (their card says it first: a
    number asks after one person). None when nobody holds it, so that the words are searched."""
    rest = replace(query, q=None, kind=None, near=None)
    params: list = [number, number.upper()]
    within = ""
    if rest.city or rest.province:
        within = "and d.id in (select rowid from directory_fts where directory_fts match ?)"
        params.append(match_expression(rest))
    rows = conn.execute(_BY_NUMBER.format(within=within), [*params, query.limit]).fetchall()
    if not rows:
        return None
    shown = [] if query.after else rows
    return {
        "count": len(shown),
        "count_is_exact": True,
        "next_cursor": None,
        "results": documents(conn, [rid for _, rid in shown], as_json=as_json),
        "not_tracked": [],
        "registration_number": number,
    }
