"""A Socrata (SODA 2) dataset of licences, one row a licence: Washington's, Illinois's and
Colorado's credential datasets as config entries.

One paged SODA query (`$where` on the credential or licence type, then `$limit` with `$offset`
in a stable `$order`, or keyset paging on the row id) returns every row of the source's types;
one Registration is yielded per licence, on the contract of scrapers/adapter.py. Which column
holds what is the source's `fields` option, which types are imported its `license_types`, its
standing words `status_words`. A whole-profession register (acupuncturists by scope of practice)
yields no authorization of its own: the crawl adds the law's. The credential-type strings are
printed by the preflight (one grouping query) so an operator can confirm them before a source is
turned on. Washington's physical therapists, whose needling endorsement is a row of its own
joined to the licence, are the `wa_doh` platform (scrapers/wa_doh.py), which shares this
module's parsers. The shapes, and which of them are guesses, are in docs/platforms/socrata.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from scrapers.adapter import Check, Crawl
from scrapers.places import fold
from scrapers.records import Evidence, LayoutChanged, Registration
from scrapers.socrata_pages import (
    REQUIRED_FIELDS,
    cell,
    check_columns,
    fields_of,
    page_params,
    parse_counts,
    parse_page,
    projection,
    registration,
    resource_url,
    split_rows,
    standings,
    survey_params,
)

DEFAULT_OPTIONS = {
    "dataset": "",  # the dataset id, e.g. "qxh8-f4bd"
    # Role -> the dataset's column. Required: number, type, status, last_name, first_name;
    # optional: middle_name, suffix, city, state, zip, verify_url.
    "fields": {
        "number": "credentialnumber",
        "type": "credentialtype",
        "status": "status",
        "last_name": "lastname",
        "first_name": "firstname",
        "middle_name": "middlename",
    },
    "where": "",  # the SoQL filter on the credential or licence type (required)
    # Credential types imported (case and accents aside); other rows the filter returns are
    # counted and ignored. None of them among a non-empty reply means the types changed.
    "license_types": [],
    # The preflight's grouping query prints every type this filter catches (empty: `where`).
    "survey_where": "",
    "paging": "offset",  # "offset" ($order + $offset) or "keyset" (:id after the last seen)
    "order": ":id",  # for offset paging: a stable order
    "page_size": 1000,
    "max_pages": 1000,  # a runaway guard: still full pages after this many fails the run
    # Status words -> class, tried suspended, cancelled, non_practising, practising; a word
    # matches anywhere in the folded status. Washington's words by default.
    "status_words": {
        "suspended": ["suspend"],
        "cancelled": ["revok", "expired", "deceased", "surrender", "unlicensed", "denied"],
        "non_practising": ["inactive", "retired", "military"],
        "practising": ["active"],
    },
}


@dataclass(frozen=True)
class Listed:
    """One licence row and the page it came from."""

    row: dict
    evidence: Evidence


class Socrata:
    """A licence dataset on the contract of scrapers/adapter.py: one paged query lists every
    licence; reading one needs no further request."""

    def listings(self, crawl: Crawl) -> list[Listed]:
        source = crawl.source
        _check_options(source.options)
        listed = rows(crawl)
        split = split_rows([row for row, _ in listed], source.options)
        if listed and not split.licenses:
            seen = ", ".join(sorted(split.other_types)[:10])
            raise LayoutChanged(
                f"none of {len(listed)} rows has a credential type in "
                f"{source.options['license_types']}: the credential types changed (seen: {seen})"
            )
        kept = {id(row) for row in split.licenses}
        others = "; ".join(f"{t}: {n}" for t, n in sorted(split.other_types.items()))
        crawl.progress(
            f"{source.key}: {len(split.licenses)} licences, other types ignored: {others or 'none'}"
        )
        return [Listed(row, evidence) for row, evidence in listed if id(row) in kept]

    def read(self, crawl: Crawl, item: Listed) -> Registration:
        options = crawl.source.options
        return registration(
            item.row, crawl.source, item.evidence, self.where(crawl, item), standings(options)
        )

    def where(self, crawl: Crawl, item: Listed) -> str:
        number = cell(item.row, fields_of(crawl.source.options), "number")
        return _url(crawl, [(fields_of(crawl.source.options)["number"], number)])

    def floor(self, crawl: Crawl, listed: int) -> int:
        """The pages of the one query: ceil(rows / page size), at least one."""
        rows_seen = int(crawl.notes.get("rows", listed))
        return max(1, math.ceil(rows_seen / int(crawl.source.options["page_size"])))

    def preflight(self, crawl: Crawl) -> Iterator[Check]:
        """Two requests after robots.txt: one page of the crawl's own query (its columns), and
        one grouping query printing every credential type the survey filter catches, with its
        count, and whether the source's types are among them."""
        source = crawl.source
        options = source.options
        _check_options(options)
        fields = fields_of(options)
        sample_url = _url(crawl, page_params({**options, "page_size": 50}, 0))
        sample = parse_page(crawl.client.get(sample_url).text())
        present = sorted(set().union(*sample)) if sample else []
        wanted = [fields[f] for f in REQUIRED_FIELDS]
        missing = [c for c in wanted if c not in present]
        yield Check(
            f"the dataset has the columns the adapter reads ({', '.join(wanted)})",
            bool(sample) and not missing,
            (", ".join(present) or "no rows")
            + (f" (missing: {', '.join(missing)})" if sample and missing else ""),
        )
        places = [fields[r] for r in ("city", "state", "zip") if fields.get(r) in present]
        yield Check("whether the dataset has location columns", True, ", ".join(places) or "none")
        types = parse_counts(
            crawl.client.get(_url(crawl, survey_params(options))).text(), fields["type"]
        )
        yield Check(
            "credential types the survey filter catches (one grouping query)",
            bool(types),
            "; ".join(f"{t}: {n}" for t, n in types) or "none",
        )
        folded = {fold(t): t for t, _ in types}
        found = [folded[fold(t)] for t in options["license_types"] if fold(t) in folded]
        yield Check(
            f"a credential type as configured ({', '.join(options['license_types'])})",
            bool(found),
            ", ".join(found) or "none of them",
        )


def _check_options(options: dict) -> None:
    """Options a run cannot go without, said plainly before any request."""
    fields_of(options)
    standings(options)
    problems = [name for name in ("dataset", "where", "license_types") if not options.get(name)]
    if problems:
        raise LayoutChanged(f"option(s) {', '.join(problems)} must be set for a Socrata source")
    if options["paging"] not in ("offset", "keyset"):
        raise LayoutChanged('option paging must be "offset" or "keyset"')
    sizes = (options["page_size"], options["max_pages"])
    if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in sizes):
        raise LayoutChanged("options page_size and max_pages must be whole numbers of at least 1")
    types = options["license_types"]
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        raise LayoutChanged("option license_types must be a list of credential types")


def _url(crawl: Crawl, params: list[tuple[str, str]]) -> str:
    return resource_url(crawl.source.base_url or "", crawl.source.options["dataset"], params)


def rows(crawl: Crawl) -> list[tuple[dict, Evidence]]:
    """Every row the query matches, page by page, each with the evidence of its page; rows of
    one licence number that agree on what the adapter reads are one (Colorado lists a licence
    once per discipline case), rows that disagree are an error."""
    options = crawl.source.options
    fields = fields_of(options)
    size, cap = int(options["page_size"]), int(options["max_pages"])
    seen: dict[str, tuple] = {}
    out: list[tuple[dict, Evidence]] = []
    total = nameless = 0
    after: str | None = None
    for page in range(cap):
        url = _url(crawl, page_params(options, page * size, after))
        fetched = crawl.client.get(url)
        found = parse_page(fetched.text())
        check_columns(found, fields, f"page {page + 1}")
        total += len(found)
        evidence = fetched.evidence()
        for row in found:
            number = cell(row, fields, "number")
            if not number or not cell(row, fields, "type") or fields["status"] not in row:
                crawl.error(
                    url,
                    "row without a licence number, type or status "
                    f"(number {number!r}, columns {', '.join(sorted(row))})",
                )
                continue
            if not (cell(row, fields, "last_name") or cell(row, fields, "first_name")):
                nameless += 1  # a business's licence (Illinois lists them): not a person
                continue
            if number in seen:
                if seen[number] != projection(row, fields):
                    crawl.error(url, f"licence {number} listed twice, differently")
                continue
            seen[number] = projection(row, fields)
            out.append((row, evidence))
        crawl.progress(
            f"{crawl.source.key}: page {page + 1}: {len(out)} rows, {nameless} without a "
            f"person's name ignored, {crawl.client.requests_made} requests"
        )
        if len(found) > size:
            raise LayoutChanged(f"page {page + 1} has {len(found)} rows, over $limit={size}")
        if len(found) < size:
            crawl.notes["rows"] = total
            return out
        if options["paging"] == "keyset":
            last = found[-1].get(":id")
            if not isinstance(last, str) or not last or (after is not None and last <= after):
                raise LayoutChanged(
                    f"page {page + 1}: keyset paging needs each row's :id, increasing "
                    f"(last seen {after!r}, now {last!r})"
                )
            after = last
    raise LayoutChanged(
        f"still a full page after {cap} pages of {size} rows: paging does not end "
        "(raise max_pages if the dataset really grew)"
    )


ADAPTER = Socrata()
