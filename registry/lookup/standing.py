"""A registrant's standing, and the one answer to "may this person needle now?".

Standing comes before needling: a person who may not practise (suspended, cancelled, not
practising, or no longer on the register) may not needle, whatever the register records about
needling, so their answer is "not_practising", never "the register does not say". Every layer
asks these functions: the documents the API and the pages show, rosters, watch lists and the
search filter that leaves people who may not practise out of a patient's results.
"""

from __future__ import annotations

from db.directory import in_practice_sql
from registry.lookup.answers import Standing
from scrapers.standing import NOT_PRACTISING_CLASSES

# practising: on the register and practising; not_practising: on the register, suspended,
# cancelled or not practising; no_longer_on_register: gone from it; unknown: on the register
# under a status we cannot classify (nothing rules practice out).
STANDINGS = ("practising", "not_practising", "no_longer_on_register", "unknown")
OUT_OF_PRACTICE = frozenset({"not_practising", "no_longer_on_register"})

# The SQL condition for "may be practising" over `directory d`, which holds the status class:
# what a patient's search keeps unless asked for everyone.
IN_PRACTICE_SQL = in_practice_sql("d.")


def standing_of(status_class: str | None, on_register: bool) -> str:
    """A registrant's standing from the register's status class and whether it still lists them."""
    if not on_register:
        return "no_longer_on_register"
    if status_class in NOT_PRACTISING_CLASSES:
        return "not_practising"
    return "practising" if status_class == "practising" else "unknown"


def out_of_practice(standing: str) -> bool:
    """Whether a standing rules out practice (and so needling, calls and directions)."""
    return standing in OUT_OF_PRACTICE


def needling_answer(standing: str, tracking: str, authorized: bool) -> str:
    """What "may this person needle now?" gets for an answer, from standing first, then the
    authorization, then whether the regulator tracks needling: "not_practising" for anyone who
    may not practise; never "no" where nobody tracks it. A listed authorization answers yes even
    where the regulator's tracking is unconfirmed. "kept_unpublished": the board keeps a record
    of who may but does not publish it (ask the practitioner), neither "no" nor "not tracked"."""
    if out_of_practice(standing):
        return "not_practising"
    if authorized:
        return "authorized"
    if tracking == "tracked":
        return "not_authorized"
    if tracking in ("not_tracked", "kept_unpublished"):
        return tracking
    return "unknown"


def standing_fields(status: str | None, status_class: str | None, on_register: bool) -> Standing:
    """A document's `standing`: the state, the register's current status words, and for someone
    who left the register the status it last showed (history, not a current status)."""
    state = standing_of(status_class, on_register)
    return {
        "state": state,
        "status": status if on_register else None,
        "last_listed_status": None if on_register else status,
    }
