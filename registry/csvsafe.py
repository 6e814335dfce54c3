"""Every CSV we produce is read by spreadsheets: no cell may start a formula (CSV injection).

Following OWASP's "CSV Injection" guidance, a text cell that begins with `=`, `+`, `-`, `@`, tab
or carriage return gets a leading single quote, which spreadsheets show as text, and every cell
is wrapped in double quotes (doubling any inside), so that a separator inside a cell (`,`, `;`,
tab) cannot start a new cell when a spreadsheet splits on another separator than ours. A cell
that is a plain number (`-12`, `3.5`) is left alone: it is data, and cannot be a formula.

registry/web/neutralise.py applies the same rule to Datasette's CSV export, as ASGI middleware.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise(value: Any) -> Any:
    """The cell as a spreadsheet should see it: text that would start a formula made inert."""
    if isinstance(value, str) and value.startswith(TRIGGERS) and not NUMBER.fullmatch(value):
        return "'" + value
    return value


def writer(out) -> Any:
    """A csv writer for files people open in spreadsheets: every cell quoted, CRLF lines."""
    return csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")


def rows_to_csv(rows: Iterable[Iterable[Any]]) -> str:
    out = io.StringIO()
    w = writer(out)
    for row in rows:
        w.writerow([neutralise(cell) for cell in row])
    return out.getvalue()
