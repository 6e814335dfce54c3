"""Alinity's replies read: the parsers of scrapers/alinity.py, pure functions of response text.

The shapes are in docs/platforms/alinity.md. Where a live tenant differs from them, a parser raises
LayoutChanged and the run fails without touching data.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass

from bs4 import BeautifulSoup

from scrapers.addresses import POSTAL, STREET, postal_code
from scrapers.kinds import Wording
from scrapers.places import fold, province_code
from scrapers.records import Authorization, LayoutChanged, Location
from scrapers.sources import Source
from scrapers.standing import ALINITY
from scrapers.text import family_given, fragment_text

# Only `rg` is on every tenant; `rl` nearly always. Everything else is optional.
REQUIRED_KEYS = ("rg",)


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


def names_of(rec: dict) -> tuple[str, str]:
    """(family, given) of a search record: from `rl`, else `ln`/`fn`, else empty."""
    if rec.get("rl"):
        _, family, given, _ = parse_listed_name(str(rec["rl"]))
        return family or "", given or ""
    return str(rec.get("ln") or ""), str(rec.get("fn") or "")


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
