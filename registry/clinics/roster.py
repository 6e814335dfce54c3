"""Rosters: a clinic's CSV of staff in, the same rows with verdicts and receipt ids out.

Column names are matched forgivingly ("Reg #", "Registration No.", "Licence number", "Province",
"College", "Full name", or "First name" + "Last name"). The file may be in any encoding a
spreadsheet writes: UTF-8 (with or without a byte-order mark: Excel's "CSV UTF-8" writes one),
UTF-16 with a byte-order mark ("Unicode text"), or Windows-1252 (Excel's plain "CSV" on Windows);
commas, semicolons and tabs are recognised. The CSV sent back has every cell quoted and no cell
that a spreadsheet would run as a formula (csvsafe).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import re
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlite_utils import Database

from db.clinics import clinics_path, open_clinics
from db.connections import read_only
from registry.clinics import receipts
from registry.clinics.verify import (
    Query,
    VerifyAnswer,
    VerifyError,
    attention_rank,
    by_name,
    needs_attention,
    verify_many,
)
from registry.csvsafe import rows_to_csv
from registry.lookup.documents import basis
from scrapers.places import fold

if TYPE_CHECKING:
    from registry.limits import Recent

MAX_BYTES = 5 * 1024 * 1024  # about 50,000 typical rows
MAX_ROWS = 20_000

# Each role's accepted headers, most specific first; headers are compared folded, punctuation
# reduced to spaces ("Registration No." -> "registration no", "Reg. #" -> "reg #").
COLUMNS = {
    "registration_number": [
        "registration number",
        "registration no",
        "registration #",
        "registration num",
        "reg number",
        "reg no",
        "reg #",
        "reg num",
        "licence number",
        "license number",
        "licence no",
        "license no",
        "licence #",
        "license #",
        "permit number",
        "permit no",
        "practice permit number",
        "practice permit",
        "registrant number",
        "member number",
        "college number",
        "numero de permis",
        "no de permis",
        "numero d inscription",
        "permis",
        "registration",
        "licence",
        "license",
        "permit",
        "number",
        "numero",
        "no",
        "#",
        "reg",
    ],
    "regulator": [
        "regulator",
        "regulator or province",
        "college",
        "regulatory college",
        "regulatory body",
        "licensing body",
        "board",
        "ordre",
        "province",
        "province or state",
        "province state",
        "prov",
        "state",
        "jurisdiction",
        "province territory",
    ],
    "name": [
        "full name",
        "name",
        "physiotherapist",
        "physiotherapist name",
        "practitioner",
        "practitioner name",
        "employee",
        "employee name",
        "staff",
        "staff name",
        "therapist",
        "nom complet",
        "nom",
    ],
    "given_names": ["first name", "given name", "given names", "first names", "prenom", "first"],
    "family_name": ["last name", "family name", "surname", "nom de famille", "last"],
}
REQUIRED = {
    "regulator": "the regulator or province (e.g. a column 'Province' or 'College')",
    "registration_number": "the registration number (e.g. a column 'Registration number')",
}

OUTPUT_COLUMNS = [
    "verdict",
    "verdict_if_fresh",
    "verdict_if_name_matched",
    "name_on_register",
    "profession",
    "standing",
    "status",
    "last_listed_status",
    "conditions",
    "authorizations",
    "authorization_basis",
    "name_warning",
    "regulator_checked",
    "receipt_id",
    "error",
    "line",
]


# What each checked row also carries from its receipt (for the page and the proof).
RECEIPT_KEYS = ("check_by_name_url", "checked_at", "source_url", "fetched_at", "response_sha256")


class RosterError(Exception):
    """A roster that cannot be read at all, with the HTTP status that says why. `key` and
    `params` say it again for the page, in the manager's language ("roster.error." + key)."""

    def __init__(self, status: int, message: str, key: str = "unreadable", **params):
        super().__init__(message)
        self.status = status
        self.key = key
        self.params = params


def _header_key(text: str) -> str:
    text = fold(text).replace("#", " # ").replace("n°", " # ")
    return " ".join(re.sub(r"[^\w#]+|_", " ", text).split())


def match_columns(header: list[str]) -> dict[str, int]:
    """Role -> column index. Raises RosterError (422) naming what is missing."""
    keys = [_header_key(h) for h in header]
    found: dict[str, int] = {}
    for role, words in COLUMNS.items():
        for word in words:
            hits = [i for i, k in enumerate(keys) if k == word and i not in found.values()]
            if hits:
                found[role] = hits[0]
                break
    missing = [why for role, why in REQUIRED.items() if role not in found]
    if missing:
        shown = ", ".join(repr(h) for h in header[:12]) or "none"
        raise RosterError(
            422,
            f"the roster has no column for {' and no column for '.join(missing)}; "
            f"columns found: {shown}",
            "columns",
            regulator="regulator" not in found,
            number="registration_number" not in found,
            found=shown,
        )
    return found


UNREADABLE = (
    "the roster's characters could not be read: save it from your spreadsheet as "
    "'CSV UTF-8 (comma delimited)' and send it again"
)


def decode(data: bytes) -> str:
    """The roster's text, in whichever encoding a spreadsheet wrote it: UTF-8 (a byte-order mark
    or not), UTF-16 (with its byte-order mark, or without one but plainly UTF-16), else
    Windows-1252. RosterError (415) when it is none of these."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[len(codecs.BOM_UTF8) :].decode("utf-8")
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
        if b"\x00" in data[:2048]:  # UTF-16 without a byte-order mark: every other byte is 0
            head = data[:2048]
            little = head[1::2].count(0) > head[0::2].count(0)
            return data.decode("utf-16-le" if little else "utf-16-be")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("cp1252")
    except UnicodeDecodeError:
        raise RosterError(415, UNREADABLE, "encoding") from None


def parse(data: bytes) -> tuple[list[str], dict[str, int], list[tuple[int, list[str]]]]:
    """Header, matched columns, and (line number, cells) for each non-blank row."""
    if len(data) > MAX_BYTES:
        raise RosterError(
            413,
            f"the roster is larger than {MAX_BYTES // 1024 // 1024} MB",
            "too_large",
            mb=MAX_BYTES // 1024 // 1024,
        )
    text = decode(data)
    if "\x00" in text:
        raise RosterError(415, UNREADABLE, "encoding")
    if not text.strip():
        raise RosterError(422, "the roster is empty; send a CSV with a header row", "empty")
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        header = next(reader)
        columns = match_columns(header)
        rows = []
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            rows.append((reader.line_num, cells))
            if len(rows) > MAX_ROWS:
                raise RosterError(
                    413,
                    f"the roster has more than {MAX_ROWS:,} rows; split it",
                    "too_many_rows",
                    rows=MAX_ROWS,
                )
    except csv.Error as e:
        raise RosterError(
            422,
            f"the roster is not valid CSV (line {reader.line_num}): {e}",
            "not_csv",
            line=reader.line_num,
        ) from None
    return header, columns, rows


def _cell(cells: list[str], columns: dict[str, int], role: str) -> str:
    i = columns.get(role)
    return cells[i].strip() if i is not None and i < len(cells) else ""


def queries(columns: dict[str, int], rows: list[tuple[int, list[str]]]) -> list[Query]:
    out = []
    for _, cells in rows:
        name = _cell(cells, columns, "name") or " ".join(
            p for p in (_cell(cells, columns, r) for r in ("given_names", "family_name")) if p
        )
        out.append(
            Query(
                regulator=_cell(cells, columns, "regulator"),
                registration_number=_cell(cells, columns, "registration_number"),
                name=name or None,
            )
        )
    return out


def column_names(header: list[str]) -> list[str]:
    """The header as keys: blank columns named by position, repeated names numbered."""
    names: list[str] = []
    for i, h in enumerate(header):
        name = h or f"column {i + 1}"
        names.append(f"{name} ({i + 1})" if name in names else name)
    return names


def result(
    line: int, header: list[str], cells: list[str], answer: VerifyAnswer | VerifyError
) -> dict:
    """One roster row as returned: the clinic's own cells, then the verdict and receipt."""
    given = {
        name: (cells[i] if i < len(cells) else "") for i, name in enumerate(column_names(header))
    }
    if isinstance(answer, VerifyError):
        return {
            **dict.fromkeys((*OUTPUT_COLUMNS, *RECEIPT_KEYS)),
            "line": line,
            "input": given,
            "name_match": None,
            "error": str(answer),
        }
    reg = answer["registration"] or {}
    return {
        "line": line,
        "input": given,
        "verdict": answer["verdict"],
        "verdict_if_fresh": answer["verdict_if_fresh"],
        "verdict_if_name_matched": answer["verdict_if_name_matched"],
        "name_on_register": reg.get("name"),
        "profession": reg.get("profession"),
        "standing": reg.get("standing"),
        "status": reg.get("status"),
        "last_listed_status": reg.get("last_listed_status"),
        "name_match": answer.get("name_match"),
        "conditions": reg.get("conditions", []),
        "authorizations": [a["wording"] for a in reg.get("authorizations", [])],
        # Beside each wording, how it is held: in person, or by the profession's scope.
        "authorization_basis": [
            basis(a["mechanism"], reg.get("profession")) for a in reg.get("authorizations", [])
        ],
        "name_warning": answer["name_warning"],
        "regulator_checked": answer["regulator"]["id"],
        "receipt_id": answer["receipt"]["id"],
        "error": None,
        "check_by_name_url": answer.get("check_by_name_url"),
        "checked_at": answer["receipt"]["checked_at"],
        "source_url": answer["receipt"]["source_url"],
        "fetched_at": answer["receipt"]["fetched_at"],
        "response_sha256": answer["receipt"]["response_sha256"],
    }


def to_csv(header: list[str], results: list[dict]) -> str:
    """The roster with its verdict columns, problem rows first (`line` gives each row's place in
    the file), every cell safe to open in a spreadsheet (csvsafe)."""
    names = column_names(header)
    rows = [[*header, *OUTPUT_COLUMNS]]
    for r in problems_first(results):
        extra = []
        for c in OUTPUT_COLUMNS:
            value = r[c]
            extra.append(
                "; ".join(value) if isinstance(value, list) else "" if value is None else value
            )
        rows.append([*(r["input"].get(n, "") for n in names), *extra])
    return rows_to_csv(rows)


def problems_first(results: list[dict]) -> list[dict]:
    """The rows that need action first (errors, then name mismatches, ...), else in file order."""
    return sorted(results, key=lambda r: (attention_rank(r["verdict"]), r["line"]))


def summary(results: list[dict]) -> dict:
    counts: dict[str, int] = {}
    for r in results:
        key = r["verdict"] or "error"
        counts[key] = counts.get(key, 0) + 1
    return {
        "rows": len(results),
        "needing_attention": sum(needs_attention(r["verdict"]) for r in results),
        "by_verdict": dict(sorted(counts.items())),
    }


def to_json(results: list[dict]) -> str:
    return json.dumps(
        {"summary": summary(results), "rows": problems_first(results)}, ensure_ascii=False
    )


@dataclass
class CheckContext:
    """What checking a roster needs, for the CLI and the web alike: the registry (read-only),
    the clinics database where receipts are kept, each source's freshness limit in hours, and
    (on the web) the receipts recently given, so that a retry stores nothing new."""

    registry: sqlite3.Connection
    clinics: Database
    freshness: Mapping[str, float]
    recent: Recent | None = None

    @classmethod
    @contextlib.contextmanager
    def opened(
        cls, registry_path: Path, freshness: Mapping[str, float], recent: Recent | None = None
    ) -> Iterator[CheckContext]:
        """Connections of its own to both databases, closed afterwards (safe in any thread)."""
        conn = read_only(registry_path)
        try:
            clinics = open_clinics(clinics_path(registry_path))
            try:
                yield cls(conn, clinics, freshness, recent)
            finally:
                clinics.close()
        finally:
            conn.close()


def _check(
    context: CheckContext,
    header: list[str],
    columns: dict[str, int],
    rows: list[tuple[int, list[str]]],
    client: str,
) -> list[dict]:
    answers = verify_many(context.registry, queries(columns, rows), dict(context.freshness))
    stored = [a for a in answers if isinstance(a, dict)]
    receipts.store(context.clinics, stored, context.recent, client)
    return [result(line, header, cells, a) for (line, cells), a in zip(rows, answers, strict=True)]


def check_roster(
    context: CheckContext, data: bytes, client: str = ""
) -> tuple[list[str], list[dict]]:
    """Verify a roster's rows, store one receipt per checked row; header and results."""
    header, columns, rows = parse(data)
    return header, _check(context, header, columns, rows, client)


# A check of one person is a roster of one row with these columns.
ONE_HEADER = ["Name", "Registration number", "Regulator"]
ONE_COLUMNS = {"name": 0, "registration_number": 1, "regulator": 2}
ONE_MAX_CHARS = 200


@dataclass
class OneCheck:
    """A check of one person: their row (as a roster's), or, for a name alone that several
    people on the register bear, those people to choose from."""

    header: list[str]
    results: list[dict]
    candidates: list[dict]


def check_one(
    context: CheckContext, regulator: str, number: str, name: str, client: str = ""
) -> OneCheck:
    """Verify one person, given the regulator (or province) and a registration number and/or a
    name, through the same path as a roster's rows (a verdict and a receipt). A name alone is
    looked up on that register: one person found is checked by their number; several are
    returned to choose from. VerifyError when it cannot be checked as given."""
    regulator, number, name = (
        " ".join(v.split())[:ONE_MAX_CHARS] for v in (regulator, number, name)
    )
    if not regulator:
        raise VerifyError("give the regulator or the province")
    if not number and not name:
        raise VerifyError("give the registration number, the name, or both")
    if not number:
        found = by_name(context.registry, regulator, name)
        if not found:
            raise VerifyError(f"nobody named {name[:80]!r} on that register")
        if len(found) > 1:
            return OneCheck(ONE_HEADER, [], found)
        number = found[0]["registration_number"]
    rows = [(1, [name, number, regulator])]
    return OneCheck(ONE_HEADER, _check(context, ONE_HEADER, ONE_COLUMNS, rows, client), [])
