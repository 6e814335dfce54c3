"""Registration numbers as people type them and as registers print them, some with hidden
characters (Ontario's "XXX42"): how to read one, and whether a full number fits a masked one."""

from __future__ import annotations

import re


def normalize_number(text: str | None) -> str:
    """A registration number as typed: trimmed, without a leading '#' or 'No.'."""
    text = " ".join((text or "").split())
    text = re.sub(r"^(#\s*|no\.\s*|no\s+|n°\s*)", "", text, flags=re.IGNORECASE)
    return text


MASK_CHARACTERS = frozenset("Xx*")


def is_masked(number: str | None) -> bool:
    """Whether a number is printed with hidden characters (Ontario's "XXX42")."""
    if not number:
        return False
    return any(c in MASK_CHARACTERS for c in number) and any(c.isdigit() for c in number)


def fits_mask(masked: str, number: str) -> bool:
    """Whether a full number shows the same visible characters, aligned from the right, as a
    masked one: "12342" fits "XXX42"; "142" does not fit "XXX42" (too short), nor does "12343"."""
    if len(number) < len(masked.lstrip("".join(MASK_CHARACTERS))):
        return False
    if len(number) > len(masked):
        return False
    for i in range(1, len(masked) + 1):
        c = masked[-i]
        if c in MASK_CHARACTERS:
            continue
        if i > len(number) or number[-i].upper() != c.upper():
            return False
    return True
