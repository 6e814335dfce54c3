"""Alinity public directories (CPTA, CHCPBC, ...): one adapter, any tenant.

Shell page -> querySID -> Registrants search, drilled down by name prefixes to get under the row cap
-> detail page per registrant (authorizations, standing) -> practice details when not hidden.
Parsers are pure functions of the response; the shapes are in docs/platforms/alinity.md. Where a
live tenant differs from them, parsing raises LayoutChanged and the run fails without touching data.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import quote

from bs4 import BeautifulSoup

from scrapers.adapter import Check, Crawl
from scrapers.addresses import POSTAL, STREET, postal_code
from scrapers.drill import ACCENTED, Drill, requests_floor
from scrapers.http import Blocked
from scrapers.kinds import Wording
from scrapers.places import fold, province_code
from scrapers.records import Authorization, Evidence, LayoutChanged, Location, Registration
from scrapers.sources import Source
from scrapers.standing import ALINITY
from scrapers.text import family_given, fragment_text

log = logging.getLogger(__name__)

DEFAULT_OPTIONS = {
    # Replies of exactly this many rows are always taken as possibly capped; any larger count seen
    # becomes the cap learned (25 on most tenants, 75 once on BC, unlimited on some).
    "row_cap": 25,
    # Shortest last-name prefix a tenant answers: one-character searches get `Records: []`.
    "min_chars": 2,
    # Common surname starts that must return people before a crawl is trusted.
    "probes": ["ma", "le", "ch", "be", "mo"],
    "max_prefix_length": 24,
    # Where the search is accent-sensitive ("co" does not find "Côté"), accented letters asked
    # after unaccented ones although no reply showed them yet; other letters once seen.
    "letters": ACCENTED,
    "authorization_field": "sp",
    "more_info": True,
    # A multi-profession tenant is filtered to registrants whose profession (the form's field, or
    # the register label `prl`) matches one of these; empty: every registrant is read.
    "professions": [],
    # Fresh sessions (shell reloads) in a row allowed for a search still refused (403) after
    # the client's back-off; the count starts again after each search answered.
    "renewals": 3,
}

SHELL_PATH = "/client/publicdirectory"
SEARCH_PATH = "/client/PublicDirectory/Registrants"
DETAIL_PATH = "/Client/PublicDirectory/Registrant/{rg}"
MORE_INFO_PATH = "/Client/PublicDirectory/MoreInfo/{rg}"

# Only `rg` is on every tenant; `rl` nearly always. Everything else is optional (issue 12).
REQUIRED_KEYS = ("rg",)


# ---------------------------------------------------------------- pure parsers


@dataclass(frozen=True)
class Form:
    """A tenant's search form, as its shell page describes it."""

    query_sid: int
    fields: list[dict]  # each at least {"ID", "Label"}; a select also has "Options"

    def field(self, role: str) -> dict | None:
        """The field whose label names `role` (last, first, number, profession), or None."""
        pattern = _ROLES[role]
        return next((f for f in self.fields if pattern.search(str(f.get("Label", "")))), None)

    def describe(self) -> str:
        return "; ".join(f"{f.get('ID')} = {f.get('Label')!r}" for f in self.fields)


_ROLES = {
    "last": re.compile(r"last|sur|family", re.I),
    "first": re.compile(r"first|given", re.I),
    "number": re.compile(r"regist|licen[cs]e|permit|number|#", re.I),
    "profession": re.compile(r"profession|discipline|designation", re.I),
}
_INIT_FORM = re.compile(r"initializeForm\s*\(")
_QUERY_DEFINITION = re.compile(r"queryDefinition\s*=\s*")


def parse_shell(page: str) -> Form:
    """The search form (querySID, field ids and labels) from the shell page.

    Read from the `_plugin.initializeForm({...})` literal [live]; older shells carry a
    `querySID` input and a `queryDefinition` literal instead.
    """
    decoder = json.JSONDecoder()
    literal = None
    for pattern in (_INIT_FORM, _QUERY_DEFINITION):
        for m in pattern.finditer(page):
            try:
                literal, _ = decoder.raw_decode(page, m.end())
            except json.JSONDecodeError:
                continue
            break
        if isinstance(literal, dict):
            break
    literal = literal if isinstance(literal, dict) else {}
    sid = next((literal[k] for k in literal if k.lower() == "querysid"), None)
    if sid is None:
        node = BeautifulSoup(page, "html.parser").find("input", id="querySID")
        sid = node.get("value") if node else None
    if sid is None or not str(sid).strip().isdigit():
        raise LayoutChanged("the directory shell page has no numeric querySID")
    fields = [
        f
        for f in next((v for v in literal.values() if isinstance(v, list)), [])
        if isinstance(f, dict) and "ID" in f and "Label" in f
    ]
    form = Form(int(str(sid).strip()), fields)
    if form.field("last") is None:
        raise LayoutChanged(
            f"the search form has no last-name field (fields: {form.describe() or 'none'})"
        )
    return form


def parse_search(body: str) -> list[dict]:
    """The records of a Registrants reply, checked for the one key every tenant sends (`rg`)."""
    try:
        data = json.loads(body.lstrip("\ufeff"))
    except json.JSONDecodeError as e:
        raise LayoutChanged(f"search reply is not JSON: {e}") from None
    if not isinstance(data, dict) or not isinstance(data.get("Records"), list):
        raise LayoutChanged("search reply has no Records list")
    if data.get("EnableCaptcha"):
        raise LayoutChanged("the directory now asks for a CAPTCHA; automated import must stop")
    for rec in data["Records"]:
        missing = [k for k in REQUIRED_KEYS if not isinstance(rec, dict) or k not in rec]
        if missing:
            raise LayoutChanged(f"search record lacks {', '.join(missing)}: layout changed")
    return data["Records"]


_LISTED = re.compile(r"^(?P<name>.*?)\s*\((?P<number>[^()]*)\)\s*$")


def parse_listed_name(rl: str) -> tuple[str, str | None, str | None, str | None]:
    """ "Côté, Anne-Marie (12345)" -> ("Côté, Anne-Marie", "Côté", "Anne-Marie", "12345")."""
    rl = " ".join(html.unescape(rl).split())
    m = _LISTED.match(rl)
    name, number = (m["name"], m["number"].strip() or None) if m else (rl, None)
    return name, *family_given(name), number


_BR = re.compile(r"<\s*/?\s*br\s*/?\s*>", re.I)
_LI = re.compile(r"<li[^>]*>(.*?)</li>", re.I | re.S)


def parse_list_items(fragment: str | None) -> list[str]:
    """`<ul><li>A</li><li>B</li></ul>` -> ["A", "B"]; "[]" and "" -> []."""
    if not fragment or fragment.strip() in ("[]", ""):
        return []
    return [t for t in (fragment_text(item) for item in _LI.findall(fragment)) if t]


_CITY_LINE = re.compile(
    r"^(?P<city>[^,]+),\s*(?P<province>[^,]+?)(?:,\s*(?P<country>[^,]*?))?\s*"
    rf"(?P<postal>{POSTAL})?$"
)
_LABEL = re.compile(r"^(?P<label>phone|fax|tel|telephone)\s*:\s*(?P<value>.*)$", re.I)


def parse_address(fragment: str | None) -> Location | None:
    """A listed address (`oa`, or a MoreInfo block) -> Location; None when nothing is listed."""
    if not fragment or not fragment.strip():
        return None
    lines = [fragment_text(part) for part in _BR.split(fragment)]
    lines = [line for line in lines if line]
    phone = None
    body = []
    for line in lines:
        labelled = _LABEL.match(line)
        if labelled:
            if labelled["label"].lower().startswith(("phone", "tel")):
                phone = labelled["value"].strip() or None
            continue  # fax numbers are not stored
        body.append(line)
    city = province = postal = None
    for i in range(len(body) - 1, -1, -1):
        m = _CITY_LINE.match(body[i])
        if m and (province_code(m["province"]) or m["postal"]):
            city = m["city"].strip()
            province = province_code(m["province"]) or m["province"].strip()
            postal = postal_code(m["postal"])
            body = body[:i] + body[i + 1 :]
            break
    organization = None
    if len(body) > 1 and not STREET.match(body[0]):
        organization = body.pop(0)
    address = ", ".join(body) or None
    if not any((organization, address, city, phone)):
        return None
    return Location(
        organization=organization,
        address=address,
        city=city,
        province=province,
        postal_code=postal,
        phone=phone,
    )


# A postal code directly followed by the next address's first character [live].
_GLUED = re.compile(r"([A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d)(?=[0-9A-Za-z#])")


def parse_addresses(fragment: str | None) -> list[Location]:
    """Listed addresses (`oa`), which may run several together with no separator."""
    if not fragment:
        return []
    blocks = _GLUED.sub("\\1\x00", fragment).split("\x00")
    return [loc for loc in (parse_address(b) for b in blocks) if loc]


def parse_detail(page: str) -> dict:
    """The JSON literal a detail page fills its template from."""
    soup = BeautifulSoup(page, "html.parser")
    decoder = json.JSONDecoder()
    for script in soup.find_all("script"):
        if script.get("id") == "detailtemplate":
            continue
        text = script.string or ""
        for m in re.finditer(r"\{", text):
            try:
                obj, _ = decoder.raw_decode(text, m.start())
            except json.JSONDecodeError:
                continue
            if isinstance(obj, dict) and ("rn" in obj or "fun" in obj):
                return obj
    raise LayoutChanged("registrant page has no JSON literal with rn/fun")


def parse_more_info(fragment: str) -> list[Location]:
    """MoreInfo fragment -> one Location per `pd-location` block."""
    # html.parser drops the platform's malformed </br> tags: make them <br/> first.
    soup = BeautifulSoup(_BR.sub("<br/>", fragment), "html.parser")
    blocks = soup.select(".pd-location")
    return [loc for loc in (parse_address(b.decode_contents()) for b in blocks) if loc]


# Register standing in the regulator's words -> practising / suspended / ... / unknown, by whole
# words: "General Practitioner" and "Family Practice" are not "practising".
classify_standing = ALINITY.classify


def parse_register(pr: str | None) -> tuple[str | None, str | None]:
    """`pr` "General Register<br/>Practising" -> ("General Register", "Practising")."""
    parts = [fragment_text(p) for p in _BR.split(pr or "")]
    parts = [p for p in parts if p]
    if not parts:
        return None, None
    return parts[0], (" - ".join(parts[1:]) or None)


def authorizations(items: list[str], source: Source) -> tuple[list[Authorization], list[str]]:
    """Map listed special authorizations to needling kinds by the source's wording.

    Returns the authorizations and the items that look like needling but match no known wording
    (a sign the regulator changed its words: an error for the operator, not a silent drop).
    """
    return Wording(source.wording, source.mechanism).sort(items)


# ---------------------------------------------------------------- names


def names_of(rec: dict) -> tuple[str, str]:
    """(family, given) of a search record: from `rl`, else `ln`/`fn`, else empty."""
    if rec.get("rl"):
        _, family, given, _ = parse_listed_name(str(rec["rl"]))
        return family or "", given or ""
    return str(rec.get("ln") or ""), str(rec.get("fn") or "")


# ---------------------------------------------------------------- the adapter


@dataclass
class Listed:
    """One listed registrant: its search record and the reply it came in."""

    rec: dict
    evidence: Evidence


@dataclass
class Session:
    """A tenant's form and the searches made in one crawl, renewing the session after 403s."""

    crawl: Crawl
    form: Form | None = None
    renewals: int = 0
    evidence: dict[str, Evidence] = field(default_factory=dict)  # rg -> reply it came in

    def open(self) -> Form:
        """GET the shell page: a (new) session cookie and the form."""
        self.form = parse_shell(self.crawl.client.get(self.crawl.url(SHELL_PATH)).text())
        return self.form

    def search(self, last: str, first: str = "") -> list[dict]:
        form = self.form or self.open()
        in_a_row = 0
        while True:
            try:
                return self._search(form, last, first)
            except Blocked:
                # Still refused after the client's back-off: the session is spent [live].
                in_a_row += 1
                self.renewals += 1
                if in_a_row > self.crawl.source.options["renewals"]:
                    raise
                log.warning("%s: searches refused; renewing the session", self.crawl.source.key)
                form = self.open()

    def _search(self, form: Form, last: str, first: str) -> list[dict]:
        surname = form.field("last")
        if surname is None:
            raise LayoutChanged("the search form has no last-name field")
        values = {surname["ID"]: last}
        if first and (given := form.field("first")):
            values[given["ID"]] = first
        profession = form.field("profession")
        wanted = self.crawl.source.options["professions"]
        if profession and wanted:
            chosen = profession_option(profession, wanted)
            if chosen is None:
                raise LayoutChanged(
                    f"the form's {profession.get('Label')!r} field offers none of {wanted}"
                )
            values[profession["ID"]] = chosen
        parameters = []
        for f in form.fields:
            value = values.get(f["ID"], "")
            parameters.append(
                {"ID": f["ID"], "Value": value, "ValueLabel": value or "[not entered]"}
            )
        fetched = self.crawl.client.post(
            self.crawl.url(SEARCH_PATH),
            data={
                "querySID": str(form.query_sid),
                "queryParameters": json.dumps({"Parameter": parameters}, ensure_ascii=False),
            },
            headers={"X-Requested-With": "XMLHttpRequest"},
        )
        records = parse_search(fetched.text())
        evidence = fetched.evidence()
        for rec in records:
            self.evidence.setdefault(rec["rg"], evidence)
        return records


def profession_option(field_: dict, wanted: list[str]) -> str | None:
    """The value of a profession field's option whose label matches one of `wanted`."""
    for option in field_.get("Options") or []:
        label = fold(str(option.get("Label", "")))
        if any(fold(w) in label for w in wanted):
            return str(option.get("Value"))
    return None


def of_profession(rec: dict, wanted: list[str]) -> bool | None:
    """Whether a record's register label names a wanted profession; None if it has none."""
    label = rec.get("prl")
    if not label:
        return None
    return any(fold(w) in fold(fragment_text(str(label))) for w in wanted)


class AlinityAdapter:
    """Alinity on the contract of scrapers/adapter.py."""

    def listings(self, crawl: Crawl) -> list[Listed]:
        options = crawl.source.options
        session = Session(crawl)
        form = session.open()
        drill = Drill(
            session.search,
            hint=options["row_cap"],
            min_chars=options["min_chars"],
            max_length=options["max_prefix_length"],
            probes=options["probes"],
            letters=options["letters"],
            names=names_of,
        )
        drill.progress = lambda message: crawl.progress(
            f"{crawl.source.key}: {message}, {crawl.client.requests_made} requests"
        )
        if not any(drill.ask(p) for p in drill.probes):
            raise LayoutChanged(
                f"{crawl.source.key}: none of the common prefixes {', '.join(drill.probes)} "
                "finds anybody: the register refuses these searches or changed"
            )
        found = drill.run()
        records = list(found.values())
        wanted = options["professions"]
        if wanted and not form.field("profession"):
            kept = [r for r in records if of_profession(r, wanted)]
            if any(of_profession(r, wanted) is None for r in records):
                raise LayoutChanged(
                    f"{crawl.source.key}: cannot tell registrants' professions apart (no "
                    "profession field in the form, no register label in the records)"
                )
            records = kept
        crawl.notes.update(
            searches=drill.searches,
            row_cap=drill.max_rows,
            accents=drill.accents,
            renewals=session.renewals,
            unshown_exact=drill.unshown_exact,
            visible_practice=sum(1 for r in records if r.get("pdcv", "hidden") != "hidden"),
        )
        return [Listed(r, session.evidence[r["rg"]]) for r in records]

    def where(self, crawl: Crawl, item: Listed) -> str:
        return crawl.url(DETAIL_PATH.format(rg=quote(item.rec["rg"])))

    def floor(self, crawl: Crawl, listed: int) -> int:
        options = crawl.source.options
        cap = crawl.notes.get("row_cap") or options["row_cap"]
        visible = crawl.notes.get("visible_practice", 0) if options["more_info"] else 0
        unshown = crawl.notes.get("unshown_exact", 0)
        return requests_floor(listed, cap, options["min_chars"], visible, unshown)

    def read(self, crawl: Crawl, item: Listed) -> Registration:
        return read(crawl, item.rec, item.evidence)

    def preflight(self, crawl: Crawl) -> Iterator[Check]:
        yield from preflight(crawl)


def read(crawl: Crawl, rec: dict, listing: Evidence) -> Registration:
    """One listed registrant, completed from its detail page (and practice details if shown)."""
    source = crawl.source
    rg = rec["rg"]
    evidence = {"listing": listing}
    profile_url = crawl.url(DETAIL_PATH.format(rg=quote(rg)))
    detail_page = crawl.client.get(profile_url)
    evidence["detail"] = detail_page.evidence()
    detail = parse_detail(detail_page.text())
    merged = {**detail, **{k: v for k, v in rec.items() if v not in (None, "")}}
    name, family, given, number = parse_listed_name(str(merged.get("rl") or detail.get("fun", "")))
    if not rec.get("rl") and detail.get("fun") and not family:
        name = str(detail["fun"])
    conditions = [] if merged.get("cv") == "hidden" else parse_list_items(merged.get("c"))
    field_name = source.options["authorization_field"]
    if field_name not in detail:
        raise LayoutChanged(f"registrant page has no {field_name!r} field for authorizations")
    found, unknown = authorizations(parse_list_items(detail.get(field_name)), source)
    if unknown:
        crawl.error(
            profile_url, f"needling wording not in the source's wording map: {'; '.join(unknown)}"
        )
    category, standing = parse_register(detail.get("pr"))
    if category is None:
        category = parse_register(rec.get("prl"))[0]
    if standing is None and rec.get("ps"):
        standing = fragment_text(str(rec["ps"]))
    locations = parse_addresses(rec.get("oa"))
    shown = merged.get("pdcv", "hidden") != "hidden"
    if shown and source.options["more_info"]:
        more = crawl.client.post(
            crawl.url(MORE_INFO_PATH.format(rg=quote(rg))),
            headers={"X-Requested-With": "XMLHttpRequest"},
        )
        evidence["practice"] = more.evidence()
        locations = parse_more_info(more.text()) or locations
    return Registration(
        regulator=source.key,
        registrant_id=rg,
        registration_number=(str(detail.get("rn") or "").strip() or number),
        name=name,
        family_name=family,
        given_names=given,
        category=category,
        status=standing,
        status_class=classify_standing(standing),
        conditions=conditions,
        profile_url=profile_url,
        authorizations=found,
        locations=locations,
        evidence=evidence,
    )


def preflight(crawl: Crawl) -> Iterator[Check]:
    """The expectations of this adapter, against a live tenant, in about a dozen requests."""
    options = crawl.source.options
    session = Session(crawl)
    form = session.open()
    yield Check(
        "the shell page carries the search form",
        True,
        f"querySID {form.query_sid}; " + form.describe(),
    )
    one = session.search(options["probes"][0][:1])
    yield Check(
        "one-character searches (the adapter starts at two)",
        True,
        f"{len(one)} rows for {options['probes'][0][:1]!r}",
    )
    records: list[dict] = []
    probe = ""
    for probe in options["probes"][:3]:
        records = session.search(probe)
        if records:
            break
    keys = sorted({k for r in records for k in r})
    yield Check(
        "a common two-letter prefix finds people",
        bool(records),
        f"{len(records)} rows for {probe!r}; keys {', '.join(keys) or 'none'}",
    )
    missing = [k for k in (*REQUIRED_KEYS, "rl") if records and not all(k in r for r in records)]
    yield Check(
        "the keys the adapter needs (rg, rl)",
        bool(records) and not missing,
        f"missing {', '.join(missing)}" if missing else f"present in all {len(records)} rows",
    )
    yield Check(
        "the row cap",
        True,
        f"{len(records)} rows for {probe!r} (the cap is learned from the largest reply)",
    )
    if not records:
        return
    wording: list[str] = []
    parsed = 0
    for rec in records[:5]:
        try:
            page = crawl.client.get(crawl.url(DETAIL_PATH.format(rg=quote(rec["rg"])))).text()
            detail = parse_detail(page)
        except LayoutChanged as e:
            yield Check("a detail page is parsed", False, str(e))
            return
        parsed += 1
        wording += parse_list_items(detail.get(options["authorization_field"]))
    yield Check("a detail page is parsed", parsed > 0, f"{parsed} detail pages read")
    known = Wording(crawl.source.wording, crawl.source.mechanism)
    seen = sorted(set(wording))
    yield Check(
        "the authorization wording is the source's",
        crawl.source.needling != "tracked" or any(w in known for w in seen) or not seen,
        "; ".join(seen) or "no authorizations listed on the pages read",
    )


ADAPTER = AlinityAdapter()
