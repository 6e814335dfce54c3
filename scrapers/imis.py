"""iMIS (ASI) public registries: an ASP.NET WebForms query page with a Telerik results grid.

The listing is a browser's postbacks replayed: GET the page (its `__VIEWSTATE`,
`__EVENTVALIDATION` and every other field), post it back with the query's filters set (BC's
register: province "BC") and the search button pressed, then post the results back with the
grid's page-size box raised so that one page holds everyone; when the pager offers no page-size
box, or still shows a next page, its "next page" button is pressed until the last page. A postback
the register refuses (an expired `__VIEWSTATE`: a state error page or a 500) starts the listing
again from a fresh page, `state_retries` times. Each row's name links to a profile (an iframe
pop-up), read for the practice address and phone (never the email). The parsers, pure functions
of the pages, are in scrapers/imis_pages.py; the shapes and which are guesses are in
docs/platforms/imis.md. Control ids are options, so another iMIS tenant is a config entry.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

from scrapers.adapter import Check, Crawl
from scrapers.http import Fetched, ServerError
from scrapers.imis_pages import (
    Grid,
    Row,
    classify_status,
    column,
    family_given_spaced,
    location,
    parse_detail,
    parse_form,
    parse_grid,
    postback,
    registrant_id,
    split_title,
    state_error,
)
from scrapers.places import fold
from scrapers.records import Evidence, LayoutChanged, Registration

log = logging.getLogger(__name__)

_BC = "ctl01_TemplateBody_WebPartManager1_gwpciPublicRegistry_ciPublicRegistry_ResultsGrid"
_POPUP = "ctl00_TemplateBody_WebPartManager1_"

DEFAULT_OPTIONS = {
    "path": "/public",  # the registry page, below base_url
    # Element ids of the query sheet and the grid, below `prefix` (`<prefix>_<id>`) [code].
    "prefix": _BC,
    "filters": {"Sheet0_Input5_TextBox1": "BC"},  # field id -> value (BC's province field)
    "submit": "Sheet0_SubmitButton",
    "grid": "Grid1_ctl00",
    "page_size_box": "Grid1_ctl00_ctl02_ctl00_ChangePageSizeTextBox",
    "page_size_button": "Grid1_ctl00_ctl02_ctl00_ChangePageSizeLinkButton",
    "page_size": 2500,  # rows asked for on one page; the live register shows about 2,090
    "max_pages": 200,  # a runaway guard when paging with "next page"
    # Role -> the grid's column header [guess: the live headers are not recorded; the preflight
    # prints them]. Only `name` is required.
    "columns": {
        "name": "Name",
        "number": "Registration Number",
        "category": "Registration Class",
        "status": "Status",
        "city": "City",
        "province": "Province",
    },
    "id_param": "ID",  # the profile link's query parameter holding the contact id [guess]
    # Titles printed after a name, kept as the category when the grid has no category column.
    "titles": ["Dr.TCM", "R.TCM.P.", "R.TCM.H.", "R.Ac."],
    # Categories (titles) the law's scope of practice does not cover: their registrants are not
    # listed, and counted in the run's notes (`outside_scope`). Empty: everyone is in scope.
    "outside_scope": [],
    "details": True,  # read each profile for the address and phone
    # Element ids of the profile pop-up [code]; a `ctl01_` prefix instead of `ctl00_` matches too.
    "detail": {
        "name": _POPUP
        + "gwpciNewContactMiniProfileCommon_ciNewContactMiniProfileCommon_contactName_fullName",
        "organization": _POPUP
        + "gwpciNewContactMiniProfileCommon_ciNewContactMiniProfileCommon_contactName_institute",
        "address": _POPUP + "gwpciAddress_ciAddress__address",
        "phone": _POPUP + "gwpciAddress_ciAddress__phoneNumber",
    },
    "state_retries": 1,  # fresh starts allowed after a refused postback
}


class StateRefused(LayoutChanged):
    """A postback the register would not take (an expired __VIEWSTATE, a session gone)."""


@dataclass(frozen=True)
class Listed:
    """One grid row, its contact id, and the results page it came from."""

    row: Row
    registrant_id: str
    evidence: Evidence


def _id(options: dict, name: str) -> str:
    return f"{options['prefix']}_{options[name]}" if options["prefix"] else options[name]


class Imis:
    """An iMIS public registry on the contract of scrapers/adapter.py: a few postbacks list
    everyone; reading a registrant fetches their profile when `details` is on."""

    def listings(self, crawl: Crawl) -> list[Listed]:
        options = crawl.source.options
        retries = int(options["state_retries"])
        for attempt in range(retries + 1):
            try:
                pages = results(crawl)
                break
            except (StateRefused, ServerError) as e:
                if attempt == retries:
                    raise LayoutChanged(
                        f"the register refused our postbacks {attempt + 1} times: {e}"
                    ) from None
                crawl.progress(f"{crawl.source.key}: postback refused ({e}); starting again")
        listed: dict[str, Listed] = {}
        total = pages[0][0].total
        rows = 0
        outside = {fold(c) for c in options["outside_scope"]}
        skipped = 0
        for grid, fetched in pages:
            for row in grid.rows:
                rows += 1
                rid = registrant_id(row.link, options["id_param"]) or column(
                    row, options["columns"].get("number")
                )
                if not rid:
                    crawl.error(fetched.url, f"row without a profile id or number: {row.cells}")
                    continue
                if rid in listed:
                    if listed[rid].row != row:
                        crawl.error(fetched.url, f"registrant {rid} listed twice, differently")
                    continue
                if not column(row, options["columns"]["name"]):
                    raise LayoutChanged(
                        f"the grid has no {options['columns']['name']!r} column "
                        f"(columns: {', '.join(grid.headers)})"
                    )
                if outside and fold(category(row, options) or "") in outside:
                    skipped += 1
                    continue
                listed[rid] = Listed(row, rid, fetched.evidence())
        if total is not None and rows != total:
            raise LayoutChanged(
                f"the pager says {total} registrants, the pages held {rows}: paging lost some"
            )
        crawl.notes["listing_requests"] = crawl.client.requests_made
        crawl.notes["outside_scope"] = skipped
        crawl.progress(
            f"{crawl.source.key}: {len(listed)} registrants listed on {len(pages)} page(s), "
            f"{skipped} outside the scope of practice, {crawl.client.requests_made} requests"
        )
        return list(listed.values())

    def read(self, crawl: Crawl, item: Listed) -> Registration:
        source, options = crawl.source, crawl.source.options
        columns = options["columns"]
        name, _ = split_title(column(item.row, columns["name"]) or "", options["titles"])
        status = column(item.row, columns.get("status"))
        evidence = {"listing": item.evidence}
        detail = None
        if options["details"] and item.row.link:
            fetched = crawl.client.get(item.row.link)
            refused = state_error(fetched.text())
            if refused:
                raise LayoutChanged(f"the profile page is an error page: {refused}")
            detail = parse_detail(fetched.text(), options["detail"])
            evidence["detail"] = fetched.evidence()
        place = location(
            detail, column(item.row, columns.get("city")), column(item.row, columns.get("province"))
        )
        family, given = family_given_spaced(name)
        return Registration(
            regulator=source.key,
            registrant_id=item.registrant_id,
            registration_number=column(item.row, columns.get("number")),
            name=name,
            family_name=family,
            given_names=given,
            category=category(item.row, options),
            status=status,
            status_class=classify_status(status) if status else "unknown",
            profile_url=item.row.link,
            locations=[place] if place else [],
            evidence=evidence,
        )

    def where(self, crawl: Crawl, item: Listed) -> str:
        return item.row.link or item.evidence.url

    def floor(self, crawl: Crawl, listed: int) -> int:
        """The page, the search and the page-size postback, then one profile per registrant
        when `details` is on."""
        listing = int(crawl.notes.get("listing_requests") or 3)
        return listing + (listed if crawl.source.options["details"] else 0)

    def preflight(self, crawl: Crawl) -> Iterator[Check]:
        """Three requests after robots.txt: the page (its form and the query's fields), the
        search (the grid, its columns and its pager), and one profile."""
        options = crawl.source.options
        page = crawl.client.get(crawl.url(options["path"]))
        form = parse_form(page.text(), page.url)
        wanted = [_filter_id(options, f) for f in options["filters"]] + [_id(options, "submit")]
        missing = [w for w in wanted if w not in form.names and w not in form.buttons]
        yield Check(
            "the registry page is a WebForms form with the query's fields",
            not missing,
            f"{len(form.fields)} fields; "
            + (f"missing: {', '.join(missing)}" if missing else "every query field found"),
        )
        if missing:
            return
        fetched = _search(crawl, form)
        grid = parse_grid(fetched.text(), _id(options, "grid"), fetched.url)
        headers = [h for h in grid.headers if h]
        expected = [h for h in options["columns"].values() if h]
        absent = [h for h in expected if h.casefold() not in {x.casefold() for x in headers}]
        yield Check(
            f"the results grid has the expected columns ({', '.join(expected)})",
            bool(grid.rows) and options["columns"]["name"] not in absent,
            f"columns: {', '.join(headers) or 'none'}; {len(grid.rows)} rows"
            + (f" of {grid.total}" if grid.total is not None else "")
            + (f"; not found: {', '.join(absent)}" if absent else ""),
        )
        yield Check(
            "how the grid shows everyone (a page-size box, else next-page postbacks)",
            True,
            "page-size box" if grid.page_size_box else "no page-size box: paging with next page",
        )
        linked = next((r for r in grid.rows if r.link), None)
        if linked is None or linked.link is None:
            yield Check("one profile loads", False, "no row links to a profile")
            return
        profile = crawl.client.get(linked.link)
        try:
            detail = parse_detail(profile.text(), options["detail"])
        except LayoutChanged as e:
            yield Check("one profile loads", False, str(e))
            return
        shown = [k for k in ("organization", "phone") if getattr(detail, k)]
        shown += ["address"] if detail.address_lines else []
        yield Check(
            "one profile loads",
            bool(detail.name),
            f"{linked.link}: name {'shown' if detail.name else 'missing'}; "
            f"also shown: {', '.join(shown) or 'nothing else'}",
        )


def category(row: Row, options: dict) -> str | None:
    """A row's category: its category column, else the title printed after the name."""
    by_column = column(row, options["columns"].get("category"))
    if by_column:
        return by_column
    return split_title(column(row, options["columns"]["name"]) or "", options["titles"])[1]


def _filter_id(options: dict, relative: str) -> str:
    return f"{options['prefix']}_{relative}" if options["prefix"] else relative


def _post(crawl: Crawl, url: str, body: dict[str, str]) -> Fetched:
    fetched = crawl.client.post(url, data=body)
    refused = state_error(fetched.text())
    if refused:
        raise StateRefused(f"{url} answered a state error page: {refused}")
    return fetched


def _search(crawl: Crawl, form) -> Fetched:
    options = crawl.source.options
    values = {_filter_id(options, k): str(v) for k, v in options["filters"].items()}
    return _post(crawl, form.action, postback(form, values, button=_id(options, "submit")))


def results(crawl: Crawl) -> list[tuple[Grid, Fetched]]:
    """Every results page, from a fresh GET of the registry page: the search, the page size
    raised when the pager offers it and not everyone is shown, then "next page" as long as the
    pager offers one."""
    options = crawl.source.options
    grid_id = _id(options, "grid")
    page = crawl.client.get(crawl.url(options["path"]))
    fetched = _search(crawl, parse_form(page.text(), page.url))
    grid = parse_grid(fetched.text(), grid_id, fetched.url)
    incomplete = grid.total is None or len(grid.rows) < grid.total
    if incomplete and grid.page_size_box and int(options["page_size"]) > len(grid.rows):
        form = parse_form(fetched.text(), fetched.url)
        body = postback(
            form,
            {_id(options, "page_size_box"): str(options["page_size"])},
            button=_id(options, "page_size_button"),
        )
        fetched = _post(crawl, form.action, body)
        grid = parse_grid(fetched.text(), grid_id, fetched.url)
    pages = [(grid, fetched)]
    while grid.next_button and sum(len(g.rows) for g, _ in pages) < (grid.total or 10**9):
        if len(pages) >= int(options["max_pages"]):
            raise LayoutChanged(
                f"still a next page after {len(pages)} pages: paging does not end "
                "(raise max_pages if the register really grew)"
            )
        form = parse_form(fetched.text(), fetched.url)
        fetched = _post(crawl, form.action, postback(form, {}, button=grid.next_button))
        grid = parse_grid(fetched.text(), grid_id, fetched.url)
        pages.append((grid, fetched))
        crawl.progress(f"{crawl.source.key}: results page {len(pages)}")
    return pages


ADAPTER = Imis()
