"""What Canadian registers print in addresses: postal codes, street lines, provinces by postal code.

Each register lays its addresses out its own way (its adapter's parsers read the layout); the
pieces they share are here."""

from __future__ import annotations

import re

# A Canadian postal code as printed, space optional: a fragment for the adapters' line patterns.
POSTAL = r"[A-Za-z]\d[A-Za-z]\s?\d[A-Za-z]\d"
_POSTAL = re.compile(rf"^{POSTAL}$")
# A line (or part) that starts a street address rather than naming an organization.
STREET = re.compile(r"^(\d|p\.?\s?o\.?\s+box|suite|unit|#)", re.I)

# First letter of a postal code -> province (Canada Post's forward sortation areas).
_POSTAL_PROVINCE = {
    "A": "NL",
    "B": "NS",
    "C": "PE",
    "E": "NB",
    "G": "QC",
    "H": "QC",
    "J": "QC",
    "K": "ON",
    "L": "ON",
    "M": "ON",
    "N": "ON",
    "P": "ON",
    "R": "MB",
    "S": "SK",
    "T": "AB",
    "V": "BC",
    "X": "NT",
    "Y": "YT",
}


def postal_code(text: str | None) -> str | None:
    """ "m5v2t6", "M5V 2T6" -> "M5V 2T6"; anything that is not a Canadian postal code is kept as
    printed (whitespace collapsed, upper case); None when empty."""
    printed = " ".join((text or "").split()).upper()
    if not printed:
        return None
    if not _POSTAL.match(printed):
        return printed
    packed = printed.replace(" ", "")
    return f"{packed[:3]} {packed[3:]}"


def postal_province(postal: str | None) -> str | None:
    """The province a Canadian postal code is in ("K7L 1A1" -> "ON"); None for anything else."""
    if not postal or not _POSTAL.match(postal):
        return None
    return _POSTAL_PROVINCE.get(postal[0].upper())
