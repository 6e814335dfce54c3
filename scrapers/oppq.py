"""The OPPQ's WordPress directory (Ordre professionnel de la physiothérapie du Québec).

First results page -> the pager's last page number -> every results page (one `<address>` map
marker per workplace, its info window in `data-content`, grouped by profile) -> one profile page
per member (the approaches list is where the Order's attestations show). The parsers, pure
functions of the page text, are in scrapers/oppq_pages.py; the shapes, and which of them are live,
read from the site's code, or guessed, are in docs/platforms/oppq.md. Where the live site differs,
parsing raises LayoutChanged and the run fails without touching data.

The site answers datacenter addresses with a Cloudflare 404 ("Page non trouvée") [live
2026-05-18]: a 404 on the first results page is reported as that, not as a missing page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from scrapers.adapter import Check, Crawl
from scrapers.http import NotFound
from scrapers.oppq_pages import (
    LANGUAGES,
    ListItem,
    approaches_of,
    authorizations,
    parse_last_page,
    parse_list_page,
    parse_profile,
    profile_slug,
    split_name,
)
from scrapers.records import Evidence, LayoutChanged, Location, Registration
from scrapers.sources import Source

DEFAULT_OPTIONS = {
    "language": "en",  # which directory to read: "en" (the recorded path) or "fr" [guess]
    "approaches_index": 1,  # position of the approaches among the three ul.professional__list
    "max_pages": 5000,  # a pager claiming more is taken as a layout change, not crawled
    "preflight_profiles": 8,  # at most this many profiles read by the preflight
}

CLOUDFLARE_404 = (
    "the OPPQ site answers addresses it takes for a datacenter with a Cloudflare 404 "
    "('Page non trouvée') [live 2026-05-18]; run from a residential or institutional address"
)
ATTESTATION_HINT = re.compile(r"attestation|certificate", re.I)


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
