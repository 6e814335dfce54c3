"""The OPPQ's WordPress directory (Ordre professionnel de la physiothérapie du Québec).

First result page -> the pager's last page number -> every result page (one `li.results__item` per
workplace marker, grouped by profile) -> one profile page per member (title, and the approaches
list where a PPAS or acupuncture attestation would show). Parsers are pure functions of the page
text; the shapes, and which of them are guesses, are in docs/platforms/oppq.md. Where the live site
differs, parsing raises LayoutChanged and the run fails without touching data.

The site's own search posts to `admin-ajax.php?action=oppq_physio_search` with a nonce [reported,
unverified]; this adapter does not use it and reads the plain list pages instead.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from scrapers.http import FetchError, PoliteClient
from scrapers.kinds import KINDS
from scrapers.places import fold, province_code
from scrapers.records import Authorization, Evidence, LayoutChanged, Location, Registration
from scrapers.sources import Source

log = logging.getLogger(__name__)

DEFAULT_OPTIONS = {
    "language": "fr",  # which of the two directories to read: "fr" or "en"
    "approaches_index": 1,  # position of the approaches among the three ul.professional__list
    "max_pages": 5000,  # a pager claiming more is taken as a layout change, not crawled
}

# Per language: the results list path, the profile path prefix, and the standing we record.
# The directory shows no standing; it lists current members only [guess], so every member listed
# is recorded as an active member in the directory's language.
LANGUAGES = {
    "fr": {
        "list": "/fr/trouver-un-professionnel/resultats/",
        "profile": "/fr/trouver-un-professionnel/",
        "status": "Membre actif",
    },
    "en": {
        "list": "/en/find-a-professional/results/",
        "profile": "/en/find-a-professional/",
        "status": "Active member",
    },
}

NEEDLING_HINT = re.compile(r"needl|acupunct|aiguille|\bPPAS\b|\bIMS\b|intramuscular", re.I)
APPROACHES_HEADING = re.compile(r"approche|approach", re.I)


# ---------------------------------------------------------------- pure parsers


@dataclass(frozen=True)
class ListItem:
    """One result item: a member at one workplace (or with none published)."""

    profile_url: str
    name: str
    title: str
    location: Location | None


def _text(node: Tag | None) -> str:
    return " ".join(node.get_text(" ").split()) if node is not None else ""


def _lines(node: Tag | None) -> list[str]:
    """The `<br>`-separated lines of a node, whitespace collapsed, empty lines dropped."""
    if node is None:
        return []
    for br in node.find_all("br"):
        br.replace_with("\n")
    return [line for line in (" ".join(s.split()) for s in node.get_text().split("\n")) if line]


_CITY_LINE = re.compile(
    r"^(?P<city>.+?)\s*(?:\((?P<province>[^()]+)\)|,\s*(?P<province2>[^,\d]+?))\s*"
    r"(?P<postal>[A-Za-z]\d[A-Za-z]\s?\d[A-Za-z]\d)?$"
)
_PHONE = re.compile(
    r"^(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}(?:\s*(?:poste|ext\.?|#)\s*\d+)?$", re.I
)


def parse_workplace(lines: list[str], organization: str | None = None) -> Location | None:
    """Workplace lines ("1234, rue X", "Montréal (Québec) H2J 2K8", "514 555-0123") -> Location."""
    if not lines:
        return Location(organization=organization) if organization else None
    phone = None
    body = []
    for line in lines:
        if phone is None and _PHONE.match(line):
            phone = line
        else:
            body.append(line)
    for i in range(len(body) - 1, -1, -1):
        m = _CITY_LINE.match(body[i])
        province = m and province_code(m["province"] or m["province2"])
        if m and province:
            postal = m["postal"].upper().replace(" ", "") if m["postal"] else None
            return Location(
                organization=organization,
                address=", ".join(body[:i] + body[i + 1 :]) or None,
                city=m["city"].strip(),
                province=province,
                postal_code=f"{postal[:3]} {postal[3:]}" if postal else None,
                phone=phone,
            )
    raise LayoutChanged(f"workplace has no 'City (Province) Postal code' line: {lines!r}")


def parse_list_page(page: str, url: str) -> list[ListItem]:
    """The result items of one list page; `url` resolves relative profile links."""
    soup = BeautifulSoup(page, "html.parser")
    items = soup.select("li.results__item")
    out = []
    for item in items:
        link = item.select_one("a.link-button[href]")
        address = item.find("address")
        if link is None or address is None:
            raise LayoutChanged("a results__item lacks its a.link-button or its <address>")
        if not address.has_attr("data-latitude") or not address.has_attr("data-longitude"):
            raise LayoutChanged("a results__item's <address> lacks data-latitude/data-longitude")
        name = _text(address.select_one("p.info-window__name"))
        title = _text(address.select_one("p.info-window__title"))
        if not name or not title:
            raise LayoutChanged("a results__item lacks p.info-window__name or __title")
        organization = _text(address.select_one("p.info-window__organization")) or None
        lines = _lines(address.select_one("p.info-window__workplace"))
        out.append(
            ListItem(
                profile_url=urljoin(url, str(link["href"])),
                name=name,
                title=title,
                location=parse_workplace(lines, organization),
            )
        )
    return out


def parse_last_page(page: str) -> int:
    """The highest page number the WordPress pager offers; LayoutChanged when there is none."""
    soup = BeautifulSoup(page, "html.parser")
    numbers = []
    for node in soup.select(".pagination .page-numbers, .nav-links .page-numbers"):
        text = "".join(_text(node).split())
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
    h1 = _text(soup.select_one("h1.page-header__title"))
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
        headings.append(_text(heading) or None)
    return {
        "name": name.strip(),
        "title": title.strip(),
        "lists": [[t for t in (_text(li) for li in ul.find_all("li")) if t] for ul in lists],
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


def authorizations(items: list[str], source: Source) -> tuple[list[Authorization], list[str]]:
    """Approaches matching the source's wording -> attestations; needling-like leftovers apart."""
    wording = {fold(w): kind for w, kind in source.wording.items()}
    found, unknown = [], []
    for item in items:
        kind = wording.get(fold(item))
        if kind in KINDS:
            mechanism = source.mechanism or "attestation"
            found.append(Authorization(wording=item, kind=kind, mechanism=mechanism))
        elif NEEDLING_HINT.search(item):
            unknown.append(item)
    return found, unknown


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


# ---------------------------------------------------------------- crawling


@dataclass
class Listed:
    profile_url: str
    name: str
    title: str
    locations: list[Location]
    evidence: Evidence


@dataclass
class Crawl:
    source: Source
    client: PoliteClient
    progress: Callable[[str], None] = lambda message: None
    errors: list[dict] = field(default_factory=list)

    @property
    def language(self) -> str:
        language = self.source.options.get("language", "fr")
        if language not in LANGUAGES:
            raise LayoutChanged(f"option language must be one of {', '.join(LANGUAGES)}")
        return language

    def list_url(self, page: int) -> str:
        path = LANGUAGES[self.language]["list"]
        return f"{self.source.base_url}{path}" + ("" if page == 1 else f"page/{page}/")

    def listings(self) -> dict[str, Listed]:
        found: dict[str, Listed] = {}
        first = self.client.get(self.list_url(1))
        last = parse_last_page(first.text())
        if last > self.source.options["max_pages"]:
            raise LayoutChanged(
                f"the pager claims {last} pages, over max_pages {self.source.options['max_pages']}"
            )
        for page in range(1, last + 1):
            fetched = first if page == 1 else self.client.get(self.list_url(page))
            items = parse_list_page(fetched.text(), fetched.url)
            if not items:
                raise LayoutChanged(f"results page {page} of {last} lists no li.results__item")
            for item in items:
                slug = profile_slug(item.profile_url, self.language)
                listed = found.get(slug)
                if listed is None:
                    listed = found[slug] = Listed(
                        item.profile_url, item.name, item.title, [], fetched.evidence()
                    )
                if item.location and item.location not in listed.locations:
                    listed.locations.append(item.location)
            self.progress(
                f"{self.source.key}: listing: page {page}/{last}, {len(found)} members, "
                f"{self.client.requests_made} requests"
            )
        return found

    def registration(self, slug: str, listed: Listed) -> Registration:
        source = self.source
        fetched = self.client.get(listed.profile_url)
        profile = parse_profile(fetched.text())
        found, unknown = authorizations(
            approaches_of(profile, source.options["approaches_index"]), source
        )
        if unknown:
            self.errors.append(
                {
                    "url": listed.profile_url,
                    "error": "needling wording not in the source's wording map: "
                    + "; ".join(unknown),
                }
            )
        name = profile["name"]
        family, given = split_name(name)
        status = LANGUAGES[self.language]["status"]
        return Registration(
            regulator=source.key,
            registrant_id=slug,
            registration_number=None,
            name=name,
            family_name=family,
            given_names=given,
            category=profile["title"] or listed.title,
            status=status,
            status_class="practising",
            conditions=[],
            profile_url=listed.profile_url,
            authorizations=found,
            locations=list(listed.locations),
            evidence={"listing": listed.evidence, "detail": fetched.evidence()},
        )


def crawl(
    source: Source,
    client: PoliteClient,
    progress: Callable[[str], None] = lambda message: None,
    errors: list[dict] | None = None,
) -> Iterator[Registration]:
    """Yield every member the OPPQ directory lists; record-level failures go to `errors`."""
    state = Crawl(source, client, progress, errors if errors is not None else [])
    listed = state.listings()
    any_authorized = False
    started = time.monotonic()
    for i, (slug, entry) in enumerate(listed.items(), 1):
        try:
            registration = state.registration(slug, entry)
        except (FetchError, LayoutChanged) as e:
            state.errors.append({"url": entry.profile_url, "error": str(e)})
            continue
        any_authorized = any_authorized or bool(registration.authorizations)
        left = (time.monotonic() - started) / i * (len(listed) - i)
        progress(
            f"{source.key}: {i}/{len(listed)} members read, {client.requests_made} requests, "
            f"{len(state.errors)} errors, about {left / 60:.0f} min left"
        )
        yield registration
    if source.needling == "tracked" and listed and not any_authorized and not state.errors:
        raise LayoutChanged(
            f"none of {len(listed)} members lists a needling approach in the source's wording: "
            "the approaches list or the wording changed"
        )
