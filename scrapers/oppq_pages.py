"""The OPPQ directory's pages read: the parsers of scrapers/oppq.py, pure functions of page text.

The shapes, and which of them are live, read from the site's code, or guessed, are in
docs/platforms/oppq.md. Where the live site differs, a parser raises LayoutChanged and the run
fails without touching data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from scrapers.addresses import POSTAL, postal_code
from scrapers.kinds import Wording
from scrapers.places import fold, province_code
from scrapers.records import Authorization, LayoutChanged, Location
from scrapers.sources import Source
from scrapers.text import node_lines, node_text, plain

# Per language: the results path, the profile path prefix, and the standing we record. The
# directory shows no standing; it lists current members only [guess].
LANGUAGES = {
    "en": {
        "list": "/en/find-a-professional/results/",
        "profile": "/en/find-a-professional/",
        "status": "Active member",
    },
    "fr": {
        "list": "/fr/trouver-un-professionnel/resultats/",
        "profile": "/fr/trouver-un-professionnel/",
        "status": "Membre actif",
    },
}

# Approaches that look like needling. "Acupuncture" is deliberately absent: a Quebec
# physiotherapist who needles "n'est pas acupuncteur", so a listed acupuncture approach is
# neither the Order's attestation nor a sign that its wording changed.
NEEDLING_HINT = re.compile(r"needl|aiguille|sous le derme|\bPPAS\b|\bIMS\b|intramuscul", re.I)
APPROACHES_HEADING = re.compile(r"approche|approach", re.I)


@dataclass(frozen=True)
class ListItem:
    """One map marker of the results: a member at one workplace (or with none published)."""

    profile_url: str
    name: str
    title: str
    location: Location | None
    latitude: float | None = None
    longitude: float | None = None
    from_data_content: bool = True


_CITY_LINE = re.compile(
    r"^(?P<city>.+?)\s*(?:\((?P<province>[^()]+)\)|,\s*(?P<province2>[^,\d]+?))\s*"
    rf"(?P<postal>{POSTAL})?$"
)
_PHONE = re.compile(
    r"^(?:(?:T[ée]l(?:[ée]phone)?\.?|Phone)\s*:?\s*)?"
    r"(?P<number>(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}"
    r"(?:\s*(?:poste|ext\.?|#)\s*\d+)?)$",
    re.I,
)
_NOT_ADDRESS = re.compile(r"@|^https?://|^www\.|^(?:fax|t[ée]l[ée]copieur)\b", re.I)


def parse_workplace(lines: list[str], organization: str | None = None) -> Location | None:
    """Workplace lines ("1234, rue X", "Montréal (Québec) H2J 2K8", "514 555-0123") -> Location.

    E-mail, web and fax lines are not part of a practice address and are dropped [guess]."""
    lines = [line for line in lines if not _NOT_ADDRESS.search(line)]
    if not lines:
        return Location(organization=organization) if organization else None
    phone = None
    body = []
    for line in lines:
        m = _PHONE.match(line)
        if phone is None and m:
            phone = m["number"]
        else:
            body.append(line)
    for i in range(len(body) - 1, -1, -1):
        m = _CITY_LINE.match(body[i])
        province = m and province_code(m["province"] or m["province2"])
        if m and province:
            return Location(
                organization=organization,
                address=", ".join(body[:i] + body[i + 1 :]) or None,
                city=m["city"].strip(),
                province=province,
                postal_code=postal_code(m["postal"]),
                phone=phone,
            )
    raise LayoutChanged(f"workplace has no 'City (Province) Postal code' line: {lines!r}")


def _coordinate(address: Tag, name: str) -> float | None:
    if not address.has_attr(name):
        raise LayoutChanged(f"a result's <address> lacks {name} (data-latitude/data-longitude)")
    value = str(address[name]).strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise LayoutChanged(f"a result's {name} is {value!r}, not a number") from None


def _profile_link(window: Tag, address: Tag) -> Tag | None:
    """The info window's `__profile` link; in the child-element layout, the item's link button."""
    link = window.select_one(".info-window__profile a[href]")
    if link is None:
        item = address.find_parent("li")
        link = item.select_one("a.link-button[href]") if item is not None else None
    return link


def parse_list_page(page: str, url: str) -> list[ListItem]:
    """The map markers of one results page; `url` resolves relative profile links.

    A marker's info window is read from its `data-content` attribute (the live layout, read
    from the site's code), else from the `<address>` element's own children (the older layout).
    """
    soup = BeautifulSoup(page, "html.parser")
    out = []
    for address in soup.find_all("address"):
        in_data = address.has_attr("data-content")
        if not in_data and not address.has_attr("data-latitude"):
            continue  # not a map marker (a footer's postal address, say)
        window = BeautifulSoup(str(address["data-content"]), "html.parser") if in_data else address
        link = _profile_link(window, address)
        if link is None:
            raise LayoutChanged(
                "a result has no profile link (.info-window__profile a, or the item's "
                "a.link-button)"
            )
        name = node_text(window.select_one(".info-window__name"))
        title = node_text(window.select_one(".info-window__title"))
        if not name or not title:
            raise LayoutChanged("a result lacks .info-window__name or .info-window__title")
        organization = node_text(window.select_one(".info-window__organization")) or None
        lines = node_lines(window.select_one(".info-window__workplace"))
        lines += node_lines(window.select_one(".info-window__coords"))
        out.append(
            ListItem(
                profile_url=urljoin(url, str(link["href"])),
                name=name,
                title=title,
                location=parse_workplace(lines, organization),
                latitude=_coordinate(address, "data-latitude"),
                longitude=_coordinate(address, "data-longitude"),
                from_data_content=in_data,
            )
        )
    return out


def parse_last_page(page: str) -> int:
    """The highest page number the WordPress pager offers; LayoutChanged when there is none."""
    soup = BeautifulSoup(page, "html.parser")
    numbers = []
    for node in soup.select(".pagination .page-numbers, .nav-links .page-numbers"):
        text = "".join(node_text(node).split())
        if text.isdigit():
            numbers.append(int(text))
        m = re.search(r"/page/(\d+)/?$", str(node.get("href") or ""))
        if m:
            numbers.append(int(m.group(1)))
    if not numbers:
        raise LayoutChanged(
            "the first results page has no pager (.pagination .page-numbers): "
            "cannot tell how many pages to read"
        )
    return max(numbers)


def profile_slug(profile_url: str, language: str) -> str:
    """The member's slug, the last segment of /<lang>/<directory>/<slug>/: the stable id."""
    path = urlsplit(profile_url).path
    prefix = LANGUAGES[language]["profile"]
    slug = path[len(prefix) :].strip("/") if path.startswith(prefix) else ""
    if not slug or "/" in slug:
        raise LayoutChanged(f"profile link {profile_url!r} is not {prefix}<slug>/")
    return slug


def parse_profile(page: str) -> dict:
    """A profile page -> {"name", "title", "lists": [[str], [str], [str]], "headings": [...]}."""
    soup = BeautifulSoup(page, "html.parser")
    h1 = node_text(soup.select_one("h1.page-header__title"))
    if not h1:
        raise LayoutChanged("profile page has no h1.page-header__title")
    name, sep, title = h1.partition(", ")
    if not sep or not name.strip() or not title.strip():
        raise LayoutChanged(f"profile title {h1!r} is not 'Name, title'")
    lists = soup.select("ul.professional__list")
    if len(lists) != 3:
        raise LayoutChanged(
            f"profile page has {len(lists)} ul.professional__list, expected 3 "
            "(languages, approaches, reasons for consulting)"
        )
    headings = []
    for ul in lists:
        heading = ul.find_previous_sibling(["h2", "h3", "h4"])
        headings.append(node_text(heading) or None)
    return {
        "name": name.strip(),
        "title": title.strip(),
        "lists": [[t for t in (node_text(li) for li in ul.find_all("li")) if t] for ul in lists],
        "headings": headings,
    }


def approaches_of(profile: dict, index: int) -> list[str]:
    """The approaches list, checked against its heading when the page gives one."""
    heading = profile["headings"][index]
    if heading is not None and not APPROACHES_HEADING.search(heading):
        raise LayoutChanged(
            f"profile list {index + 1} is headed {heading!r}, not the approaches: layout changed"
        )
    return profile["lists"][index]


def label_key(text: str) -> str:
    """A label folded for comparison: case, accents, typographic apostrophes, spacing and a
    closing period do not matter ("L’utilisation ... l’OPPQ)." = "l'utilisation ... l'OPPQ)")."""
    return fold(plain(text)).rstrip(". ")


def authorizations(items: list[str], source: Source) -> tuple[list[Authorization], list[str]]:
    """Approaches in the source's wording map -> attestations; needling-like leftovers apart.

    Which labels are which kind is the source's wording map (sources.toml), never this module."""
    wording = Wording(
        source.wording, source.mechanism or "attestation", key=label_key, hint=NEEDLING_HINT
    )
    return wording.sort(items)


PARTICLES = {
    "ait",
    "al",
    "ben",
    "d'",
    "da",
    "de",
    "dela",
    "del",
    "della",
    "des",
    "di",
    "do",
    "dos",
    "du",
    "el",
    "la",
    "le",
    "van",
    "vander",
    "von",
}


def split_name(name: str) -> tuple[str | None, str | None]:
    """ "Émilie De Grandpré" -> ("De Grandpré", "Émilie"): the last word plus the particles
    before it is the family name [guess: the directory prints "Given Family" and no split]."""
    words = name.split()
    if len(words) < 2:
        return (words[0] if words else None), None
    start = len(words) - 1
    while start > 1 and words[start - 1].casefold() in PARTICLES:
        start -= 1
    return " ".join(words[start:]), " ".join(words[:start])
