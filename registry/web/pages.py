"""The patients' pages: a search that works without JavaScript, and a page on needling.

Everything is rendered on the server (a GET form, a results page); a small same-origin script
only adds city suggestions as you type. Scraped text is escaped by Jinja2's autoescaping, and a
strict Content-Security-Policy allows nothing but this origin's own files.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote, urlencode, urlsplit

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.templating import Jinja2Templates

from registry.gazetteer import city_centre
from registry.lookup import cities, freshness, history, places, regulators
from registry.lookup.answers import Document, Near, RegulatorHere, SearchAnswer
from registry.lookup.documents import documents
from registry.lookup.places import regulator_lang, why_empty
from registry.lookup.search import (
    COUNT_CAP,
    MAX_QUERY_CHARS,
    MAX_TOKENS,
    Query,
    SearchError,
    profession_of,
    whole_number,
)
from registry.lookup.standing import out_of_practice
from registry.web import i18n
from registry.web.assets import Assets
from registry.web.params import conn as registry_conn
from registry.web.responses import cached
from scrapers.kinds import DEFAULT_PROFESSION, KINDS, PROFESSIONS

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
assets = Assets(HERE / "static")
templates.env.globals["static"] = assets.url  # {{ static("site.css") }}: a content-hashed URL
templates.env.globals["evidence_role"] = i18n.evidence_role  # "listing" in words
templates.env.filters["clinic_message"] = i18n.clinic_message  # a domain message in words
# A number as the page's language writes it: 1.5 days is "1,5 jour" in French.
templates.env.filters["decimal"] = lambda v, lang: str(v).replace(".", ",") if lang == "fr" else v

# Our pages load nothing from elsewhere, run no inline script and use no inline style; a page
# of results with a map loads its tiles (images) from the configured tile server's host only.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def csp_with_tiles(origin: str) -> str:
    """The CSP of a page with a map: images from this origin and the tile server's."""
    return CSP.replace("img-src 'self';", f"img-src 'self' {origin};")


SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Vary": "Accept-Language",  # the language follows the browser's unless ?lang= says
}
WITHIN_KM = (0, 10, 25, 50, 100, 200)  # 0: in the city itself
SUGGESTED_CITIES = 100  # in the page itself, for browsers without JavaScript
SHOW = ("authorized", "all")
SORTS = ("distance", "name")  # a search with a distance: nearest first, or by name
PAGE_SIZE = 20
MAX_PAGE = COUNT_CAP // 20  # the count stops at COUNT_CAP: so do the pages


def page_number(text: str) -> int:
    """A `page` parameter: 1 unless a whole number, at most MAX_PAGE."""
    if text.isascii() and text.isdigit() and text.strip("0"):
        return whole_number(text, MAX_PAGE) or MAX_PAGE
    return 1


@dataclass(frozen=True)
class Form:
    """The search form as sent (GET), cleaned: what the page shows back in its fields."""

    q: str = ""
    city: str = ""
    within: int = 0
    kind: str = ""
    show: str = "authorized"
    sort: str = "distance"
    page: int = 1

    @classmethod
    def from_params(cls, params) -> Form:
        within = params.get("within", "0")
        kind = params.get("kind", "")
        show = params.get("show", "authorized")
        sort = params.get("sort", "distance")
        page = params.get("page", "1").strip()
        return cls(
            q=params.get("q", "").strip()[: MAX_QUERY_CHARS + 1],
            city=params.get("city", "").strip()[: MAX_QUERY_CHARS + 1],
            within=within_km if (within_km := whole_number(within, 10**6)) in WITHIN_KM else 0,
            kind=kind if kind in KINDS else "",
            show=show if show in SHOW else "authorized",
            sort=sort if sort in SORTS else "distance",
            page=page_number(page),
        )

    def query(self) -> Query:
        """The search this form asks for, as typed (registry/lookup/places.py understands its
        place).
        Only people authorized now, unless `show=all`: then everyone, those who may not practise
        too (their cards say so first)."""
        everyone = self.show == "all"
        kind = None if everyone else (self.kind or "needling")
        base = Query(
            q=self.q or None, kind=kind, limit=PAGE_SIZE, order=self.sort, everyone=everyone
        )
        if not self.city:
            return base
        if self.within:
            return replace(base, near=self.city, km=self.within)
        return replace(base, city=self.city)

    def params(self, **changes) -> dict[str, str]:
        """The form as URL parameters (empty ones left out), with changes."""
        values = {
            "q": self.q,
            "city": self.city,
            "within": str(self.within) if self.within else "",
            "kind": self.kind,
            "show": self.show,
            "sort": self.sort if self.within and self.sort != "distance" else "",
            "page": "",
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v}


def search_error(message: str, t) -> str:
    """A search's error in the page's language (search.py's messages are for programs)."""
    if "too long" in message:
        return t("error.too_long", max=MAX_QUERY_CHARS)
    if "too many words" in message:
        return t("error.too_many_words", max=MAX_TOKENS)
    if "no letters" in message:
        return t("error.no_letters")
    return t("error.empty") if "at least one of" in message else message


def searched_for(form: Form, query, where, found: SearchAnswer, t) -> tuple[str, list[str]]:
    """What was searched, in words: the place the count is in ("in Calgary, AB"; a near search
    says its own), and the search echoed above the results (name, place, kind, who)."""
    place = ""
    if not found.get("near") and query is not None and query.city:
        place = where.label if where else ", ".join(filter(None, (query.city, query.province)))
    # The name box's words as understood: without a place, a profession or a kind read from it.
    name = query.q if query is not None else form.q
    parts = [t("results.searched_name", q=name[:80])] if name else []
    if place:  # a near search's place is in the heading ("Within 25 km of Red Deer, AB")
        parts.append(place)
    kind = query.kind if query is not None else None
    if kind and kind != "needling":
        parts.append(t("results.searched_kind", kind=t(f"kind.{kind}")))
    # Whom: said where it is not the physiotherapists a search is for unless told otherwise.
    profession = profession_of(query) if query is not None else DEFAULT_PROFESSION
    if profession is None:
        parts.append(t("results.searched_any_profession"))
    elif profession != DEFAULT_PROFESSION:
        parts.append(t("results.searched_profession", profession=t(f"profession.{profession}")))
    key = "results.searched_authorized" if form.show == "authorized" else "results.searched_all"
    return place, [*parts, t(key)]


def wider(within: int) -> int | None:
    """The next distance to search when nothing was found."""
    return next((km for km in WITHIN_KM if km > within), None)


_MARKERS = {
    "fr": re.compile(r"\b(des|du|le|la|les|par|sous|aiguilles?|délivrée|utilisation|l['’])", re.I),
    "en": re.compile(r"\b(the|of|by|issued|use|including|needl\w*|dry)\b", re.I),
}


def text_lang(text: str | None, default: str) -> str:
    """The language of a register's words (an authorization's wording): the one whose common
    words it has more of, else the register's own language."""
    counts = {lang: len(marker.findall(text or "")) for lang, marker in _MARKERS.items()}
    if counts["fr"] == counts["en"]:
        return default
    return max(counts, key=lambda lang: counts[lang])


def bdi(text: str | None) -> Markup:
    """Register text isolated in a sentence of ours (<bdi>), so that its direction marks never
    turn the sentence around it; for tm(key, name=bdi(name))."""
    return Markup("<bdi>{}</bdi>").format(text or "")


@functools.cache
def language_helpers(lang: str) -> dict:
    """What templates use to mark text in the other language: lang_attr(l) is ` lang="l"` when
    l is not the page's, foreign(text, l) wraps text in a <span lang="l"> then."""

    def lang_attr(other: str) -> Markup | str:
        return Markup(' lang="{}"').format(other) if other != lang else ""

    def foreign(text: str, other: str) -> Markup | str:
        if other == lang or not text:
            return text
        return Markup('<span lang="{}">{}</span>').format(other, text)

    return {
        "lang_attr": lang_attr,
        "foreign": foreign,
        "bdi": bdi,
        "regulator_lang": regulator_lang,
        "text_lang": text_lang,
        "tm": i18n.translator(lang, markup=True),
        "T": i18n.labels(lang),
    }


class Fields(dict):
    """A dictionary whose entries templates read as attributes (`r.needling.answer`) without
    the exception Jinja's attribute lookup raises and catches on a plain dict, several times
    per card (a page of results reads about 1,800)."""

    __slots__ = ()

    def __getattr__(self, name: str):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def card_fields(document: Mapping[str, Any]) -> Fields:
    """A document as Fields where a card reads it: itself, its regulator, its needling and
    authorizations, its practice locations (not its evidence, which a card does not show)."""
    result = Fields(document)
    result["regulator"] = Fields(result["regulator"])
    needling = result["needling"] = Fields(result["needling"])
    needling["authorizations"] = [Fields(a) for a in needling.get("authorizations") or []]
    result["locations"] = [Fields(loc) for loc in result["locations"]]
    return result


def render(request: Request, template: str, context: dict, status: int = 200) -> Response:
    lang = context["lang"]
    other = i18n.translator(lang)("nav.switch_lang")
    switch = dict(request.query_params) | {"lang": other}
    response = templates.TemplateResponse(
        request,
        template,
        {
            "t": i18n.translator(lang),
            "switch_url": f"{request.url.path}?{urlencode(switch)}",
            "other_lang": other,
            **language_helpers(lang),
            **context,
        },
        status_code=status,
    )
    response.headers.update(SECURITY_HEADERS)
    if context.get("map"):
        response.headers["Content-Security-Policy"] = csp_with_tiles(context["map"]["origin"])
    return response


def record_url(result: dict) -> str | None:
    """The regulator's own record (or its register): only ever an http(s) link, whatever a
    register published, so a scraped `javascript:` URL never becomes a link."""
    for url in (result["profile_url"], result["regulator"]["register_url"]):
        if url and urlsplit(url.strip()).scheme in ("http", "https"):
            return url.strip()
    return None


def distance_text(result: Mapping[str, Any], near: Near | None, t, lang: str) -> str | None:
    if near is None or "distance_km" not in result:
        return None
    if result["distance_km"] == 0:  # the same place (distances are between town centres)
        return t("result.same_place", place=near["name"])
    return t("result.distance", km=i18n.kilometres(result["distance_km"], lang), place=near["name"])


def display_name(result: dict) -> str:
    """First name first ("Alice Roberts"), whatever order the register writes names in; the
    register's own form stays in the card's details."""
    given, family = (result.get("given_names") or "").strip(), (result.get("family_name") or "")
    if given and family.strip():
        return f"{given} {family.strip()}"
    return result["name"]


def one_line(loc: dict) -> str:
    """A practice location as one line, for a map service to find."""
    place = " ".join(p for p in (loc.get("province"), loc.get("postal_code")) if p)
    parts = [loc.get("address"), loc.get("city"), place]
    return ", ".join(p.strip() for p in parts if p and p.strip())


def directions_url(loc: dict) -> str | None:
    """Directions to a practice location on OpenStreetMap (a plain link: nothing is loaded
    from there by our page, so the CSP is untouched)."""
    where = one_line(loc)
    if not (loc.get("address") or loc.get("city")):
        return None
    return "https://www.openstreetmap.org/directions?" + urlencode({"to": where})


def nearest_first(locations: list[dict]) -> list[dict]:
    """The location a near search's distance is measured to first, then the others as listed."""
    return sorted(
        locations,
        key=lambda loc: (loc.get("distance_km") is None, loc.get("distance_km") or 0),
    )


def place_on_map(results: list[Fields]) -> bool:
    """Where each card goes on the results map (`map_at`: its first location, the one its
    distance is measured to, at its city's centre, as distances are); True if any has one.
    The map's script reads these from the cards, and takes names and places from their text."""
    placed = False
    for r in results:
        first = r["locations"][0] if r["locations"] else None
        city, region = (first.get("city") or "", first.get("province") or "") if first else ("", "")
        centre = city_centre(city, region) if city else None
        r["map_at"] = (round(centre[0], 5), round(centre[1], 5)) if centre else None
        placed = placed or centre is not None
    return placed


def practitioner_url(result: dict, lang: str) -> str | None:
    """The practitioner's own page: stable, by regulator and registration number, or by the
    regulator's own id where the number is missing or masked (history.page_key)."""
    key = history.page_key(result)
    if not key:
        return None
    return f"/p/{quote(result['regulator']['id'])}/{quote(key, safe='')}?lang={lang}"


def for_a_card(document: Document, near: Near | None, t, lang: str) -> Fields:
    """A result with what its card shows: its name first-name-first, the place it is measured
    to first, the links to call, get directions and read more, and its lines in the page's
    language, worked out here once rather than by the template's calls for each card."""
    result = card_fields(document)
    helpers = language_helpers(lang)
    lang_attr, foreign, tm = helpers["lang_attr"], helpers["foreign"], helpers["tm"]
    register_lang = regulator_lang(result["regulator"]["jurisdiction"])
    result["lang_attr"] = lang_attr(register_lang)  # the register's own words: its language
    standing = result["standing"] = Fields(result["standing"])
    # Standing first: whoever may not practise is shown as such before anything about needling,
    # with nothing that invites a call or a visit.
    result["out_of_practice"] = out_of_practice(standing["state"])
    result["standing_lines"] = standing_lines(result, tm, foreign, register_lang)
    result["kinds_in_words"] = kinds_in_words(result["needling"]["kinds"], t)
    result["answer_text"] = answer_text(result["needling"], result["kinds_in_words"], t)
    result["record_url"] = record_url(result)
    result["distance_text"] = distance_text(result, near, t, lang)
    result["display_name"] = display_name(result)
    result["locations"] = nearest_first(result["locations"])
    for loc in result["locations"]:
        loc["one_line"] = one_line(loc)
        loc["directions_url"] = directions_url(loc)
    result["page_url"] = practitioner_url(result, lang)
    held = result["needling"].get("authorizations") or []
    for a in held:
        a["lang_attr"] = lang_attr(text_lang(a["wording"], register_lang))
    short_name = foreign(result["regulator"]["short_name"], register_lang)
    profession = result.get("profession")
    profession = profession if profession in PROFESSIONS else DEFAULT_PROFESSION
    result["profession_text"] = t(f"profession.{profession}")
    of_profession = t(f"profession.of.{profession}")
    result["means"] = [
        Fields(m, line=tm(m["key"], regulator=short_name, of_profession=of_profession))
        for m in means(held)
    ]
    return result


def standing_lines(result: Mapping, tm, foreign, register_lang: str) -> list[str]:
    """What a card and a practitioner's page say first about someone who may not practise:
    not practising (in the register's words), or gone from the register since a date, with the
    status it last showed as history. Nothing for someone who may practise."""
    standing = result["standing"]
    if standing["state"] == "not_practising":
        status = bdi(foreign(standing["status"], register_lang))
        return [tm("standing.not_practising", status=status)]
    if standing["state"] == "no_longer_on_register":
        lines = [tm("standing.removed", date=(result["no_longer_on_register_since"] or "")[:10])]
        if standing["last_listed_status"]:
            status = bdi(foreign(standing["last_listed_status"], register_lang))
            lines.append(tm("standing.last_listed", status=status))
        return lines
    return []


def answer_text(needling: Mapping, kinds_in_words: str, t) -> str:
    """The answer to "may this person needle?", as a card and a practitioner's page say it."""
    answer = needling["answer"]
    if answer == "not_practising":
        return t("result.not_practising")
    if answer == "authorized":
        key = "result.may_needle" if needling["tracking"] == "tracked" else "result.listed"
        return t(key, kinds=kinds_in_words)
    if answer == "not_authorized":
        return t("result.may_not_needle")
    if answer in ("not_tracked", "kept_unpublished"):
        return t(f"result.{answer}")
    return t("result.unknown")


MECHANISMS = (
    "restricted_activity_authorization",
    "roster",
    "attestation",
    "endorsement",
    "registration",
    "sub_register",
    "scope_of_practice",  # not a grant: the whole profession may (means.scope_of_practice)
)
PERSONAL = MECHANISMS[:-1]


def regulators_here(here: list[RegulatorHere], t, tm, foreign) -> list[Fields]:
    """Who may do this in the place searched, in the page's words: each regulator there, the
    profession it registers, how a person comes to needle (by the profession's scope of
    practice, or authorized in person), the kinds it gives, and what its register shows."""
    out = []
    for h in here:
        profession = h["profession"] if h["profession"] in PROFESSIONS else DEFAULT_PROFESSION
        if h["by_scope"]:
            how = t("here.by_scope", of_profession=t(f"profession.of.{profession}"))
        elif h["mechanism"] in PERSONAL:
            how = t("here.personal", mechanism=t(f"mechanism.{h['mechanism']}"))
        else:
            how = t("here.how_unknown")
        if h["needling"] == "tracked":
            state = t("here.tracked_read" if h["read"] else "here.tracked_not_read")
        elif h["needling"] == "kept_unpublished":
            what = h["mechanism"] if h["mechanism"] in ("registration", "attestation") else "other"
            state = t("here.kept_unpublished", what=t(f"here.what.{what}"))
        else:
            state = t("here.not_tracked" if h["needling"] == "not_tracked" else "here.unknown")
        kinds = [k for k in h["kinds"] if k in KINDS]
        out.append(
            Fields(
                h,
                display_strong=Markup("<strong>{}</strong>").format(
                    foreign(h["name"], regulator_lang(h["jurisdiction"]))
                ),
                profession_text=t(f"profession.{profession}"),
                how=how,
                state=state,
                kinds_text=t("here.kinds", kinds=kinds_in_words(kinds, t)) if kinds else "",
            )
        )
    return out


def means(authorizations: list[dict]) -> list[dict]:
    """What an authorization means, one line per kind of grant: how the regulator grants it (its
    mechanism, declared in sources.toml) and the register's own words for it, with the attribute
    that marks their language where for_a_card gave one (`lang_attr`). A profession's scope of
    practice is one line, the law's words for each kind after it: said once, not once a kind."""
    lines: dict[tuple[str, str], dict] = {}
    for a in authorizations:
        mechanism = str(a.get("mechanism")) if a.get("mechanism") in MECHANISMS else "other"
        key = (mechanism, "" if mechanism == "scope_of_practice" else str(a["wording"]))
        line = lines.setdefault(key, {"key": f"means.{mechanism}", "wordings": []})
        words = {"wording": a["wording"], "lang_attr": a.get("lang_attr", "")}
        if words not in line["wordings"]:
            line["wordings"].append(words)
    return list(lines.values())


def kinds_in_words(kinds: list[str], t) -> str:
    if "needling" in kinds:
        return t("kind.needling")
    return ", ".join(t(f"kind.{k}") for k in kinds)


def paging(form: Form, found: SearchAnswer, lang: str) -> dict:
    """Where this page is in the list ("21–40 of 56") and the links to the pages either side."""
    first = (form.page - 1) * PAGE_SIZE + 1
    shown = len(found["results"])

    def url(page: int) -> str:
        return "/?" + urlencode(form.params(page=str(page) if page > 1 else "", lang=lang))

    return {
        "first": first if shown else 0,
        "last": first + shown - 1,
        "previous_url": url(form.page - 1) if form.page > 1 else None,
        "next_url": url(form.page + 1) if found["next_cursor"] and form.page < MAX_PAGE else None,
        "page": form.page,
    }


def notices(
    conn, found: SearchAnswer | None, region: str | None, stale_after: Mapping[str, float]
) -> list[dict]:
    """What the page must say about the sources behind these results: regulators that do not
    track needling, data older than it should be, a source whose latest import failed."""
    states = freshness.states(conn, stale_after)
    relevant: set[str] = set()
    if found:
        relevant |= {r["regulator"]["id"] for r in found["results"]}
        relevant |= {n["regulator"] for n in found["not_tracked"]}
    if region:
        relevant |= {s.id for s in states.values() if s.region == region}
    if not relevant and found is not None and not region:  # every source may be the reason
        relevant = set(states)
    out = []
    for rid in sorted(relevant):
        state = states.get(rid)
        if state is None or (state.last_success is None and state.last_outcome is None):
            continue  # declared but never run here (a source not in this database)
        if state.failing:
            out.append({"kind": "failing", "state": state, "date": state.last_run_at})
        if state.last_success is None:
            out.append({"kind": "never", "state": state, "date": None})
        elif state.stale:
            out.append({"kind": "stale", "state": state, "date": state.last_success})
    return out


@cached
def index(request: Request) -> Response:
    """The search page; with parameters, the results under the form (in the threadpool, as
    every handler that reads the database)."""
    lang = i18n.choose(request)
    params = request.query_params
    form = Form.from_params(params)
    searched = any(params.get(k) for k in ("q", "city", "kind", "within", "show"))
    context = {"lang": lang, "page": "search", "form": form, "within_km": WITHIN_KM}
    # What a patient may choose: dry needling or IMS by a physiotherapist (the default, no
    # kind), or one kind; acupuncture and trigger point injections by whichever profession may.
    context |= {"kinds": [k for k in KINDS if k != "needling"], "found": None, "error": None}
    conn = registry_conn(request)
    context["suggestions"] = cities.cities(conn)[:SUGGESTED_CITIES]
    if not searched:
        context["sources"] = regulators.read_here(conn, request.app.state.freshness)
        return render(request, "search.html", context)
    t = i18n.translator(lang)
    if not (form.q or form.city or form.kind):  # the form sent empty: ask, do not list everyone
        context["error"] = t("error.empty")
        return render(request, "search.html", context, 400)
    status = 200
    where, from_q = None, {}
    try:
        found, understood = places.find(
            conn, form.query(), within=form.within, offset=(form.page - 1) * PAGE_SIZE
        )
        query, where = understood.query, understood.where
        if where is not None and not form.city:  # read out of the name box
            from_q = {"q": query.q or "", "kind": form.kind or understood.q_kind or ""}
    except places.Unknown as e:
        context["error"] = t("error.unknown_city", city=e.city[:80])
        u = e.understood
        # A place misspelt in the name box: its suggestions keep the other words and the kind.
        fix = {} if form.city else {"q": u.name_words, "kind": form.kind or u.q_kind or ""}
        context["did_you_mean"] = [
            {"label": p.label, "url": "/?" + urlencode(form.params(city=p.label, lang=lang, **fix))}
            for p in u.did_you_mean
        ]
        query, found, status = None, None, 400
    except SearchError as e:
        context["error"] = search_error(str(e), t)
        query, found, status = None, None, 400
    region = None
    if found and found.get("near"):
        region = found["near"]["region"]
    elif query is not None and query.province:
        region = query.province.upper()
    elif where is not None and where.region:
        region = where.region  # the notices of that place's sources only
    context["notices"] = notices(conn, found, region, request.app.state.freshness) if query else []
    if found is not None:
        cards = [for_a_card(r, found.get("near"), t, lang) for r in found["results"]]
        cast("dict[str, Any]", found)["results"] = cards  # the page shows its results as cards
        context["found"] = found
        context["paging"] = paging(form, found, lang)
        if place_on_map(cards):
            tiles = request.app.state.settings.map_tiles
            context["map"] = {
                "tiles": tiles.url,
                "attribution": tiles.attribution,
                "origin": tiles.origin,
            }
        if form.within and found["results"]:
            context["sorts"] = [
                {"sort": s, "url": "/?" + urlencode(form.params(sort=s, lang=lang))} for s in SORTS
            ]
        context["show_all_url"] = "/?" + urlencode(form.params(show="all", lang=lang))
        context["where"] = where
        context["place_label"], context["searched"] = searched_for(form, query, where, found, t)
        helpers = language_helpers(lang)
        context["here"] = regulators_here(
            found.get("regulators_here") or [], t, helpers["tm"], helpers["foreign"]
        )
        near = found.get("near")
        context["here_place"] = (
            where.label if where else f"{near['name']}, {near['region']}" if near else region
        )
        place_region = region or (where.region if where else "")
        if not found["results"] and where is not None and place_region:
            asked = profession_of(query) if query else DEFAULT_PROFESSION
            empty = cast(
                "dict[str, Any]", why_empty(conn, place_region, asked)
            )  # with the page's keys
            empty["place"] = where.label
            if empty["kind"] != "no_addresses" and (km := wider(form.within)) is not None:
                empty["widen_km"] = km
                widen = form.params(city=where.label, within=str(km), lang=lang, **from_q)
                empty["widen_url"] = "/?" + urlencode(widen)
            context["empty"] = empty
    return render(request, "search.html", context, status)


def json_ld(doc: dict, name: str, url: str) -> str:
    """schema.org data for the page: a Person with the credential and where they work, as
    JSON safe inside a <script> data block (no "<", ">" or "&" left to end it). Someone who
    may not practise has neither: no credential to recognise, no place of work to call."""
    practising = not out_of_practice(doc["standing"]["state"])
    data = {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": name,
        "givenName": doc.get("given_names") or None,
        "familyName": doc.get("family_name") or None,
        "url": url,
        "hasCredential": [
            {
                "@type": "EducationalOccupationalCredential",
                "name": a["wording"],
                "credentialCategory": a["kind"],
                "recognizedBy": {"@type": "Organization", "name": doc["regulator"]["name"]},
            }
            for a in doc["needling"]["authorizations"]
            if practising
        ],
        "workLocation": [
            {
                "@type": "Place",
                "name": loc.get("organization") or None,
                "telephone": loc.get("phone") or None,
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": loc.get("address") or None,
                    "addressLocality": loc.get("city") or None,
                    "addressRegion": loc.get("province") or None,
                    "postalCode": loc.get("postal_code") or None,
                },
            }
            for loc in doc["locations"]
            if practising
        ],
    }
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@cached
def practitioner(request: Request) -> Response:
    """One practitioner's page, at a stable address: /p/<regulator>/<registration number>, or
    /p/<regulator>/<the regulator's id> where numbers are missing or masked."""
    lang = i18n.choose(request)
    t = i18n.translator(lang)
    conn = registry_conn(request)
    regulator = request.path_params["regulator"]
    number = request.path_params["number"]
    try:
        rid = history.registration_id(conn, regulator, number)
    except history.NotFound:
        rid = None
    row = rid and history.dates(conn, rid)
    if not row:
        context = {"lang": lang, "page": "error", "status": 404, "explain": True}
        return render(request, "error.html", context | {"detail": t("person.not_found")}, 404)
    rid, current_since, first_seen = row
    doc = for_a_card(documents(conn, [rid])[0], None, t, lang)
    path = f"/p/{quote(regulator)}/{quote(number, safe='')}"
    context = {
        "lang": lang,
        "page": "person",
        "r": doc,
        "first_seen": first_seen,
        "current_since": current_since,
        "authorized_since": history.authorized_since(
            conn, rid, doc["needling"]["authorized"], current_since
        ),
        "api_url": f"/api/registrations/{quote(regulator)}/{quote(number, safe='')}",
        "json_ld": json_ld(doc, doc["display_name"], request.app.state.public_url + path),
        "kind_words": {k: t(f"kind.{k}") for k in KINDS},
    }
    return render(request, "person.html", context)


async def about_needling(request: Request) -> Response:
    """What dry needling, IMS, acupuncture and trigger point injections are, in our words."""
    lang = i18n.choose(request)
    return render(request, f"about_needling.{lang}.html", {"lang": lang, "page": "about"})


GUIDE = HERE.parents[1] / "docs" / "researchers.md"


@functools.cache
def _guide() -> bytes:
    return GUIDE.read_bytes()


async def researchers_guide(request: Request) -> Response:
    """The researchers' guide (docs/researchers.md), linked from /data/: the questions the data
    answers, with the saved queries and charts that answer them. Markdown, read as text."""
    return Response(
        _guide(),
        media_type="text/plain; charset=utf-8",
        headers={**SECURITY_HEADERS, "Cache-Control": "public, max-age=300"},
    )


def error_page(request: Request, status: int, detail: str) -> Response:
    """An error as a page, for people following a link, in their language."""
    lang = i18n.choose(request)
    context = {
        "lang": lang,
        "page": "error",
        "status": status,
        "detail": i18n.error_detail(detail, lang),
    }
    return render(request, "error.html", context, status)


routes = [
    Route("/", index, methods=["GET"]),
    Route("/about-needling", about_needling, methods=["GET"]),
    Route("/researchers", researchers_guide, methods=["GET"], include_in_schema=False),
    Route("/p/{regulator}/{number}", practitioner, methods=["GET"], include_in_schema=False),
    Mount("/static", app=assets, name="static"),
]
