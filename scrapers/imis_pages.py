"""iMIS public registries read: the parsers of scrapers/imis.py, pure functions of a page's text.

An iMIS (ASI) public registry is an ASP.NET WebForms page: one `<form>` carrying `__VIEWSTATE`,
`__EVENTVALIDATION` and friends, a query sheet of inputs, and a Telerik RadGrid of results
(`tr.rgRow` / `tr.rgAltRow`) with a pager whose page size a postback can raise. A row's name links
to a profile opened in an iframe pop-up. The shapes, and which of them are guesses, are in
docs/platforms/imis.md.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from scrapers.addresses import STREET, postal_code, postal_province
from scrapers.places import fold, province_code
from scrapers.records import LayoutChanged, Location
from scrapers.standing import IMIS
from scrapers.text import node_lines, node_text, squash

# ASP.NET's and iMIS's words for a postback it cannot take: an expired or foreign __VIEWSTATE, an
# event that does not validate, a session that ended [document: ASP.NET error texts; guess for
# the iMIS page].
STATE_ERRORS = re.compile(
    r"Validation of viewstate MAC failed|The state information is invalid for this page|"
    r"Invalid postback or callback argument|Invalid viewstate|Your session has expired|"
    r"ViewStateException",
    re.I,
)
# Telerik's pager summary: "2090 items in 105 pages" [document: Telerik RadGrid pager].
_INFO = re.compile(r"(\d[\d,]*)\s+items?\s+in\s+(\d[\d,]*)\s+pages?", re.I)
_QUOTED = re.compile(r"""['"]([^'"]+)['"]""")

# Standing words of iMIS registries -> practising, suspended, ... (scrapers/standing.py).
classify_status = IMIS.classify


@dataclass(frozen=True)
class Form:
    """A WebForms page's one form: where it posts, and every field a browser would send."""

    action: str
    fields: list[tuple[str, str]]
    names: dict[str, str]  # element id -> its field name (`ctl01_A_B` -> `ctl01$A$B`)
    buttons: dict[str, tuple[str, str]]  # submit button id -> (name, value)

    def name_of(self, element_id: str) -> str:
        if element_id in self.names:
            return self.names[element_id]
        if element_id in self.buttons:
            return self.buttons[element_id][0]
        raise LayoutChanged(f"the form has no field with id {element_id}")


def soup(text: str) -> BeautifulSoup:
    return BeautifulSoup(text, "html.parser")


def state_error(text: str) -> str | None:
    """The words of a WebForms state error page (an expired __VIEWSTATE, say), else None."""
    found = STATE_ERRORS.search(text[:200_000])
    return found.group(0) if found else None


def parse_form(text: str, page_url: str) -> Form:
    """The page's form, as a browser would post it with no button pressed; LayoutChanged when the
    page has no WebForms form (no `__VIEWSTATE`)."""
    page = soup(text)
    form = page.find("form")
    if not isinstance(form, Tag) or not form.find("input", attrs={"name": "__VIEWSTATE"}):
        error = state_error(text)
        raise LayoutChanged(
            f"the page has no WebForms form (no __VIEWSTATE){': ' + error if error else ''}"
        )
    fields: list[tuple[str, str]] = []
    names: dict[str, str] = {}
    buttons: dict[str, tuple[str, str]] = {}
    for element in form.find_all(["input", "select", "textarea"]):
        name = element.get("name")
        if not isinstance(name, str) or not name or element.has_attr("disabled"):
            continue
        element_id = str(element.get("id") or "")
        kind = str(element.get("type") or "text").lower()
        if element.name == "input" and kind in ("submit", "button", "image", "reset"):
            if element_id:
                buttons[element_id] = (name, str(element.get("value") or ""))
            continue
        if element_id:
            names[element_id] = name
        if element.name == "select":
            options = element.find_all("option")
            chosen = [o for o in options if o.has_attr("selected")] or options[:1]
            fields += [(name, str(o.get("value", node_text(o)))) for o in chosen]
        elif element.name == "textarea":
            fields.append((name, element.get_text()))
        elif kind in ("checkbox", "radio"):
            if element.has_attr("checked"):
                fields.append((name, str(element.get("value") or "on")))
        elif kind != "file":
            fields.append((name, str(element.get("value") or "")))
    action = urljoin(page_url, str(form.get("action") or page_url))
    return Form(action, fields, names, buttons)


def postback(
    form: Form,
    values: dict[str, str],
    *,
    button: str | None = None,
    event_target: str = "",
) -> dict[str, str]:
    """The body of a full (not asynchronous) postback: every field of the form, `values` (by
    element id) set, and the pressed `button` (by id) sent as a browser sends it, or
    `__EVENTTARGET` set for a link-style control. A Telerik numeric box keeps its value in a
    `<id>_ClientState` JSON too: it is set to the same value."""
    body = dict(form.fields)
    for element_id, value in values.items():
        body[form.name_of(element_id)] = value
        state = f"{element_id}_ClientState"
        if state in form.names:
            body[form.names[state]] = json.dumps(
                {
                    "enabled": True,
                    "emptyMessage": "",
                    "validationText": value,
                    "valueAsString": value,
                    "lastSetTextBoxValue": value,
                },
                separators=(",", ":"),
            )
    body["__EVENTTARGET"] = event_target
    body.setdefault("__EVENTARGUMENT", "")
    if button is not None:
        if button not in form.buttons:
            raise LayoutChanged(f"the form has no button with id {button}")
        name, value = form.buttons[button]
        body[name] = value
    return body


@dataclass(frozen=True)
class Row:
    """One grid row: its cells by header, and the profile its name links to."""

    cells: dict[str, str]
    link: str | None  # absolute URL of the profile, or None when the row has no link


@dataclass(frozen=True)
class Grid:
    headers: list[str]
    rows: list[Row]
    total: int | None  # items the pager says the query found, when it says
    next_button: str | None  # id of the pager's "next page" button, when there is a next page
    page_size_box: bool  # whether the pager offers a page-size box
    extra: dict[str, str] = field(default_factory=dict)


def detail_link(href: str | None, page_url: str) -> str | None:
    """A row link's profile URL: a plain href, or the first quoted URL of a `javascript:` call
    (iMIS opens profiles with `ShowDialog_NoReturnValue('<url>', ...)`); None for neither."""
    if not href:
        return None
    href = href.strip()
    if href.lower().startswith("javascript:"):
        for quoted in _QUOTED.findall(href):
            if quoted.startswith(("/", "http://", "https://")) or ".aspx" in quoted.lower():
                return urljoin(page_url, quoted)
        return None
    if href.startswith("#"):
        return None
    return urljoin(page_url, href)


def registrant_id(link: str | None, id_param: str) -> str | None:
    """The iMIS contact id a profile link carries (`?ID=12345`), compared case-insensitively."""
    if not link:
        return None
    query = parse_qs(urlsplit(link).query)
    for name, values in query.items():
        if name.lower() == id_param.lower() and values and values[0].strip():
            return values[0].strip()
    return None


def parse_grid(text: str, grid_id: str, page_url: str) -> Grid:
    """The RadGrid `grid_id` of a results page; LayoutChanged when it is not there (a page that
    is a state error says so)."""
    page = soup(text)
    table = page.find("table", id=grid_id)
    if not isinstance(table, Tag):
        error = state_error(text)
        if error:
            raise LayoutChanged(f"the register refused the postback: {error}")
        raise LayoutChanged(f"the results grid {grid_id} is not on the page")
    header_cells = [th for th in table.find_all("th") if "rgHeader" in (th.get("class") or [])]
    if not header_cells:
        thead = table.find("thead")
        header_cells = thead.find_all("th") if isinstance(thead, Tag) else []
    headers = [node_text(th) for th in header_cells]
    rows = []
    body = table.find("tbody", recursive=False) or table
    for tr in body.find_all("tr", class_=["rgRow", "rgAltRow"], recursive=False):
        cells = tr.find_all("td", recursive=False)
        values = {
            headers[i] if i < len(headers) else f"column {i + 1}": node_text(td)
            for i, td in enumerate(cells)
        }
        anchor = cells[0].find("a") if cells else None
        href = str(anchor.get("href") or "") if isinstance(anchor, Tag) else ""
        onclick = str(anchor.get("onclick") or "") if isinstance(anchor, Tag) else ""
        link = detail_link(href, page_url) or detail_link(
            f"javascript:{onclick}" if onclick else None, page_url
        )
        rows.append(Row(values, link))
    total = None
    info = table.find(class_="rgInfoPart")
    found = _INFO.search(node_text(info) if isinstance(info, Tag) else node_text(table.tfoot))
    if found:
        total = int(found.group(1).replace(",", ""))
    next_button = None
    following = table.find("input", class_="rgPageNext")
    if isinstance(following, Tag) and not following.has_attr("disabled"):
        onclick = str(following.get("onclick") or "")
        if "returnfalse" not in onclick.replace(" ", "").lower():
            next_button = str(following.get("id") or "") or None
    box = table.find("input", id=re.compile(r"ChangePageSizeTextBox$"))
    return Grid(headers, rows, total, next_button, isinstance(box, Tag))


def column(row: Row, header: str | None) -> str | None:
    """A row's cell under `header` (compared without case or accents), or None."""
    if not header:
        return None
    wanted = fold(header)
    for name, value in row.cells.items():
        if fold(name) == wanted:
            return squash(value) or None
    return None


def split_title(name: str, titles: list[str]) -> tuple[str, str | None]:
    """ "Wei Chen, R.TCM.P." -> ("Wei Chen", "R.TCM.P."): a professional title printed after the
    name, when it is one of `titles` (compared without spaces or case)."""
    for title in titles:
        letters = r"\s*".join(re.escape(c) for c in title.replace(" ", ""))
        found = re.search(rf"[,\s]*{letters}\s*$", name, re.I)
        if found and found.start() > 0:
            return squash(name[: found.start()]), title
    return squash(name), None


def family_given_spaced(name: str) -> tuple[str | None, str | None]:
    """ "Wei Chen" -> ("Chen", "Wei"), "Chen, Wei" -> ("Chen", "Wei"): iMIS prints full names
    given-name first; a comma means last name first."""
    if "," in name:
        family, _, given = name.partition(",")
        return squash(family) or None, squash(given) or None
    parts = squash(name).split(" ")
    if len(parts) < 2:
        return (parts[0] or None) if parts else None, None
    return parts[-1], " ".join(parts[:-1])


def find_by_id(page: BeautifulSoup, element_id: str) -> Tag | None:
    """The element `element_id`, or one whose id is it with another `ctlNN_` page prefix (the
    pop-up's ids start `ctl00_`, the page's `ctl01_`)."""
    found = page.find(id=element_id)
    if isinstance(found, Tag):
        return found
    tail = re.sub(r"^ctl\d+_", "", element_id)
    found = page.find(id=re.compile(rf"^ctl\d+_{re.escape(tail)}$"))
    return found if isinstance(found, Tag) else None


@dataclass(frozen=True)
class Detail:
    """What a profile pop-up publishes that the adapter keeps (never the email)."""

    name: str | None
    organization: str | None
    address_lines: list[str]
    phone: str | None


def parse_detail(text: str, ids: dict[str, str]) -> Detail:
    """A profile page; `ids` gives the element id of `name`, `organization`, `address`, `phone`.
    LayoutChanged when the name is not there."""
    page = soup(text)
    name = find_by_id(page, ids["name"])
    if name is None:
        error = state_error(text)
        raise LayoutChanged(
            "the profile has no name element "
            f"{ids['name']}{': ' + error if error else ' (the pop-up layout changed)'}"
        )
    organization = find_by_id(page, ids.get("organization", ""))
    address = find_by_id(page, ids.get("address", ""))
    phone = find_by_id(page, ids.get("phone", ""))
    return Detail(
        name=node_text(name) or None,
        organization=node_text(organization) or None,
        address_lines=node_lines(address, ("div", "p")),
        phone=node_text(phone) or None,
    )


_CITY_LINE = re.compile(
    r"^(?P<city>.+?)[,\s]+(?P<province>[A-Za-z]{2}|[A-Za-z][A-Za-z .'-]+?)\s+"
    r"(?P<postal>[A-Za-z]\d[A-Za-z]\s?\d[A-Za-z]\d)$"
)
_COUNTRIES = {"canada", "ca", "united states", "usa", "us"}


def location(detail: Detail | None, city: str | None, province: str | None) -> Location | None:
    """The practice location a row and its profile publish: the profile's address lines (street
    lines, then "City BC V5K 1A1", then a country), else the grid's city alone."""
    lines = [line for line in (detail.address_lines if detail else []) if line]
    if lines and fold(lines[-1]) in _COUNTRIES:
        lines = lines[:-1]
    street: list[str] = []
    place_city, place_province, postal = city, province, None
    for line in lines:
        found = _CITY_LINE.match(line)
        if found and not STREET.match(line):
            place_city = squash(found.group("city")).rstrip(",") or place_city
            place_province = province_code(found.group("province")) or place_province
            postal = postal_code(found.group("postal"))
        else:
            street.append(line)
    place_province = place_province or postal_province(postal)
    organization = detail.organization if detail else None
    phone = detail.phone if detail else None
    if not (street or place_city or postal or organization or phone):
        return None
    return Location(
        organization=organization,
        address=", ".join(street) or None,
        city=place_city,
        province=place_province,
        postal_code=postal,
        phone=phone,
    )
