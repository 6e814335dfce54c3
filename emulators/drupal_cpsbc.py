"""The BC physicians' registrant directory (CPSBC, a Drupal form) on 127.0.0.1: synthetic people.

What the live directory was seen to do, each a switch (docs/platforms/drupal_cpsbc.md):
- the form page sets a session cookie and gives a `form_build_id`; a search is an AJAX POST of the
  form answered with Drupal AJAX commands, the third an `insert` of the results [code 2023];
  without the session cookie the search answers with an error page [guess: the shape];
- a `form_build_id` the server does not hold (expired, from another session) is refused with
  Drupal's "The form has become outdated" message [document: Drupal core; guess: here];
  `rotate_build_id` answers every search with an `update_build_id` command and forgets the old
  id, as Drupal does when it rebuilds a form; `build_id_uses` expires an id after that many uses;
- the last name needs at least two characters [live 2026-04] and matches as a substring
  [live 2026-04] (`match="prefix"` is the variant that would break the crawl's proof), accents
  folded [guess];
- 20 cards a page, `pagination_info` the page, the count in `span.text-mid-blue` [code 2023];
  `cap` lists at most that many of a search's results while still counting them all [guess: no
  cap was recorded];
- cards print the name (a profile link), "MSP <number>", "Licence status", "Licence class",
  "Practice type" and, for some, "Address:" lines and a phone [live 2026-04: the labels];
- profiles at `/public/registrant-directory/search-result/<id>/<Last,First>` [code 2023].

Everything is a pure function of `count` and `seed`. Run it by hand with
`python -m emulators.drupal_cpsbc --port 8767 --count 300`.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, quote, unquote

from emulators.jurisdictions import ALBERTA_NAMES, BRITISH_COLUMBIA
from emulators.population import Cutter, draw_names, postal_code, quota
from emulators.server import Emulator, Reply, RequestLog, serve_until_interrupted

FORM_PATH = "/public/registrant-directory"
SEARCH_PATH = "/public/registrant-directory/search-result"
PROFILE_PREFIX = SEARCH_PATH + "/"
COOKIE = "SSESS46e5ac66c3cb256f0a441094408a6223"  # Drupal's SSESS<hash> [code 2023]
OUTDATED = (
    "The form has become outdated. Press the back button, copy any unsaved work in the form, "
    "and then reload the page."
)
TOO_SHORT = "Last name must be at least {n} characters."  # [guess: the wording]
ROBOTS_TXT = "User-agent: *\nDisallow: /core/\nDisallow: /user/login\nDisallow: /search/\n"
PAGE_SIZE = 20
MATCHES = ("substring", "prefix")

# Standings as the cards print them [live 2026-04], with the class and practice types they go with.
PRACTISING = "Practising"
STANDINGS = (
    (PRACTISING, 0.62),
    ("Resigned", 0.10),
    ("Not licensed for independent practice", 0.07),
    ("In training", 0.08),
    ("Cancelled", 0.03),
    ("Temporarily inactive", 0.03),
    ("Deceased", 0.02),
    ("Not practising in BC", 0.03),
    ("Professionally inactive", 0.02),
)
_SPECIALTIES = (
    "anesthesiology",
    "psychiatry",
    "internal medicine",
    "physical medicine and rehabilitation",
    "orthopedic surgery",
    "emergency medicine",
    "diagnostic radiology",
    "obstetrics and gynecology",
    "pediatrics",
    "neurology",
)
_CLINICS = ("Medical Clinic", "Family Practice", "Pain Clinic", "Health Centre", "Medical Centre")
_STREETS = ("Main Street", "Oak Street", "Broadway", "Fraser Highway", "Douglas Street")


@dataclass(frozen=True)
class Address:
    organization: str | None
    street: str
    city: str
    postal_code: str
    phone: str | None


@dataclass
class Physician:
    """One synthetic card of the directory."""

    cpsbc_id: str
    family_name: str
    given_names: str
    msp_number: str | None
    status: str
    licence_class: str
    practice_type: str | None
    addresses: list[Address] = field(default_factory=list)

    @property
    def listed_name(self) -> str:
        return f"{self.family_name}, {self.given_names}"


def bc_physicians(count: int = 300, seed: int = 1886) -> list[Physician]:
    """`count` synthetic physicians of the BC directory, the same every time.

    About 62% practise (most with an MSP number and a published address, a tenth of those with
    two), the rest resigned, in training, not licensed for independent practice, cancelled,
    inactive, deceased or gone from BC (no address; trainees without an MSP number). Vancouver,
    Surrey, Victoria and Kelowna hold most addresses."""
    if count < 0:
        raise ValueError("count must not be negative")
    rng = random.Random(seed)
    names = draw_names(rng, ALBERTA_NAMES, count)
    n = len(names)
    order = list(range(n))
    rng.shuffle(order)
    cut = Cutter(order)
    standing: dict[int, str] = {}
    for status, share in STANDINGS[1:]:
        for i in cut.take(quota(n, share)):
            standing[i] = status
    ids = rng.sample(range(100000, 999999), n)
    cities = [c for c in BRITISH_COLUMBIA.cities]
    weights = {"Vancouver": 6, "Surrey": 3, "Victoria": 3, "Kelowna": 2}
    people = []
    for i, (family, given) in enumerate(names):
        status = standing.get(i, PRACTISING)
        msp: str | None = f"{rng.randint(10000, 99999)}"
        if rng.random() < 0.2:
            msp = f"{rng.choice('JQ')}{rng.randint(1000, 9999)}"
        addresses: list[Address] = []
        if status == PRACTISING:
            licence_class = rng.choices(["Full", "Provisional", "Associate physician"], [8, 1, 1])[
                0
            ]
            practice = (
                "Family practice"
                if rng.random() < 0.5
                else f"Specialty practice - {rng.choice(_SPECIALTIES)}"
            )
            if licence_class == "Associate physician":
                practice = "Associate physician"
            for _ in range(1 + (rng.random() < 0.1)):
                if rng.random() < 0.8:
                    addresses.append(_address(rng, cities, weights))
        elif status in ("In training", "Not licensed for independent practice"):
            licence_class = "Educational"
            practice = rng.choice(["Postgraduate (resident)", "Medical student"])
            msp = None
        elif status in ("Resigned", "Cancelled", "Deceased"):
            licence_class, practice = "Former", None
        else:
            licence_class = "Full"
            practice = "Family practice"
        people.append(
            Physician(str(ids[i]), family, given, msp, status, licence_class, practice, addresses)
        )
    return people


def _address(rng: random.Random, cities: list, weights: dict[str, int]) -> Address:
    city = rng.choices(cities, [weights.get(c.name, 1) for c in cities])[0]
    organization = None
    if rng.random() < 0.7:
        organization = f"{city.name} {rng.choice(_CLINICS)}"
    street = f"{rng.randint(100, 9999)} {rng.choice(_STREETS)}"
    if rng.random() < 0.3:
        street = f"#{rng.randint(100, 400)}, {street}"
    phone = f"{rng.choice(city.area_codes)}-555-01{rng.randint(0, 99):02d}"
    return Address(organization, street, city.name, postal_code(rng, rng.choice(city.fsas)), phone)


# ---------------------------------------------------------------------------------------------
# Rendering (pure functions of the people)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def profile_path(person: Physician) -> str:
    return (
        f"{PROFILE_PREFIX}{person.cpsbc_id}/{quote(person.family_name + ',' + person.given_names)}"
    )


def render_card(person: Physician) -> str:
    parts = [
        '<div class="shadow shadow-hover rounded result-item p-3 mb-3">',
        '<div class="ps-contact__title d-flex justify-content-between">',
        f'<div><h5 class="mb-0"><a href="{_e(profile_path(person))}">{_e(person.listed_name)} '
        '<span class="material-icons">arrow_forward</span></a></h5></div>',
    ]
    if person.msp_number:
        parts.append(f'<h5 class="mspNumber align-self-end">MSP {_e(person.msp_number)}</h5>')
    parts.append("</div>")
    for label, value in (
        ("Licence status", person.status),
        ("Licence class", person.licence_class),
        ("Practice type", person.practice_type),
    ):
        if value:
            parts.append(
                f'<div class="ps-contact__element mt-2"><strong>{label}:</strong> '
                f"<span>{_e(value)}</span></div>"
            )
    for a in person.addresses:
        lines = [a.organization, a.street, a.city, "BC", a.postal_code, "Canada"]
        body = "<br>".join(_e(line) for line in lines if line)
        parts.append(
            f'<div class="ps-contact__element mt-2"><strong>Address:</strong><br>{body}</div>'
        )
        if a.phone:
            parts.append(
                f'<div class="ps-contact__element mt-2"><strong>Phone:</strong> {_e(a.phone)}</div>'
            )
    parts.append("</div>")
    return "".join(parts)


def render_results(people: list[Physician], count: int, page: int, pages: int) -> str:
    cards = "".join(render_card(p) for p in people)
    pager = ""
    if page < pages:
        pager = f'<nav class="pager"><a href="#" data-page="{page + 1}">NEXT PAGE</a></nav>'
    return (
        '<div id="cpsbc-directory-results"><p class="results-summary">Results found: '
        f'<span class="text-mid-blue">{count}</span></p>{cards}{pager}</div>'
    )


def render_form(build_id: str, error: str = "") -> str:
    message = (
        f'<div class="messages messages--error" role="alert">{_e(error)}</div>' if error else ""
    )
    return f"""<form class="cpsbc-directory-form" action="{FORM_PATH}" method="post"
 id="cpsbc-directory-form" accept-charset="UTF-8">{message}
<input type="text" name="ps_last_name" value="" maxlength="128">
<input type="text" name="ps_first_name" value="" maxlength="128">
<input type="text" name="ps_ci_to" value="" class="form-autocomplete">
<select name="PracticeTypeSearch"><option value="A" selected="selected">All</option>
<option value="F">Family practice</option><option value="S">Specialty practice</option></select>
<select name="CertificationTypes"><option value="0" selected="selected">Any</option></select>
<select name="status"><option value="A" selected="selected">All</option>
<option value="Y">Practising</option></select>
<select name="gender"><option value="" selected="selected">Any</option>
<option value="M">Male</option><option value="F">Female</option></select>
<select name="Languages"><option value="0" selected="selected">Any</option></select>
<input type="text" name="msp_number" value="">
<input type="hidden" name="pagination_info" value="1">
<input type="hidden" name="results_per_page" value="{PAGE_SIZE}">
<input type="hidden" name="form_build_id" value="{_e(build_id)}">
<input type="hidden" name="form_id" value="cpsbc_directory_form">
<input type="submit" id="edit-ps-submit" name="op" value="Search" class="button">
</form>"""


def render_page(build_id: str) -> bytes:
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Registrant directory | College of Physicians
 and Surgeons of BC</title></head><body>
<form action="/search" method="get" id="site-search"><input type="hidden" name="form_id"
 value="search_block_form"><input type="text" name="keys"></form>
<main><h1>Registrant directory</h1>
{render_form(build_id)}
<div id="cpsbc-directory-results"></div></main></body></html>""".encode()


def render_profile(person: Physician) -> bytes:
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{_e(person.listed_name)} | CPSBC</title>
</head><body><main><h1 class="directory-profile--name">{_e(person.listed_name)}</h1>
<h5 class="mspNumber align-self-end">{_e(person.msp_number or "")}</h5>
<div id="registration"><strong>Registration status: </strong><span>{_e(person.status)}</span>
<strong>Registration class: </strong><span>{_e(person.licence_class)}</span></div>
</main></body></html>""".encode()


def commands(insert_html: str, new_build_id: str | None = None, old: str = "") -> bytes:
    """A Drupal AJAX reply: settings, then the build id update (or a no-op), then the insert."""
    middle: dict = {
        "command": "invoke",
        "selector": "#edit-ps-submit",
        "method": "blur",
        "args": [],
    }
    if new_build_id:
        middle = {"command": "update_build_id", "old": old, "new": new_build_id}
    reply = [
        {"command": "settings", "settings": {"ajaxPageState": {"theme": "college"}}, "merge": True},
        middle,
        {
            "command": "insert",
            "method": "replaceWith",
            "selector": "#cpsbc-directory-results",
            "data": insert_html,
            "settings": None,
        },
    ]
    return json.dumps(reply).encode()


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class CpsbcEmulator(Emulator):
    """The directory on 127.0.0.1 serving `people`; see the module docstring for the switches."""

    name = "cpsbc-emulator"

    def __init__(
        self,
        people: list[Physician],
        *,
        robots_txt: str | None = ROBOTS_TXT,
        match: str = "substring",
        min_chars: int = 2,
        cap: int | None = None,
        rotate_build_id: bool = False,
        build_id_uses: int | None = None,
        require_cookie: bool = True,
        set_cookie: bool = True,
        port: int = 0,
    ) -> None:
        if match not in MATCHES:
            raise ValueError(f"match must be one of {', '.join(MATCHES)}")
        self.robots_txt = robots_txt
        self.match = match
        self.min_chars = min_chars
        self.cap = cap
        self.rotate_build_id = rotate_build_id
        self.build_id_uses = build_id_uses
        self.require_cookie = require_cookie
        self.set_cookie = set_cookie  # False: the form page sets no cookie (a client keeping none)
        super().__init__(port)
        self._people: list[Physician] = []
        self._sessions: set[str] = set()
        self._builds: dict[str, tuple[str, int]] = {}  # build id -> (session, uses)
        self.set_people(people)

    @property
    def people(self) -> list[Physician]:
        with self._lock:
            return list(self._people)

    def set_people(self, people: Iterable[Physician]) -> None:
        people = sorted(people, key=lambda p: (_fold(p.family_name), _fold(p.given_names)))
        with self._lock:
            self._people = people

    def expire_forms(self) -> None:
        """Forget every form_build_id handed out (Drupal's form cache expired)."""
        with self._lock:
            self._builds.clear()

    # -- answering ----------------------------------------------------------------------------

    def _route(self, request: RequestLog) -> Reply:
        path = unquote(request.path).rstrip("/") or "/"
        if path == "/robots.txt" and self.robots_txt is not None:
            return Reply(200, self.robots_txt.encode(), "text/plain; charset=utf-8")
        if path == FORM_PATH and request.method == "GET":
            return self._form(request)
        if path in (FORM_PATH, SEARCH_PATH) and request.method == "POST":
            return self._search(request)
        if path.startswith(PROFILE_PREFIX) and request.method == "GET":
            ident = path[len(PROFILE_PREFIX) :].split("/")[0]
            with self._lock:
                person = next((p for p in self._people if p.cpsbc_id == ident), None)
            if person is not None:
                return Reply(200, render_profile(person))
        return Reply(404, b"<!DOCTYPE html><title>Page not found</title><h1>Page not found</h1>")

    def _session(self, request: RequestLog) -> str | None:
        for part in request.headers.get("cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == COOKIE and value in self._sessions:
                return value
        return None

    def _form(self, request: RequestLog) -> Reply:
        headers = {}
        with self._lock:
            session = self._session(request)
            if session is None:
                session = secrets.token_urlsafe(24)
                self._sessions.add(session)
                if self.set_cookie:
                    headers["Set-Cookie"] = f"{COOKIE}={session}; path=/; HttpOnly; SameSite=Lax"
            build = "form-" + secrets.token_urlsafe(32)
            self._builds[build] = (session, 0)
        return Reply(200, render_page(build), headers=headers)

    def _search(self, request: RequestLog) -> Reply:
        params = request.params()
        if params.get("_wrapper_format") != "drupal_ajax":
            return Reply(200, render_page("form-none"))  # the page again, no results [guess]
        form = {
            k: v[-1] for k, v in parse_qs(request.body.decode(), keep_blank_values=True).items()
        }
        build = form.get("form_build_id", "")
        with self._lock:
            session = self._session(request)
            if session is None and self.require_cookie:
                page = (
                    b"<!DOCTYPE html><html><head><title>Error | College of Physicians and "
                    b"Surgeons of BC</title></head><body><h1>Error</h1><p>The website encountered"
                    b" an unexpected error. Please try again later.</p></body></html>"
                )
                return Reply(200, page)
            held = self._builds.get(build)
            if held is None or (self.require_cookie and held[0] != session):
                return Reply(200, commands(render_form(build, OUTDATED)), "application/json")
            uses = held[1] + 1
            if self.build_id_uses is not None and uses >= self.build_id_uses:
                del self._builds[build]
            else:
                self._builds[build] = (held[0], uses)
            new = None
            if self.rotate_build_id:
                self._builds.pop(build, None)
                new = "form-" + secrets.token_urlsafe(32)
                self._builds[new] = (held[0], 0)
            people = list(self._people)
        text = form.get("ps_last_name", "").strip()
        if len(text) < self.min_chars:
            return Reply(
                200,
                commands(render_form(new or build, TOO_SHORT.format(n=self.min_chars)), new, build),
                "application/json",
            )
        wanted = _fold(text)
        if self.match == "substring":
            found = [p for p in people if wanted in _fold(p.family_name)]
        else:
            found = [p for p in people if _fold(p.family_name).startswith(wanted)]
        listable = found[: self.cap] if self.cap is not None else found
        try:
            number = max(1, int(form.get("pagination_info") or 1))
        except ValueError:
            number = 1
        pages = max(1, -(-len(listable) // PAGE_SIZE))
        shown = listable[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        body = render_results(shown, len(found), number, pages)
        return Reply(200, commands(body, new, build), "application/json")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m emulators.drupal_cpsbc",
        description="Serve a synthetic BC physicians' directory on 127.0.0.1 until Ctrl-C.",
    )
    parser.add_argument("--port", type=int, default=8767, help="port (0 for any free one)")
    parser.add_argument("--count", type=int, default=300, help="number of synthetic people")
    parser.add_argument("--seed", type=int, default=1886, help="seed of the population")
    args = parser.parse_args(argv)
    serve_until_interrupted(
        CpsbcEmulator(bc_physicians(args.count, args.seed), port=args.port), FORM_PATH
    )


if __name__ == "__main__":
    main()
