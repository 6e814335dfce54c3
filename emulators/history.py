"""A sample register's past: the states it went through over the last months, for the demo.

Going back from today's population one month at a time, each month undoes about 1% of each kind of
change: people granted the needling authorization that month did not hold it yet, people it was
removed from still held it, people who joined were not listed, people who left still were, and
people whose standing changed had their earlier one. Each platform says in a `Changes` what
holding it, and the person before each change, mean for its own kind of person. Everything is a pure
function of the people, the number of months and the seed.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from emulators import boxfiles as _box
from emulators import cpo as _cpo
from emulators import drupal_cpsbc as _cpsbc
from emulators import imis as _imis
from emulators import nsphysio as _ns
from emulators import oppq as _oppq
from emulators import people as _ab
from emulators import wa_doh as _wa

P = TypeVar("P")


@dataclass(frozen=True)
class Changes(Generic[P]):
    """What can change about one platform's person from one month to the next."""

    holds: Callable[[P], bool]  # holds a needling authorization
    # A holder as they were before it was granted (None: the register grants none now).
    before_grant: Callable[[P], P] | None = None
    # Someone who may hold it (`may_hold`) as they were before it was removed (None: never removed).
    before_removal: Callable[[P], P] | None = None
    may_hold: Callable[[P], bool] = lambda person: True
    # A standing that came about recently (suspended, say), and the person as they stood before.
    changed_standing: Callable[[P], bool] = lambda person: False
    before_change: Callable[[P], P] | None = None


def monthly_states(
    people: Sequence[P], changes: Changes[P], months: int, *, share: float = 0.01, seed: int = 17
) -> list[list[P]]:
    """The register `months` months ago, then each month up to today, oldest first: `months + 1`
    states. Today's state is `people` less the ones who left over those months (about `share`
    of them a month), so it holds fewer people than given."""
    rng = random.Random(seed)
    per = max(1, round(len(people) * share))
    leavers = rng.sample(range(len(people)), min(len(people) // 2, per * months))
    gone = set(leavers)
    states = [[p for i, p in enumerate(people) if i not in gone]]
    for month in range(months):
        returning = [people[i] for i in leavers[month * per : (month + 1) * per]]
        states.append(_month_before(states[-1], returning, changes, per, rng))
    return states[::-1]


def _month_before(
    state: list[P], returning: list[P], changes: Changes[P], per: int, rng: random.Random
) -> list[P]:
    order = list(range(len(state)))
    rng.shuffle(order)
    holders = [i for i in order if changes.holds(state[i])]
    others = [i for i in order if not changes.holds(state[i]) and changes.may_hold(state[i])]
    earlier: dict[int, P] = {}
    if changes.before_grant is not None:
        earlier |= {i: changes.before_grant(state[i]) for i in holders[:per]}
    if changes.before_removal is not None:
        earlier |= {i: changes.before_removal(state[i]) for i in others[:per]}
    if changes.before_change is not None:
        lapsed = [i for i in order if i not in earlier and changes.changed_standing(state[i])]
        earlier |= {i: changes.before_change(state[i]) for i in lapsed[: max(1, per // 2)]}
    joined = set([i for i in order if i not in earlier][:per])
    before = [earlier.get(i, p) for i, p in enumerate(state) if i not in joined]
    return before + returning


# ---------------------------------------------------------------------------------------------
# Each platform's changes


def _alinity(needles: str, full: str, *, grants: bool) -> Changes:
    """An Alinity register whose needling authorization reads `needles` and whose full
    registration category reads `full`."""
    return Changes(
        holds=lambda p: needles in p.authorizations,
        before_grant=(
            (lambda p: replace(p, authorizations=[a for a in p.authorizations if a != needles]))
            if grants
            else None
        ),
        before_removal=lambda p: replace(p, authorizations=[needles, *p.authorizations]),
        may_hold=lambda p: p.standing == _ab.PRACTISING and p.category == full,
        changed_standing=lambda p: p.standing == _ab.SUSPENDED,
        before_change=lambda p: replace(p, standing=_ab.PRACTISING),
    )


def alberta() -> Changes:
    return _alinity(_ab.NEEDLES, _ab.GENERAL, grants=True)


def british_columbia() -> Changes:
    """BC froze new dry needling applications in 2019: its roster only shrinks."""
    return _alinity(_ab.BC_DRY_NEEDLING, "Full", grants=False)


def alberta_naturopaths() -> Changes:
    return _alinity(_ab.NATUROPATH_ACUPUNCTURE, _ab.GENERAL, grants=True)


def manitoba() -> Changes:
    """Manitoba's register shows no needling (as far as recorded): its people only come, go and
    change standing; nobody is granted anything."""
    return Changes(
        holds=lambda p: False,
        changed_standing=lambda p: p.standing == _ab.SUSPENDED,
        before_change=lambda p: replace(p, standing=_ab.PRACTISING),
    )


def cpo() -> Changes:
    return Changes(
        holds=lambda p: p.rostered,
        before_grant=lambda p: replace(p, rostered=False),
        before_removal=lambda p: replace(p, rostered=True),
        may_hold=lambda p: p.status == _cpo.INDEPENDENT,
        changed_standing=lambda p: p.status == _cpo.SUSPENDED,
        before_change=lambda p: replace(p, status=_cpo.INDEPENDENT),
    )


def oppq() -> Changes:
    return Changes(
        holds=lambda p: _oppq.PPAS in p.approaches,
        before_grant=lambda p: replace(p, approaches=[a for a in p.approaches if a != _oppq.PPAS]),
        before_removal=lambda p: replace(p, approaches=[*p.approaches, _oppq.PPAS]),
        may_hold=lambda p: bool(p.workplaces),
    )


def nsphysio() -> Changes:
    """Nova Scotia records no needling: only standings and who is listed change."""
    return Changes(
        holds=lambda p: False,
        changed_standing=lambda p: p.status == _ns.CONDITIONAL,
        before_change=lambda p: replace(p, status=_ns.PRACTICING),
    )


def wa_doh() -> Changes:
    """Washington's endorsement is a credential row of its own; only its grants are undone."""
    return Changes(
        holds=lambda p: bool(p.endorsements),
        before_grant=lambda p: replace(
            p, credentials=[c for c in p.credentials if c.type != _wa.ENDORSEMENT]
        ),
    )


def socrata() -> Changes:
    """A whole profession by scope of practice (Washington's East Asian medicine practitioners):
    nobody holds an authorization of their own, so only standings and who is listed change."""
    return Changes(
        holds=lambda p: False,
        changed_standing=lambda p: p.status == "Suspended",
        before_change=lambda p: replace(p, status="Active"),
    )


def imis() -> Changes:
    """BC's acupuncturists may needle by their profession's scope: no authorization is granted
    or removed; only who is listed and standings change."""
    return Changes(
        holds=lambda p: False,
        changed_standing=lambda p: p.status == "Suspended",
        before_change=lambda p: replace(p, status=_imis.PRACTISING),
    )


def boxfiles() -> Changes:
    """Acupuncturists may needle by their profession's scope, not by a grant of their own: only
    who is listed and standings change (a California licence lately suspended or delinquent was
    current before; New Jersey's file lists only active licences)."""
    return Changes(
        holds=lambda p: False,
        changed_standing=lambda p: p.status in _box.CHANGED_STANDINGS,
        before_change=lambda p: replace(p, status="Current"),
    )


def cpsbc() -> Changes:
    """BC physicians may give trigger point injections by scope, not by a per-person record:
    only standings and who is listed change."""
    return Changes(
        holds=lambda p: False,
        changed_standing=lambda p: p.status == "Temporarily inactive",
        before_change=lambda p: replace(p, status=_cpsbc.PRACTISING),
    )
