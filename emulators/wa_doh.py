"""Washington State DOH credential data (a Socrata SODA 2 dataset) on 127.0.0.1.

Serves the shapes of docs/platforms/wa_doh.md: `GET /resource/<dataset>.json` answering a JSON
array of row objects (one row per credential, null columns left out, numbers as strings), with
`$where`, `$order`, `$limit` and `$offset` as far as the adapter uses them (a small SoQL parser:
`=`, `!=`, `like`, `upper(col)`, AND/OR, parentheses), the preflight's grouping query
(`$select=credentialtype,count(*)&$group=credentialtype`), simple column filters
(`?credentialnumber=PT60000001`), SoQL-style 400 errors, and rows in no stable order when no
`$order` is given. Variants: `endorsement=` words the endorsement's credential type otherwise
(how the live dataset words it is not recorded), `renamed=` renames columns. Tests script faults
on top (`fail_next`, `reset_next`).

Everyone is synthetic: `washington_physical_therapists(count, seed)` builds physical therapists
(names drawn by emulators/population.py's `draw_names` from `WASHINGTON_NAMES`),
their intramuscular needling endorsements (about 30% active), a few physical therapist assistants
whose rows the same query returns, renewed licences and namesakes. The row and page builders are
plain functions, so parser tests can use their bytes without a server. Run it by hand with
`python -m emulators.wa_doh --port 8766 --count 400`.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote

from emulators.jurisdictions import WASHINGTON_NAMES
from emulators.population import draw_names
from emulators.server import Emulator, Handler, Reply, RequestLog, serve_until_interrupted

DATASET = "qxh8-f4bd"
PT_LICENSE = "Physical Therapist License"
PTA_LICENSE = "Physical Therapist Assistant License"
ENDORSEMENT = "Physical Therapist Intramuscular Needling Endorsement"  # [guess] the exact words

# The dataset's columns in the order the API lists them [seen in the code corpus]; `birthyear` is
# a number (served as a string, as SODA 2 does). The location columns are a guess, off by default:
# the published dataset is reported to have no address columns.
COLUMNS = (
    "credentialnumber",
    "lastname",
    "firstname",
    "middlename",
    "credentialtype",
    "status",
    "birthyear",
    "ceduedate",
    "firstissuedate",
    "lastissuedate",
    "expirationdate",
    "actiontaken",
)
LOCATION_COLUMNS = ("city", "state", "zip")
_TYPES = {"birthyear": "number", "ceduedate": "floating_timestamp"}
_TYPES.update({c: "floating_timestamp" for c in COLUMNS if c.endswith("issuedate")})
_TYPES["expirationdate"] = "floating_timestamp"

MAX_LIMIT = 50_000  # SODA 2.0 endpoints [seen: dev.socrata.com/docs/paging]


# ---------------------------------------------------------------------------------------------
# Synthetic people


@dataclass
class Credential:
    """One credential row: a licence or an endorsement."""

    number: str
    type: str
    status: str
    first_issue: str  # ISO date
    last_issue: str
    expiration: str
    action_taken: str = "No"


@dataclass
class WaPerson:
    """One synthetic credential holder and every credential the dataset lists for them."""

    last_name: str
    first_name: str
    middle_name: str | None
    birth_year: int
    city: str
    state: str
    zip: str
    credentials: list[Credential] = field(default_factory=list)

    @property
    def pt_licenses(self) -> list[Credential]:
        return [c for c in self.credentials if c.type == PT_LICENSE]

    @property
    def endorsements(self) -> list[Credential]:
        return [c for c in self.credentials if c.type == ENDORSEMENT]

    def authorized_licence(self) -> str | None:
        """The licence number an active endorsement belongs to (the active licence), if any."""
        if not any(e.status == "Active" for e in self.endorsements):
            return None
        licences = self.pt_licenses
        if len(licences) == 1:
            return licences[0].number
        active = [c.number for c in licences if c.status == "Active"]
        return active[0] if len(active) == 1 else None


@dataclass(frozen=True)
class _City:
    name: str
    state: str
    weight: int  # share of people, out of 100
    zips: tuple[int, int]  # an inclusive range of ZIP codes


CITIES = (
    _City("Seattle", "WA", 22, (98101, 98199)),
    _City("Spokane", "WA", 10, (99201, 99224)),
    _City("Tacoma", "WA", 9, (98402, 98499)),
    _City("Vancouver", "WA", 8, (98660, 98687)),
    _City("Bellevue", "WA", 8, (98004, 98008)),
    _City("Everett", "WA", 6, (98201, 98208)),
    _City("Olympia", "WA", 6, (98501, 98516)),
    _City("Bellingham", "WA", 5, (98225, 98229)),
    _City("Yakima", "WA", 4, (98901, 98908)),
    _City("Kennewick", "WA", 4, (99336, 99338)),
    _City("Redmond", "WA", 4, (98052, 98053)),
    _City("Kirkland", "WA", 4, (98033, 98034)),
    _City("Wenatchee", "WA", 2, (98801, 98801)),
    _City("Walla Walla", "WA", 2, (99362, 99362)),
    _City("Portland", "or", 4, (97201, 97239)),  # out-of-state licensees; a lower-case state
    _City("Boise", "ID", 2, (83702, 83716)),
)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _iso(year: int, month: int, day: int) -> str:
    return f"{year:04d}-{month:02d}-{day:02d}"


def _quota(rng: random.Random, items: list, shares: list[tuple[str, float]]) -> dict:
    """Assign each item a label so that each label's count is its share, rounded; rest: first."""
    order = list(range(len(items)))
    rng.shuffle(order)
    labels: dict[int, str] = {}
    start = 0
    for label, share in shares[1:]:
        n = round(share * len(items))
        for i in order[start : start + n]:
            labels[i] = label
        start += n
    for i in order[start:]:
        labels[i] = shares[0][0]
    return labels


def washington_physical_therapists(count: int = 400, seed: int = 2026) -> list[WaPerson]:
    """`count` synthetic physical therapists (plus about count/8 assistants), deterministic.

    Licence standing: about 75% Active, 14% Expired, 4% Suspended, 3% Inactive, 2% Retired,
    1% Revoked, 1% Deceased. About 30% of all PT licences carry an Active intramuscular needling
    endorsement (only Active licences do); a few more have an Expired one; suspended licensees with
    an endorsement see it Suspended too. With count >= 40 there are also renewed licensees (an
    Expired old licence and an Active new one, the endorsement on the person) and namesakes (same
    name, other birth year, only one endorsed).
    """
    rng = random.Random(seed)
    numbers: set[int] = set()

    def number(prefix: str, low: int, high: int) -> str:
        while True:
            n = rng.randint(low, high)
            if n not in numbers:
                numbers.add(n)
                return f"{prefix}{n:08d}"

    cities: list[_City] = []
    for city in CITIES:
        cities += [city] * max(1, round(city.weight * count / 100)) if count >= 40 else [city]
    rng.shuffle(cities)

    def place() -> tuple[str, str, str]:
        city = cities.pop() if cities else rng.choice(CITIES)
        return city.name, city.state, f"{rng.randint(*city.zips):05d}"

    def licence(kind: str, status: str, born: int, prefix: str = "PT") -> Credential:
        year = rng.randint(min(2023, max(1985, born + 24)), 2023)
        new_numbering = year >= 2016 or status == "Active" and rng.random() < 0.3
        num = (
            number(prefix, 60_000_000, 61_999_999) if new_numbering else number(prefix, 1, 999_999)
        )
        expiry_year = (
            rng.randint(2026, 2027)
            if status in ("Active", "Suspended")
            else rng.randint(2005, 2024)
        )
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        return Credential(
            number=num,
            type=kind,
            status=status,
            first_issue=_iso(year, rng.randint(1, 12), rng.randint(1, 28)),
            last_issue=_iso(expiry_year - 1, month, day),
            expiration=_iso(expiry_year, month, day),
            action_taken="Yes" if status in ("Suspended", "Revoked") else "No",
        )

    def endorsement(status: str, base: Credential) -> Credential:
        year = rng.choice((2024, 2025))
        month, day = rng.randint(7 if year == 2024 else 1, 12), rng.randint(1, 28)
        return Credential(
            number=number("IN", 60_000_000, 61_999_999),
            type=ENDORSEMENT,
            status=status,
            first_issue=_iso(year, month, day),
            last_issue=_iso(year, month, day),
            expiration=base.expiration,
            action_taken=base.action_taken,
        )

    taken: set[tuple] = set()
    # Everyone's names, drawn at once: the licensees, a namesake's stand-in, the assistants.
    names = iter(draw_names(rng, WASHINGTON_NAMES, count + 1 + count // 8))

    def person() -> WaPerson:
        # Nobody shares a name and birth year by accident (accents aside): the namesakes below
        # are deliberate, with other birth years.
        family, given = next(names)
        while True:
            middle = rng.choice([None, None, "A", "J", "M", "L", "MARIE", "LEE", "ÉLISE"])
            born = rng.randint(1950, 2000)
            key = (_fold(family), _fold(given), _fold(middle or ""), born)
            if key not in taken:
                taken.add(key)
                break
        city, state, zip_code = place()
        return WaPerson(family, given, middle, born, city, state, zip_code)

    people = [person() for _ in range(count)]
    standing = _quota(
        rng,
        people,
        [
            ("Active", 0.75),
            ("Expired", 0.14),
            ("Suspended", 0.04),
            ("Inactive", 0.03),
            ("Retired", 0.02),
            ("Revoked", 0.01),
            ("Deceased", 0.01),
        ],
    )
    for i, p in enumerate(people):
        p.credentials.append(licence(PT_LICENSE, standing[i], p.birth_year))
    active = [p for p in people if p.credentials[0].status == "Active"]
    # 30% of all licences get an Active endorsement; they are all among the Active licences.
    endorsed = _quota(
        rng,
        active,
        [("none", 0.0), ("Active", 0.30 * count / max(1, len(active))), ("Expired", 0.04)],
    )
    for i, p in enumerate(active):
        if endorsed[i] != "none":
            p.credentials.append(endorsement(endorsed[i], p.credentials[0]))
    for p in people:
        if p.credentials[0].status == "Suspended" and rng.random() < 0.5:
            p.credentials.append(endorsement("Suspended", p.credentials[0]))

    if count >= 40:
        # Renewed licensees: an old Expired licence and a new Active one; the endorsement is the
        # person's and belongs with the Active licence.
        for p in [p for p in active if any(e.status == "Active" for e in p.endorsements)][:2]:
            old = licence(PT_LICENSE, "Expired", p.birth_year)
            old.first_issue, old.expiration = "2001-03-14", "2012-03-14"
            p.credentials.insert(0, old)
        # Namesakes: same name, different birth year; only the first is endorsed.
        twin_of = next(p for p in active if any(e.status == "Active" for e in p.endorsements))
        twin = person()
        twin.last_name, twin.first_name = twin_of.last_name, twin_of.first_name
        twin.middle_name, twin.birth_year = twin_of.middle_name, twin_of.birth_year - 7
        twin.credentials.append(licence(PT_LICENSE, "Active", twin.birth_year))
        spare = max(i for i, p in enumerate(people) if p is not twin_of and not p.endorsements)
        people[spare] = twin

    assistants = []
    for _ in range(count // 8):
        p = person()
        p.credentials.append(
            licence(PTA_LICENSE, rng.choice(("Active", "Active", "Expired")), p.birth_year, "PA")
        )
        assistants.append(p)
    everyone = people + assistants
    rng.shuffle(everyone)
    return everyone


# ---------------------------------------------------------------------------------------------
# Shapes (pure functions)


def _timestamp(iso_date: str) -> str:
    return f"{iso_date}T00:00:00.000"  # a SODA floating timestamp


def credential_row(person: WaPerson, credential: Credential, *, locations: bool = False) -> dict:
    """One dataset row as the API serves it: columns in order, null columns left out."""
    values = {
        "credentialnumber": credential.number,
        "lastname": person.last_name,
        "firstname": person.first_name,
        "middlename": person.middle_name,
        "credentialtype": credential.type,
        "status": credential.status,
        "birthyear": str(person.birth_year),
        "ceduedate": _timestamp(credential.expiration) if credential.type == PT_LICENSE else None,
        "firstissuedate": _timestamp(credential.first_issue),
        "lastissuedate": _timestamp(credential.last_issue),
        "expirationdate": _timestamp(credential.expiration),
        "actiontaken": credential.action_taken,
    }
    if locations:
        values.update({"city": person.city, "state": person.state, "zip": person.zip})
    return {k: v for k, v in values.items() if v is not None}


def dataset_rows(people: Iterable[WaPerson], *, locations: bool = False) -> list[dict]:
    """Every row of the dataset, in the order the people hold their credentials."""
    return [credential_row(p, c, locations=locations) for p in people for c in p.credentials]


def render_rows(rows: Iterable[dict]) -> bytes:
    """A SODA JSON reply: an array, one compact object a line, the commas leading."""
    lines = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in rows]
    return ("[" + "\n,".join(lines) + "]\n").encode("utf-8")


def render_error(code: str, message: str, **data: object) -> bytes:
    """A SODA 2 error body."""
    body = {"code": code, "error": True, "message": message, "data": data}
    return json.dumps(body, indent=2).encode("utf-8")


# ---------------------------------------------------------------------------------------------
# A small SoQL: the $where, $order, $limit and $offset the adapter sends


class SoqlError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


_TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<op>!=|<>|>=|<=|=|>|<|\(|\))"
    r"|(?P<word>[A-Za-z_:][\w:]*|`[^`]+`))"
)


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise SoqlError("query.soql.invalid", f"Could not parse SoQL near {text[pos:]!r}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def _like(pattern: str) -> re.Pattern:
    parts = [".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern]
    return re.compile("".join(parts), re.S)


class _Where:
    """expr := and (OR and)*; and := atom (AND atom)*; atom := ( expr ) | operand op 'literal'."""

    def __init__(self, text: str, columns: set[str]):
        self.tokens = _tokens(text)
        self.i = 0
        self.columns = columns
        self.tree = self._or()
        if self.i != len(self.tokens):
            raise SoqlError("query.soql.invalid", f"Unexpected {self.tokens[self.i][1]!r}")

    def _peek(self, word: str) -> bool:
        return self.i < len(self.tokens) and self.tokens[self.i][1].lower() == word

    def _take(self) -> tuple[str, str]:
        if self.i >= len(self.tokens):
            raise SoqlError("query.soql.invalid", "Unexpected end of SoQL")
        self.i += 1
        return self.tokens[self.i - 1]

    def _or(self):
        node = self._and()
        while self._peek("or"):
            self.i += 1
            node = ("or", node, self._and())
        return node

    def _and(self):
        node = self._atom()
        while self._peek("and"):
            self.i += 1
            node = ("and", node, self._atom())
        return node

    def _column(self, word: str) -> str:
        name = word.strip("`").lower()
        if name not in self.columns:
            raise SoqlError("query.soql.no-such-column", f"No such column: {name}")
        return name

    def _atom(self):
        if self._peek("("):
            self.i += 1
            node = self._or()
            if self._take()[1] != ")":
                raise SoqlError("query.soql.invalid", "Expected )")
            return node
        kind, word = self._take()
        if kind != "word":
            raise SoqlError("query.soql.invalid", f"Expected a column, got {word!r}")
        upper = word.lower() == "upper"
        if upper:
            if self._take()[1] != "(":
                raise SoqlError("query.soql.invalid", "Expected ( after upper")
            column = self._column(self._take()[1])
            if self._take()[1] != ")":
                raise SoqlError("query.soql.invalid", "Expected ) after upper(column")
        else:
            column = self._column(word)
        negate = self._peek("not")
        if negate:
            self.i += 1
        kind, op = self._take()
        op = op.lower()
        if op not in ("=", "!=", "<>", "like", ">", "<", ">=", "<="):
            raise SoqlError("query.soql.invalid", f"Unsupported operator {op!r}")
        kind, literal = self._take()
        if kind != "string":
            raise SoqlError("query.soql.type-mismatch", f"Expected a text literal, got {literal!r}")
        value = literal[1:-1].replace("''", "'")
        return ("cmp", column, upper, op, value, negate)

    def matches(self, row: dict, node=None) -> bool:
        node = self.tree if node is None else node
        if node[0] == "or":
            return self.matches(row, node[1]) or self.matches(row, node[2])
        if node[0] == "and":
            return self.matches(row, node[1]) and self.matches(row, node[2])
        _, column, upper, op, value, negate = node
        cell = row.get(column)
        if cell is None:
            return False
        cell = cell.upper() if upper else cell
        if op == "like":
            result = _like(value).fullmatch(cell) is not None
        elif op in (">", "<", ">=", "<="):  # text order, as for a keyset on `:id`
            result = {">": cell > value, "<": cell < value, ">=": cell >= value}.get(
                op, cell <= value
            )
        else:
            result = (cell == value) == (op == "=")
        return result != negate


def query_rows(rows: list[dict], params: dict[str, str], columns: Iterable[str]) -> list[dict]:
    """Apply simple filters, $where, $select with $group (one column and `count(*)`), $order,
    $offset and $limit as SODA does (raises SoqlError)."""
    columns = set(columns)
    known = {"$where", "$order", "$limit", "$offset", "$select", "$group"}
    for name in params:
        if name.startswith("$") and name not in known:
            raise SoqlError("query.soql.invalid", f"Unsupported parameter {name}")
        if not name.startswith("$") and name not in columns:
            raise SoqlError("query.soql.no-such-column", f"No such column: {name}")
    indexed = list(enumerate(rows))
    for name, value in params.items():
        if not name.startswith("$"):
            indexed = [(i, r) for i, r in indexed if r.get(name) == value]
    if params.get("$where"):
        where = _Where(params["$where"], columns)
        indexed = [(i, r) for i, r in indexed if where.matches(r)]
    if params.get("$group") or params.get("$select"):
        indexed = list(enumerate(_grouped([r for _, r in indexed], params, columns)))
        columns = {params["$group"].strip().lower(), "count"}
    order = params.get("$order", "").strip()
    if order:
        keys = []
        for part in order.split(","):
            words = part.split()
            if not words or len(words) > 2:
                raise SoqlError("query.soql.invalid", f"Could not parse $order {order!r}")
            name = words[0].strip("`").lower()
            if name != ":id" and name not in columns:
                raise SoqlError("query.soql.no-such-column", f"No such column: {name}")
            desc = len(words) == 2 and words[1].lower() == "desc"
            if len(words) == 2 and words[1].lower() not in ("asc", "desc"):
                raise SoqlError("query.soql.invalid", f"Could not parse $order {order!r}")
            keys.append((name, desc))
        for name, desc in reversed(keys):  # stable sorts, last key first; nulls first

            def sort_key(ir: tuple[int, dict], n: str = name) -> tuple:
                return (ir[0],) if n == ":id" else (ir[1].get(n) is not None, ir[1].get(n) or "")

            indexed.sort(key=sort_key, reverse=desc)
    try:
        limit = int(params.get("$limit", "1000"))
        offset = int(params.get("$offset", "0"))
    except ValueError:
        raise SoqlError("query.soql.invalid", "$limit and $offset must be integers") from None
    if limit < 0 or offset < 0 or limit > MAX_LIMIT:
        raise SoqlError("query.soql.invalid", f"$limit must be 0..{MAX_LIMIT}, $offset >= 0")
    return [r for _, r in indexed[offset : offset + limit]]


def _grouped(rows: list[dict], params: dict[str, str], columns: set[str]) -> list[dict]:
    """`$select=col,count(*)&$group=col`: one row a value of `col`, its count as a string."""
    group = params.get("$group", "").strip().lower()
    select = [s.strip().lower() for s in params.get("$select", "").split(",")]
    if not group or select != [group, "count(*)"]:
        raise SoqlError("query.soql.invalid", "only $select=<col>,count(*) with $group=<col>")
    if group not in columns:
        raise SoqlError("query.soql.no-such-column", f"No such column: {group}")
    counts: dict[str, int] = {}
    for row in rows:
        if row.get(group) is not None:
            counts[row[group]] = counts.get(row[group], 0) + 1
    return [{group: value, "count": str(n)} for value, n in counts.items()]


# ---------------------------------------------------------------------------------------------
# The server


@dataclass
class _Reply(Reply):
    content_type: str = "application/json;charset=utf-8"  # Socrata answers JSON, errors too


class _NginxHandler(Handler):
    server_version = "nginx"


class SodaEmulator(Emulator):
    """What every Socrata dataset emulator answers alike: robots.txt, GET only, JSON errors in
    Socrata's shape, and `/resource/<dataset>.json` answered by `_resource`."""

    handler = _NginxHandler
    error_content_type = "application/json;charset=utf-8"
    dataset: str
    robots_txt: str | None

    def _server_error(self) -> Reply:
        return _Reply(500, render_error("internal", "Internal error"))

    def _route(self, request: RequestLog) -> _Reply:
        path = unquote(request.path)
        if request.method not in ("GET", "HEAD"):
            return _Reply(405, render_error("method_not_allowed", "Method not allowed"))
        if path == "/robots.txt" and self.robots_txt is not None:
            return _Reply(200, self.robots_txt.encode("utf-8"), "text/plain; charset=utf-8")
        if path == f"/resource/{self.dataset}.json":
            return self._resource(request)
        return _Reply(404, render_error("not_found", f"Cannot find {path}"))

    def _resource(self, request: RequestLog) -> _Reply:
        raise NotImplementedError


class WaDohEmulator(SodaEmulator):
    """data.wa.gov's credential dataset on 127.0.0.1 serving `people`; see the module docstring."""

    name = "wa-doh-emulator"

    def __init__(
        self,
        people: list[WaPerson],
        *,
        dataset: str = DATASET,
        location_columns: bool = False,
        endorsement: str = ENDORSEMENT,
        renamed: dict[str, str] | None = None,
        robots_txt: str | None = "User-agent: *\nAllow: /\n",
        port: int = 0,
    ) -> None:
        self.dataset = dataset
        self.location_columns = location_columns
        self.endorsement = endorsement
        self.renamed = dict(renamed or {})
        super().__init__(port)
        self.robots_txt = robots_txt
        self._people: list[WaPerson] = []
        self._rows: list[dict] = []
        self._unordered = 0  # rotates the order of replies without $order
        self.set_people(people)

    # -- control ------------------------------------------------------------------------------

    @property
    def people(self) -> list[WaPerson]:
        with self._lock:
            return list(self._people)

    @property
    def columns(self) -> tuple[str, ...]:
        columns = COLUMNS + (LOCATION_COLUMNS if self.location_columns else ())
        return tuple(self.renamed.get(c, c) for c in columns)

    def set_people(self, people: Iterable[WaPerson]) -> None:
        """Replace the dataset's content; later requests see the new rows."""
        people = list(people)
        rows = dataset_rows(people, locations=self.location_columns)
        if self.endorsement != ENDORSEMENT or self.renamed:
            rows = [self._variant(row) for row in rows]
        with self._lock:
            self._people, self._rows = people, rows

    def _variant(self, row: dict) -> dict:
        """A row as the variant serves it: the endorsement's other wording, columns renamed."""
        if row["credentialtype"] == ENDORSEMENT:
            row = {**row, "credentialtype": self.endorsement}
        return {self.renamed.get(k, k): v for k, v in row.items()}

    # -- answering ----------------------------------------------------------------------------

    def _resource(self, request: RequestLog) -> _Reply:
        params = request.params()
        with self._lock:
            rows = self._rows
            if "$order" not in params and rows:
                # SODA promises no order without $order: rotate it from one reply to the next.
                self._unordered += 1
                k = (self._unordered * 7919) % len(rows)
                rows = rows[k:] + rows[:k]
        columns = self.columns
        try:
            found = query_rows(rows, params, columns)
        except SoqlError as e:
            return _Reply(400, render_error(e.code, str(e), query=request.query))
        headers = {
            "X-SODA2-Fields": json.dumps(list(columns)),
            "X-SODA2-Types": json.dumps([_TYPES.get(c, "text") for c in columns]),
            "X-Socrata-RequestId": f"emu{len(self.requests):x}",
        }
        return _Reply(200, render_rows(found), headers=headers)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m emulators.wa_doh",
        description="Serve a synthetic WA DOH credential dataset (SODA) on 127.0.0.1 until Ctrl-C.",
    )
    parser.add_argument("--port", type=int, default=8766, help="port (0 for any free one)")
    parser.add_argument("--count", type=int, default=400, help="number of synthetic PTs")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the population")
    parser.add_argument(
        "--location-columns", action="store_true", help="serve city/state/zip columns [guess]"
    )
    args = parser.parse_args(argv)
    emulator = WaDohEmulator(
        washington_physical_therapists(args.count, args.seed),
        location_columns=args.location_columns,
        port=args.port,
    )
    serve_until_interrupted(emulator)


if __name__ == "__main__":
    main()
