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
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import quote

from bs4 import BeautifulSoup

from scrapers.http import FetchError, PoliteClient
from scrapers.kinds import KINDS
from scrapers.places import fold, province_code
from scrapers.records import Authorization, Evidence, LayoutChanged, Location, Registration
from scrapers.sources import Source

log = logging.getLogger(__name__)

DEFAULT_OPTIONS = {
    "row_cap": 25,
    # Search is a prefix match; where the collation is accent-sensitive (SQL Server's CI_AS),
    # every accented letter needs its own branch: "Ngu" + "e" never reaches "Nguyễn". French,
    # Spanish, German and Vietnamese letters, then the apostrophes, hyphens and spaces that occur
    # inside surnames. Letters seen in any listed name are added as the crawl finds them.
    "alphabet": (
        "abcdefghijklmnopqrstuvwxyz"
        "àâäáãåçèéêëíîïìñóôöòõúùûüýÿœæ"
        "ăđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉĩịọỏốồổỗộớờởỡợụủũứừửữựỳỵỷỹ"
        " '-"
    ),
    "max_prefix_length": 12,
    "authorization_field": "sp",
    "more_info": True,
}

SHELL_PATH = "/client/publicdirectory"
SEARCH_PATH = "/client/PublicDirectory/Registrants"
DETAIL_PATH = "/Client/PublicDirectory/Registrant/{rg}"
MORE_INFO_PATH = "/Client/PublicDirectory/MoreInfo/{rg}"

LISTING_KEYS = ("rg", "rl", "prl", "c", "cv", "pdcv", "oa")
NEEDLING_HINT = re.compile(r"needl|acupunct|aiguille|\bIMS\b|intramuscular", re.I)


# ---------------------------------------------------------------- pure parsers


def parse_shell(page: str) -> int:
    """The querySID a search must quote, from the shell page."""
    node = BeautifulSoup(page, "html.parser").find("input", id="querySID")
    value = node.get("value") if node else None
    if not value or not str(value).strip().isdigit():
        raise LayoutChanged("the directory shell page has no numeric querySID input")
    return int(value)


def parse_search(body: str) -> list[dict]:
    """The records of a Registrants reply (BOM already stripped), checked for the keys we use."""
    try:
        data = json.loads(body.lstrip("\ufeff"))
    except json.JSONDecodeError as e:
        raise LayoutChanged(f"search reply is not JSON: {e}") from None
    if not isinstance(data, dict) or not isinstance(data.get("Records"), list):
        raise LayoutChanged("search reply has no Records list")
    if data.get("EnableCaptcha"):
        raise LayoutChanged("the directory now asks for a CAPTCHA; automated import must stop")
    for rec in data["Records"]:
        missing = [k for k in LISTING_KEYS if not isinstance(rec, dict) or k not in rec]
        if missing:
            raise LayoutChanged(f"search record lacks {', '.join(missing)}: layout changed")
    return data["Records"]


_LISTED = re.compile(r"^(?P<name>.*?)\s*\((?P<number>[^()]*)\)\s*$")


def parse_listed_name(rl: str) -> tuple[str, str | None, str | None, str | None]:
    """ "Côté, Anne-Marie (12345)" -> ("Côté, Anne-Marie", "Côté", "Anne-Marie", "12345")."""
    rl = " ".join(html.unescape(rl).split())
    m = _LISTED.match(rl)
    name, number = (m["name"], m["number"].strip() or None) if m else (rl, None)
    family, _, given = name.partition(",")
    return name, family.strip() or None, given.strip() or None, number


_BR = re.compile(r"<\s*/?\s*br\s*/?\s*>", re.I)
_TAG = re.compile(r"<[^>]+>")
_LI = re.compile(r"<li[^>]*>(.*?)</li>", re.I | re.S)


def _text(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def parse_list_items(fragment: str | None) -> list[str]:
    """`<ul><li>A</li><li>B</li></ul>` -> ["A", "B"]; "[]" and "" -> []."""
    if not fragment or fragment.strip() in ("[]", ""):
        return []
    return [t for t in (_text(item) for item in _LI.findall(fragment)) if t]


_CITY_LINE = re.compile(
    r"^(?P<city>[^,]+),\s*(?P<province>[^,]+?)(?:,\s*(?P<country>[^,]*?))?\s*"
    r"(?P<postal>[A-Za-z]\d[A-Za-z]\s?\d[A-Za-z]\d)?$"
)
_STREET = re.compile(r"^(\d|p\.?\s?o\.?\s+box|suite|unit|#)", re.I)
_LABEL = re.compile(r"^(?P<label>phone|fax|tel|telephone)\s*:\s*(?P<value>.*)$", re.I)


def parse_address(fragment: str | None) -> Location | None:
    """A listed address (`oa`, or a MoreInfo block) -> Location; None when nothing is listed."""
    if not fragment or not fragment.strip():
        return None
    lines = [_text(part) for part in _BR.split(fragment)]
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
            postal = m["postal"].upper().replace(" ", "") if m["postal"] else None
            if postal:
                postal = f"{postal[:3]} {postal[3:]}"
            body = body[:i] + body[i + 1 :]
            break
    organization = None
    if len(body) > 1 and not _STREET.match(body[0]):
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


def classify_standing(standing: str | None) -> str:
    """Register standing in the regulator's words -> practising / suspended / ... / unknown."""
    s = fold(standing or "")
    if "suspend" in s:
        return "suspended"
    if any(w in s for w in ("cancel", "revok", "resign", "retired", "deceased", "expired")):
        return "cancelled"
    if any(w in s for w in ("non-practi", "non practi", "nonpracti", "inactive")):
        return "non_practising"
    if any(w in s for w in ("practi", "active")):
        return "practising"
    return "unknown"


def parse_register(pr: str | None) -> tuple[str | None, str | None]:
    """`pr` "General Register<br/>Practising" -> ("General Register", "Practising")."""
    parts = [_text(p) for p in _BR.split(pr or "")]
    parts = [p for p in parts if p]
    if not parts:
        return None, None
    return parts[0], (" - ".join(parts[1:]) or None)


def authorizations(items: list[str], source: Source) -> tuple[list[Authorization], list[str]]:
    """Map listed special authorizations to needling kinds by the source's wording.

    Returns the authorizations and the items that look like needling but match no known wording
    (a sign the regulator changed its words: an error for the operator, not a silent drop).
    """
    wording = {fold(w): kind for w, kind in source.wording.items()}
    found, unknown = [], []
    for item in items:
        kind = wording.get(fold(item))
        if kind in KINDS:
            found.append(Authorization(wording=item, kind=kind, mechanism=source.mechanism or ""))
        elif NEEDLING_HINT.search(item):
            unknown.append(item)
    return found, unknown


# ---------------------------------------------------------------- crawling


@dataclass
class Crawl:
    """Crawl state for one source: the client, what was seen, and record-level errors."""

    source: Source
    client: PoliteClient
    progress: Callable[[str], None] = lambda message: None
    errors: list[dict] = field(default_factory=list)
    searches: int = 0
    query_sid: int = 0
    letters: set[str] = field(default_factory=set)

    def url(self, path: str) -> str:
        return f"{self.source.base_url}{path}"

    def search(self, first: str, last: str) -> tuple[list[dict], Evidence]:
        params = [("TextOptionA", first), ("TextOptionB", last), ("TextOptionC", "")]
        query = {
            "Parameter": [
                {"ID": i, "Value": v, "ValueLabel": v or "[not entered]"} for i, v in params
            ]
        }
        fetched = self.client.post(
            self.url(SEARCH_PATH),
            data={
                "querySID": str(self.query_sid),
                "queryParameters": json.dumps(query, ensure_ascii=False),
            },
            headers={"X-Requested-With": "XMLHttpRequest"},
        )
        self.searches += 1
        return parse_search(fetched.text()), fetched.evidence()

    def listings(self) -> dict[str, tuple[dict, Evidence]]:
        """Every listed registrant, by drilling name prefixes until each search is under the cap."""
        shell = self.client.get(self.url(SHELL_PATH))
        self.query_sid = parse_shell(shell.text())
        found: dict[str, tuple[dict, Evidence]] = {}
        for ch in self.source.options["alphabet"]:
            if ch.isalpha():  # surnames start with a letter; ' - and space only occur inside
                self._drill(ch, "", found)
        return found

    def _drill(self, last: str, first: str, found: dict) -> None:
        records, evidence = self.search(first, last)
        for rec in records:
            found.setdefault(rec["rg"], (rec, evidence))
        cap = self.source.options["row_cap"]
        self.progress(
            f"{self.source.key}: listing: {len(found)} registrants from {self.searches} "
            f"searches, {self.client.requests_made} requests"
        )
        if len(records) > cap:
            log.warning(
                "%s: a search returned %d rows, over the %d cap: the cap changed",
                self.source.key,
                len(records),
                cap,
            )
        if len(records) < cap:
            return
        limit = self.source.options["max_prefix_length"]
        if len(last) >= limit or len(first) >= limit:
            raise LayoutChanged(
                f"still {len(records)} rows for last name {last!r}, first name {first!r} at the "
                f"{limit}-letter limit: cannot get under the row cap"
            )
        names = [parse_listed_name(r["rl"]) for r in records]
        listed_families = [unicodedata.normalize("NFC", (n[1] or "").casefold()) for n in names]
        listed_given = [unicodedata.normalize("NFC", (n[2] or "").casefold()) for n in names]
        families = [fold(f) for f in listed_families]
        if first == "":
            for ch in self._branches(listed_families, len(last)):
                if not (ch == " " and last.endswith(" ")):
                    self._drill(last + ch, "", found)
        # People whose surname is exactly the prefix are not reached by longer prefixes: drill
        # them by first name. Replies are sorted by surname, so if any exist they show first;
        # where a reply is not sorted, drill by first name anyway.
        if first or fold(last) in families or families != sorted(families):
            for ch in self._branches(listed_given, len(first)):
                if ch != " ":
                    self._drill(last, first + ch, found)

    def _branches(self, names: list[str], position: int) -> list[str]:
        """Characters to try after a capped prefix: the alphabet, plus letters seen in any name
        listed so far (a register's names can hold letters no configured list foresees)."""
        for name in names:
            self.letters.update(ch for ch in name if ch.isalpha())
        alphabet = self.source.options["alphabet"]
        return list(alphabet) + sorted(self.letters - set(alphabet))

    def registration(self, rec: dict, listing: Evidence) -> Registration:
        source = self.source
        rg = rec["rg"]
        name, family, given, number = parse_listed_name(rec["rl"])
        conditions = [] if rec["cv"] == "hidden" else parse_list_items(rec["c"])
        evidence = {"listing": listing}
        profile_url = self.url(DETAIL_PATH.format(rg=quote(rg)))
        detail_page = self.client.get(profile_url)
        evidence["detail"] = detail_page.evidence()
        detail = parse_detail(detail_page.text())
        field_name = source.options["authorization_field"]
        if field_name not in detail:
            raise LayoutChanged(f"registrant page has no {field_name!r} field for authorizations")
        found, unknown = authorizations(parse_list_items(detail.get(field_name)), source)
        if unknown:
            self.errors.append(
                {
                    "url": profile_url,
                    "error": "needling wording not in the source's "
                    f"wording map: {'; '.join(unknown)}",
                }
            )
        category, standing = parse_register(detail.get("pr"))
        if category is None:
            category = parse_register(rec.get("prl"))[0]
        locations = [loc for loc in [parse_address(rec["oa"])] if loc]
        if rec["pdcv"] != "hidden" and source.options["more_info"]:
            more = self.client.post(
                self.url(MORE_INFO_PATH.format(rg=quote(rg))),
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


def crawl(
    source: Source,
    client: PoliteClient,
    progress: Callable[[str], None] = lambda message: None,
    errors: list[dict] | None = None,
) -> Iterator[Registration]:
    """Yield every registrant of an Alinity tenant; record-level failures go to `errors`."""
    state = Crawl(source, client, progress, errors if errors is not None else [])
    listed = state.listings()
    any_authorized = False
    started = time.monotonic()
    for i, (rec, evidence) in enumerate(listed.values(), 1):
        try:
            registration = state.registration(rec, evidence)
        except (FetchError, LayoutChanged) as e:
            state.errors.append(
                {"url": state.url(DETAIL_PATH.format(rg=rec["rg"])), "error": str(e)}
            )
            continue
        any_authorized = any_authorized or bool(registration.authorizations)
        left = (time.monotonic() - started) / i * (len(listed) - i)
        progress(
            f"{source.key}: {i}/{len(listed)} registrants read, {client.requests_made} requests, "
            f"{len(state.errors)} errors, about {left / 60:.0f} min left"
        )
        yield registration
    # Registrants that could not be read fail the run on their own, with their own errors.
    if source.needling == "tracked" and listed and not any_authorized and not state.errors:
        raise LayoutChanged(
            f"none of {len(listed)} registrants has a needling authorization in "
            f"{source.options['authorization_field']!r}: the field or the wording changed"
        )
