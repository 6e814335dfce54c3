"""Which sources a command acts on: the ones named, checked against the configuration, or by
default every source the command is for (one rule for import, reparse, preflight and cassettes).
"""

from __future__ import annotations

from typing import Literal

from scrapers.sources import Settings, Source

Purpose = Literal["import", "check", "read"]


class SourceChoiceError(ValueError):
    """Sources that cannot be used as named; the message says why, and which are known."""


def choose_sources(
    settings: Settings, keys: tuple[str, ...] | list[str], purpose: Purpose
) -> list[Source]:
    """The sources named by `keys`, or, when none is named, every one `purpose` covers.

    - "import": supported and enabled sources; a named source must be both;
    - "check" (preflight): supported sources with a register address that are not samples;
      a named one must have an adapter to check (supported, with an address);
    - "read" (reparse, cassettes): any declared source; nothing is chosen by default.
    """
    unknown = [k for k in keys if k not in settings.sources]
    if unknown:
        known = ", ".join(settings.sources)
        if len(keys) == 1 and purpose == "read":
            raise SourceChoiceError(f"unknown source {unknown[0]}; known: {known}")
        raise SourceChoiceError(f"unknown source(s) {', '.join(unknown)}; known: {known}")
    named = [settings.sources[k] for k in keys]
    if purpose == "import":
        for source in named:
            if source.coverage != "supported":
                raise SourceChoiceError(
                    f"{source.key} is not yet supported: {source.coverage_note}"
                )
        disabled = [s.key for s in named if not s.enabled]
        if disabled:
            raise SourceChoiceError(
                f"source(s) {', '.join(disabled)} are disabled in the config "
                "(enabled = false); enable them to import"
            )
        return named or [s for s in settings.sources.values() if s.enabled]
    if purpose == "check":
        for source in named:
            if source.coverage != "supported" or not source.base_url:
                raise SourceChoiceError(
                    f"{source.key} has no adapter to check: {source.coverage_note}"
                )
        return named or [
            s
            for s in settings.sources.values()
            if s.coverage == "supported" and s.base_url and not s.sample
        ]
    return named
