"""An iMIS public registry (BC's TCM practitioners and acupuncturists) on 127.0.0.1.

Serves the shapes of docs/platforms/imis.md: `GET /public`, an ASP.NET WebForms page (one form,
`__VIEWSTATE`, `__VIEWSTATEGENERATOR`, `__EVENTVALIDATION`, a query sheet of text boxes and a
search button, ids and names as recorded for CTCMA); `POST /public`, the full postback, answering
the results in a Telerik RadGrid (`tr.rgRow` / `tr.rgAltRow`, a pager with "N items in M pages",
a "next page" button and a page-size box with its `_ClientState`); and the profile pop-up
`GET /Public/Directory/Profile.aspx?ID=<id>` (name, organization, address, phone, email).

The __VIEWSTATE carries the query, page size and page; `expire()` (or `expire_after_posts`) makes
every state issued so far stale, as a session timeout does: the next postback gets ASP.NET's
"Validation of viewstate MAC failed", as a 500 (`state_error="500"`) or as iMIS's 200 error page
(`"page"`). Variants: `page_size_box=False` (paging only), `max_page_size` (a cap on the raised
page size), `headers` (the grid's column headers; without "Registration Class" the title is
printed after the name), `link_style` ("javascript": `ShowDialog_NoReturnValue('<url>', ...)`,
or "href"). Tests script faults on top (`fail_next`, `reset_next`).

Everyone is synthetic: `bc_acupuncturists(count, seed)` places invented registrants in Vancouver,
Richmond, Burnaby, Victoria and Surrey (a few outside BC, whom the province filter leaves out),
with the four titles and a mix of standings. Run it by hand with
`python -m emulators.imis --port 8767 --count 300`.
"""

from __future__ import annotations

import argparse
import base64
import html
import json
import random
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qs

from emulators.jurisdictions import BRITISH_COLUMBIA
from emulators.population import NameSource, draw_names, phone, postal_code
from emulators.server import Emulator, Reply, RequestLog, serve_until_interrupted

PATH = "/public"
PROFILE = "/Public/Directory/Profile.aspx"
PREFIX = "ctl01_TemplateBody_WebPartManager1_gwpciPublicRegistry_ciPublicRegistry_ResultsGrid"
POPUP = "ctl00_TemplateBody_WebPartManager1_"
GRID = f"{PREFIX}_Grid1_ctl00"
PAGER = f"{GRID}_ctl02_ctl00"
# The query sheet's boxes, Input0..Input5 [guess: only Input5, the province, is recorded].
INPUTS = ("Last Name", "First Name", "City", "Postal Code", "Registration Number", "Province")
HEADERS = ("Name", "Registration Number", "Registration Class", "Status", "City", "Province")
TITLES = ("R.Ac.", "R.TCM.P.", "R.TCM.H.", "Dr.TCM")
PRACTISING = "Practising"
STATE_ERROR = "Validation of viewstate MAC failed."

_NAMES = NameSource(
    origins=(
        (
            5,
            "Chen Wang Li Zhang Liu Huang Lin Wu Zhou Xu Sun Ma Zhu Hu Guo Ho Wong Chan Leung Lam "
            "Cheung Yip Tsang".split(),
            "Wei Ling Mei Jun Hui Yan Xin Hao Jie Min Qing Lei Ying Tao Feng Yu Ka-Wai Siu-Ming "
            "Wing".split(),
        ),
        (2, "Kim Park Lee Choi Jung Kang".split(), "Min-jun Seo-yeon Ji-woo Hyun Soo-jin".split()),
        (
            3,
            "Smith MacLeod Brown Tremblay Nguyen Patel O'Neil Fraser Dubois Müller".split(),
            "Sarah Michael Emma Daniel Chloé Anne-Marie Liam Priya Olivia James".split(),
        ),
    )
)
_CITIES = {"Vancouver": 40, "Richmond": 20, "Burnaby": 15, "Victoria": 15, "Surrey": 10}
_CLINICS = (
    "Golden Needle Acupuncture",
    "Harmony TCM Clinic",
    "West Coast Acupuncture & Herbs",
    "Pacific Balance Wellness",
    None,
    None,
)
_STREETS = {
    "Vancouver": ("{n} Main Street", "{n} West Broadway", "{n} Kingsway"),
    "Richmond": ("{n} No. 3 Road", "{n} Westminster Highway"),
    "Burnaby": ("{n} Kingsway", "{n} Hastings Street"),
    "Victoria": ("{n} Fort Street", "{n} Douglas Street"),
    "Surrey": ("{n} King George Boulevard", "{n} 152 Street"),
    "Calgary": ("{n} 17 Avenue SW",),
}


@dataclass(frozen=True)
class Registrant:
    """One synthetic registrant as the registry shows them."""

    contact_id: int
    family: str
    given: str
    title: str
    number: str
    status: str
    city: str
    province: str
    street: str
    postal: str
    phone: str
    email: str
    organization: str | None

    @property
    def full_name(self) -> str:
        return f"{self.given} {self.family}"


def bc_acupuncturists(count: int = 300, seed: int = 2026) -> list[Registrant]:
    """`count` synthetic registrants, deterministic: titles about 45% R.Ac., 35% R.TCM.P.,
    10% R.TCM.H., 10% Dr.TCM; standings about 90% Practising, 5% Non-Practising, 3% Suspended,
    2% Temporary Inactive; 1 in 25 lives outside BC."""
    rng = random.Random(seed)
    names = draw_names(rng, _NAMES, count)
    cities = [c for c, w in _CITIES.items() for _ in range(w)]
    people = []
    for i, (family, given) in enumerate(names):
        title = rng.choices(TITLES, (45, 35, 10, 10))[0]
        status = rng.choices(
            (PRACTISING, "Non-Practising", "Suspended", "Temporary Inactive"), (90, 5, 3, 2)
        )[0]
        city = BRITISH_COLUMBIA.city(cities[i % len(cities)] if count >= 20 else rng.choice(cities))
        province = "BC"
        postal = postal_code(rng, rng.choice(city.fsas))
        if i % 25 == 24:
            province, postal = "AB", postal_code(rng, "T2P")
        place = city.name if province == "BC" else "Calgary"
        people.append(
            Registrant(
                contact_id=10_000 + i * 7 + rng.randint(0, 6),
                family=family,
                given=given,
                title=title,
                number=f"{rng.randint(100, 9999):05d}",
                status=status,
                city=place,
                province=province,
                street=rng.choice(_STREETS[place]).format(n=rng.randint(100, 8999)),
                postal=postal,
                phone=phone(rng, city),
                email=f"{given[:1].lower()}{i}@example.test",
                organization=rng.choice(_CLINICS),
            )
        )
    return people


# ---------------------------------------------------------------------------------------------
# Shapes (pure functions)


def _name(element_id: str) -> str:
    return element_id.replace("_", "$")


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def encode_state(state: dict) -> str:
    return base64.b64encode(json.dumps(state, sort_keys=True).encode()).decode()


def decode_state(text: str) -> dict | None:
    try:
        state = json.loads(base64.b64decode(text.encode(), validate=True))
    except ValueError:
        return None
    return state if isinstance(state, dict) else None


def _input(element_id: str, value: str = "", kind: str = "text", cls: str = "") -> str:
    extra = f' class="{cls}"' if cls else ""
    return (
        f'<input type="{kind}" name="{_name(element_id)}" id="{element_id}" '
        f'value="{_e(value)}"{extra} />'
    )


def render_page(state: dict, grid: str = "") -> bytes:
    """The registry page: the form with its state, the query sheet, and `grid` (if any)."""
    sheet = "".join(
        f'<div><label for="{PREFIX}_Sheet0_Input{i}_TextBox1">{_e(label)}</label>'
        + _input(f"{PREFIX}_Sheet0_Input{i}_TextBox1", state.get("filters", {}).get(str(i), ""))
        + "</div>"
        for i, label in enumerate(INPUTS)
    )
    body = (
        "<!DOCTYPE html><html><head><title>Public Registry</title></head><body>"
        '<form method="post" action="./public" id="aspnetForm">'
        '<input type="hidden" name="__EVENTTARGET" id="__EVENTTARGET" value="" />'
        '<input type="hidden" name="__EVENTARGUMENT" id="__EVENTARGUMENT" value="" />'
        f'<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="{encode_state(state)}" />'
        '<input type="hidden" name="__VIEWSTATEGENERATOR" id="__VIEWSTATEGENERATOR" '
        'value="4E3B2A1C" />'
        '<input type="hidden" name="__EVENTVALIDATION" id="__EVENTVALIDATION" value="/wEdAAk=" />'
        '<input type="hidden" name="PageInstanceKey" value="b1c2d3" />'
        f'<div id="{PREFIX}_Sheet0">{sheet}'
        + _input(f"{PREFIX}_Sheet0_SubmitButton", "Find", "submit")
        + f"</div>{grid}</form></body></html>"
    )
    return body.encode("utf-8")


def render_grid(
    people: list[Registrant],
    total: int,
    page: int,
    size: int,
    *,
    headers: tuple[str, ...] = HEADERS,
    page_size_box: bool = True,
    link_style: str = "javascript",
) -> str:
    """One page of the results grid: `people` are that page's rows of `total`."""
    pages = max(1, -(-total // size))
    th = "".join(f'<th scope="col" class="rgHeader">{_e(h)}</th>' for h in headers)
    box = ""
    if page_size_box:
        box = (
            "<span>Page size:</span>"
            + _input(f"{PAGER}_ChangePageSizeTextBox", str(size), cls="rgPagerTextBox")
            + _input(f"{PAGER}_ChangePageSizeTextBox_ClientState", "", "hidden").replace(
                f'name="{_name(f"{PAGER}_ChangePageSizeTextBox_ClientState")}"',
                f'name="{PAGER}_ChangePageSizeTextBox_ClientState"',
            )
            + _input(f"{PAGER}_ChangePageSizeLinkButton", "Change", "submit")
        )
    following = _input(f"{PAGER}_ctl08", " ", "submit", "rgPageNext")
    if page + 1 >= pages:
        following = following.replace("/>", 'onclick="return false;" />')
    pager = (
        f'<tfoot><tr class="rgPager"><td colspan="{len(headers)}"><table><tr><td>'
        f"{following}{box}"
        f'<div class="rgWrap rgInfoPart"> {total} items in {pages} pages</div>'
        "</td></tr></table></td></tr></tfoot>"
    )
    rows = []
    for i, p in enumerate(people):
        url = f"{PROFILE}?ID={p.contact_id}"
        href = (
            f"javascript:ShowDialog_NoReturnValue('{url}', null, '700', '500', 'Profile', "
            "null, 'E', null, null, false, true, null, null)"
            if link_style == "javascript"
            else url
        )
        name = p.full_name if "Registration Class" in headers else f"{p.full_name}, {p.title}"
        cells = {
            "Name": f'<a href="{_e(href)}">{_e(name)}</a>',
            "Registration Number": _e(p.number),
            "Registration Class": _e(p.title),
            "Status": _e(p.status),
            "City": _e(p.city),
            "Province": _e(p.province),
        }
        td = "".join(f"<td>{cells.get(h, '')}</td>" for h in headers)
        cls = "rgRow" if i % 2 == 0 else "rgAltRow"
        rows.append(f'<tr class="{cls}" id="{GRID}__{i}">{td}</tr>')
    return (
        f'<div id="{PREFIX}_Grid1"><table class="rgMasterTable" id="{GRID}">'
        f"<thead><tr>{th}</tr></thead>{pager}<tbody>{''.join(rows)}</tbody></table></div>"
    )


def render_profile(p: Registrant) -> bytes:
    """The profile pop-up (its ids start `ctl00_`): name, organization, address, phone, email."""
    mini = f"{POPUP}gwpciNewContactMiniProfileCommon_ciNewContactMiniProfileCommon_contactName"
    address = f"{POPUP}gwpciAddress_ciAddress_"
    org = f'<span id="{mini}_institute">{_e(p.organization)}</span>' if p.organization else ""
    body = (
        '<!DOCTYPE html><html><body><form method="post" action="./Profile.aspx">'
        f'<div id="{mini}"><span id="{mini}_fullName">{_e(p.full_name)}</span>{org}</div>'
        f'<div><span id="{address}_address">{_e(p.street)}<br />{_e(p.city)} {_e(p.province)}'
        f"  {_e(p.postal)}<br />Canada</span>"
        f'<span id="{address}_phoneNumber">{_e(p.phone)}</span>'
        f'<a id="{address}_email" href="mailto:{_e(p.email)}">{_e(p.email)}</a></div>'
        "</form></body></html>"
    )
    return body.encode("utf-8")


def render_state_error() -> bytes:
    return (
        "<html><head><title>Error</title></head><body><h1>Server Error in '/' Application.</h1>"
        f"<h2><i>{STATE_ERROR}</i></h2></body></html>"
    ).encode()


# ---------------------------------------------------------------------------------------------
# The server


class ImisEmulator(Emulator):
    """An iMIS public registry on 127.0.0.1 serving `people`; see the module docstring."""

    name = "imis-emulator"

    def __init__(
        self,
        people: list[Registrant],
        *,
        default_size: int = 20,
        max_page_size: int | None = None,
        page_size_box: bool = True,
        headers: tuple[str, ...] = HEADERS,
        link_style: str = "javascript",
        state_error: str = "500",
        expire_after_posts: int | None = None,
        robots_txt: str | None = "User-agent: *\nDisallow: /iMIS/\n",
        port: int = 0,
    ) -> None:
        self.default_size = default_size
        self.max_page_size = max_page_size
        self.page_size_box = page_size_box
        self.headers = headers
        self.link_style = link_style
        self.state_error = state_error
        self.expire_after_posts = expire_after_posts
        self.robots_txt = robots_txt
        self.epoch = 0
        self.posts = 0
        super().__init__(port)
        self._people: list[Registrant] = []
        self.set_people(people)

    @property
    def people(self) -> list[Registrant]:
        with self._lock:
            return list(self._people)

    def set_people(self, people: Iterable[Registrant]) -> None:
        people = list(people)
        with self._lock:
            self._people = people

    def expire_after(self, posts: int) -> None:
        """Make the states stale once `posts` more postbacks have been answered."""
        with self._lock:
            self.posts, self.expire_after_posts = 0, posts

    def expire(self) -> None:
        """Make every state issued so far stale (a session timeout)."""
        with self._lock:
            self.epoch += 1

    def _route(self, request: RequestLog) -> Reply:
        if request.path == "/robots.txt" and self.robots_txt is not None:
            return Reply(200, self.robots_txt.encode(), "text/plain; charset=utf-8")
        if request.path.lower() == PATH and request.method == "GET":
            return Reply(200, render_page({"epoch": self.epoch}))
        if request.path.lower() == PATH and request.method == "POST":
            return self._postback(request)
        if request.path.lower() == PROFILE.lower() and request.method == "GET":
            wanted = request.params().get("ID", "")
            person = next((p for p in self.people if str(p.contact_id) == wanted), None)
            if person is None:
                return Reply(404, b"<html><body>Not found</body></html>")
            return Reply(200, render_profile(person))
        return Reply(404, b"<html><body>The resource cannot be found.</body></html>")

    def _refuse(self) -> Reply:
        if self.state_error == "page":
            return Reply(200, render_state_error())
        return Reply(500, render_state_error())

    def _postback(self, request: RequestLog) -> Reply:
        form = {
            k: v[-1] for k, v in parse_qs(request.body.decode(), keep_blank_values=True).items()
        }
        with self._lock:
            self.posts += 1
            if self.expire_after_posts is not None and self.posts > self.expire_after_posts:
                self.expire_after_posts = None
                self.epoch += 1
            epoch = self.epoch
        state = decode_state(form.get("__VIEWSTATE", ""))
        if state is None or state.get("epoch") != epoch or "__EVENTVALIDATION" not in form:
            return self._refuse()
        filters = {
            str(i): form.get(_name(f"{PREFIX}_Sheet0_Input{i}_TextBox1"), "").strip()
            for i in range(len(INPUTS))
        }
        size, page = int(state.get("size", self.default_size)), int(state.get("page", 0))
        if _name(f"{PREFIX}_Sheet0_SubmitButton") in form:
            state["filters"], page, size = filters, 0, self.default_size
        elif state.get("filters") is None:
            return self._refuse()  # a grid postback before any search
        elif self.page_size_box and _name(f"{PAGER}_ChangePageSizeLinkButton") in form:
            try:
                size = max(1, int(form.get(_name(f"{PAGER}_ChangePageSizeTextBox"), "")))
            except ValueError:
                size = self.default_size
            size = min(size, self.max_page_size or size)
            page = 0
        elif _name(f"{PAGER}_ctl08") in form:
            page += 1
        found = self._query(state["filters"])
        page = min(page, max(0, (len(found) - 1) // size))
        state.update(size=size, page=page, epoch=epoch)
        grid = render_grid(
            found[page * size : (page + 1) * size],
            len(found),
            page,
            size,
            headers=self.headers,
            page_size_box=self.page_size_box,
            link_style=self.link_style,
        )
        return Reply(200, render_page(state, grid))

    def _query(self, filters: dict[str, str]) -> list[Registrant]:
        def keep(p: Registrant) -> bool:
            wanted = (
                (filters.get("0", ""), p.family, "prefix"),
                (filters.get("2", ""), p.city, "prefix"),
                (filters.get("5", ""), p.province, "exact"),
            )
            for text, value, how in wanted:
                if not text:
                    continue
                if how == "exact" and text.casefold() != value.casefold():
                    return False
                if how == "prefix" and not value.casefold().startswith(text.casefold()):
                    return False
            return True

        return sorted(
            (p for p in self.people if keep(p)), key=lambda p: (p.family, p.given, p.contact_id)
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m emulators.imis",
        description="Serve a synthetic iMIS public registry on 127.0.0.1 until Ctrl-C.",
    )
    parser.add_argument("--port", type=int, default=8767, help="port (0 for any free one)")
    parser.add_argument("--count", type=int, default=300, help="number of synthetic registrants")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the population")
    args = parser.parse_args(argv)
    serve_until_interrupted(ImisEmulator(bc_acupuncturists(args.count, args.seed), port=args.port))


if __name__ == "__main__":
    main()
