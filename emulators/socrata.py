"""Socrata (SODA 2) licence datasets on 127.0.0.1: Washington's, Illinois's and Colorado's shapes.

Serves `GET /resource/<dataset>.json` as emulators/wa_doh.py does (its SoQL engine: `$where` with
`=`, `!=`, `like`, `>`, `upper(col)`, AND/OR; `$order`, `$limit`, `$offset`; the preflight's
grouping `$select=<col>,count(*)&$group=<col>`; simple column filters; SoQL-style 400 errors; no
stable order without `$order`), plus `$select=:id,*`, which adds each row's `:id` for keyset
paging. One `Shape` per dataset decides its columns and how a licence is rendered:

- `WASHINGTON` (data.wa.gov qxh8-f4bd): the columns of emulators/wa_doh.py [seen in the code
  corpus]; city, state and zip only with `location_columns` [guess: the live dataset has none].
- `ILLINOIS` (data.illinois.gov pzzh-kp68): `license_type`, `description`, `license_number`,
  `license_status`, `business`, names in `first_name`, `middle`, `last_name`, `suffix`, dates
  `MM/DD/YYYY`, `city`, `state`, `zip`, `county`, `ever_disciplined` [code]; business rows
  (`business` = "Y") beside people's [code].
- `COLORADO` (data.colorado.gov 7s5z-vewr): `licensetype` (a short code), `subcategory`,
  `specialty`, `licensenumber`, `licensestatusdescription`, `lastname`, `firstname`, `middlename`,
  `city`, `state`, `mailzipcode`, `linktoverifylicense` as a SODA URL object `{"url": ...}`
  [code]; a licence with discipline cases is listed once per case (`casenumber`,
  `programaction`) [code].

Variants: `types=` words the credential types otherwise (the live strings are guesses until a
preflight prints them), `renamed=` renames columns. Faults come from emulators/server.py
(`fail_next`, `reset_next`). Everyone is synthetic: `washington_acupuncturists`,
`illinois_acupuncturists`, `colorado_acupuncturists` build East Asian medicine practitioners and
acupuncturists with names from emulators/population.py. Run it by hand with
`python -m emulators.socrata --shape washington --port 8767 --count 300`.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from emulators.jurisdictions import WASHINGTON_NAMES
from emulators.population import draw_names
from emulators.server import RequestLog, serve_until_interrupted
from emulators.wa_doh import (
    SodaEmulator,
    SoqlError,
    _Reply,
    query_rows,
    render_error,
    render_rows,
)

# ---------------------------------------------------------------------------------------------
# Synthetic licensees


@dataclass
class Licensee:
    """One synthetic licence holder and their licence, whatever the dataset's shape."""

    last_name: str
    first_name: str
    middle_name: str | None
    number: str
    type: str  # the credential type as the dataset words it (see each shape's TYPES)
    status: str
    first_issue: str  # ISO date
    expiration: str
    city: str
    state: str
    zip: str
    birth_year: int = 1980
    suffix: str | None = None
    discipline_cases: list[str] = field(default_factory=list)
    business: bool = False  # Illinois: a business's licence, not a person's


@dataclass(frozen=True)
class _Place:
    name: str
    state: str
    weight: int
    zips: tuple[int, int]


WASHINGTON_PLACES = (
    _Place("Seattle", "WA", 30, (98101, 98199)),
    _Place("Bellevue", "WA", 10, (98004, 98008)),
    _Place("Tacoma", "WA", 10, (98402, 98499)),
    _Place("Spokane", "WA", 10, (99201, 99224)),
    _Place("Vancouver", "WA", 8, (98660, 98687)),
    _Place("Olympia", "WA", 8, (98501, 98516)),
    _Place("Bellingham", "WA", 8, (98225, 98229)),
    _Place("Everett", "WA", 8, (98201, 98208)),
    _Place("Portland", "OR", 8, (97201, 97239)),
)
ILLINOIS_PLACES = (
    _Place("CHICAGO", "IL", 55, (60601, 60661)),
    _Place("EVANSTON", "IL", 10, (60201, 60208)),
    _Place("NAPERVILLE", "IL", 10, (60540, 60565)),
    _Place("SPRINGFIELD", "IL", 10, (62701, 62712)),
    _Place("OAK PARK", "IL", 10, (60301, 60304)),
    _Place("ST LOUIS", "MO", 5, (63101, 63147)),
)
COLORADO_PLACES = (
    _Place("Denver", "CO", 40, (80202, 80239)),
    _Place("Boulder", "CO", 20, (80301, 80310)),
    _Place("Colorado Springs", "CO", 15, (80903, 80951)),
    _Place("Fort Collins", "CO", 15, (80521, 80528)),
    _Place("Durango", "CO", 5, (81301, 81303)),
    _Place("Santa Fe", "NM", 5, (87501, 87508)),
)


def _licensees(
    count: int,
    seed: int,
    places: tuple[_Place, ...],
    licence_type: str,
    number: Callable[[random.Random, int], str],
    statuses: tuple[tuple[str, float], ...],
    upper: bool,
) -> list[Licensee]:
    rng = random.Random(seed)
    names = draw_names(rng, WASHINGTON_NAMES, count)
    weighted = [p for p in places for _ in range(p.weight)]
    words = [w for w, _ in statuses]
    shares = [s for _, s in statuses]
    out = []
    for i, (family, given) in enumerate(names):
        place = rng.choice(weighted)
        year = rng.randint(1995, 2024)
        status = words[0] if i == 0 else rng.choices(words, shares)[0]
        expiry = rng.randint(2026, 2028) if status == words[0] else rng.randint(2010, 2025)
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        person = Licensee(
            last_name=family.upper() if upper else family,
            first_name=given.upper() if upper else given,
            middle_name=rng.choice([None, None, "A", "J", "M"]),
            number=number(rng, i),
            type=licence_type,
            status=status,
            first_issue=f"{year:04d}-{month:02d}-{day:02d}",
            expiration=f"{expiry:04d}-{month:02d}-{day:02d}",
            city=place.name,
            state=place.state,
            zip=f"{rng.randint(*place.zips):05d}",
            birth_year=rng.randint(1950, 1998),
        )
        out.append(person)
    return out


WA_EAMP = "East Asian Medicine Practitioner License"  # [guess] the dataset's words
WA_PERMIT = "East Asian Medicine Practitioner Temporary Practice Permit"  # [guess]
IL_ACUPUNCTURE = "ACUPUNCTURE"  # license_type [code: listed among IDFPR's types]
IL_ACUPUNCTURIST = "LICENSED ACUPUNCTURIST"  # description [guess]
CO_ACUPUNCTURE = "AC"  # licensetype code [guess]


def washington_acupuncturists(count: int = 300, seed: int = 2026) -> list[Licensee]:
    """`count` synthetic East Asian medicine practitioners in Washington (a third in Seattle),
    and a few temporary permit holders the crawl's filter also returns; deterministic."""
    people = _licensees(
        count,
        seed,
        WASHINGTON_PLACES,
        WA_EAMP,
        lambda rng, i: f"AC{60_100_000 + i * 37:08d}",
        (("Active", 0.82), ("Expired", 0.1), ("Inactive", 0.04), ("Suspended", 0.02)),
        upper=False,
    )
    for person in people[: max(1, count // 30)]:
        person.type = WA_PERMIT
        person.number = "TP" + person.number[2:]
    return people


def illinois_acupuncturists(count: int = 300, seed: int = 2026) -> list[Licensee]:
    """`count` synthetic licensed acupuncturists in Illinois (most in Chicago), upper-case as
    IDFPR prints, and two acupuncture businesses; deterministic."""
    people = _licensees(
        count,
        seed,
        ILLINOIS_PLACES,
        IL_ACUPUNCTURIST,
        lambda rng, i: f"016.{1000 + i * 7:06d}",
        (("ACTIVE", 0.8), ("NOT RENEWED", 0.1), ("INACTIVE", 0.05), ("SUSPENDED", 0.05)),
        upper=True,
    )
    if people:
        people[-1].suffix = "JR"
    for i in range(min(2, count)):
        people.append(
            Licensee(
                "", "", None, f"016.{900_000 + i:06d}", IL_ACUPUNCTURIST, "ACTIVE",
                "2015-01-01", "2027-01-01", "CHICAGO", "IL", "60601", business=True,
            )
        )  # fmt: skip
    return people


def colorado_acupuncturists(count: int = 300, seed: int = 2026) -> list[Licensee]:
    """`count` synthetic acupuncturists in Colorado (most in Denver and Boulder); a few have
    discipline cases, so their licence is listed once per case; deterministic."""
    people = _licensees(
        count,
        seed,
        COLORADO_PLACES,
        CO_ACUPUNCTURE,
        lambda rng, i: f"AC.{1000 + i * 3:07d}",
        (("Active", 0.8), ("Expired", 0.12), ("Inactive", 0.04), ("Revoked", 0.04)),
        upper=False,
    )
    for i, person in enumerate(people[3 : 3 + max(1, count // 25)]):
        person.discipline_cases = [f"2024-{i:04d}", f"2025-{i:04d}"]
    return people


# ---------------------------------------------------------------------------------------------
# Shapes (pure functions)


def _mdy(iso: str) -> str:
    return f"{iso[5:7]}/{iso[8:10]}/{iso[:4]}"


def _ts(iso: str) -> str:
    return f"{iso}T00:00:00.000"


def _washington_rows(p: Licensee, locations: bool) -> list[dict]:
    row = {
        "credentialnumber": p.number,
        "lastname": p.last_name,
        "firstname": p.first_name,
        "middlename": p.middle_name,
        "credentialtype": p.type,
        "status": p.status,
        "birthyear": str(p.birth_year),
        "firstissuedate": _ts(p.first_issue),
        "lastissuedate": _ts(p.first_issue),
        "expirationdate": _ts(p.expiration),
        "actiontaken": "Yes" if p.status == "Suspended" else "No",
    }
    if locations:
        row.update({"city": p.city, "state": p.state, "zip": p.zip})
    return [row]


def _illinois_rows(p: Licensee, locations: bool) -> list[dict]:
    person = not p.business
    return [
        {
            "license_type": IL_ACUPUNCTURE,
            "description": p.type,
            "license_number": p.number,
            "license_status": p.status,
            "business": "N" if person else "Y",
            "first_name": p.first_name if person else None,
            "middle": p.middle_name if person else None,
            "last_name": p.last_name if person else None,
            "suffix": p.suffix,
            "business_name": None if person else f"{p.city} ACUPUNCTURE CLINIC LLC",
            "original_issue_date": _mdy(p.first_issue),
            "effective_date": _mdy(p.first_issue),
            "expiration_date": _mdy(p.expiration),
            "city": p.city,
            "state": p.state,
            "zip": p.zip,
            "county": "COOK" if p.city == "CHICAGO" else None,
            "ever_disciplined": "Y" if p.status == "SUSPENDED" else "N",
        }
    ]


def _colorado_rows(p: Licensee, locations: bool) -> list[dict]:
    base = {
        "lastname": p.last_name,
        "firstname": p.first_name,
        "middlename": p.middle_name,
        "city": p.city,
        "state": p.state,
        "mailzipcode": p.zip,
        "licensetype": p.type,
        "subcategory": None,
        "specialty": None,
        "licensenumber": p.number,
        "licensefirstissuedate": _ts(p.first_issue),
        "licenselastreneweddate": _ts(p.first_issue),
        "licenseexpirationdate": _ts(p.expiration),
        "licensestatusdescription": p.status,
        "linktoverifylicense": {
            "url": "https://apps.colorado.gov/dora/licensing/Lookup/LicenseLookup.aspx"
            f"?Idnt={p.number}"
        },
    }
    cases: list[str | None] = list(p.discipline_cases) or [None]
    return [{**base, "casenumber": c, "programaction": "Probation" if c else None} for c in cases]


@dataclass(frozen=True)
class Shape:
    """One dataset's shape: its id, the columns in the order the API lists them, the column
    grouped by the preflight, and how one licensee's rows are rendered."""

    name: str
    dataset: str
    columns: tuple[str, ...]
    type_column: str
    render: Callable[[Licensee, bool], list[dict]]
    location_columns: tuple[str, ...] = ()


WASHINGTON = Shape(
    "washington",
    "qxh8-f4bd",
    (
        "credentialnumber", "lastname", "firstname", "middlename", "credentialtype", "status",
        "birthyear", "ceduedate", "firstissuedate", "lastissuedate", "expirationdate",
        "actiontaken",
    ),
    "credentialtype",
    _washington_rows,
    ("city", "state", "zip"),
)  # fmt: skip
ILLINOIS = Shape(
    "illinois",
    "pzzh-kp68",
    (
        "license_type", "description", "license_number", "license_status", "business", "title",
        "first_name", "middle", "last_name", "prefix", "suffix", "business_name", "businessdba",
        "original_issue_date", "effective_date", "expiration_date", "city", "state", "zip",
        "county", "ever_disciplined",
    ),
    "description",
    _illinois_rows,
)  # fmt: skip
COLORADO = Shape(
    "colorado",
    "7s5z-vewr",
    (
        "lastname", "firstname", "middlename", "entityname", "city", "state", "mailzipcode",
        "licensetype", "subcategory", "specialty", "licensenumber", "licensefirstissuedate",
        "licenselastreneweddate", "licenseexpirationdate", "licensestatusdescription",
        "casenumber", "programaction", "linktoverifylicense",
    ),
    "licensetype",
    _colorado_rows,
)  # fmt: skip
SHAPES = {s.name: s for s in (WASHINGTON, ILLINOIS, COLORADO)}


def dataset_rows(
    people: Iterable[Licensee], shape: Shape, *, locations: bool = False
) -> list[dict]:
    """Every row of the dataset, null columns left out, in the people's order."""
    rows = [r for p in people for r in shape.render(p, locations)]
    return [{k: v for k, v in r.items() if v is not None} for r in rows]


# ---------------------------------------------------------------------------------------------
# The server


class SocrataEmulator(SodaEmulator):
    """One Socrata licence dataset on 127.0.0.1 serving `people` in `shape`; see the module
    docstring."""

    name = "socrata-emulator"

    def __init__(
        self,
        people: list[Licensee],
        shape: Shape = WASHINGTON,
        *,
        location_columns: bool = False,
        types: dict[str, str] | None = None,
        renamed: dict[str, str] | None = None,
        robots_txt: str | None = "User-agent: *\nAllow: /\n",
        port: int = 0,
    ) -> None:
        self.shape = shape
        self.location_columns = location_columns
        self.types = dict(types or {})
        self.renamed = dict(renamed or {})
        super().__init__(port)
        self.robots_txt = robots_txt
        self._people: list[Licensee] = []
        self._rows: list[dict] = []
        self._unordered = 0
        self.set_people(people)

    @property
    def people(self) -> list[Licensee]:
        with self._lock:
            return list(self._people)

    @property
    def columns(self) -> tuple[str, ...]:
        extra = self.shape.location_columns if self.location_columns else ()
        return tuple(self.renamed.get(c, c) for c in self.shape.columns + extra)

    def set_people(self, people: Iterable[Licensee]) -> None:
        """Replace the dataset's content; later requests see the new rows. Each row gets a
        `:id` in its order, so keyset paging on `:id` follows the same order."""
        people = list(people)
        rows = dataset_rows(people, self.shape, locations=self.location_columns)
        type_column = self.shape.type_column
        out = []
        for i, row in enumerate(rows):
            if row.get(type_column) in self.types:
                row = {**row, type_column: self.types[row[type_column]]}
            row = {self.renamed.get(k, k): v for k, v in row.items()}
            out.append({":id": f"row-{i:06x}.emu", **row})
        with self._lock:
            self._people, self._rows = people, out

    @property
    def dataset(self) -> str:  # type: ignore[override]
        return self.shape.dataset

    def _resource(self, request: RequestLog) -> _Reply:
        params = request.params()
        with_id = params.get("$select", "").replace(" ", "") == ":id,*"
        if with_id:
            del params["$select"]
        with self._lock:
            rows = self._rows
            if "$order" not in params and rows:
                self._unordered += 1
                k = (self._unordered * 7919) % len(rows)
                rows = rows[k:] + rows[:k]
        try:
            found = query_rows(rows, params, (*self.columns, ":id"))
        except SoqlError as e:
            return _Reply(400, render_error(e.code, str(e), query=request.query))
        if not with_id and "$group" not in params:
            found = [{k: v for k, v in r.items() if k != ":id"} for r in found]
        headers = {
            "X-SODA2-Fields": json.dumps(list(self.columns)),
            "X-Socrata-RequestId": f"emu{len(self.requests):x}",
        }
        return _Reply(200, render_rows(found), headers=headers)


def washington_register(people: list[Licensee]) -> SocrataEmulator:
    """Washington's dataset for the demo, with the city, state and zip columns the live dataset
    does not have [live 2026-06-16], so that a search near Seattle finds the sample people."""
    return SocrataEmulator(people, WASHINGTON, location_columns=True)


FACTORIES = {
    "washington": washington_acupuncturists,
    "illinois": illinois_acupuncturists,
    "colorado": colorado_acupuncturists,
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m emulators.socrata",
        description="Serve a synthetic Socrata licence dataset on 127.0.0.1 until Ctrl-C.",
    )
    parser.add_argument("--shape", choices=sorted(SHAPES), default="washington")
    parser.add_argument("--port", type=int, default=8767, help="port (0 for any free one)")
    parser.add_argument("--count", type=int, default=300, help="number of synthetic licensees")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the population")
    parser.add_argument("--location-columns", action="store_true", help="WA: city/state/zip")
    args = parser.parse_args(argv)
    emulator = SocrataEmulator(
        FACTORIES[args.shape](args.count, args.seed),
        SHAPES[args.shape],
        location_columns=args.location_columns,
        port=args.port,
    )
    serve_until_interrupted(emulator)


if __name__ == "__main__":
    main()
