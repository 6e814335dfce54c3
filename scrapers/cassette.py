"""Cassettes: every HTTP exchange of a preflight or an import, saved as a HAR 1.2 file (the format
browsers' developer tools read and write), replayed with no network, and anonymised.

`Recorder` is given to a PoliteClient as `on_exchange`; `CassetteTransport` answers a client's
requests from a cassette, in the order they were recorded; `anonymise` replaces every person in a
cassette with a synthetic one of the same shape, keeping every byte of the layout otherwise, so that
a cassette recorded on a live register can become a test fixture without copying real people.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import unicodedata
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, quote_plus

import httpx

from scrapers.records import Registration

HAR_CREATOR = {"name": "needling-registry", "version": "0.1"}


class CassetteError(Exception):
    """A cassette that cannot be read or does not hold a request; the message says which."""


@dataclass(frozen=True)
class Exchange:
    method: str
    url: str
    request_body: bytes
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    started: str  # ISO 8601 UTC

    def key(self) -> tuple[str, str, bytes]:
        return (self.method, self.url, self.request_body)


class Recorder:
    """Collects exchanges as a PoliteClient makes them (pass `recorder.add` as `on_exchange`)."""

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []

    def add(self, response: httpx.Response) -> None:
        request = response.request
        self.exchanges.append(
            Exchange(
                request.method,
                str(request.url),
                request.content,
                response.status_code,
                list(response.headers.multi_items()),
                response.content,
                datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            )
        )

    def save(self, path: Path) -> Path:
        write(path, self.exchanges)
        return path


def write(path: Path, exchanges: Iterable[Exchange]) -> None:
    """A HAR 1.2 log; bodies base64-encoded, so that they come back byte for byte."""
    entries = []
    for e in exchanges:
        headers = [{"name": k, "value": v} for k, v in e.headers]
        content_type = next((v for k, v in e.headers if k.lower() == "content-type"), "")
        request: dict = {
            "method": e.method,
            "url": e.url,
            "httpVersion": "HTTP/1.1",
            "headers": [],
            "queryString": [],
            "cookies": [],
            "headersSize": -1,
            "bodySize": len(e.request_body),
        }
        if e.request_body:
            request["postData"] = {
                "mimeType": "application/x-www-form-urlencoded",
                "text": e.request_body.decode("utf-8", errors="replace"),
                "_base64": base64.b64encode(e.request_body).decode("ascii"),
            }
        entries.append(
            {
                "startedDateTime": e.started,
                "time": 0,
                "request": request,
                "response": {
                    "status": e.status,
                    "statusText": "",
                    "httpVersion": "HTTP/1.1",
                    "headers": headers,
                    "cookies": [],
                    "content": {
                        "size": len(e.body),
                        "mimeType": content_type,
                        "text": base64.b64encode(e.body).decode("ascii"),
                        "encoding": "base64",
                    },
                    "redirectURL": "",
                    "headersSize": -1,
                    "bodySize": len(e.body),
                },
                "cache": {},
                "timings": {"send": 0, "wait": 0, "receive": 0},
            }
        )
    document = {"log": {"version": "1.2", "creator": HAR_CREATOR, "entries": entries}}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False), encoding="utf-8")


def read(path: Path) -> list[Exchange]:
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["log"]["entries"]
        out = []
        for entry in entries:
            request, response = entry["request"], entry["response"]
            post = request.get("postData") or {}
            if "_base64" in post:
                sent = base64.b64decode(post["_base64"])
            else:
                sent = post.get("text", "").encode("utf-8")
            content = response.get("content") or {}
            text = content.get("text", "")
            body = (
                base64.b64decode(text)
                if content.get("encoding") == "base64"
                else text.encode("utf-8")
            )
            out.append(
                Exchange(
                    request["method"],
                    request["url"],
                    sent,
                    int(response["status"]),
                    [(h["name"], h["value"]) for h in response.get("headers", [])],
                    body,
                    entry.get("startedDateTime", ""),
                )
            )
        return out
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise CassetteError(f"{path} is not a HAR cassette we can read: {e}") from None


class CassetteTransport(httpx.BaseTransport):
    """Answers each request with the next recorded answer to the same request (method, URL and
    body), repeating the last one once they are used up; a request never recorded is an error, or
    a 404 when `lenient`."""

    def __init__(self, exchanges: Iterable[Exchange], *, lenient: bool = False) -> None:
        self.answers: dict[tuple, deque[Exchange]] = defaultdict(deque)
        for e in exchanges:
            self.answers[e.key()].append(e)
        self.lenient = lenient
        self.missed: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        queue = self.answers.get((request.method, str(request.url), request.content))
        if not queue:
            self.missed.append(f"{request.method} {request.url}")
            if self.lenient or request.url.path == "/robots.txt":
                return httpx.Response(404, content=b"not in the cassette", request=request)
            raise CassetteError(
                f"the cassette holds no answer to {request.method} {request.url} "
                f"{request.content[:120]!r}"
            )
        found = queue.popleft() if len(queue) > 1 else queue[0]
        headers = [
            (k, v)
            for k, v in found.headers
            if k.lower() not in ("content-encoding", "transfer-encoding", "content-length")
        ]
        return httpx.Response(found.status, headers=headers, content=found.body, request=request)


# ---------------------------------------------------------------- anonymising

# Words of addresses and clinic names that identify nobody; everything else a record holds about
# a person is replaced.
KEEP = {
    w.casefold()
    for w in (
        "street st avenue ave road rd drive dr boulevard blvd way lane crescent court ct place "
        "suite unit floor box po north south east west ne nw se sw main trail highway hwy "
        "physiotherapy physio physical therapy therapist clinic clinique centre center health "
        "sports rehab rehabilitation wellness medical and the of de du des la le et inc ltd "
        "canada alberta ontario quebec québec rue chemin boul college city town village "
        "physiotherapists practice register public group associates"
    ).split()
}
WORD = re.compile(r"\w+", re.UNICODE)
# An email address a register publishes (iMIS profiles show one) identifies a person although no
# adapter reads it: its words are replaced too. Top-level domains identify nobody.
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
TOP_LEVEL = {"com", "ca", "org", "net", "info", "biz", "edu", "gov", "us", "test", "mailto"}
HEX = re.compile(r"[0-9a-fA-F]+")


def personal_words(records: Iterable[Registration]) -> set[str]:
    """Every word by which a record identifies a person: names, numbers, ids, street addresses,
    postal codes, phones, clinic names (clinics are often named after their owner)."""
    words: set[str] = set()
    for r in records:
        fields = [r.name, r.family_name, r.given_names, r.registration_number, r.registrant_id]
        for loc in r.locations:
            fields += [loc.organization, loc.address, loc.postal_code, loc.phone]
        for value in fields:
            for word in WORD.findall(value or ""):
                # Short numbers (a street number, an area code) identify nobody and would clash
                # with every other number in a page.
                short = len(word) < 4 if word.isdigit() else len(word) < 2
                if word.casefold() not in KEEP and not short:
                    words.add(word)
    return words


def email_words(exchanges: Iterable[Exchange]) -> set[str]:
    """The words of every email address in the exchanges' response bodies, top-level domains
    and short words aside."""
    words: set[str] = set()
    for e in exchanges:
        for address in EMAIL.findall(e.body.decode("utf-8", errors="replace")):
            words.update(
                w for w in WORD.findall(address) if len(w) >= 2 and w.casefold() not in TOP_LEVEL
            )
    return words


def _same_shape(word: str, key: bytes) -> str:
    """A synthetic word of the same shape: each letter a letter of the same case and UTF-8 length,
    each digit a digit; derived from a secret key, so it cannot be reversed."""
    stream = hmac.new(key, word.encode("utf-8"), hashlib.sha256).digest()
    # Pieces of GUIDs and other hexadecimal ids stay hexadecimal, so that they still parse.
    hexadecimal = bool(HEX.fullmatch(word))
    out = []
    for i, ch in enumerate(word):
        n = stream[i % len(stream)] + i
        if ch.isdigit():
            out.append("0123456789"[n % 10])
        elif ch.isalpha() and ch.isascii():
            letters = "abcdef" if hexadecimal else "abcdefghijklmnopqrstuvwxyz"
            pick = letters[n % len(letters)]
            out.append(pick.upper() if ch.isupper() else pick)
        elif ch.isalpha() and len(ch.encode("utf-8")) == 2:
            accented = "àâäçèéêëîïôöùûüÿ" if ch.islower() else "ÀÂÄÇÈÉÊËÎÏÔÖÙÛÜ"
            out.append(accented[n % len(accented)])
        else:
            out.append(ch)  # other scripts' letters and marks stay: their byte length is theirs
    return "".join(out)


def _spellings(word: str) -> Iterable[str]:
    """How a word can appear in a body: as is, HTML-escaped accents, JSON-escaped, URL-encoded."""
    yield word
    if not word.isascii():
        yield "".join(f"\\u{ord(c):04x}" if ord(c) > 127 else c for c in word)
        yield "".join(f"&#{ord(c)};" if ord(c) > 127 else c for c in word)
        yield quote(word)
        yield quote_plus(word)
        yield unicodedata.normalize("NFD", word)


def mapping(words: Iterable[str], key: bytes | None = None) -> dict[str, str]:
    """Real spelling -> synthetic spelling of the same length, for every spelling of every word."""
    key = key or secrets.token_bytes(32)
    out: dict[str, str] = {}
    for word in words:
        fake = _same_shape(word, key)
        for real, synthetic in zip(_spellings(word), _spellings(fake), strict=True):
            # A spelling whose synthetic twin differs in length (a letter that decomposes in NFD
            # against one that does not) is left out rather than shift the layout.
            if real != synthetic and len(real.encode()) == len(synthetic.encode()):
                out.setdefault(real, synthetic)
    return out


def _replace(text: str, table: dict[str, str]) -> str:
    if not table:
        return text
    words = "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)({words})(?!\w)")
    return pattern.sub(lambda m: table[m.group(1)], text)


def anonymise(exchanges: list[Exchange], records: Iterable[Registration]) -> list[Exchange]:
    """The cassette with every personal word of `records` replaced, in URLs, request bodies and
    response bodies, by a synthetic word of the same shape; nothing else changes."""
    table = mapping(personal_words(records) | email_words(exchanges))
    out = []
    for e in exchanges:
        body = e.body
        try:
            body = _replace(e.body.decode("utf-8"), table).encode("utf-8")
        except UnicodeDecodeError:
            pass  # binary: nothing of a person's that we can find
        url = httpx.URL(e.url)
        origin = str(url.copy_with(raw_path=b"/"))[:-1]  # scheme, host and port stay as they are
        out.append(
            Exchange(
                e.method,
                origin + _replace(e.url[len(origin) :], table),
                _replace(e.request_body.decode("utf-8", errors="surrogateescape"), table).encode(
                    "utf-8", errors="surrogateescape"
                ),
                e.status,
                e.headers,
                body,
                e.started,
            )
        )
    return out
