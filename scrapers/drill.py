"""Listing every registrant of a name search capped at a few rows, in few searches, missing nobody.

Pure: a `Search` is any function of (last-name text, first-name text) returning records with a
stable `rg`. Alinity's tenants answer such searches with at most 25 rows (a cap learned from the
replies), refuse one-character names, match by prefix or by substring, sort or not, and fold
accents or not (docs/platforms/alinity.md). `Drill.run` finds out which from the replies and picks
the strategy that proves completeness at the lowest cost; `requests_floor` is what no complete
crawl can avoid.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable

from scrapers.records import LayoutChanged

ASCII = "abcdefghijklmnopqrstuvwxyz"
INSIDE = " '-"  # occur inside surnames, never first
Search = Callable[[str, str], list[dict]]  # (last-name prefix, first-name prefix) -> records
Names = Callable[[dict], tuple[str, str]]  # a record -> (family, given)
# Accented letters asked after an unaccented one on accent-sensitive tenants although no reply
# showed them yet: a surname such as "Côté" or "Núñez" may be reachable through no other text.
ACCENTED = "áàâäãçéèêëíîïñóôöõúùûüễầạũặỗồơư"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def _bare(text: str) -> str:
    """Without accents: "côté" -> "cote"."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def _word_key(text: str) -> str:
    """Sort key of a live tenant (SQL Server's word sort): accents and case ignored, hyphens and
    apostrophes ignored, spaces kept ("Alsefaou" before "Al-Sharief", "Davey" before "Davey
    Loeppky"; live-evidence.md, reply order)."""
    return _bare(_nfc(text)).translate(_WORD_IGNORED)


_WORD_IGNORED = str.maketrans("", "", "-'\u2019")


def _letters_key(text: str) -> str:
    """Sort key ignoring accents, case and all punctuation and spaces."""
    return "".join(c for c in _bare(_nfc(text)) if c.isalnum())


def _spelled_key(text: str) -> str:
    """Sort key ignoring accents and case, keeping spaces, hyphens and apostrophes."""
    return _bare(_nfc(text))


Key = Callable[[str], str]
# The orders a tenant's replies may be in, the live one first. A drill keeps those every reply so
# far agrees with, and proves from the order only what holds under each of them.
ORDERS: tuple[Key, ...] = (_word_key, _letters_key, _spelled_key)


def _in_order(key: Key, pairs: list[tuple[str, str]]) -> bool:
    """Whether (family, given) rows are in the key's order: by family, then by given names among
    rows of the same family (families equal but for accents may come in either order)."""
    for (f1, g1), (f2, g2) in zip(pairs, pairs[1:], strict=False):
        k1, k2 = key(f1), key(f2)
        if k1 > k2 or (_nfc(f1) == _nfc(f2) and key(g1) > key(g2)):
            return False
    return True


class BudgetSpent(LayoutChanged):
    """The searches passed the crawl's budget: the drill stops expanding (nothing is applied)."""


class Drill:
    """Every registrant a tenant's name search reaches, in few searches, missing nobody.

    Where search is by prefix, a prefix q is drilled further only while its reply may be capped;
    where the reply is sorted by surname, every name starting with q that sorts before the last
    row was shown, so only the letters from the last row's next letter on need their own search.

    Where search is by substring (a reply to "ma" holds "Adams"), a text is asked only if no part
    of it was answered in full: a reply under the cap lists everyone whose surname contains that
    part, so everyone containing the longer text is known already (`_run_substring`). The cap is
    learned, and people whose surname is exactly q are separated by first name.
    """

    def __init__(
        self,
        search: Search,
        *,
        hint: int = 25,
        min_chars: int = 2,
        max_length: int = 24,
        probes: tuple[str, ...] | list[str] = ("ma", "le", "ch"),
        letters: str = ACCENTED,
        names: Names = lambda rec: (str(rec.get("ln") or ""), str(rec.get("fn") or "")),
        spaced_words: bool = True,
        budget: float | None = None,
    ) -> None:
        self.seeds = set(_nfc(letters))
        self._search = search
        self.names = names
        self.hint = hint
        self.min_chars = min_chars
        self.max_length = max_length
        self.probes = [_nfc(p) for p in probes if len(p) >= min_chars]
        self.found: dict[str, dict] = {}
        self.max_rows = 0
        self.searches = 0
        self.accents: str | None = None  # "sensitive" / "insensitive", once probed
        self.extra_letters: set[str] = set()  # non-ASCII letters seen in any name
        self.surname_letters: set[str] = set()  # non-ASCII letters seen in surnames
        self.given_initials: set[str] = set()  # non-ASCII first letters of first names seen
        self.first_min = 1
        self.given_rows = 0  # rows any first-name search returned
        self._asked: set[str] = set()  # starts drilled
        self._drilled: set[str] = set()  # texts `last` settled
        # capped prefix -> (characters it was extended by, the sorted reply's bound)
        self._extended: dict[str, tuple[set[str], str | None]] = {}
        self.substring = False  # a reply held a surname that does not start with the text asked
        self.orders: list[Key] = list(ORDERS)  # the sort orders every reply so far agrees with
        self.spaced_words = spaced_words
        self.budget = budget  # searches allowed, as a multiple of `floor_requests()`
        self.fixed = 0  # texts the strategy asks whatever the replies
        self.spaced = False  # "a b" texts asked, as every "a " was answered with nobody
        self.unreachable: set[str] = set()  # kinds of name the form could not reach here
        # Two-letter texts whose capped reply cannot show the people called exactly that: a
        # complete crawl must ask each with every first-name initial (see `requests_floor`).
        self.unshown_exact = 0
        self._replies: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self._accented_owed: set[str] = set()  # see accented_starts
        self.progress: Callable[[str], None] = lambda message: None

    # -- asking --------------------------------------------------------------------------------

    def fold(self, text: str) -> str:
        return _bare(_nfc(text)) if self.accents == "insensitive" else _nfc(text)

    def floor_requests(self) -> int:
        """What a complete crawl of the registrants found so far could not avoid: the searches
        of `requests_floor` (or the texts the strategy asks whatever the replies, if more) and one
        detail page each (practice requests left out)."""
        cap = max(self.max_rows, self.hint)
        searches = (
            search_floor(len(self.found), cap, self.min_chars, self.unshown_exact, self.spaced)
            + self.accented_starts()
        )
        return max(searches, self.fixed) + len(self.found)

    def accented_starts(self) -> int:
        """The texts with an accented letter that a complete crawl must ask (see
        `requests_floor`), on a prefix tenant that tells accents apart: each start holding one
        (where one letter is refused, "bé" is the only way to "Bédard"), and each accented
        extension of a capped prefix past its sorted reply's last row ("b" capped at "Baxter":
        only a text starting "bé" reaches "Bédard"). None on a substring tenant ("da" reaches
        "Bédard") or an accent-blind one ("be" does)."""
        if self.substring or self.accents == "insensitive":
            return 0
        return len(self._accented_owed)

    def _owe(self, text: str) -> None:
        """Count `text` among the accented texts no other text stands for."""
        if any(not c.isascii() and c.isalpha() for c in text):
            self._accented_owed.add(text)

    def ask(self, last: str, first: str = "") -> list[tuple[str, str]]:
        if (last, first) in self._replies:
            return self._replies[(last, first)]
        if self.budget is not None and self.searches >= self.budget * self.floor_requests():
            raise BudgetSpent(
                f"stopped after {self.searches} searches, over {self.budget:g} x the "
                f"{self.floor_requests()} requests a complete crawl of the {len(self.found)} "
                "registrants listed so far needs (its budget): the register answers in a way the "
                "drilling does not expect; nothing was changed"
            )
        records = self._search(last, first)
        self.searches += 1
        self.max_rows = max(self.max_rows, len(records))
        names = []
        accented = None
        for rec in records:
            self.found.setdefault(rec["rg"], rec)
            family, given = self.names(rec)
            names.append((family, given))
            self.extra_letters.update(
                ch for ch in _nfc(family + given) if ch.isalpha() and not ch.isascii()
            )
            self.surname_letters.update(
                ch for ch in _nfc(family) if ch.isalpha() and not ch.isascii()
            )
            if given[:1] and not given[:1].isascii():
                self.given_initials.add(_nfc(given[:1]))
            if accented is None and _bare(_nfc(family)) != _nfc(family):
                accented = (rec["rg"], family)
            if last and not self.substring and not extends(family, last):
                self.substring = True
        if len(names) > 1:
            self.orders = [key for key in self.orders if _in_order(key, names)]
        if self.accents is None and last and _ignores_accents(last, [f for f, _ in names]):
            self.accents = "insensitive"  # "bà" answered "Barker": accents make no difference
        if accented and self.accents is None:
            self._probe_collation(*accented)
        if self.searches % 25 == 0:
            self.progress(f"listing: {len(self.found)} registrants from {self.searches} searches")
        self._replies[(last, first)] = names
        return names

    def _probe_collation(self, rg: str, family: str) -> None:
        """Whether "cote" finds "Côté": then accented letters need no searches of their own."""
        self.accents = "probing"
        records = self._search(_bare(_nfc(family)), "")
        self.searches += 1
        for rec in records:
            self.found.setdefault(rec["rg"], rec)
        found = any(rec["rg"] == rg for rec in records)
        self.accents = "insensitive" if found else "sensitive"

    def capped(self, rows: int) -> bool:
        """Possibly capped: the most rows any reply had so far, or exactly the usual cap."""
        return rows > 0 and (rows >= self.max_rows or rows == self.hint)

    def alphabet(self, first: bool) -> list[str]:
        """Characters to extend a text by: ASCII letters, the accented letters seen so far where
        search tells them apart (letters seen later extend what was drilled before them, see
        `_later_letters`), and after the first position a space, hyphen or apostrophe."""
        extra = set() if self.accents == "insensitive" else set(self.extra_letters)
        if not first and not self.substring:
            extra |= set(self._seeds())  # a prefix search reaches "Nguyễn" only through "nguyễ"
        kept = [c for c in sorted(extra) if self.fold(c) == c]
        return list(ASCII) + kept + ([] if first else list(INSIDE))

    # -- listing -------------------------------------------------------------------------------

    def run(self) -> dict[str, dict]:
        """Every registrant, by rg."""
        for probe in self.probes:
            self.ask(probe)
        done: set[str] = set()
        while True:
            if self.substring:
                return self._run_substring()
            starts = self._starts()
            self.fixed = max(self.fixed, len(starts))
            todo = [s for s in self.probes if s in starts] + sorted(starts)
            todo = [s for s in dict.fromkeys(todo) if s not in done]
            if not todo:
                later = self._later_letters()
                if not later:
                    return self.found
                for q in later:
                    if self.substring:
                        break
                    self.last(q)
                continue
            for start in todo:
                if self.substring:
                    break
                done.add(start)
                start = self.fold(start)  # "bé" is "be" once search is known accent-blind
                if start in self._asked:
                    continue
                self._asked.add(start)
                if self.min_chars >= 2:
                    self._owe(start)
                self.last(start)

    def _later_letters(self) -> list[str]:
        """Extensions by letters first seen after a capped prefix was drilled."""
        out = []
        for q, (used, below) in self._extended.items():
            for c in sorted(set(self.alphabet(first=False)) - used):
                used.add(c)
                if not (below and c not in INSIDE and _bare(c) < below):
                    out.append(q + c)
        return out

    def _starts(self) -> list[str]:
        firsts = self.alphabet(first=True)
        if self.min_chars <= 1:
            return firsts
        seconds = self.alphabet(first=False)
        unseeded = [c for c in seconds if c not in self.seeds or c in self.extra_letters]
        # After an accented first letter, only letters some name showed: "Éé..." is not a name.
        return [a + b for a in firsts for b in (seconds if a.isascii() else unseeded)] + (
            self._spaced()
        )

    def _spaced(self) -> list[str]:
        """ "a b" for every two letters, where every "a " was answered with nobody: a tenant that
        trims the text before counting its characters refuses "a " as too short, and a family
        name whose first word is one letter ("A Badeghiesh") is reachable through no other text.
        One "a " answered with somebody shows the tenant takes them (then none is owed)."""
        texts = [a + " " for a in ASCII]
        if self.min_chars != 2 or any(self._replies.get((t, ""), [None]) for t in texts):
            return []
        if not self.spaced_words:
            self.unreachable.add(
                "family names whose first word is one letter (such as 'A B...'): this tenant "
                "refuses 'a ' as too short and spaced_words is off"
            )
            return []
        self.spaced = True
        return [t + c for t in texts for c in self.alphabet(first=True)]

    def _seeds(self) -> list[str]:
        """The seed letters, where search tells accented letters apart."""
        if self.accents == "insensitive":
            return []
        return sorted(c for c in self.seeds if self.fold(c) == c)

    def last(self, q: str) -> None:
        """Every registrant whose surname starts with q (folded) is in `found` after this."""
        names = self.ask(q)
        if self.fold(q) != q:  # the reply showed that accents make no difference
            q = self.fold(q)
            if q in self._drilled:
                return
            names = self.ask(q)
        self._drilled.add(q)
        if not self.capped(len(names)):
            return
        if len(q) >= self.max_length:
            raise LayoutChanged(f"still {len(names)} rows for {q!r}: cannot get under the cap")
        complete, below, exact_shown = self._bound(q, [f for f, _ in names])
        if complete:
            return
        self._extended[q] = (set(self.alphabet(first=False)), below)
        for c in self.alphabet(first=False):
            if c == " " and q.endswith(" "):
                continue
            if below and c not in INSIDE and _bare(c) < below:
                continue  # sorted reply: shown above the last row
            if not c.isascii() and c not in INSIDE:
                self._owe(q + c)
            self.last(q + c)
        if not exact_shown:
            self.unshown_exact += len(q) == 2
            self.exact(q)

    def _bound(self, q: str, values: list[str]) -> tuple[bool, str | None, bool]:
        """What a capped reply to prefix q proves: (every value starting with q shown, the
        ASCII letter after q below which values were shown, values equal to q shown)."""
        keys = self._orders_of(values)
        if not keys:
            return False, None, False
        last = values[-1]
        folded = self.fold(last)
        proofs = []
        for key in keys:
            kq, kl = key(q), key(last)
            if folded.startswith(q) and kl > kq:
                nxt = _bare(folded[len(q)]) if len(folded) > len(q) else ""
                proofs.append((False, nxt if nxt in ASCII else None, True))
            elif kl[: len(kq)] > kq:
                proofs.append((True, None, True))
            else:
                return False, None, False
        # What holds under every order the replies allow.
        belows = [below for _, below, _ in proofs]
        below = None if None in belows else min(b for b in belows if b is not None)
        return all(c for c, _, _ in proofs), below, True

    def _orders_of(self, families: list[str]) -> list[Key]:
        """The orders a reply's surnames agree with, among those every reply so far agreed with."""
        return [key for key in self.orders if _in_order(key, [(f, "") for f in families])]

    def exact(self, q: str) -> None:
        """Registrants whose surname is exactly q, by first-name prefixes."""
        before = len(self.found)
        for c in self.alphabet(first=True):
            self.given(q, c)
        if self.first_min == 1 and len(self.found) == before and not self.given_rows:
            self.first_min = 2  # one-character first names refused too
            for a in ASCII:
                for b in self.alphabet(first=False):
                    self.given(q, a + b)

    def given(self, q: str, g: str) -> None:
        names = self.ask(q, g)
        self.given_rows += len(names)
        if not self.capped(len(names)):
            return
        if len(g) >= self.max_length:
            raise LayoutChanged(f"still {len(names)} rows for {q!r}, {g!r}: cannot separate them")
        pairs = [(f, gv) for f, gv in names]
        if not self._exact_shown(q, g, pairs):
            for c in self.alphabet(first=False):
                if not (c == " " and g.endswith(" ")):
                    self.given(q, g + c)

    def _exact_shown(self, q: str, g: str, pairs: list[tuple[str, str]]) -> bool:
        """Whether a capped sorted reply shows every surname-exactly-q, given-starts-g row."""
        keys = [key for key in self.orders if _in_order(key, pairs)]
        if not keys or not pairs:
            return False
        for key in keys:
            lf, lg = key(pairs[-1][0]), key(pairs[-1][1])
            if not (lf > key(q) or (lf == key(q) and lg[: len(key(g))] > key(g))):
                return False
        return True

    # -- substring search ----------------------------------------------------------------------

    def _run_substring(self) -> dict[str, dict]:
        """Every registrant of a tenant matching by substring.

        Every text of `min_chars` ASCII letters is asked (no proof of completeness can skip
        one), then each followed by a space, hyphen or apostrophe, then each followed by an
        accented letter some surname showed. A capped text q is settled by first names where its
        reply cannot show everyone called exactly q, which often proves all of q's matches
        known; otherwise it is extended by one character, and an extension is asked only if no
        part of it was answered in full (`_known`). Whoever contains q is then reached through
        the extension that follows q in their surname. Letters first seen late extend the texts
        settled before them too. The seed letters are asked after each ASCII letter even unseen,
        as a surname may be reachable through no other text ("Núñez": "nú").
        """
        m = max(1, self.min_chars)
        full: set[str] = set()  # texts every match of which is known
        asked: set[str] = set()
        caps: list[tuple[str, list[tuple[str, str]]]] = []
        extended: dict[str, set[str]] = {}  # capped text -> characters it was extended by
        letters_done: set[str] = set()

        def ask_all(texts: list[str]) -> None:
            for q in texts:
                q = self.fold(q)
                if q in asked or self._known(q, full, m):
                    continue
                asked.add(q)
                if len(q) > self.max_length:
                    raise LayoutChanged(f"still capped at {q!r}: cannot get under the cap")
                names = self.ask(q)
                (caps.append((q, names)) if self.capped(len(names)) else full.add(q))

        def accented_texts() -> list[str]:
            new = sorted(set(self._accented() + self._seeds()) - letters_done)
            letters_done.update(new)
            stems = [""] if m == 1 else list(ASCII)
            return [a + e for e in new for a in stems]

        def later_letters() -> list[str]:
            out = []
            for q, used in extended.items():
                for c in set(self._extensions()) - used:
                    used.add(c)
                    out.append(q + c)
            return out

        self.fixed = 26 * (1 if m == 1 else 29) + 26 * len(self._seeds() + self._accented())
        ask_all(list(ASCII) if m == 1 else [a + b for a in ASCII for b in ASCII])
        if m > 1:
            ask_all([a + c for a in ASCII for c in INSIDE])
        ask_all(accented_texts())
        while caps:
            while caps:
                settling, caps[:] = list(caps), []
                frontier: list[str] = []
                for q, names in settling:
                    if not self.capped(len(names)):  # the cap learned since says it was not
                        full.add(q)
                        continue
                    if not self._exact_proven(q, [f for f, _ in names]):
                        self.unshown_exact += len(q) == 2
                        if self._by_given(q):
                            full.add(q)
                            continue
                    chars = [c for c in self._extensions() if not (c == " " == q[-1])]
                    extended[q] = set(chars)
                    frontier += [q + c for c in chars]
                ask_all(accented_texts())
                ask_all(frontier)
            ask_all(accented_texts() + later_letters())
        return self.found

    def _accented(self) -> list[str]:
        """Accented letters seen in surnames, where search tells them apart."""
        if self.accents == "insensitive":
            return []
        return [c for c in sorted(self.surname_letters) if self.fold(c) == c]

    def _extensions(self) -> list[str]:
        return list(ASCII) + self._accented() + list(INSIDE)

    @staticmethod
    def _known(x: str, full: set[str], m: int) -> bool:
        """Whether some shorter part of x was answered in full: then so is x."""
        n = len(x)
        return any(x[i:j] in full for i in range(n) for j in range(i + m, n + 1) if j - i < n)

    def _exact_proven(self, q: str, families: list[str]) -> bool:
        """Whether a capped reply sorted by surname shows everyone whose surname is exactly q:
        its last row sorts after q."""
        keys = self._orders_of(families)
        return bool(keys) and all(key(families[-1]) > key(q) for key in keys)

    def _by_given(self, q: str) -> bool:
        """Everyone containing q, by first-name prefixes; whether that proved all of them known."""
        if self.first_min == 1:
            before = self.given_rows
            initials = sorted(c for c in self.given_initials if self.fold(c) == c)
            complete = [self._given_part(q, g) for g in list(ASCII) + initials]
            if self.given_rows > before:
                return all(complete)
            self.first_min = 2  # one-character first names refused too
        complete = [self._given_part(q, a + b) for a in ASCII for b in self.alphabet(first=False)]
        return all(complete)

    def _given_part(self, q: str, g: str) -> bool:
        names = self.ask(q, g)
        self.given_rows += len(names)
        if not self.capped(len(names)):
            return True
        if len(g) >= self.max_length:
            raise LayoutChanged(f"still {len(names)} rows for {q!r}, {g!r}: cannot separate them")
        if not self._exact_shown(q, g, names):
            for c in self._extensions():
                if not (c == " " == g[-1]):
                    self._given_part(q, g + c)
        return False


def extends(family: str, text: str) -> bool:
    """Whether a surname starts with the text asked, ignoring case, accents and punctuation."""
    return _bare(_nfc(family)).startswith(_bare(_nfc(text))) or _letters_key(family).startswith(
        _letters_key(text)
    )


def sorted_by_surname(families: list[str]) -> bool:
    """Whether a reply's surnames are in one of the orders a tenant's sort gives them."""
    return any(_in_order(key, [(f, "") for f in families]) for key in ORDERS)


def _ignores_accents(text: str, families: list[str]) -> bool:
    """Whether a reply to an accented text holds a surname that has it only without accents
    ("bà" answered with "Barker"): the tenant folds accents."""
    asked = _nfc(text)
    if asked == _bare(asked):
        return False
    return any(asked not in _nfc(f) and _bare(asked) in _bare(_nfc(f)) for f in families)


def requests_floor(
    listed: int,
    cap: int | None,
    min_chars: int,
    visible_practice: int,
    unshown_exact: int = 0,
    spaced: bool = False,
    accented_starts: int = 0,
) -> int:
    """The fewest requests a complete crawl could make: the searches no crawl can
    avoid, one detail per person and one practice request where practice details are shown.

    The searches: ceil(N / cap), or every start a proof of completeness must ask (26 x 26 where
    one-letter searches are refused) if that is more; plus, for each two-letter text whose capped
    reply cannot show the people called exactly that (`Drill.unshown_exact`: on a substring
    tenant "li" shows "Ali" to "Collins" first), one search per first-name initial, since the
    form has no narrower question that can show them and no complete crawl can skip one; where
    a tenant refuses "a " as too short (`Drill.spaced`), the 26 x 26 texts "a b" through which
    alone a family name whose first word is one letter can be reached; and on a tenant that
    matches by prefix, tells accented letters apart and refuses one letter, the two-letter starts
    or extensions holding an accented letter that no other text can stand for
    (`Drill.accented_starts`): "Bédard" is reachable through no text but one starting "bé", so no
    complete crawl can leave one out."""
    searches = search_floor(listed, cap, min_chars, unshown_exact, spaced) + accented_starts
    return 1 + searches + listed + visible_practice


def search_floor(
    listed: int, cap: int | None, min_chars: int, unshown_exact: int = 0, spaced: bool = False
) -> int:
    """The searches of `requests_floor` (but the accented starts)."""
    starts = 26 * 26 if min_chars >= 2 else 26
    searches = max(math.ceil(listed / cap) if cap else 1, starts) + 26 * unshown_exact
    return searches + (26 * 26 if spaced else 0)
