"""Text as registers print it: whitespace, typographic quotes, HTML fragments and nodes, names.

Small helpers every adapter's parsers use; what is particular to one register stays in its
parsers."""

from __future__ import annotations

import html
import re

from bs4 import Tag

_TAG = re.compile(r"<[^>]+>")
# Typographic apostrophes and quotes (a CMS's typography) and no-break spaces, made plain.
_PLAIN = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\xa0": " "})


def squash(text: str | None) -> str:
    """Whitespace collapsed to single spaces, ends trimmed; "" for None."""
    return " ".join((text or "").split())


def plain(text: str) -> str:
    """Typographic apostrophes straightened and no-break spaces made spaces."""
    return text.translate(_PLAIN)


def fragment_text(fragment: str) -> str:
    """The text of an HTML fragment held in a string (tags dropped, entities decoded)."""
    return squash(html.unescape(_TAG.sub(" ", fragment)))


def node_text(node: Tag | None) -> str:
    """The text of a parsed node, whitespace collapsed; "" for None."""
    return squash(node.get_text(" ")) if node is not None else ""


def node_lines(node: Tag | None, blocks: tuple[str, ...] = ()) -> list[str]:
    """A node's lines: split at `<br>`, after each `blocks` element and at newlines, whitespace
    collapsed, empty lines dropped. Changes the node (its `<br>`s become newlines)."""
    if node is None:
        return []
    for br in node.find_all("br"):
        br.replace_with("\n")
    if blocks:
        for block in node.find_all(list(blocks)):
            block.insert_after("\n")
    return [line for line in (squash(s) for s in node.get_text().split("\n")) if line]


def family_given(name: str) -> tuple[str | None, str | None]:
    """ "Côté, Anne-Marie" -> ("Côté", "Anne-Marie"); without a comma, the whole name is the
    family name."""
    family, _, given = name.partition(",")
    return family.strip() or None, given.strip() or None
