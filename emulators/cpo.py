"""The Ontario physiotherapy college's public register on 127.0.0.1 (docs/platforms/cpo.md).

Three shapes: the server-rendered search (`/PublicRegister/ContactSearch?p=<n>`, 10 rows a page,
"1 - 10 of N Physiotherapists", a pager), the CSV export (`/PublicRegister/ContactSearchCsv?` with
the whole filter set, UTF-8 BOM, CRLF) and the profile pages of the Dynamics portal
(`/en-US/public-register/display-member-contact/?id=<GUID>`), all served from one host here.
Variants (constructor arguments): an export that insists on the whole filter set or takes any
(`filters`), the count in the live wording in a new element or in the old one (`count_markup`),
profiles with data or JavaScript-only shells (`profiles`), a masked number column on the search
(`search_numbers`), and a changed CSV header (`csv_header`).

Everyone is synthetic: `ontario_physiotherapists()` draws people from the shared generator
(emulators/population.py, Ontario's tables in emulators/jurisdictions.py): accents, apostrophes
and hyphens in their names, namesakes, real cities with their postal prefixes, phones in the
fictional 555-01xx range, and deliberate look-alikes that exercise the adapter's matching rule.
Render functions are pure, so parser tests use their bytes without a server. Run one by hand with
`python -m emulators.cpo --port 8766 --count 400`.
"""

from __future__ import annotations

import argparse
import csv
import html
import io
import random
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote

from emulators.jurisdictions import ONTARIO, ONTARIO_NAMES
from emulators.population import City, draw_names, phone, postal_code
from emulators.server import Emulator, Reply, RequestLog, serve_until_interrupted

BOM = b"\xef\xbb\xbf"
ROSTER = "Acupuncture (including dry needling)"
PAGE_SIZE = 10
LIVE_PORTAL = "https://portal.collegept.org"

INDEPENDENT = "Independent Practice"
PROVISIONAL = "Provisional Practice"
SUSPENDED = "Suspended"
RESIGNED = "Resigned"
EXPIRED = "Expired"

CSV_HEADER = (
    "NAME",
    "REGISTRATION STATUS",
    "CLINIC NAME",
    "ADDRESS",
    "POSTAL CODE",
    "CITY",
    "PHONE",
    "ADDITIONAL PRACTICE LOCATIONS",
)
SEARCH_PATH = "/publicregister/contactsearch"
CSV_PATH = "/publicregister/contactsearchcsv"
PROFILE_PATH = "/en-us/public-register/display-member-contact"
# The export's whole filter set, as the register's own links carry it [code].
FILTERS = (
    "asi", "sm", "pfi", "acu", "wc", "ts", "dftph", "bccf", "ctn", "pcl", "ppc", "anp", "wwa",
    "ohip", "st",
)  # fmt: skip
EXPORT_HREF = (
    "/PublicRegister/ContactSearchCsv?o=fullName&p=1&"
    + "&".join(f"{f}=False" for f in FILTERS)
    + "&docs=0"
)


@dataclass(frozen=True)
class Place:
    """A practice location as the register holds it."""

    organization: str | None
    address: str
    city: str
    postal_code: str
    phone: str | None


@dataclass
class Person:
    """One synthetic registrant with everything the register knows."""

    guid: str
    registration_number: str  # the full number; profiles print it masked
    family_name: str
    given_names: str
    status: str
    rostered: bool
    place: Place | None
    additional: list[Place] = field(default_factory=list)

    @property
    def listed_name(self) -> str:
        return f"{self.family_name}, {self.given_names}"

    @property
    def masked_number(self) -> str:
        return "XXX" + self.registration_number[-2:]


# ---------------------------------------------------------------------------------------------
# Synthetic people


_CITIES = ONTARIO.cities


def _place(rng: random.Random, city: City) -> Place:
    street = rng.choice(city.streets).format(n=rng.randint(10, 2999))
    if rng.random() < 0.3:
        street = f"{street}, Suite {rng.randint(100, 450)}"
    return Place(
        organization=rng.choice(city.clinics) if rng.random() < 0.92 else None,
        address=street,
        city=city.name,
        postal_code=postal_code(rng, rng.choice(city.fsas)),
        phone=phone(rng, city) if rng.random() < 0.9 else None,
    )


def _status(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.68:
        return INDEPENDENT
    if roll < 0.77:
        return PROVISIONAL
    if roll < 0.80:
        return SUSPENDED
    if roll < 0.92:
        return RESIGNED
    return EXPIRED


def ontario_physiotherapists(
    count: int = 400, seed: int = 2026, *, ambiguous: int = 0
) -> list[Person]:
    """`count` synthetic Ontario physiotherapists, the same for the same seed.

    With `ambiguous`, that many groups of two or three people (the variant of rule 4 in
    docs/platforms/cpo.md) share name, clinic, postal code, status and city but differ in street,
    phone, additional locations and roster: nothing the search shows tells their CSV rows apart.

    Toronto holds about a third (at least 40 of 400, several on the roster); former registrants
    (Resigned, Expired) mostly list no practice location. Two deliberate look-alike pairs exercise
    the matching rule when `count` >= 40: same name, clinic and postal code with different
    statuses, and two former registrants identical in every published column.
    """
    rng = random.Random(seed)
    total = sum(c.weight for c in _CITIES)
    cities = [c for c in _CITIES for _ in range(c.weight)]
    people: list[Person] = []
    numbers = rng.sample(range(10000, 99999), count)
    names = draw_names(rng, ONTARIO_NAMES, count)
    for i in range(count):
        city = cities[i * total // count] if count else _CITIES[0]
        status = _status(rng)
        former = status in (RESIGNED, EXPIRED)
        place = None if former and rng.random() < 0.8 else _place(rng, city)
        additional = []
        if place and not former and rng.random() < 0.15:
            other = rng.choice(_CITIES)
            additional = [_place(rng, other) for _ in range(rng.randint(1, 2))]
        rostered = status in (INDEPENDENT, SUSPENDED) and rng.random() < 0.25
        if city.name == "Toronto" and status == INDEPENDENT and i % 7 == 0:
            rostered = True
        people.append(
            Person(
                guid=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                registration_number=str(numbers[i]),
                family_name=names[i][0],
                given_names=names[i][1],
                status=status,
                rostered=rostered,
                place=place,
                additional=additional,
            )
        )
    if count >= 40:
        # Same name, clinic and postal code, different standing: matched by status.
        twin = people[3]
        people[4].family_name, people[4].given_names = twin.family_name, twin.given_names
        twin.place = twin.place or _place(rng, _CITIES[0])
        people[4].place = twin.place
        people[4].additional = []
        people[3].status, people[4].status = INDEPENDENT, SUSPENDED
        people[4].rostered = False
        # Former registrants identical in every published column: paired in order.
        for p in people[20:22]:
            p.family_name, p.given_names = "Nguyen", "Thi"
            p.status, p.place, p.additional, p.rostered = RESIGNED, None, [], False
    _look_alikes(people, ambiguous, rng)
    return people


def _look_alikes(people: list[Person], groups: int, rng: random.Random) -> None:
    """Make `groups` groups of people (from the 30th on) that the search cannot tell apart: the
    first group has one of its people on the roster, the second all, the others none."""
    at = 30
    for g in range(groups):
        size = 3 if g % 3 == 2 else 2
        group = people[at : at + size]
        if len(group) < size:
            raise ValueError(f"too few people for {groups} groups of look-alikes")
        at += size + 3
        first = group[0]
        shared = first.place or _place(rng, _CITIES[g % len(_CITIES)])
        for n, p in enumerate(group):
            p.family_name, p.given_names = first.family_name, first.given_names
            p.status = INDEPENDENT
            p.place = Place(
                shared.organization,
                f"{shared.address.split(',')[0]}, Suite {100 + 10 * n}",
                shared.city,
                shared.postal_code,
                phone(rng, ONTARIO.city(shared.city)),
            )
            p.additional = [_place(rng, rng.choice(_CITIES))] if n == 1 else []
            p.rostered = n == 0 if g == 0 else g == 1


# ---------------------------------------------------------------------------------------------
# Shapes (pure functions)


def _collation_key(text: str) -> tuple[str, str]:
    folded = unicodedata.normalize("NFC", text).casefold()
    base = "".join(
        ch for ch in unicodedata.normalize("NFD", folded) if not unicodedata.combining(ch)
    )
    return base, folded


def sort_people(people: Iterable[Person]) -> list[Person]:
    """The register's order (`o=fullName`): by last name, then first name."""
    return sorted(
        people,
        key=lambda p: (_collation_key(p.family_name), _collation_key(p.given_names), p.guid),
    )


def _place_text(place: Place) -> str:
    parts = [place.organization] if place.organization else []
    return ", ".join([*parts, place.address, place.city, f"ON {place.postal_code}"])


def csv_row(person: Person) -> list[str]:
    place = person.place
    return [
        person.listed_name,
        person.status,
        (place.organization or "") if place else "",
        place.address if place else "",
        place.postal_code if place else "",
        place.city if place else "",
        (place.phone or "") if place else "",
        " | ".join(_place_text(a) for a in person.additional),
    ]


def render_csv(
    people: Iterable[Person], *, acu: bool = False, header: Iterable[str] = CSV_HEADER
) -> bytes:
    """The export: UTF-8 BOM, CRLF line ends, every field quoted, in the register's order."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(list(header))
    for person in sort_people(people):
        if not acu or person.rostered:
            writer.writerow(csv_row(person))
    return BOM + out.getvalue().encode("utf-8")


def _esc(text: str | None) -> str:
    return html.escape(text or "", quote=True)


def _pager(page: int, last: int) -> str:
    if last <= 1:
        return ""
    items = []

    def link(p: int, label: str, css: str = "") -> str:
        cls = f' class="{css}"' if css else ""
        return f'<li{cls}><a href="/PublicRegister/ContactSearch?p={p}">{label}</a></li>'

    if page > 1:
        items += [link(1, "&laquo;&laquo;", "PagedList-skipToFirst"), link(page - 1, "&laquo;")]
    for p in range(max(1, page - 4), min(last, page + 4) + 1):
        items.append(f'<li class="active"><span>{p}</span></li>' if p == page else link(p, str(p)))
    if page < last:
        items += [link(page + 1, "&raquo;"), link(last, "&raquo;&raquo;", "PagedList-skipToLast")]
    return (
        '<div class="pagination-container"><ul class="pagination">' + "".join(items) + "</ul></div>"
    )


def _count(first: int, last: int, total: int, markup: str) -> str:
    """The count in the live wording [live 2026-05-31]: in a new element split by tags ("split",
    the default), or in the element the emulator used to serve ("summary"); "results" is the
    emulator's old wording, for a register whose count reads otherwise."""
    if markup == "results":  # a wording the live register was never seen using
        return f'<p class="search-summary">Showing {first:,}-{last:,} of {total:,} results</p>'
    if markup == "summary":
        return f'<p class="search-summary">{first:,} - {last:,} of {total:,} Physiotherapists</p>'
    return (
        f'<div class="row"><div class="col-sm-6 results-count"><span>{first:,} - {last:,}</span>'
        f" of <strong>{total:,}</strong>\n Physiotherapists</div></div>"
    )


def render_search_page(
    people: Iterable[Person],
    page: int,
    *,
    profile_base: str = LIVE_PORTAL,
    size: int = PAGE_SIZE,
    count_markup: str = "split",
    numbers: bool = False,
) -> bytes:
    """One page of the server-rendered search, sorted by name, with a pager and a count; with
    `numbers`, a "Registration Number" column printed masked."""
    everyone = sort_people(people)
    last = max(1, -(-len(everyone) // size))
    shown = everyone[(page - 1) * size : page * size] if page >= 1 else []
    rows = []
    for p in shown:
        place = p.place
        href = f"{profile_base}/en-US/public-register/display-member-contact/?id={p.guid}"
        rows.append(
            "<tr>"
            f'<td><a href="{_esc(href)}">{_esc(p.listed_name)}</a></td>'
            f"<td>{_esc(p.status)}</td>"
            f"<td>{_esc(place.organization if place else '')}</td>"
            f"<td>{_esc(place.city if place else '')}</td>"
            f"<td>{_esc(place.postal_code if place else '')}</td>"
            + (f"<td>{_esc(p.masked_number)}</td>" if numbers else "")
            + "</tr>"
        )
    first = (page - 1) * size + 1 if shown else 0
    summary = _count(first, first + len(shown) - 1 if shown else 0, len(everyone), count_markup)
    body = f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8" />
<title>Public Register - College of Physiotherapists of Ontario</title></head>
<body>
<div class="container">
<h1>Find a Physiotherapist</h1>
{summary}
<table class="table table-striped" id="contact-search-results">
<thead><tr><th>Name</th><th>Registration Status</th><th>Clinic Name</th><th>City</th>
<th>Postal Code</th>{"<th>Registration Number</th>" if numbers else ""}</tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
{_pager(page, last)}
<a class="btn" href="{_esc(EXPORT_HREF)}">Export to CSV</a>
</div>
</body>
</html>
"""
    return body.encode("utf-8")


def render_profile(person: Person) -> bytes:
    """A portal profile: the name "Given Family", the masked number, standing, rostered activity."""
    rows = [
        ("Registration Number", _esc(person.masked_number)),
        ("Registration Status", _esc(person.status)),
        ("Authorized Activities", f"<ul><li>{_esc(ROSTER)}</li></ul>" if person.rostered else ""),
    ]
    places = [p for p in [person.place, *person.additional] if p]
    body = f"""<!DOCTYPE html>
<html lang="en-US">
<head><meta charset="utf-8" />
<title>Member Contact - College of Physiotherapists of Ontario</title></head>
<body>
<div class="container member-contact">
<h1 class="member-contact__name">{_esc(person.given_names)} {_esc(person.family_name)}</h1>
<table class="table member-contact__details">
{"".join(f'<tr><th scope="row">{k}</th><td>{v}</td></tr>' for k, v in rows)}
</table>
<h2>Practice Locations</h2>
<ul class="member-contact__locations">
{"".join(f"<li>{_esc(_place_text(p))}</li>" for p in places)}
</ul>
</div>
</body>
</html>
"""
    return body.encode("utf-8")


def render_profile_shell(person: Person) -> bytes:
    """A portal profile as a plain GET may bring it [live 2026-05-13]: a Power Apps shell whose
    data a script loads later, so nothing about the person is in the page."""
    body = f"""<!DOCTYPE html>
<html lang="en-US" data-lang="en-US">
<head><meta charset="utf-8" />
<title>Display Member Contact · College of Physiotherapists of Ontario</title>
<script src="/_portal/bundle.js" defer></script></head>
<body>
<div id="mainContent" class="wrapper-body" role="main">
<div class="entity-form" data-entity="contact" data-id="{_esc(person.guid)}">
<div class="spinner" role="status">Loading...</div>
</div>
</div>
<noscript>This page needs JavaScript.</noscript>
<script>window.__portal = {{ pageId: "display-member-contact", lcid: 1033 }};</script>
</body>
</html>
"""
    return body.encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Server


def _page(status: int, title: str) -> Reply:
    body = f"<!DOCTYPE html><html><head><title>{title}</title></head><body><h1>{title}</h1></body>"
    body += "</html>"
    return Reply(status, body.encode("utf-8"))


class CpoEmulator(Emulator):
    """Serve the register's three shapes for `people` on 127.0.0.1 (search, CSV, profiles)."""

    name = "cpo-emulator"

    def __init__(
        self,
        people: Iterable[Person] = (),
        *,
        robots_txt: str | None = "User-agent: *\nDisallow:\n",
        port: int = 0,
        page_size: int = PAGE_SIZE,
        filters: str = "all",
        count_markup: str = "split",
        profiles: str = "data",
        search_numbers: bool = False,
        csv_header: Iterable[str] = CSV_HEADER,
    ) -> None:
        """`filters`: "all" answers an export that lacks any filter with an HTML error page (as
        an ASP.NET application does), "any" takes whatever is given; `profiles`: "data" or
        "javascript" (shells with no data)."""
        super().__init__(port)
        self.robots_txt = robots_txt
        self.page_size = page_size
        self.filters = filters
        self.count_markup = count_markup
        self.profiles = profiles
        self.search_numbers = search_numbers
        self.csv_header = tuple(csv_header)
        self._people: list[Person] = []
        self._by_guid: dict[str, Person] = {}
        self.set_people(people)

    @property
    def people(self) -> list[Person]:
        with self._lock:
            return list(self._people)

    def set_people(self, people: Iterable[Person]) -> None:
        """Replace the register's content; later requests see the new people."""
        people = list(people)
        with self._lock:
            self._people = people
            self._by_guid = {p.guid.lower(): p for p in people}

    def _server_error(self) -> Reply:
        return _page(500, "500 - Internal server error.")

    def _route(self, request: RequestLog) -> Reply:
        path = unquote(request.path).lower().rstrip("/") or "/"
        query = parse_qs(request.query, keep_blank_values=True)
        if request.method not in ("GET", "HEAD"):
            return _page(405, "405 - Method not allowed")
        if path == "/robots.txt" and self.robots_txt is not None:
            return Reply(200, self.robots_txt.encode("utf-8"), "text/plain; charset=utf-8")
        with self._lock:
            people = self._people
        if path == SEARCH_PATH:
            page = query.get("p", ["1"])[0]
            if not page.isdigit():
                return _page(400, "400 - Bad request")
            body = render_search_page(
                people,
                int(page),
                profile_base=self.base_url,
                size=self.page_size,
                count_markup=self.count_markup,
                numbers=self.search_numbers,
            )
            return Reply(200, body)
        if path == CSV_PATH:
            flags = {f: query.get(f, ["False"])[0] for f in FILTERS}
            if self.filters == "all" and any(f not in query for f in ("o", "p", "docs", *FILTERS)):
                return _page(200, "Error. An error occurred while processing your request.")
            if any(v not in ("True", "False") for v in flags.values()):
                return _page(400, "400 - Bad request")
            if any(v == "True" for f, v in flags.items() if f != "acu"):
                body = render_csv([], header=self.csv_header)  # other rosters: nobody here
            else:
                body = render_csv(people, acu=flags["acu"] == "True", header=self.csv_header)
            return Reply(
                200,
                body,
                "text/csv; charset=utf-8",
                {"Content-Disposition": 'attachment; filename="PublicRegister.csv"'},
            )
        if path == PROFILE_PATH:
            with self._lock:
                person = self._by_guid.get(query.get("id", [""])[0].lower())
            if person is None:
                return _page(404, "Not Found")
            shell = self.profiles == "javascript"
            return Reply(200, render_profile_shell(person) if shell else render_profile(person))
        return _page(404, "404 - File or directory not found.")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m emulators.cpo",
        description="Serve a synthetic CPO public register on 127.0.0.1 until Ctrl-C.",
    )
    parser.add_argument("--port", type=int, default=8766, help="port (0 for any free one)")
    parser.add_argument("--count", type=int, default=400, help="number of synthetic people")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the population")
    args = parser.parse_args(argv)
    serve_until_interrupted(
        CpoEmulator(ontario_physiotherapists(args.count, args.seed), port=args.port)
    )


if __name__ == "__main__":
    main()
