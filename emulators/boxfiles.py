"""A public Box shared folder of bulk licensee files on 127.0.0.1 (New Jersey's or California's
Department of Consumer Affairs), in the shapes of docs/platforms/boxfiles.md.

Serves the shared-link page (`/v/DCAStandardFiles`, or `/s/<shared>/folder/<id>`) with its listing
embedded as `Box.postStreamData = {...};`, and `GET /index.php?rm=box_download_shared_file&
shared_name=<name>&file_id=f_<id>`, which redirects (302) to the file's bytes under `/d/<id>/`, as
the live download redirects to Box's file host [guess: the host and path are not recorded]. An id
the folder no longer lists answers 404 (ids rotate each time a board republishes: `republish()`).

Layouts: `"nj"` serves "Standard Individuals active statuses <MM-DD-YYYY>.txt" (`%`-delimited,
cp1252, an Oracle SQL pseudo-header line, 24 fields a row) beside the other Standard files, one
set per date of `dates` (older files hold fewer rows, so reading the wrong one shows); `"ca"`
serves "<Board>_Data00.xls", tab-separated text with a header of column names, and a
"<Board>_Counts.csv". Variants: `missing` lists no licensee file, `stale_listings` republishes
right after answering the folder's page (the id listed is gone by the download), `renamed`
renames columns (California), `header` rewrites the pseudo-header (New Jersey). Tests script
faults on top (`fail_next`, `reset_next`, `truncate_next`, `bomb_next`).

Everyone is synthetic: `new_jersey_acupuncturists` and `california_acupuncturists` (names from
emulators/population.py's `draw_names`); New Jersey's file also holds physical therapists,
dentists and an organization, as the real one holds every board. Run it by hand with
`python -m emulators.boxfiles --layout nj --port 8767`.
"""

from __future__ import annotations

import argparse
import html
import json
import random
from collections.abc import Iterable
from dataclasses import dataclass, replace
from urllib.parse import unquote

from emulators.jurisdictions import WASHINGTON_NAMES
from emulators.population import draw_names
from emulators.server import Emulator, Reply, RequestLog, serve_until_interrupted

NJ_SHARED_PATH = "/v/DCAStandardFiles"
NJ_SHARED_NAME = "e35th49ha9h8t5fozvzu5ec6f1bx73yj"  # [code] the folder's sharedName
NJ_ACUPUNCTURE = "Acupuncture Examining Board"  # [guess] the PROFESSION_NAME value
NJ_ACUPUNCTURIST = "Acupuncturist"  # [guess] the licence type
NJ_OTHER_BOARDS = (("Physical Therapy", "Physical Therapist"), ("Dentistry", "Dentist"))
NJ_INDIVIDUALS = "Standard Individuals active statuses {date}.txt"  # [code]
NJ_OTHER_FILES = (  # [code] the other three files of each month
    "Standard Individuals all statuses with discipline {date}.txt",
    "Standard Facilities active statuses {date}.txt",
    "Standard Facilities all statuses with discipline {date}.txt",
)
# The first line: an Oracle SQL concatenation, truncated [code: "the raw Oracle SQL concat
# expression", "a truncated SQL concat expression"]; its exact text is a guess.
NJ_PSEUDO_HEADER = (
    "PROFESSION_NAME||'%'||LICENSE_TYPE||'%'||LICENSE_NO||'%'||STATUS||'%'||TO_CHAR(ISSUE_DATE"
    ")||'%'||TO_CHAR(EXPIRATION_DATE)||'%'||TO_CHAR(DATE_LAST_RENEWAL)||'%'||LICENSE_METHOD||'%"
    "'||IS_ORGANIZATION||'%'||FIRST_NAME||'%'||MIDDLE_NAME||'%'||LAST_NAME||'%'||BUSINESS_NAME|"
)

CA_SHARED_NAME = "oss6hf8jys2bmgxqd2gdz7w4oepm2il9"  # [code]
CA_FOLDER_ID = "72555060186"  # [code] the Acupuncture Board's folder
CA_SHARED_PATH = f"/s/{CA_SHARED_NAME}/folder/{CA_FOLDER_ID}"
CA_BOARD = "Acupuncture"  # [guess] the files' name prefix
CA_ACUPUNCTURIST = "Acupuncturist"  # [guess] the License Type value
CA_COLUMNS = (  # [code] "stable across boards"
    "Agency Code",
    "Agency Name",
    "LicTypeCode",
    "License Type",
    "License Number",
    "Indiv/Org",
    "Org/Last Name",
    "First Name",
    "Middle Name",
    "Suffix",
    "Address Line 1",
    "Address Line 2",
    "City",
    "County",
    "State",
    "Zip",
    "Country",
    "Original Issue Date",
    "Expiration Date",
    "License Status",
)


@dataclass(frozen=True)
class Licensee:
    """One licence row of a bulk file (a person, or an organization)."""

    number: str
    family: str
    given: str
    middle: str
    city: str
    state: str
    zip: str
    county: str
    status: str
    board: str  # NJ's PROFESSION_NAME, CA's Agency Name
    license_type: str
    issued: str  # ISO date
    expires: str
    organization: bool = False


_NJ_CITIES = (  # name, state, county, ZIP range, share out of 100
    ("NEWARK", "NJ", "ESSEX", (7102, 7114), 18),
    ("JERSEY CITY", "NJ", "HUDSON", (7302, 7311), 14),
    ("HOBOKEN", "NJ", "HUDSON", (7030, 7030), 8),
    ("PRINCETON", "NJ", "MERCER", (8540, 8544), 10),
    ("EDISON", "NJ", "MIDDLESEX", (8817, 8837), 12),
    ("TRENTON", "NJ", "MERCER", (8608, 8629), 8),
    ("PARAMUS", "NJ", "BERGEN", (7652, 7653), 10),
    ("CHERRY HILL", "NJ", "CAMDEN", (8002, 8003), 10),
    ("NEW YORK", "NY", "", (10001, 10040), 6),
    ("PHILADELPHIA", "PA", "", (19102, 19148), 4),
)
_CA_CITIES = (
    ("LOS ANGELES", "CA", "LOS ANGELES", (90004, 90068), 30),
    ("SAN FRANCISCO", "CA", "SAN FRANCISCO", (94102, 94134), 18),
    ("SAN DIEGO", "CA", "SAN DIEGO", (92101, 92130), 12),
    ("OAKLAND", "CA", "ALAMEDA", (94601, 94619), 8),
    ("IRVINE", "CA", "ORANGE", (92602, 92620), 10),
    ("SACRAMENTO", "CA", "SACRAMENTO", (95811, 95838), 8),
    ("SAN JOSE", "CA", "SANTA CLARA", (95110, 95136), 10),
    ("LAS VEGAS", "NV", "", (89101, 89148), 4),
)
# California standings: "Current" and "Clear" [code]; the others and the shares [guess].
_CA_STATUSES = (
    ("Current", 0.82),
    ("Delinquent", 0.08),
    ("Cancelled", 0.04),
    ("Inactive", 0.03),
    ("Revoked", 0.015),
    ("Suspended", 0.015),
)

# Standings a licence comes to during a month (the demo's history undoes them to "Current").
CHANGED_STANDINGS = ("Suspended", "Delinquent")


def _people(
    count: int, seed: int, cities: tuple, prefix: str, board: str, kind: str, statuses: tuple
) -> list[Licensee]:
    rng = random.Random(seed)
    names = draw_names(rng, WASHINGTON_NAMES, count)
    weighted = [c for c in cities for _ in range(c[4])]
    labels = [s for s, share in statuses for _ in range(round(share * count))]
    labels += [statuses[0][0]] * (count - len(labels))
    rng.shuffle(labels)
    out = []
    for i, (family, given) in enumerate(names):
        city, state, county, zips, _ = rng.choice(weighted)
        first, _, middle = given.partition(" ")
        year = rng.randint(1995, 2025)
        out.append(
            Licensee(
                number=f"{prefix}{10000 + i * 7 + rng.randint(0, 6):06d}",
                family=family.upper(),
                given=first.upper(),
                middle=middle.upper().rstrip("."),
                city=city,
                state=state,
                zip=f"{rng.randint(*zips):05d}",
                county=county,
                status=labels[i],
                board=board,
                license_type=kind,
                issued=f"{year:04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                expires=f"{2027 + rng.randint(0, 1):04d}-{rng.randint(1, 12):02d}-28",
            )
        )
    return out


def new_jersey_acupuncturists(count: int = 300, seed: int = 2026) -> list[Licensee]:
    """`count` acupuncturists (all Active: the file is of active statuses), about half as many
    physical therapists and a few dentists (other boards, as the real file holds every board),
    and one acupuncture practice registered as an organization. Deterministic."""
    people = _people(
        count, seed, _NJ_CITIES, "25MA", NJ_ACUPUNCTURE, NJ_ACUPUNCTURIST, (("Active", 1.0),)
    )
    (pt_board, pt), (dentistry, dentist) = NJ_OTHER_BOARDS
    people += _people(
        max(1, count // 2), seed + 1, _NJ_CITIES, "40QA", pt_board, pt, (("Active", 1.0),)
    )
    people += _people(
        max(1, count // 10), seed + 2, _NJ_CITIES, "22DI", dentistry, dentist, (("Active", 1),)
    )
    clinic = replace(people[0], number="25MZ000001", family="", given="", middle="")
    return [*people, replace(clinic, organization=True)]


def california_acupuncturists(count: int = 300, seed: int = 2026) -> list[Licensee]:
    """`count` licensed acupuncturists of the Acupuncture Board, every standing. Deterministic."""
    return _people(
        count, seed, _CA_CITIES, "AC", "Acupuncture Board", CA_ACUPUNCTURIST, _CA_STATUSES
    )


def _oracle_date(iso: str) -> str:
    """ "2024-03-05" -> "05-MAR-24" (Oracle's default date format [guess])."""
    year, month, day = iso.split("-")
    months = "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split()
    return f"{day}-{months[int(month) - 1]}-{year[2:]}"


def nj_row(p: Licensee) -> list[str]:
    """One licence as the 24 `%`-separated fields of the individuals file [code: positions]."""
    display = p.given and f"{p.given} {p.middle + ' ' if p.middle else ''}{p.family}"
    business = "HARMONY ACUPUNCTURE LLC" if p.organization else ""
    return [
        p.board,
        p.license_type,
        p.number,
        p.status,
        _oracle_date(p.issued),
        _oracle_date(p.expires),
        _oracle_date(p.issued),
        "Examination",
        "Y" if p.organization else "N",
        p.given,
        p.middle,
        p.family,
        business,
        business or display,
        f"{100 + int(p.number[-3:])} MAIN ST",
        "",
        "",
        f"{p.city} {p.state} {p.zip}",
        p.city,
        p.state,
        p.zip,
        p.county,
        "USA",
        "",
    ]


def render_nj(people: Iterable[Licensee], header: str = NJ_PSEUDO_HEADER) -> bytes:
    """The individuals file: the pseudo-header, then `%`-separated rows, CRLF, cp1252."""
    lines = [header, *("%".join(nj_row(p)) for p in people)]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252", errors="replace")


def ca_row(p: Licensee) -> list[str]:
    return [
        "6100",
        p.board,
        "1",
        p.license_type,
        p.number,
        "O" if p.organization else "I",
        p.family,
        p.given,
        p.middle,
        "",
        f"{100 + int(p.number[-3:])} MAIN ST",
        "",
        p.city,
        p.county,
        p.state,
        p.zip,
        "US" if p.state != "" else "",
        p.issued.replace("-", "/"),
        p.expires.replace("-", "/"),
        p.status,
    ]


def render_ca(people: Iterable[Licensee], columns: tuple[str, ...] = CA_COLUMNS) -> bytes:
    """The board's `_Data00.xls`: tab-separated text with a header of column names."""
    lines = ["\t".join(columns), *("\t".join(ca_row(p)) for p in people)]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def render_folder(shared_name: str, items: list[dict], title: str) -> bytes:
    """The shared-link page: a shell whose listing is embedded JSON [code: the key names]."""
    data = {
        "/app-api/enduserapp/shared-item": {"sharedName": shared_name, "itemType": "folder"},
        "/app-api/enduserapp/shared-folder": {
            "name": title,
            "items": items,
            "pageCount": 1,
            "pageNumber": 1,
        },
    }
    page = (
        f"<!DOCTYPE html><html><head><title>{html.escape(title)} | Powered by Box</title></head>"
        "<body><div id='app'></div><script>Box.config = {};\n"
        f"Box.postStreamData = {json.dumps(data)};\n</script></body></html>"
    )
    return page.encode("utf-8")


class BoxFolderEmulator(Emulator):
    """A Box shared folder on 127.0.0.1 serving `people`; see the module docstring."""

    name = "boxfiles-emulator"

    def __init__(
        self,
        people: list[Licensee],
        *,
        layout: str = "nj",
        dates: tuple[str, ...] = ("11-02-2026", "10-01-2026", "12-01-2026"),
        missing: bool = False,
        renamed: dict[str, str] | None = None,
        header: str = NJ_PSEUDO_HEADER,
        stale_listings: int = 0,
        robots_txt: str | None = "User-agent: *\nAllow: /\n",
        port: int = 0,
    ) -> None:
        if layout not in ("nj", "ca"):
            raise ValueError("layout is 'nj' or 'ca'")
        self.layout = layout
        self.dates = dates
        self.missing = missing
        self.renamed = dict(renamed or {})
        self.header = header
        # How many times the folder's page is answered and the files then republished at once
        # (new ids), so that the ids it listed are gone by the download.
        self.stale_listings = stale_listings
        super().__init__(port)
        self.robots_txt = robots_txt
        self.shared_name = NJ_SHARED_NAME if layout == "nj" else CA_SHARED_NAME
        self.shared_path = NJ_SHARED_PATH if layout == "nj" else CA_SHARED_PATH
        self._people: list[Licensee] = []
        self._files: dict[str, tuple[str, bytes]] = {}  # id -> (name, bytes)
        self._next_id = 2216146953453  # [code] the size of a Box file id
        self.set_people(people)

    @property
    def people(self) -> list[Licensee]:
        with self._lock:
            return list(self._people)

    @property
    def current_name(self) -> str:
        if self.layout == "ca":
            return f"{CA_BOARD}_Data00.xls"
        return NJ_INDIVIDUALS.format(date=max(self.dates, key=_sortable))

    def current_id(self) -> str:
        with self._lock:
            return next(i for i, (name, _) in self._files.items() if name == self.current_name)

    def set_people(self, people: Iterable[Licensee]) -> None:
        """Republish: the files hold `people`, under new ids (the old ones answer 404)."""
        with self._lock:
            self._people = list(people)
            self._files = self._publish()

    def republish(self) -> None:
        self.set_people(self.people)

    def _publish(self) -> dict[str, tuple[str, bytes]]:
        files: list[tuple[str, bytes]] = []
        if self.layout == "ca":
            columns = tuple(self.renamed.get(c, c) for c in CA_COLUMNS)
            if not self.missing:
                files.append((self.current_name, render_ca(self._people, columns)))
            counts = f"License Type,Count\r\n{CA_ACUPUNCTURIST},{len(self._people)}\r\n"
            files.append((f"{CA_BOARD}_Counts.csv", counts.encode()))
        else:
            newest = max(self.dates, key=_sortable)
            for day in self.dates:
                # An older month's file holds a few people only: reading it would show.
                held = self._people if day == newest else self._people[:3]
                if not self.missing:
                    files.append((NJ_INDIVIDUALS.format(date=day), render_nj(held, self.header)))
                for other in NJ_OTHER_FILES:
                    files.append((other.format(date=day), render_nj([], self.header)))
        out: dict[str, tuple[str, bytes]] = {}
        for name, body in files:
            self._next_id += 1 + len(out)
            out[str(self._next_id)] = (name, body)
        return out

    def _route(self, request: RequestLog) -> Reply:
        path = unquote(request.path)
        if request.method not in ("GET", "HEAD"):
            return Reply(405, b"Method Not Allowed")
        if path == "/robots.txt" and self.robots_txt is not None:
            return Reply(200, self.robots_txt.encode(), "text/plain; charset=utf-8")
        with self._lock:
            files = dict(self._files)
        if path == self.shared_path:
            items = [
                {"typedID": f"f_{i}", "type": "file", "id": int(i), "name": name}
                for i, (name, _) in files.items()
            ]
            body = render_folder(self.shared_name, items, "DCA Standard Files")
            with self._lock:
                if self.stale_listings > 0:
                    self.stale_listings -= 1
                    self._files = self._publish()
            return Reply(200, body)
        if path == "/index.php":
            params = request.params()
            file_id = params.get("file_id", "").removeprefix("f_")
            if (
                params.get("rm") != "box_download_shared_file"
                or params.get("shared_name") != self.shared_name
                or file_id not in files
            ):
                return Reply(404, b"<!DOCTYPE html><html><body>Not found</body></html>")
            return Reply(302, b"", headers={"Location": f"/d/{file_id}/download"})
        if path.startswith("/d/") and path.endswith("/download"):
            file_id = path.split("/")[2]
            if file_id in files:
                name, body = files[file_id]
                disposition = f'attachment; filename="{name}"'
                kind = "application/vnd.ms-excel" if name.endswith(".xls") else "text/plain"
                return Reply(200, body, kind, {"Content-Disposition": disposition})
        return Reply(404, b"<!DOCTYPE html><html><body>Not found</body></html>")


def _sortable(day: str) -> str:
    month, dom, year = day.split("-")
    return f"{year}{month}{dom}"


def new_jersey_register(people: list[Licensee]) -> BoxFolderEmulator:
    """The demo's New Jersey folder."""
    return BoxFolderEmulator(people, layout="nj")


def california_register(people: list[Licensee]) -> BoxFolderEmulator:
    """The demo's California Acupuncture Board folder."""
    return BoxFolderEmulator(people, layout="ca")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m emulators.boxfiles",
        description="Serve a synthetic Box folder of licensee files on 127.0.0.1 until Ctrl-C.",
    )
    parser.add_argument("--layout", choices=("nj", "ca"), default="nj")
    parser.add_argument("--port", type=int, default=8767, help="port (0 for any free one)")
    parser.add_argument("--count", type=int, default=300, help="number of acupuncturists")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the population")
    args = parser.parse_args(argv)
    make = new_jersey_acupuncturists if args.layout == "nj" else california_acupuncturists
    emulator = BoxFolderEmulator(make(args.count, args.seed), layout=args.layout, port=args.port)
    serve_until_interrupted(emulator, emulator.shared_path)


if __name__ == "__main__":
    main()
