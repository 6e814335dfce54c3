"""Alinity public directories (CPTA, CHCPBC, ...): one adapter, any tenant.

Shell page -> querySID -> Registrants search, drilled down by name prefixes to get under the row cap
-> detail page per registrant (authorizations, standing) -> practice details when not hidden.
The parsers, pure functions of the responses, are in scrapers/alinity_pages.py; the shapes are in
docs/platforms/alinity.md. Where a live tenant differs from them, parsing raises LayoutChanged and
the run fails without touching data.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import quote

from scrapers.adapter import Check, Crawl
from scrapers.alinity_pages import (
    REQUIRED_KEYS,
    Form,
    authorizations,
    classify_standing,
    names_of,
    of_profession,
    parse_addresses,
    parse_detail,
    parse_list_items,
    parse_listed_name,
    parse_more_info,
    parse_register,
    parse_search,
    parse_shell,
    profession_option,
)
from scrapers.drill import ACCENTED, Drill, extends, requests_floor, sorted_by_surname
from scrapers.http import Blocked
from scrapers.kinds import Wording
from scrapers.records import Evidence, LayoutChanged, Registration
from scrapers.text import fragment_text

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
    # Where every "a " is answered with nobody (a tenant that refuses it as too short), ask the
    # 26 x 26 texts "a b": a family name whose first word is one letter ("A Badeghiesh") is
    # reachable through no other text. Off: such names are named as unreachable in the run.
    "spaced_words": True,
    # Searches a crawl may make, as a multiple of the requests a complete crawl of the people
    # listed so far needs (searches of the floor and a detail page each): past it the crawl
    # stops and the run fails, changing nothing, instead of drilling for days.
    "request_budget": 3.0,
}

SHELL_PATH = "/client/publicdirectory"
SEARCH_PATH = "/client/PublicDirectory/Registrants"
DETAIL_PATH = "/Client/PublicDirectory/Registrant/{rg}"
MORE_INFO_PATH = "/Client/PublicDirectory/MoreInfo/{rg}"


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

    def search(self, last: str, first: str = "", number: str = "") -> list[dict]:
        form = self.form or self.open()
        in_a_row = 0
        while True:
            try:
                return self._search(form, last, first, number)
            except Blocked:
                # Still refused after the client's back-off: the session is spent [live].
                in_a_row += 1
                self.renewals += 1
                if in_a_row > self.crawl.source.options["renewals"]:
                    raise
                log.warning("%s: searches refused; renewing the session", self.crawl.source.key)
                form = self.open()

    def _search(self, form: Form, last: str, first: str, number: str = "") -> list[dict]:
        surname = form.field("last")
        if surname is None:
            raise LayoutChanged("the search form has no last-name field")
        values = {surname["ID"]: last}
        if first and (given := form.field("first")):
            values[given["ID"]] = first
        if number and (numbered := form.field("number")):
            values[numbered["ID"]] = number
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
            spaced_words=options["spaced_words"],
            budget=options["request_budget"],
        )
        drill.progress = lambda message: crawl.progress(
            f"{crawl.source.key}: {message}, {crawl.client.requests_made} requests"
        )
        if not any(drill.ask(p) for p in drill.probes):
            raise LayoutChanged(
                f"{crawl.source.key}: none of the common prefixes {', '.join(drill.probes)} "
                "finds anybody: the register refuses these searches or changed"
            )
        try:
            found = drill.run()
        finally:
            crawl.notes.update(searches=drill.searches, listed_so_far=len(drill.found))
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
            spaced=drill.spaced,
            accented_starts=drill.accented_starts(),
            unreachable=sorted(drill.unreachable),
            visible_practice=sum(1 for r in records if r.get("pdcv", "hidden") != "hidden"),
        )
        return [Listed(r, session.evidence[r["rg"]]) for r in records]

    def where(self, crawl: Crawl, item: Listed) -> str:
        return crawl.url(DETAIL_PATH.format(rg=quote(item.rec["rg"])))

    def floor(self, crawl: Crawl, listed: int) -> int:
        options = crawl.source.options
        cap = crawl.notes.get("row_cap") or options["row_cap"]
        visible = crawl.notes.get("visible_practice", 0) if options["more_info"] else 0
        # Where search records lack the flag, the detail pages showed which practices are shown.
        visible = max(visible, crawl.notes.get("practice_requests", 0))
        unshown = crawl.notes.get("unshown_exact", 0)
        spaced = crawl.notes.get("spaced", False)
        accented = crawl.notes.get("accented_starts", 0)
        return requests_floor(listed, cap, options["min_chars"], visible, unshown, spaced, accented)

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
        crawl.notes["practice_requests"] = crawl.notes.get("practice_requests", 0) + 1
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
    yield Check("how names match, and the order of replies", True, _matching(records, probe))
    yield Check("the registration-number field", True, _number_field(session, form, records))
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


def _matching(records: list[dict], probe: str) -> str:
    """What a reply says of the tenant's matching and order (the drilling strategy follows)."""
    families = [names_of(r)[0] for r in records]
    substring = not all(extends(f, probe) for f in families)
    how = "by substring" if substring else "by prefix, as far as this reply shows"
    ordered = sorted_by_surname(families)
    first = ", ".join(repr(f) for f in families[:3])
    return f"{how}; replies {'sorted' if ordered else 'not sorted'} by surname (first: {first})"


def _number_field(session: Session, form: Form, records: list[dict]) -> str:
    """Whether the form's number field finds a registrant by the whole number, and by its first
    characters (a crawl by number could then beat the name drilling's floor)."""
    field_ = form.field("number")
    number = next((n for r in records if (n := parse_listed_name(str(r.get("rl", "")))[3])), None)
    if field_ is None or not number:
        return "no number field in the form" if field_ is None else "no number in the replies"
    whole = session.search("", number=number)
    part = session.search("", number=number[:3]) if len(number) > 3 else []
    return (
        f"{field_.get('ID')} = {field_.get('Label')!r}: {len(whole)} rows for {number!r}, "
        f"{len(part)} rows for its first characters {number[:3]!r} "
        f"({'partial matching: a crawl by number is possible' if part else 'whole numbers only'})"
    )


ADAPTER = AlinityAdapter()
