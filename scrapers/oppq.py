"""The OPPQ's WordPress directory (Ordre professionnel de la physiothérapie du Québec).

First results page -> the pager's last page number -> every results page (one `<address>` map
marker per workplace, its info window in `data-content`, grouped by profile) -> one profile page
per member (the approaches list is where the Order's attestations show). Parsers are pure
functions of the page text; the shapes, and which of them are live, read from the site's code, or
guessed, are in docs/platforms/oppq.md. Where the live site differs, parsing raises LayoutChanged
and the run fails without touching data.

The site answers datacenter addresses with a Cloudflare 404 ("Page non trouvée") [live
2026-05-18]: a 404 on the first results page is reported as that, not as a missing page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from scrapers.adapter import Check, Crawl
from scrapers.addresses import POSTAL, postal_code
from scrapers.http import NotFound
from scrapers.kinds import Wording
from scrapers.places import fold, province_code
from scrapers.records import Authorization, Evidence, LayoutChanged, Location, Registration
from scrapers.sources import Source
from scrapers.text import node_lines, node_text, plain

DEFAULT_OPTIONS = {
    "language": "en",  # which directory to read: "en" (the recorded path) or "fr" [guess]
    "approaches_index": 1,  # position of the approaches among the three ul.professional__list
    "max_pages": 5000,  # a pager claiming more is taken as a layout change, not crawled
    "preflight_profiles": 8,  # at most this many profiles read by the preflight
}

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

CLOUDFLARE_404 = (
    "the OPPQ site answers addresses it takes for a datacenter with a Cloudflare 404 "
    "('Page non trouvée') [live 2026-05-18]; run from a residential or institutional address"
)

# Approaches that look like needling. "Acupuncture" is deliberately absent: a Quebec
# physiotherapist who needles "n'est pas acupuncteur", so a listed acupuncture approach is
# neither the Order's attestation nor a sign that its wording changed.
NEEDLING_HINT = re.compile(r"needl|aiguille|sous le derme|\bPPAS\b|\bIMS\b|intramuscul", re.I)
ATTESTATION_HINT = re.compile(r"attestation|certificate", re.I)
APPROACHES_HEADING = re.compile(r"approche|approach", re.I)


# ---------------------------------------------------------------- pure parsers


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


# ---------------------------------------------------------------- the adapter


@dataclass
class Listed:
    """One member as the results pages list them: every distinct workplace, in list order."""

    slug: str
    profile_url: str
    name: str
    title: str
    locations: list[Location]
    evidence: Evidence
    markers: list[ListItem] = field(default_factory=list)


def language_of(source: Source) -> str:
    language = source.options.get("language", DEFAULT_OPTIONS["language"])
    if language not in LANGUAGES:
        raise LayoutChanged(f"option language must be one of {', '.join(LANGUAGES)}")
    return language


def list_url(source: Source, page: int) -> str:
    path = LANGUAGES[language_of(source)]["list"]
    return f"{source.base_url}{path}" + ("" if page == 1 else f"page/{page}/")


def located(item: ListItem) -> Location | None:
    """The item's workplace with the marker's coordinates, which "near a city" uses directly."""
    if item.location is None or item.latitude is None or item.longitude is None:
        return item.location
    return replace(item.location, latitude=item.latitude, longitude=item.longitude)


class OppqAdapter:
    """The OPPQ directory on the contract of scrapers/adapter.py."""

    def first_page(self, crawl: Crawl):
        """The first results page; a 404 there is Cloudflare turning our address away."""
        url = list_url(crawl.source, 1)
        try:
            return crawl.client.get(url)
        except NotFound as e:
            raise NotFound(f"{e}: {CLOUDFLARE_404}", url=e.url, status=e.status) from e

    def listings(self, crawl: Crawl) -> list[Listed]:
        source = crawl.source
        language = language_of(source)
        first = self.first_page(crawl)
        last = parse_last_page(first.text())
        if last > source.options["max_pages"]:
            raise LayoutChanged(
                f"the pager claims {last} pages, over max_pages {source.options['max_pages']}"
            )
        crawl.notes["pages"] = last
        found: dict[str, Listed] = {}
        for page in range(1, last + 1):
            fetched = first if page == 1 else crawl.client.get(list_url(source, page))
            items = parse_list_page(fetched.text(), fetched.url)
            if not items:
                raise LayoutChanged(f"results page {page} of {last} lists no <address> marker")
            for item in items:
                slug = profile_slug(item.profile_url, language)
                listed = found.get(slug)
                if listed is None:
                    listed = found[slug] = Listed(
                        slug, item.profile_url, item.name, item.title, [], fetched.evidence()
                    )
                listed.markers.append(item)
                location = located(item)
                if location and location not in listed.locations:
                    listed.locations.append(location)
            crawl.progress(
                f"{source.key}: listing: page {page}/{last}, {len(found)} members, "
                f"{crawl.client.requests_made} requests"
            )
        return list(found.values())

    def read(self, crawl: Crawl, item: Listed) -> Registration:
        source = crawl.source
        fetched = crawl.client.get(item.profile_url)
        profile = parse_profile(fetched.text())
        found, unknown = authorizations(
            approaches_of(profile, source.options["approaches_index"]), source
        )
        if unknown:
            crawl.error(
                item.profile_url,
                "needling wording not in the source's wording map: " + "; ".join(unknown),
            )
        name = profile["name"]
        family, given = split_name(name)
        return Registration(
            regulator=source.key,
            registrant_id=item.slug,
            registration_number=None,
            name=name,
            family_name=family,
            given_names=given,
            category=profile["title"] or item.title,
            status=LANGUAGES[language_of(source)]["status"],
            status_class="practising",
            conditions=[],
            profile_url=item.profile_url,
            authorizations=found,
            locations=list(item.locations),
            evidence={"listing": item.evidence, "detail": fetched.evidence()},
        )

    def where(self, crawl: Crawl, item: Listed) -> str:
        return item.profile_url

    def floor(self, crawl: Crawl, listed: int) -> int:
        """Every results page, plus one profile per member: the attestations are only there."""
        return crawl.notes.get("pages", 0) + listed

    def preflight(self, crawl: Crawl) -> Iterator[Check]:
        """At most 2 + preflight_profiles requests: robots.txt, the first results page, and
        profiles of its members until a needling attestation is seen."""
        source = crawl.source
        url = list_url(source, 1)
        try:
            first = crawl.client.get(url)
        except NotFound as e:
            yield Check("the first results page answers", False, f"{e}: {CLOUDFLARE_404}")
            return
        yield Check("the first results page answers", True, f"{first.status} from {first.url}")
        page = first.text()
        items = parse_list_page(page, first.url)
        in_data = sum(i.from_data_content for i in items)
        yield Check(
            "results are <address> markers with their info window in data-content",
            bool(items) and in_data == len(items),
            f"{len(items)} markers, {in_data} with data-content"
            + (f"; first: {items[0].name!r}, {items[0].title!r}" if items else ""),
        )
        placed = [i for i in items if i.latitude is not None and i.longitude is not None]
        yield Check(
            "markers carry data-latitude and data-longitude",
            bool(placed),
            f"{len(placed)} of {len(items)} markers have coordinates"
            + (f", e.g. {placed[0].latitude}, {placed[0].longitude}" if placed else ""),
        )
        try:
            last = parse_last_page(page)
            yield Check("the pager gives the last page number", True, f"last page {last}")
        except LayoutChanged as e:
            yield Check("the pager gives the last page number", False, str(e))
        yield from self._profiles(crawl, items)

    def _profiles(self, crawl: Crawl, items: list[ListItem]) -> Iterator[Check]:
        source = crawl.source
        urls = list(dict.fromkeys(i.profile_url for i in items))[
            : source.options["preflight_profiles"]
        ]
        labels: dict[str, None] = {}
        matched: dict[str, str] = {}
        unknown: dict[str, None] = {}
        read = 0
        for url in urls:
            profile = parse_profile(crawl.client.get(url).text())
            if read == 0:
                yield Check(
                    "a profile has its name, title and three lists, the second the approaches",
                    True,
                    f"{profile['name']!r}, {profile['title']!r}; lists headed "
                    f"{profile['headings']!r} with {[len(x) for x in profile['lists']]} items",
                )
            read += 1
            approaches = approaches_of(profile, source.options["approaches_index"])
            labels.update(dict.fromkeys(a for a in approaches if ATTESTATION_HINT.search(a)))
            found, odd = authorizations(approaches, source)
            matched.update({a.wording: a.kind for a in found})
            unknown.update(dict.fromkeys(odd))
            if matched:
                break
        if not read:
            yield Check("a profile parses", False, "the first results page links no profile")
            return
        yield Check(
            "attestation labels show among the approaches",
            bool(labels),
            "; ".join(labels) or f"none in {read} profile(s)",
        )
        yield Check(
            "a needling attestation is in the source's wording map",
            bool(matched),
            "; ".join(f"{w} -> {k}" for w, k in matched.items()) or f"none in {read} profile(s)",
        )
        yield Check(
            "no needling wording outside the wording map",
            not unknown,
            "; ".join(unknown) or "none",
        )


ADAPTER = OppqAdapter()
