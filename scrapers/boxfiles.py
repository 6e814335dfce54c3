"""Bulk licensee files in a public Box shared folder (New Jersey's and California's Departments of
Consumer Affairs).

Two requests list a whole register: the shared-link page (its embedded listing names every file
and its current id: ids change each time a board republishes, so none is kept in the config), then
the current file, picked by a name pattern and the newest date in its name, downloaded whole
within the source's `max_response_bytes`. The file's rows are filtered to one profession (a
board, or a licence type) and yielded as Registrations on the contract of scrapers/adapter.py;
what the profession may do comes from the source's scope. The parsers are in
scrapers/boxfiles_pages.py, the shapes and their labels in docs/platforms/boxfiles.md. A folder
without the file, a file without the columns, or a file where nobody has the profession is
LayoutChanged: the run fails and nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from scrapers.adapter import Check, Crawl
from scrapers.boxfiles_pages import (
    download_url,
    parse_folder,
    parse_table,
    pick_file,
    registration,
)
from scrapers.http import Fetched, NotFound
from scrapers.places import fold
from scrapers.records import Evidence, LayoutChanged, Registration

DEFAULT_OPTIONS: dict = {
    # The shared-link page on base_url, e.g. "/v/DCAStandardFiles".
    "shared_path": "/v/DCAStandardFiles",
    # The shared folder's name in download URLs; "" reads it from the page (sharedName).
    "shared_name": "",
    # Which listed file is the register: a regular expression on its name; a `date` group, read
    # with `date_format`, picks the newest of several.
    "file_pattern": r"^Standard Individuals active statuses (?P<date>\d{2}-\d{2}-\d{4})\.txt$",
    "date_format": "%m-%d-%Y",
    "delimiter": "%",
    "encoding": "cp1252",
    # "pseudo": the first line is not a header (New Jersey's Oracle SQL expression), `columns`
    # names the fields by position; "names": the first line names the columns.
    "header": "pseudo",
    "header_marker": "PROFESSION_NAME",
    "columns": [
        "PROFESSION_NAME",
        "LICENSE_TYPE",
        "LICENSE_NO",
        "STATUS",
        "ISSUE_DATE",
        "EXPIRATION_DATE",
        "DATE_LAST_RENEWAL",
        "LICENSE_METHOD",
        "IS_ORGANIZATION",
        "FIRST_NAME",
        "MIDDLE_NAME",
        "LAST_NAME",
        "BUSINESS_NAME",
        "DISPLAY_NAME",
        "ADDRESS_LINE_1",
        "ADDRESS_LINE_2",
        "ADDRESS_LINE_3",
        "CITY_STATE_ZIP",
        "CITY",
        "STATE",
        "ZIP",
        "COUNTY",
        "COUNTRY",
        "EMAIL",
    ],
    # Which rows are the profession: those whose `filter_column` is one of `filter_values`.
    "filter_column": "PROFESSION_NAME",
    "filter_values": ["Acupuncture Examining Board"],
    # Rows to leave out: column -> value (organizations).
    "skip": {"IS_ORGANIZATION": "Y"},
    # Record field -> column.
    "fields": {
        "number": "LICENSE_NO",
        "status": "STATUS",
        "category": "LICENSE_TYPE",
        "family": "LAST_NAME",
        "given": "FIRST_NAME",
        "middle": "MIDDLE_NAME",
        "city": "CITY",
        "state": "STATE",
        "zip": "ZIP",
    },
}


@dataclass(frozen=True)
class Listed:
    """One row of the current file, with where it came from."""

    line: int
    row: dict
    evidence: dict[str, Evidence]
    file_url: str


@dataclass(frozen=True)
class Current:
    """The shared folder as listed and its current file, downloaded."""

    folder: Fetched
    name: str
    url: str
    file: Fetched


class BoxFiles:
    """A Box shared folder's bulk file on the contract of scrapers/adapter.py."""

    def listings(self, crawl: Crawl) -> list[Listed]:
        source = crawl.source
        current = fetch_current(crawl)
        table = parse_table(current.file.content, source.options)
        for line, message in table.problems:
            crawl.error(f"{current.url}#line={line}", message)
        crawl.notes.update(file=current.name, rows=table.lines, skipped=table.skipped)
        if table.lines and not table.rows and not table.problems:
            values = ", ".join(f"{v} ({n})" for v, n in table.counts.most_common(12))
            column, wanted = source.options["filter_column"], source.options["filter_values"]
            raise LayoutChanged(
                f"none of {table.lines} rows of {current.name} has {column} in {wanted}: the "
                f"file's values changed (seen: {values})"
            )
        evidence = {"listing": current.file.evidence(), "folder": current.folder.evidence()}
        number = source.options["fields"]["number"]
        listed: dict[str, Listed] = {}
        for line, row in table.rows:
            key = row.get(number, "")
            if key in listed:
                if listed[key].row != row:
                    crawl.error(f"{current.url}#line={line}", f"licence {key} listed twice")
                continue
            listed[key] = Listed(line, row, evidence, current.url)
        crawl.progress(
            f"{source.key}: {current.name}: {table.lines} rows, {len(listed)} of the profession, "
            f"{table.skipped} organizations left out, {len(crawl.errors)} errors"
        )
        return list(listed.values())

    def read(self, crawl: Crawl, item: Listed) -> Registration:
        return registration(item.row, crawl.source, item.evidence, self.where(crawl, item))

    def where(self, crawl: Crawl, item: Listed) -> str:
        return f"{item.file_url}#line={item.line}"

    def floor(self, crawl: Crawl, listed: int) -> int:
        """The folder's page and the file: two requests, whatever the file holds."""
        return 2

    def preflight(self, crawl: Crawl) -> Iterator[Check]:
        """Two requests after robots.txt, the crawl's own: the shared folder's page (its files
        printed), and the current file, downloaded whole (the only way to see every value):
        its columns, and each value of the filter column with its rows."""
        options = crawl.source.options
        folder = crawl.client.get(crawl.url(options["shared_path"]))
        listing = parse_folder(folder.text())
        names = "; ".join(f"{i.name} ({i.type} {i.id})" for i in listing.items)
        yield Check("the shared folder lists its files", bool(listing.items), names or "none")
        try:
            item, when = pick_file(listing.items, options["file_pattern"], options["date_format"])
        except LayoutChanged as e:
            yield Check("a file matches the pattern", False, str(e))
            return
        yield Check(
            f"a file matches the pattern ({options['file_pattern']})",
            True,
            f"{item.name} (id {item.id}{f', dated {when}' if when else ''})",
        )
        shared = options["shared_name"] or listing.shared_name
        if not shared:
            yield Check("the page names the shared folder (sharedName)", False, "none")
            return
        fetched = crawl.client.get(download_url(crawl.source.base_url or "", shared, item.id))
        try:
            table = parse_table(fetched.content, {**options, "filter_values": []})
        except LayoutChanged as e:
            yield Check("the file has the columns the adapter reads", False, str(e))
            return
        yield Check(
            "the file has the columns the adapter reads",
            True,
            f"{len(table.columns)} columns, {table.lines} rows; first line {table.header[:160]!r}",
        )
        values = "; ".join(f"{v}: {n}" for v, n in sorted(table.counts.items()))
        yield Check(f"values of {options['filter_column']}", bool(table.counts), values or "none")
        folded = {fold(v): v for v in table.counts}
        found = [folded[fold(v)] for v in options["filter_values"] if fold(v) in folded]
        yield Check(
            f"a value as configured ({', '.join(options['filter_values'])})",
            bool(found),
            ", ".join(f"{v}: {table.counts[v]}" for v in found) or "none of them",
        )


def fetch_current(crawl: Crawl, *, retry: bool = True) -> Current:
    """The shared folder's page, then the file its listing names as current; when that file is
    gone (404), the listing once more."""
    options = crawl.source.options
    folder = crawl.client.get(crawl.url(options["shared_path"]))
    listing = parse_folder(folder.text())
    item, when = pick_file(listing.items, options["file_pattern"], options["date_format"])
    shared = options["shared_name"] or listing.shared_name
    if not shared:
        raise LayoutChanged("the shared folder page does not name the folder (sharedName)")
    url = download_url(crawl.source.base_url or "", shared, item.id)
    crawl.progress(f"{crawl.source.key}: current file {item.name} (id {item.id}), downloading")
    crawl.notes.update(file_id=item.id, file_date=str(when) if when else None)
    try:
        return Current(folder, item.name, url, crawl.client.get(url))
    except NotFound:
        # Republished between the listing and the download: the id listed is gone. List again,
        # once; the same id gone twice is the run's failure.
        if not retry:
            raise
        again = fetch_current(crawl, retry=False)  # raises NotFound if that one is gone too
        return again


ADAPTER = BoxFiles()
