"""College of Physicians and Surgeons of BC (CPSBC): the registrant directory, a Drupal form.

The form page (`/public/registrant-directory`) gives a `form_build_id` and a session cookie; each
search is an AJAX POST of the form (`ajax_form=1&_wrapper_format=drupal_ajax`) answered with
Drupal AJAX commands, an `insert` carrying the result cards, 20 a page, paged by
`pagination_info` [code 2023]. The last name needs at least two characters and matches as a
substring ("Aa" returns Al-Baaj, Baadjes) [live 2026-04], so the 676 two-letter texts aa..zz find
every last name holding two letters in a row. Results are paged, not capped, as far as recorded
(the recorded scrape holds over 2,000 people whose last name contains "al") [live 2026-04]; where
a reply is capped all the same (fewer cards than its count), that text is drilled to three
letters. People are listed by many texts: they are kept once, by the register's own id. Reading
needs no further request: the card holds the name, MSP number, licence status, class and
practice type, and an address where one is published. Physicians may give trigger point
injections by scope: the crawl adds that (scrapers/adapter.py). Parsers:
scrapers/drupal_cpsbc_pages.py; shapes and guesses: docs/platforms/drupal_cpsbc.md.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from scrapers.adapter import Check, Crawl
from scrapers.drupal_cpsbc_pages import (
    Card,
    Reply,
    form_fields,
    parse_reply,
    profile_name,
    profile_url,
    registration,
    search_body,
)
from scrapers.http import FetchError
from scrapers.records import Evidence, LayoutChanged, Registration

DEFAULT_OPTIONS: dict[str, Any] = {
    "form_path": "/public/registrant-directory",
    "search_path": "/public/registrant-directory/search-result",
    "alphabet": "abcdefghijklmnopqrstuvwxyz",
    "min_chars": 2,  # the register refuses shorter last names [live 2026-04]
    "page_size": 20,  # cards a page [code 2023: results_per_page 20]
    "max_pages": 500,  # a runaway guard per search text
    "max_text_length": 4,  # drilling a capped text stops here (the run fails instead)
    "preflight_text": "ma",
}

AJAX = "?ajax_form=1&_wrapper_format=drupal_ajax"
OUTDATED = "outdated"  # Drupal core: "The form has become outdated. ..." [document]


@dataclass(frozen=True)
class Listed:
    card: Card
    evidence: Evidence


class Session:
    """The form as the page last gave it, and the session its cookie opened (the client keeps
    the cookie); `open` fetches a fresh form_build_id."""

    def __init__(self, crawl: Crawl) -> None:
        self.crawl = crawl
        self.fields: dict[str, str] = {}
        self.opened = 0

    def open(self) -> None:
        page = self.crawl.client.get(self.crawl.url(self.crawl.source.options["form_path"]))
        self.fields = form_fields(page.text())
        self.opened += 1

    def search(self, text: str, page: int) -> tuple[Reply, Evidence]:
        """One page of one search; a reply refusing the form as outdated, or not Drupal AJAX at
        all, is tried once more with a fresh form_build_id."""
        for attempt in (1, 2):
            if not self.fields:
                self.open()
            url = self.crawl.url(self.crawl.source.options["search_path"]) + AJAX
            fetched = self.crawl.client.post(url, data=search_body(self.fields, text, page))
            try:
                reply = parse_reply(fetched.text())
            except LayoutChanged:
                if attempt == 2:
                    raise
                self.fields = {}
                continue
            if reply.build_id:
                self.fields["form_build_id"] = reply.build_id
            if any(OUTDATED in m.casefold() for m in reply.messages) and not reply.cards:
                if attempt == 2:
                    raise LayoutChanged(
                        f"the register kept refusing the form as outdated: {reply.messages[0]}"
                    )
                self.fields = {}
                continue
            return reply, fetched.evidence()
        raise AssertionError("unreachable")


def texts(alphabet: str, length: int) -> list[str]:
    out = [""]
    for _ in range(length):
        out = [t + c for t in out for c in alphabet]
    return out


class DrupalCpsbc:
    """The registrant directory on the contract of scrapers/adapter.py."""

    def listings(self, crawl: Crawl) -> list[Listed]:
        options = crawl.source.options
        alphabet, size = str(options["alphabet"]), int(options["page_size"])
        if int(options["min_chars"]) < 1 or size < 1 or int(options["max_pages"]) < 1:
            raise LayoutChanged("options min_chars, page_size and max_pages must be at least 1")
        session = Session(crawl)
        session.open()
        found: dict[str, Listed] = {}
        queue = deque(texts(alphabet, int(options["min_chars"])))
        queued = set(queue)  # "an" and "na" drilled both give "ana": it is asked once
        searches = pages = least = 0
        drilled: list[str] = []
        while queue:
            text = queue.popleft()
            cards, count, asked = self._search(crawl, session, text)
            searches += 1
            pages += asked
            least += max(1, math.ceil((count or 0) / size))
            for card, evidence in cards:
                found.setdefault(card.cpsbc_id, Listed(card, evidence))
            if count is not None and len({c.cpsbc_id for c, _ in cards}) < count:
                if len(text) >= int(options["max_text_length"]):
                    raise LayoutChanged(
                        f"the search {text!r} lists {len(cards)} of the {count} it counts, even "
                        f"at {len(text)} letters: the register caps its replies"
                    )
                drilled.append(text)
                # Every longer last name holding `text` holds it with a letter after or before.
                for longer in [text + c for c in alphabet] + [c + text for c in alphabet]:
                    if longer not in queued:
                        queued.add(longer)
                        queue.append(longer)
            if searches % 50 == 0:
                crawl.progress(
                    f"{crawl.source.key}: {searches} searches, {len(found)} physicians, "
                    f"{crawl.client.requests_made} requests"
                )
        crawl.notes.update(
            searches=searches, pages=pages, least_pages=least, drilled=drilled, forms=session.opened
        )
        if drilled:
            crawl.warn(
                crawl.url(options["search_path"]),
                f"replies were capped; drilled {', '.join(drilled[:10])}: a last name of exactly "
                "those letters is found only if the capped reply listed it",
            )
        crawl.progress(f"{crawl.source.key}: {searches} searches, {len(found)} physicians listed")
        return list(found.values())

    def _search(
        self, crawl: Crawl, session: Session, text: str
    ) -> tuple[list[tuple[Card, Evidence]], int | None, int]:
        """Every page of one search text: its cards, the count it printed, the pages asked."""
        cap = int(crawl.source.options["max_pages"])
        cards: list[tuple[Card, Evidence]] = []
        count: int | None = None
        seen: set[str] = set()
        for page in range(1, cap + 1):
            reply, evidence = session.search(text, page)
            if page == 1:
                count = reply.count
                if count is None and not reply.cards and reply.messages:
                    raise LayoutChanged(
                        f"the register refused the search {text!r}: {'; '.join(reply.messages)}"
                    )
                if count is None and reply.cards:
                    raise LayoutChanged(
                        f"the search {text!r} lists cards but prints no count: the layout changed"
                    )
            new = [c for c in reply.cards if c.cpsbc_id not in seen]
            seen.update(c.cpsbc_id for c in new)
            cards.extend((c, evidence) for c in new)
            if not new or count is None or len(seen) >= count:
                return cards, count, page
        raise LayoutChanged(f"the search {text!r} still had pages after {cap}: paging does not end")

    def read(self, crawl: Crawl, item: Listed) -> Registration:
        return registration(item.card, crawl.source.key, crawl.source.base_url or "", item.evidence)

    def where(self, crawl: Crawl, item: Listed) -> str:
        return profile_url(crawl.source.base_url or "", item.card.href)

    def floor(self, crawl: Crawl, listed: int) -> int:
        """The form page, then one page for every two-letter text (no text can be skipped: a
        name is found only by the texts it holds) and one more for every 20 a text lists
        beyond its first page; before a run, the texts and the pages `listed` people fill."""
        options = crawl.source.options
        if "least_pages" in crawl.notes:
            return 1 + int(crawl.notes["least_pages"])
        size = int(options["page_size"])
        first = len(texts(str(options["alphabet"]), int(options["min_chars"])))
        return 1 + max(first, math.ceil(listed / size))

    def preflight(self, crawl: Crawl) -> Iterator[Check]:
        """Five requests after robots.txt: the form page, a two-letter search, a one-letter
        search, one profile (and a fresh form page should the register refuse the first)."""
        options = crawl.source.options
        session = Session(crawl)
        try:
            session.open()
        except (FetchError, LayoutChanged) as e:
            yield Check("the form page gives a form_build_id", False, str(e))
            return
        has_name = "ps_last_name" in session.fields
        yield Check(
            "the form page gives a form_build_id and a ps_last_name field",
            has_name,
            f"{len(session.fields)} fields: {', '.join(sorted(session.fields))}",
        )
        text = str(options["preflight_text"])
        try:
            reply, _ = session.search(text, 1)
        except (FetchError, LayoutChanged) as e:
            yield Check(
                f"a two-letter search ({text!r}) answers with cards and a count", False, str(e)
            )
            return
        inside = [c.name for c in reply.cards if not c.name.casefold().startswith(text)]
        first = reply.cards[0] if reply.cards else None
        seen = f"{len(reply.cards)} cards of {reply.count} counted"
        if first is not None:
            seen += (
                f"; first: MSP {first.msp_number}, Licence status {first.status!r}, Licence "
                f"class {first.licence_class!r}, Practice type {first.practice_type!r}"
            )
        yield Check(
            f"a two-letter search ({text!r}) answers with cards and a count",
            bool(reply.cards) and reply.count is not None,
            seen,
        )
        yield Check(
            "the last name matches as a substring (names not starting with the text)",
            bool(inside),
            ", ".join(inside[:3]) or "every name starts with it",
        )
        try:
            short, _ = session.search(text[0], 1)
            refused = not short.cards
            said = "; ".join(short.messages) or f"{len(short.cards)} cards"
        except LayoutChanged as e:
            refused, said = True, str(e)
        except FetchError as e:
            refused, said = False, str(e)
        yield Check(f"a one-letter search ({text[0]!r}) is refused", refused, said)
        if first is None:
            yield Check("one profile loads", False, "no card to open")
            return
        url = profile_url(crawl.source.base_url or "", first.href)
        try:
            name = profile_name(crawl.client.get(url).text())
        except FetchError as e:
            yield Check("one profile loads", False, str(e))
            return
        yield Check("one profile loads and names the physician", bool(name), name or "no name")


ADAPTER = DrupalCpsbc()
