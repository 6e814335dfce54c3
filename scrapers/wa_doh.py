"""Washington State Department of Health credential data (data.wa.gov, a Socrata dataset).

One paged SODA query returns every physical therapist licence row and every intramuscular
needling endorsement row (`$where` on `credentialtype`, `$order` on a stable key, `$limit` and
`$offset`); endorsements are then joined to licences by the holder's name and birth year, and one
Registration is yielded per PT licence, on the contract of scrapers/adapter.py. How endorsements
appear in the dataset is not recorded: the preflight prints the credential types (one grouping
query), and the source stays disabled until someone has seen them. The parsers, pure functions of
the response, are in scrapers/wa_doh_pages.py; the shapes and which of them are guesses are in
docs/platforms/wa_doh.md. Where the live dataset differs, parsing raises LayoutChanged and the run
fails without touching data.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass

from scrapers.adapter import Check, Crawl
from scrapers.kinds import NEEDLING_HINT
from scrapers.places import fold
from scrapers.records import Evidence, LayoutChanged, Registration
from scrapers.wa_doh_pages import (
    JOIN_COLUMNS,
    REQUIRED_COLUMNS,
    check_columns,
    join_endorsements,
    page_params,
    parse_page,
    parse_survey,
    registration,
    resource_url,
    split_rows,
    survey_params,
)

log = logging.getLogger(__name__)

DEFAULT_OPTIONS = {
    "dataset": "qxh8-f4bd",
    # Every PT licence and every needling endorsement, whatever the endorsement's exact words:
    # rows whose type is neither a licence type below nor a wording of the source are ignored,
    # unless they look like needling (then the run fails: the wording changed).
    "where": (
        "upper(credentialtype) like 'PHYSICAL THERAPIST%' "
        "OR upper(credentialtype) like '%NEEDLING%'"
    ),
    "order": "credentialnumber,:id",  # a stable order: paging with $offset is only safe with one
    "page_size": 1000,
    "max_pages": 100,  # a runaway guard: still full pages after this many fails the run
    "license_types": ["Physical Therapist License"],
    # Dataset column -> Location field. The dataset is reported to publish no address; columns
    # named here are read only when a row has them.
    "location_columns": {"city": "city", "province": "state", "postal_code": "zip"},
}


@dataclass(frozen=True)
class Listed:
    """One PT licence row, the endorsement rows joined to it, and the pages they came from."""

    row: dict
    evidence: Evidence
    endorsements: list[tuple[dict, Evidence]]


class WaDoh:
    """The credential dataset on the contract of scrapers/adapter.py: one paged query lists
    licences and endorsements together; reading a licence needs no further request."""

    def listings(self, crawl: Crawl) -> list[Listed]:
        source = crawl.source
        listed = rows(crawl)
        evidence_of = {row["credentialnumber"]: ev for row, ev in listed}
        all_rows = [row for row, _ in listed]
        split = split_rows(all_rows, source)
        for wording, n in sorted(split.unknown_needling.items()):
            crawl.error(
                _url(crawl, [("credentialtype", wording)]),
                f"needling wording not in the source's wording map: {wording} ({n} rows)",
            )
        if all_rows and not split.licenses:
            types = sorted({str(r.get("credentialtype")) for r in all_rows})
            raise LayoutChanged(
                f"none of {len(all_rows)} rows has a licence type in "
                f"{source.options['license_types']}: the credential types changed "
                f"(seen: {', '.join(types[:10])})"
            )
        joined, problems = join_endorsements(split.licenses, split.endorsements)
        for endorsement, message in problems:
            number = endorsement["credentialnumber"]
            crawl.error(_url(crawl, [("credentialnumber", number)]), message)
        crawl.progress(
            f"{source.key}: {len(split.licenses)} PT licences, {len(split.endorsements)} "
            f"endorsement rows, {split.ignored} other rows, {len(crawl.errors)} errors"
        )
        return [
            Listed(
                row,
                evidence_of[row["credentialnumber"]],
                [
                    (e, evidence_of[e["credentialnumber"]])
                    for e in joined.get(row["credentialnumber"], [])
                ],
            )
            for row in split.licenses
        ]

    def read(self, crawl: Crawl, item: Listed) -> Registration:
        return registration(
            item.row, item.endorsements, crawl.source, item.evidence, self.where(crawl, item)
        )

    def where(self, crawl: Crawl, item: Listed) -> str:
        return _url(crawl, [("credentialnumber", item.row["credentialnumber"])])

    def floor(self, crawl: Crawl, listed: int) -> int:
        """The pages of the one query (licences and endorsements come together, so there are
        no separate endorsement queries): ceil(rows / page size), at least one."""
        rows_seen = int(crawl.notes.get("rows", listed))
        return max(1, math.ceil(rows_seen / int(crawl.source.options["page_size"])))

    def preflight(self, crawl: Crawl) -> Iterator[Check]:
        """Two requests after robots.txt: one page of the crawl's own query (its columns), and
        one grouping query printing every credential type of physical therapy, needling or
        endorsement with its count, and whether the source's wording is among them."""
        source = crawl.source
        sample_url = _url(crawl, page_params({**source.options, "page_size": 50}, 0))
        sample = parse_page(crawl.client.get(sample_url).text())
        present = sorted(set().union(*sample)) if sample else []
        missing = [c for c in REQUIRED_COLUMNS + JOIN_COLUMNS if c not in present]
        seen = ", ".join(present) or "no rows"
        yield Check(
            "the dataset has the columns the adapter reads "
            f"({', '.join(REQUIRED_COLUMNS + JOIN_COLUMNS)})",
            bool(sample) and not missing,
            seen + (f" (missing: {', '.join(missing)})" if sample and missing else ""),
        )
        places = [c for c in source.options["location_columns"].values() if c in present]
        yield Check(
            "whether the dataset has location columns (none seen live on 2026-06-16)",
            True,
            ", ".join(places) or "none",
        )
        types = parse_survey(crawl.client.get(_url(crawl, survey_params())).text())
        printed = "; ".join(f"{t}: {n}" for t, n in types) or "none"
        yield Check(
            "credential types of physical therapy, needling or endorsement (one grouping query)",
            bool(types),
            printed,
        )
        folded = {fold(t): t for t, _ in types}
        licences = [folded[fold(t)] for t in source.options["license_types"] if fold(t) in folded]
        yield Check(
            f"a licence type as configured ({', '.join(source.options['license_types'])})",
            bool(licences),
            ", ".join(licences) or "none of them",
        )
        wording = [folded[fold(w)] for w in source.wording if fold(w) in folded]
        needling = [t for t, _ in types if NEEDLING_HINT.search(t)]
        yield Check(
            f"an endorsement type worded as in the source ({', '.join(source.wording) or 'none'})",
            bool(wording),
            ", ".join(wording)
            or f"none; types that look like needling: {', '.join(needling) or 'none'}",
        )


def _url(crawl: Crawl, params: list[tuple[str, str]]) -> str:
    return resource_url(crawl.source.base_url or "", crawl.source.options["dataset"], params)


def rows(crawl: Crawl) -> list[tuple[dict, Evidence]]:
    """Every row the query matches, page by page, each with the evidence of its page."""
    options = crawl.source.options
    size, cap = int(options["page_size"]), int(options["max_pages"])
    if size < 1 or cap < 1:
        raise LayoutChanged("options page_size and max_pages must be at least 1")
    seen: dict[str, dict] = {}
    out: list[tuple[dict, Evidence]] = []
    total = 0
    for page in range(cap):
        url = _url(crawl, page_params(options, page * size))
        fetched = crawl.client.get(url)
        found = parse_page(fetched.text())
        check_columns(found, f"page {page + 1}")
        total += len(found)
        evidence = fetched.evidence()
        for row in found:
            number = row.get("credentialnumber")
            if not number or not row.get("credentialtype") or "status" not in row:
                crawl.error(
                    url,
                    "row without a credential number, type or status "
                    f"(number {number!r}, columns {', '.join(sorted(row))})",
                )
                continue
            if number in seen:
                if seen[number] != row:
                    crawl.error(url, f"credential {number} listed twice, differently")
                continue
            seen[number] = row
            out.append((row, evidence))
        crawl.progress(
            f"{crawl.source.key}: page {page + 1}: {len(out)} rows, "
            f"{crawl.client.requests_made} requests"
        )
        if len(found) > size:
            raise LayoutChanged(f"page {page + 1} has {len(found)} rows, over $limit={size}")
        if len(found) < size:
            crawl.notes["rows"] = total
            return out
    raise LayoutChanged(
        f"still a full page after {cap} pages of {size} rows: paging does not end "
        "(raise max_pages if the dataset really grew)"
    )


ADAPTER = WaDoh()
