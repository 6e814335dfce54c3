"""Pure parsers of the BC physicians' registrant directory (CPSBC, a Drupal 8+ form).

The form page gives the form's fields and a `form_build_id`; a search is an AJAX POST whose reply
is a JSON list of Drupal AJAX commands, one `insert` carrying the result HTML (a count in
`span.text-mid-blue`, then `div.result-item` cards) and, when Drupal rebuilt the form, an
`update_build_id` with the next `form_build_id`. Shapes and which of them are guesses:
docs/platforms/drupal_cpsbc.md.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urljoin

from bs4 import BeautifulSoup, Tag

from scrapers.addresses import postal_code
from scrapers.records import Evidence, LayoutChanged, Location, Registration
from scrapers.standing import CPSBC
from scrapers.text import family_given, node_lines, node_text, squash

FORM_ID = "cpsbc_directory_form"
PROFILE_PATH = "/public/registrant-directory/search-result/"
_PROFILE = re.compile(r"/registrant-directory/search-result/(\d+)(?:/|$)")
_MSP = re.compile(r"\bMSP\b\s*(?:number)?:?\s*([A-Z]?\d+)", re.I)


@dataclass(frozen=True)
class Card:
    """One result card as listed: the register's id and what the card prints."""

    cpsbc_id: str
    name: str
    href: str
    msp_number: str | None
    status: str | None
    licence_class: str | None
    practice_type: str | None
    addresses: list[list[str]] = field(default_factory=list)  # lines of each "Address:" block


@dataclass(frozen=True)
class Reply:
    """One search reply: the cards, the count the register printed, the next build id."""

    cards: list[Card]
    count: int | None
    build_id: str | None  # from an `update_build_id` command: use it for the next request
    messages: list[str]  # error or status messages the reply carried (a refused search)


def form_fields(page: str) -> dict[str, str]:
    """The directory form's fields with their default values, as a browser would submit them:
    text and hidden inputs, checked boxes and radios, each select's selected (or first) option.
    Raises LayoutChanged when the page holds no such form or no `form_build_id`."""
    soup = BeautifulSoup(page, "html.parser")
    form = None
    for candidate in soup.find_all("form"):
        ident = candidate.find("input", attrs={"name": "form_id"})
        if ident is not None and ident.get("value") == FORM_ID:
            form = candidate
            break
    if form is None:
        raise LayoutChanged(f"the directory page holds no form {FORM_ID!r}")
    fields: dict[str, str] = {}
    for node in form.find_all(["input", "select", "textarea"]):
        name = node.get("name")
        if not isinstance(name, str) or not name or node.get("disabled") is not None:
            continue
        kind = str(node.get("type") or "text").lower()
        if node.name == "select":
            options = node.find_all("option")
            chosen = next((o for o in options if o.get("selected") is not None), None)
            chosen = chosen or (options[0] if options else None)
            fields[name] = str(chosen.get("value", node_text(chosen))) if chosen else ""
        elif node.name == "textarea":
            fields[name] = node.get_text()
        elif kind in ("checkbox", "radio"):
            if node.get("checked") is not None:
                fields[name] = str(node.get("value", "on"))
        elif kind not in ("submit", "button", "image", "reset", "file"):
            fields.setdefault(name, str(node.get("value", "")))
    if not fields.get("form_build_id"):
        raise LayoutChanged(f"the form {FORM_ID!r} has no form_build_id")
    return fields


def search_body(fields: dict[str, str], last_name: str, page: int) -> dict[str, str]:
    """The POST body of one search: the form as the page gave it, the last-name text, the page
    (`pagination_info`, 1-based [code 2023]) and the button Drupal's AJAX names."""
    return {
        **fields,
        "ps_last_name": last_name,
        "pagination_info": str(page),
        "_triggering_element_name": "op",
        "_triggering_element_value": "Search",
        "_drupal_ajax": "1",
    }


def parse_reply(text: str) -> Reply:
    """A search reply (Drupal AJAX commands) as cards, count and next build id.

    Raises LayoutChanged when it is not a list of commands (an error page, a login page) or
    when no `insert` command carries HTML."""
    try:
        commands = json.loads(text)
    except ValueError:
        title = re.search(r"<title>(.*?)</title>", text, re.S | re.I)
        seen = squash(title.group(1)) if title else squash(text[:80])
        raise LayoutChanged(
            f"the search answered with a page, not Drupal AJAX commands ({seen!r}): the session "
            "cookie or the form_build_id was not accepted, or the layout changed"
        ) from None
    if not isinstance(commands, list) or not all(isinstance(c, dict) for c in commands):
        raise LayoutChanged("the search reply is JSON but not a list of Drupal AJAX commands")
    build_id = None
    inserted: list[str] = []
    messages: list[str] = []
    for command in commands:
        name = command.get("command")
        if name == "update_build_id" and isinstance(command.get("new"), str):
            build_id = command["new"]
        elif name == "insert" and isinstance(command.get("data"), str):
            inserted.append(command["data"])
        elif name in ("alert", "message") and isinstance(command.get("text"), str):
            messages.append(squash(command["text"]))
        elif name == "message" and isinstance(command.get("message"), str):
            messages.append(squash(command["message"]))
    if not inserted:
        raise LayoutChanged(
            "the search reply has no insert command with HTML"
            + (f" ({'; '.join(messages)})" if messages else "")
        )
    soup = BeautifulSoup("".join(inserted), "html.parser")
    for node in soup.select(".messages--error, .messages--warning, [role=alert]"):
        text_of = node_text(node)
        if text_of:
            messages.append(text_of)
    count_node = soup.select_one("span.text-mid-blue")
    count = None
    if count_node is not None:
        digits = re.sub(r"[^\d]", "", node_text(count_node))
        count = int(digits) if digits else None
    cards = [card for node in soup.select("div.result-item") if (card := parse_card(node))]
    return Reply(cards, count, build_id, messages)


def parse_card(node: Tag) -> Card | None:
    """One `div.result-item`; None when it holds no profile link (a decoy or an ad)."""
    link = None
    for a in node.find_all("a", href=True):
        if _PROFILE.search(str(a["href"])):
            link = a
            break
    if link is None:
        return None
    href = str(link["href"])
    match = _PROFILE.search(href)
    assert match is not None
    for icon in link.find_all("span"):
        icon.decompose()  # the "arrow_forward" icon's ligature text
    name = node_text(link)
    title = node.select_one(".ps-contact__title")
    msp = _MSP.search(node_text(title if title is not None else node))
    labelled: dict[str, str] = {}
    addresses: list[list[str]] = []
    for element in node.select(".ps-contact__element"):
        label = element.find("strong")
        key = node_text(label).rstrip(":").strip() if label is not None else ""
        if label is not None:
            label.decompose()
        if key == "Address":
            lines = node_lines(element)
            if lines:
                addresses.append(lines)
        elif key == "Phone" and addresses:
            addresses[-1].append(f"Phone: {node_text(element)}")
        elif key and key not in labelled:
            labelled[key] = node_text(element)
    return Card(
        cpsbc_id=match.group(1),
        name=name,
        href=href,
        msp_number=msp.group(1) if msp else None,
        status=labelled.get("Licence status") or labelled.get("Registration status") or None,
        licence_class=labelled.get("Licence class") or labelled.get("Registration class") or None,
        practice_type=labelled.get("Practice type") or None,
        addresses=addresses,
    )


def location(lines: list[str]) -> Location | None:
    """An "Address:" block's lines as a Location: "[organization], street, city, BC, postal,
    Canada", then the "Phone:" that follows it [live 2026-04: the lines' order, from the recorded
    scraper's output]. The city is the line before the province's; None when the block names no
    province line."""
    phones = [line[len("Phone:") :].strip() for line in lines if line.startswith("Phone:")]
    rest = [line for line in lines if line.casefold() != "canada" and not line.startswith("Phone:")]
    at = next((i for i, line in enumerate(rest) if line.upper() in ("BC", "B.C.")), None)
    if at is None or at == 0:
        return None
    city = rest[at - 1]
    postal = postal_code(rest[at + 1]) if at + 1 < len(rest) else None
    before = rest[: at - 1]
    organization = before[0] if len(before) > 1 else None
    street = before[1:] if len(before) > 1 else before
    return Location(
        organization=organization,
        address=", ".join(street) or None,
        city=city,
        province="BC",
        postal_code=postal,
        phone=phones[0] if phones else None,
    )


def profile_url(base: str, href: str) -> str:
    return urljoin(base + "/", href)


def registration(card: Card, key: str, base: str, evidence: Evidence) -> Registration:
    """One card as a Registration keyed on the register's own id; the MSP number (the billing
    number, printed on the card) is the registration number. No authorizations: physicians may
    give trigger point injections by scope, which the crawl adds."""
    family, given = family_given(card.name)
    locations: list[Location] = []
    for lines in card.addresses:
        place = location(lines)
        if place is not None and place not in locations:
            locations.append(place)
    return Registration(
        regulator=key,
        registrant_id=card.cpsbc_id,
        registration_number=card.msp_number,
        name=card.name,
        family_name=family,
        given_names=given,
        category=card.licence_class,
        status=card.status,
        status_class=CPSBC.classify(card.status),
        conditions=[],
        profile_url=profile_url(base, card.href),
        authorizations=[],
        locations=locations,
        evidence={"listing": evidence},
    )


def profile_name(page: str) -> str:
    """The name a profile page prints (`h1.directory-profile--name` [code 2023]); "" if none."""
    soup = BeautifulSoup(page, "html.parser")
    return node_text(soup.select_one("h1.directory-profile--name"))


def profile_id(href: str) -> str | None:
    match = _PROFILE.search(unquote(href))
    return match.group(1) if match else None
