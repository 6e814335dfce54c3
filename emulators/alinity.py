"""An Alinity public directory on 127.0.0.1, serving the shapes of docs/platforms/alinity.md.

It answers what the adapter asks of a live tenant (shell page, search, detail page, MoreInfo,
robots.txt) with the platform's quirks: a byte-order mark and `\\u003C` escapes in JSON, the
malformed `</br>` tag in addresses, "hidden" visibility flags, a 25-row cap without paging, a
session cookie the search needs, and 403s for bursts. Tests script faults on top (`fail_next`,
`reset_next`).

The page builders are plain functions of a `Person`, so a parser test can use their bytes without a
server. Run one by hand with `python -m emulators.alinity --port 8765 --count 400`.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import html
import json
import re
import secrets
import time
import unicodedata
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs, unquote

import orjson

from emulators.people import Location, Person, alberta_physiotherapists
from emulators.server import Emulator, Fault, Reply, RequestLog, serve_until_interrupted

BOM = b"\xef\xbb\xbf"
SESSION_COOKIE = "ASP.NET_SessionId"
CONDITIONS_UL = '<ul style="margin-left:12px;margin-bottom:0;">'
NOT_ENTERED = "[not entered]"

# Record keys of the tenants seen (docs/platforms/alinity.md).
PEI_KEYS = ("rg", "rl", "prl", "irc", "sid", "c", "atlr", "cv", "pdcv", "oa")
CPTBC_KEYS = ("rg", "rl", "rlm", "ps", "ef", "ex", "frd", "hc", "c", "Conditions")
CNDA_KEYS = ("rg", "rl", "ps", "ef", "ex", "sid", "irc")


@dataclass(frozen=True)
class Tenant:
    """How one emulated tenant behaves: each recorded variant of the live platform."""

    keys: tuple[str, ...] = PEI_KEYS
    cap: int | None = 25
    min_chars: int = 1  # last-name searches shorter than this answer `Records: []`
    matching: str = "prefix"  # or "substring"
    accents: str = "sensitive"  # "cote" finds "Côté" only when "insensitive"
    sort: bool = True  # replies sorted by surname, else in register order
    swapped: bool = False  # TextOptionA is the last name (a law-society tenant)
    glued: bool = False  # `oa` holds every location, run together with no separator
    profession_field: bool = False  # the form filters by profession
    # (searches, window seconds, penalty seconds): more searches than that in one session are
    # refused (403, with Retry-After: penalty) until the penalty passes or the shell is reloaded.
    session_burst: tuple[int, float, float] | None = None
    professions: tuple[str, ...] = field(default=("Physiotherapist",))


# The variants, by the tenant they were seen on.
REALISTIC = Tenant(keys=PEI_KEYS, min_chars=2, matching="substring", session_burst=(8, 1.0, 1.0))
CPTBC = Tenant(keys=CPTBC_KEYS, min_chars=2, matching="substring")
CNDA = Tenant(keys=CNDA_KEYS, min_chars=2)
CHCPBC = Tenant(
    keys=PEI_KEYS,
    min_chars=2,
    profession_field=True,
    professions=("Audiologist", "Dietitian", "Physiotherapist", "Psychologist"),
)

# Every recorded variant a crawl is measured on (tests/test_alinity_real_names.py,
# scripts/drill_names.py), by what it does.
RECORDED_VARIANTS: dict[str, Tenant] = {
    "prefix, cap 25, accent-sensitive": Tenant(min_chars=2),
    "prefix, cap 25, accent-blind": Tenant(min_chars=2, accents="insensitive"),
    "prefix, cap 75": Tenant(min_chars=2, cap=75),
    "prefix, no cap": Tenant(min_chars=2, cap=None),
    "prefix, cptbc keys, swapped fields": replace(CPTBC, matching="prefix", swapped=True),
    "prefix, one-character searches answered": Tenant(min_chars=1),
    "prefix, unsorted": Tenant(min_chars=2, sort=False),
    "substring, cap 25 (the live-like tenant)": replace(REALISTIC, session_burst=None),
    "substring, accent-blind": Tenant(min_chars=2, matching="substring", accents="insensitive"),
    "substring, cap 75": Tenant(min_chars=2, matching="substring", cap=75),
    "substring, unsorted": Tenant(min_chars=2, matching="substring", sort=False),
}


# ---------------------------------------------------------------------------------------------
# Shapes (pure functions)


def alinity_json(obj: object, *, indent: int | None = None, compact: bool = False) -> str:
    """JSON as Alinity writes it: UTF-8, with `<`, `>`, `&` as `\\u003C`, `\\u003E`, `\\u0026`.

    Indented by two, it is written by orjson: json's very bytes (tests/test_emulator.py),
    where json indents in pure Python, half of what a search reply cost the emulator."""
    if indent == 2 and not compact:
        text = orjson.dumps(obj, option=orjson.OPT_INDENT_2).decode("utf-8")
    else:
        separators = (",", ":") if compact else None
        text = json.dumps(obj, ensure_ascii=False, indent=indent, separators=separators)
    return text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def format_address(location: Location) -> str:
    """A location in the register's address format, the malformed `</br>` after street lines."""
    out = ""
    if location.organization:
        out += _esc(location.organization) + "<br/>"
    out += "".join(_esc(line) + "</br>" for line in location.street_lines)
    out += f"<br/>{_esc(location.city)}, {_esc(location.province)}, Canada {location.postal_code}"
    contact = []
    if location.phone:
        contact.append(f"<b>Phone:</b> {location.phone}")
    if location.fax:
        contact.append(f"<b>Fax:</b> {location.fax}")
    if contact:
        out += "<br/><br/>" + "<br/>".join(contact)
    return out


def _html_list(items: Iterable[str], opening: str = "<ul>") -> str:
    items = list(items)
    if not items:
        return ""
    return opening + "".join(f"<li>{_esc(item)}</li>" for item in items) + "</ul>"


def listed_label(person: Person) -> str:
    """The `rl` label: "Family, Given (RegNo)"."""
    return f"{person.family_name}, {person.given_names} ({person.registration_number})"


def search_record(person: Person) -> dict:
    """One record of a search reply, with the visibility flags the register sets."""
    digits = person.rg.replace("-", "")
    return {
        "rg": person.rg,
        "rl": listed_label(person),
        "prl": f"{person.category}<br/>{person.profession}",
        "irc": False,
        # Meaning unknown on the live platform; derived from rg so it is stable.
        "sid": 1_030_000 + int(digits[:6], 16) % 10_000,
        "c": _html_list(person.conditions, CONDITIONS_UL) or "[]",
        "atlr": "hidden" if int(digits[-1], 16) % 3 == 0 else "",
        "cv": "hidden" if not person.conditions or person.conditions_hidden else "",
        "pdcv": "hidden" if person.practice_details_hidden else "",
        "oa": format_address(person.locations[0])
        if person.address_published and person.locations
        else "",
        "rlm": person.listed_name,
        "ps": person.standing,
        "ef": person.initial_registration,
        "ex": "",
        "frd": "",
        "hc": "hidden",
        "Conditions": "; ".join(person.conditions) if not person.conditions_hidden else "",
    }


def tenant_record(person: Person, tenant: Tenant) -> dict:
    """A search record with only the tenant's keys, glued addresses where it glues them."""
    full = search_record(person)
    if tenant.glued and person.address_published and person.locations:
        full["oa"] = "".join(format_address(loc) for loc in person.locations)
    return {k: full[k] for k in tenant.keys if k in full}


@functools.lru_cache(maxsize=1 << 16)  # every search sorts its people again
def word_sort_key(text: str) -> tuple[str, str]:
    """Sort like a live tenant (SQL Server's word sort under a CI_AS collation): case and accents
    second to the base letters, hyphens and apostrophes ignored, spaces not ("Alsefaou" before
    "Al-Sharief", "Davey" before "Davey Loeppky"; live-evidence.md, reply order)."""
    folded = unicodedata.normalize("NFC", text).casefold()
    base = "".join(
        ch for ch in unicodedata.normalize("NFD", folded) if not unicodedata.combining(ch)
    )
    return base.translate(_IGNORED), folded.translate(_IGNORED)


_IGNORED = str.maketrans("", "", "-'\u2019")


def reply_order(person: Person) -> tuple:
    """A live tenant's reply order: family name, then given names, under `word_sort_key`."""
    return (word_sort_key(person.family_name), word_sort_key(person.given_names), person.rg)


@functools.lru_cache(maxsize=1 << 16)  # a search folds every name on the register again
def _fold(text: str, accents: str) -> str:
    folded = unicodedata.normalize("NFC", text).casefold()
    if accents == "insensitive":
        decomposed = unicodedata.normalize("NFD", folded)
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return folded


def search(
    people: Iterable[Person],
    *,
    given: str = "",
    family: str = "",
    number: str = "",
    cap: int | None = 25,
    tenant: Tenant | None = None,
) -> list[Person]:
    """The people a search returns: name matches, exact number, sorted, capped."""
    tenant = tenant or Tenant(cap=cap)
    if family and len(family.strip()) < tenant.min_chars and not number.strip():
        return []
    accents = tenant.accents
    # Case-insensitive, accent-sensitive unless the tenant is not ("cote" is not "Côté"); the
    # terms folded once.
    surname, first = _fold(family, accents), _fold(given, accents)
    substring = tenant.matching == "substring"
    wanted = number.strip().casefold()
    found = [
        p
        for p in people
        if (
            surname in _fold(p.family_name, accents)
            if substring
            else _fold(p.family_name, accents).startswith(surname)
        )
        and _fold(p.given_names, accents).startswith(first)
        and (not wanted or p.registration_number.casefold() == wanted)
    ]
    if tenant.sort:
        found.sort(key=reply_order)
    return found if cap is None else found[:cap]


def render_search(
    people: Iterable[Person], *, enable_captcha: bool = False, tenant: Tenant | None = None
) -> bytes:
    """The body of a search reply: BOM, then the JSON the platform sends."""
    reply = {
        "EnableCaptcha": enable_captcha,
        "SearchCriteria": [],
        "Records": [tenant_record(p, tenant) if tenant else search_record(p) for p in people],
    }
    return BOM + alinity_json(reply, indent=2).encode("utf-8")


def search_fields(tenant: Tenant) -> list[dict]:
    """The tenant's search fields: ids per tenant, labels saying what they are."""
    names = ("Last Name", "First Name") if tenant.swapped else ("First Name", "Last Name")
    fields: list[dict[str, object]] = [
        {"ID": "TextOptionA", "Label": names[0], "Type": "Text", "Value": ""},
        {"ID": "TextOptionB", "Label": names[1], "Type": "Text", "Value": ""},
        {"ID": "TextOptionC", "Label": "Registration #", "Type": "Text", "Value": ""},
    ]
    if tenant.profession_field:
        options = [{"Value": str(i), "Label": p} for i, p in enumerate(tenant.professions, 1)]
        fields.append(
            {"ID": "DropDownOptionA", "Label": "Profession", "Type": "Select", "Options": options}
        )
    for f in fields:
        f["ValueLabel"] = NOT_ENTERED
    return fields


def render_shell(query_sid: int, tenant: Tenant | None = None) -> bytes:
    """The public directory's shell page: the form, as `_plugin.initializeForm({...})`."""
    fields = alinity_json(
        {"QuerySID": query_sid, "Parameter": search_fields(tenant or Tenant())}, compact=True
    )
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<title>Public Directory</title>
<script type="text/javascript">var directoryConfig = {{"culture":"en-CA","pageSize":25}};</script>
</head>
<body>
<h1>Public Directory</h1>
<p class="notice">Emulated register: every person listed here is synthetic.</p>
<form id="publicDirectorySearch" method="post" action="/client/PublicDirectory/Registrants">
<input type="hidden" id="querySID" value="{query_sid}" />
<div id="searchParameters"></div>
<button type="submit" id="searchButton">Search</button>
</form>
<div id="results"></div>
<script type="text/javascript">
  _plugin.initializeForm({fields});
</script>
</body>
</html>
"""
    return page.encode("utf-8")


_DETAIL_TEMPLATE = """<script id="detailtemplate" type="text/x-template">
  <div class="registrant-detail">
    <h2>[[fun]]</h2>
    <table class="detail">
      <tr><th>Registration #</th><td>[[rn]]</td></tr>
      <tr><th>Register</th><td>[[pr]]</td></tr>
      <tr><th>Authorizations</th><td>[[sp]]</td></tr>
      <tr><th>Initial registration</th><td>[[ir]]</td></tr>
    </table>
    <h3>Employment</h3>
    [[e]]
  </div>
</script>"""


def _employment(person: Person) -> str:
    if not person.address_published:
        return ""
    shown = person.locations if not person.practice_details_hidden else person.locations[:1]
    rows = "".join(
        f"<tr><td>{_esc(loc.organization or '')}</td><td>{_esc(loc.city)}</td></tr>"
        for loc in shown
    )
    return (
        '<table class="employment"><thead><tr><th>Employer</th><th>City</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def detail_record(person: Person) -> dict:
    """The JSON literal of a detail page."""
    return {
        "rg": person.rg,
        "rn": person.registration_number,
        "fun": f"{person.given_names} {person.family_name}",
        "pr": f"{person.category}<br/>{person.standing}",
        "sp": _html_list(person.authorizations),
        "ir": person.initial_registration,
        "e": _employment(person),
        # The visibility flags and conditions, where a tenant's search records lack them [live].
        "pdcv": "hidden" if person.practice_details_hidden else "",
        "cv": "hidden" if not person.conditions or person.conditions_hidden else "",
        "c": _html_list(person.conditions, CONDITIONS_UL) or "[]",
    }


def render_detail(person: Person) -> bytes:
    """A registrant's detail page: the template, then the JSON literal that fills it."""
    literal = alinity_json(detail_record(person), compact=True)
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<title>Registrant Details</title>
<script type="text/javascript">
  var directoryConfig = {{"culture":"en-CA","showEmployment":true}};
</script>
</head>
<body>
<div id="registrantDetail"></div>
{_DETAIL_TEMPLATE}
<script type="text/javascript">
  var registrant = {literal};
</script>
</body>
</html>
"""
    return page.encode("utf-8")


def render_moreinfo(person: Person) -> bytes:
    """The practice-details fragment: one `pd-location` block per location."""
    blocks = "".join(
        f'  <div class="pd-location">{format_address(loc)}</div>\n' for loc in person.locations
    )
    return f'<div class="pd-moreinfo">\n{blocks}</div>\n'.encode()


def _error_page(status: int, title: str, text: str) -> Reply:
    body = (
        f"<!DOCTYPE html>\n<html><head><title>{title}</title></head>"
        f"<body><h1>{title}</h1><p>{text}</p></body></html>\n"
    )
    return Reply(status, body.encode("utf-8"))


def _forbidden() -> Reply:
    return _error_page(403, "403 - Forbidden: Access is denied.", "You do not have permission.")


def _not_found() -> Reply:
    return _error_page(404, "404 - File or directory not found.", "The resource was not found.")


# ---------------------------------------------------------------------------------------------
# The server


_DETAIL = re.compile(r"/client/publicdirectory/registrant/([0-9a-f-]{36})")
_MOREINFO = re.compile(r"/client/publicdirectory/moreinfo/([0-9a-f-]{36})")


class AlinityEmulator(Emulator):
    """One Alinity tenant on 127.0.0.1 serving `people`; see the module docstring."""

    name = "alinity-emulator"

    def __init__(
        self,
        people: list[Person],
        *,
        cap: int = 25,
        query_sid: int = 1002,
        burst_limit: int | None = None,
        burst_window: float = 1.0,
        burst_penalty: float = 2.0,
        robots_txt: str | None = "User-agent: *\nAllow: /\n",
        require_session: bool = True,
        enable_captcha: bool = False,
        port: int = 0,
        etags: bool = True,
        tenant: Tenant | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.tenant = tenant or Tenant(cap=cap)
        self.etags = etags  # detail pages carry an ETag and answer If-None-Match with 304
        self.cap: int | None = self.tenant.cap
        self.query_sid = query_sid
        self.burst_limit = burst_limit
        self.burst_window = burst_window
        self.burst_penalty = burst_penalty
        self.robots_txt = robots_txt
        self.require_session = require_session
        self.enable_captcha = enable_captcha
        super().__init__(port, clock)
        self._people: list[Person] = []
        self._by_rg: dict[str, Person] = {}
        self._sessions: set[str] = set()
        self._arrivals: deque[float] = deque()
        self._blocked_until = 0.0
        self._session_searches: dict[str, deque[float]] = {}
        self._session_blocked: dict[str, float] = {}
        self.renewals = 0  # shell reloads that opened a new session
        self.set_people(people)

    # -- control ------------------------------------------------------------------------------

    def stall_next(self, path_prefix: str, seconds: float, count: int = 1) -> None:
        """Answer the next `count` matching requests normally, but only after `seconds`."""
        self._script(Fault(path_prefix.lower(), count, None, stall=seconds))

    @property
    def people(self) -> list[Person]:
        with self._lock:
            return list(self._people)

    def set_people(self, people: Iterable[Person]) -> None:
        """Replace the register's content; later requests see the new people."""
        people = list(people)
        by_rg = {p.rg.lower(): p for p in people}
        with self._lock:
            self._people = people
            self._by_rg = by_rg

    # -- answering ----------------------------------------------------------------------------

    def _answer(self, request: RequestLog) -> Reply | None:
        reply = self._reply(request)
        with self._lock:
            self.statuses.append(reply.status if reply else None)
        return reply

    def _reply(self, request: RequestLog) -> Reply | None:
        with self._lock:
            self.requests.append(request)
            throttled = self._throttled(request.time)
            fault = self._take_fault(request.path)
        if fault is not None and not (fault.stall or fault.truncate):
            return fault.reply
        if throttled:
            return _forbidden()
        if fault is not None and fault.stall:
            time.sleep(fault.stall)
        if fault is not None and fault.truncate:
            reply = self._route(request)
            return Reply(
                reply.status, reply.body, reply.content_type, {**reply.headers, "X-Truncate": "1"}
            )
        try:
            reply = self._route(request)
        except Exception as exc:  # a bug here must show as a 500, not a hung client
            with self._lock:
                self.errors.append(exc)
            return _error_page(500, "500 - Internal server error.", "Emulator error.")
        if (
            self.etags
            and request.method == "GET"
            and reply.status == 200
            and "/registrant/" in (unquote(request.path).lower())
        ):
            etag = '"' + hashlib.sha256(reply.body).hexdigest()[:32] + '"'
            if request.headers.get("if-none-match") == etag:
                return Reply(304, b"", reply.content_type, {"ETag": etag})
            return Reply(
                reply.status, reply.body, reply.content_type, {**reply.headers, "ETag": etag}
            )
        return reply

    def _throttled(self, now: float) -> bool:
        if self.burst_limit is None:
            return False
        if now < self._blocked_until:
            return True
        arrivals = self._arrivals
        arrivals.append(now)
        while arrivals and arrivals[0] <= now - self.burst_window:
            arrivals.popleft()
        if len(arrivals) > self.burst_limit:
            self._blocked_until = now + self.burst_penalty
            arrivals.clear()
            return True
        return False

    def _route(self, request: RequestLog) -> Reply:
        path = unquote(request.path).lower()
        if path != "/":
            path = path.rstrip("/")
        method = "GET" if request.method == "HEAD" else request.method
        if method == "GET":
            if path == "/robots.txt" and self.robots_txt is not None:
                return Reply(200, self.robots_txt.encode("utf-8"), "text/plain; charset=utf-8")
            if path == "/client/publicdirectory":
                return self._shell(request)
            if match := _DETAIL.fullmatch(path):
                person = self._person(match.group(1))
                return Reply(200, render_detail(person)) if person else _not_found()
        elif method == "POST":
            if path == "/client/publicdirectory/registrants":
                return self._search(request)
            if match := _MOREINFO.fullmatch(path):
                return self._moreinfo(request, match.group(1))
        return _not_found()

    def _person(self, rg: str) -> Person | None:
        with self._lock:
            return self._by_rg.get(rg.lower())

    def _session_of(self, request: RequestLog) -> str | None:
        cookie = SimpleCookie()
        try:
            cookie.load(request.headers.get("cookie", ""))
        except CookieError:
            return None
        morsel = cookie.get(SESSION_COOKIE)
        return morsel.value if morsel else None

    def _shell(self, request: RequestLog) -> Reply:
        reply = Reply(200, render_shell(self.query_sid, self.tenant))
        with self._lock:
            known = self._session_of(request) in self._sessions
            if known and self.tenant.session_burst:
                self.renewals += 1
            if not known or self.tenant.session_burst:
                session = secrets.token_hex(12)
                self._sessions.add(session)
                reply.headers["Set-Cookie"] = f"{SESSION_COOKIE}={session}; path=/; HttpOnly"
        return reply

    def _session_refused(self, session: str | None, now: float) -> Reply | None:
        """403 once a session has made too many searches too fast, until renewed or cooled."""
        if self.tenant.session_burst is None or session is None:
            return None
        limit, window, penalty = self.tenant.session_burst
        forbidden = _forbidden()
        refused = Reply(403, forbidden.body, headers={"Retry-After": f"{max(1, round(penalty))}"})
        if now < self._session_blocked.get(session, 0.0):
            return refused
        arrivals = self._session_searches.setdefault(session, deque())
        arrivals.append(now)
        while arrivals and arrivals[0] <= now - window:
            arrivals.popleft()
        if len(arrivals) > limit:
            self._session_blocked[session] = now + penalty
            arrivals.clear()
            return refused
        return None

    def _search(self, request: RequestLog) -> Reply:
        if self.require_session:
            with self._lock:
                session = self._session_of(request)
                if session not in self._sessions:
                    return _forbidden()
                refused = self._session_refused(session, request.time)
            if refused:
                return refused
        form: dict[str, list[str]] = {}
        if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            form = parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True)
        if form.get("querySID", [""])[0].strip() != str(self.query_sid):
            return _error_page(400, "Bad Request", "The query is not valid.")
        try:
            parameters = json.loads(form.get("queryParameters", [""])[0])
            values = {
                str(item["ID"]): "" if item.get("Value") is None else str(item["Value"])
                for item in parameters["Parameter"]
            }
        except (ValueError, KeyError, TypeError, AttributeError):
            return _error_page(500, "Runtime Error", "An application error occurred.")
        with self._lock:
            people = self._people
        tenant = self.tenant
        first, last = (
            ("TextOptionB", "TextOptionA") if tenant.swapped else ("TextOptionA", "TextOptionB")
        )
        if tenant.profession_field and values.get("DropDownOptionA"):
            labels = dict(enumerate(tenant.professions, 1))
            wanted = labels.get(int(values["DropDownOptionA"] or 0))
            people = [p for p in people if p.profession == wanted]
        found = search(
            people,
            given=values.get(first, ""),
            family=values.get(last, ""),
            number=values.get("TextOptionC", ""),
            cap=self.cap,
            tenant=tenant,
        )
        body = render_search(found, enable_captcha=self.enable_captcha, tenant=tenant)
        return Reply(200, body, "application/json; charset=utf-8")

    def _moreinfo(self, request: RequestLog, rg: str) -> Reply:
        if request.headers.get("x-requested-with", "").lower() != "xmlhttprequest":
            return _error_page(400, "Bad Request", "This request is only made by the page.")
        person = self._person(rg)
        if person is None:
            return _not_found()
        if person.practice_details_hidden:
            return _forbidden()
        return Reply(200, render_moreinfo(person))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m emulators.alinity",
        description="Serve a synthetic Alinity public directory on 127.0.0.1 until Ctrl-C.",
    )
    parser.add_argument("--port", type=int, default=8765, help="port (0 for any free one)")
    parser.add_argument("--count", type=int, default=400, help="number of synthetic people")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the population")
    parser.add_argument("--cap", type=int, default=25, help="records a search returns at most")
    parser.add_argument("--burst-limit", type=int, default=None, help="requests a window allows")
    parser.add_argument("--burst-window", type=float, default=1.0, help="seconds")
    parser.add_argument("--burst-penalty", type=float, default=2.0, help="seconds of 403s")
    parser.add_argument(
        "--no-session", action="store_true", help="let searches through without a session cookie"
    )
    args = parser.parse_args(argv)
    emulator = AlinityEmulator(
        alberta_physiotherapists(args.count, args.seed),
        cap=args.cap,
        burst_limit=args.burst_limit,
        burst_window=args.burst_window,
        burst_penalty=args.burst_penalty,
        require_session=not args.no_session,
        port=args.port,
    )
    serve_until_interrupted(emulator)


if __name__ == "__main__":
    main()


def requests_per_registrant(
    people: list[Person] | None = None, tenant: Tenant = REALISTIC, *, count: int = 4000
) -> dict:
    """Requests a complete crawl of an emulated tenant makes, against the floor.

    Runs the adapter's listing strategy in process on `people` (default: `count` synthetic
    Alberta physiotherapists with a real register's name shape, emulators.surnames), counting the
    shell, searches, detail pages and practice requests. `floor` is the request floor
    (scrapers/drill.py);
    `proof_floor` adds the first-name splits no complete crawl of that tenant can skip.
    """
    from scrapers.alinity_pages import names_of
    from scrapers.drill import Drill, requests_floor

    if people is None:
        from emulators.surnames import realistic_physiotherapists

        people = realistic_physiotherapists(count)
    swapped = tenant.swapped

    def ask(last: str, first: str) -> list[dict]:
        found = search(people, family=last, given=first, cap=tenant.cap, tenant=tenant)
        return [tenant_record(p, tenant) for p in found]

    drill = Drill(ask, min_chars=tenant.min_chars, names=names_of)
    found = drill.run()
    physios = [p for p in people if p.profession in tenant.professions[:1] or not swapped]
    visible = sum(1 for p in people if not p.practice_details_hidden)
    requests = 1 + drill.searches + len(found) + visible
    floor = requests_floor(len(people), tenant.cap, tenant.min_chars, visible)
    proof = requests_floor(
        len(people),
        tenant.cap,
        tenant.min_chars,
        visible,
        drill.unshown_exact,
        drill.spaced,
        drill.accented_starts(),
    )
    return {
        "registrants": len(people),
        "found": len(found),
        "missing": len({p.rg for p in physios} - set(found)),
        "searches": drill.searches,
        "searches_per_registrant": round(drill.searches / max(1, len(people)), 2),
        "requests": requests,
        "floor": floor,
        "ratio": round(requests / floor, 3),
        # The floor with the first-name splits no complete crawl can skip (requests_floor).
        "unshown_exact": drill.unshown_exact,
        "spaced": drill.spaced,
        "proof_floor": proof,
        "proof_ratio": round(requests / proof, 3),
    }


def sample_register(people: list[Person]) -> AlinityEmulator:
    """The demo's Alinity register: the realistic variant, without the 403 bursts (each costs a
    cool-down of a second or more, which would keep the demo from starting in about a minute)."""
    return AlinityEmulator(people, tenant=replace(REALISTIC, session_burst=None))
