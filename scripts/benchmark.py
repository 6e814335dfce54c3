"""Benchmark: load, parse, and search a synthetic database of 1,000,000 registrations.

Measures, against the targets in BENCHMARKS.md:
  load     records/s through db.load.apply_run, and memory (resident, peak) as the input grows
  parse    records/s through the Alinity parsers on generated search replies
  sql      the search SQL straight on SQLite
  api      the search API in-process (ASGI, no network): p50 / p99 per query kind
  datasette every saved query and every configured facet through Datasette: p50 / p99 (250 ms)
  http     requests/s, p50 and p99 over HTTP on a realistic mix: thousands of distinct searches
           drawn from the database itself (surname prefixes as typed, surname and first name,
           cities weighted by the people practising there, city and kind, near a city within
           10-100 km) asked in a Zipf order (a few hot, a long tail); our API, Datasette's JSON
           for the same searches and the patient page for the same places, each with kept
           answers (as served) and without ($REGISTRY_ANSWERS=0). The earlier mix of 20 URLs
           asked over and over is kept as the best case, labelled so. With wrk (Debian's `wrk`;
           `apt-get install -y wrk`), 32 connections by default; without wrk, 4 Python clients

Usage: scripts/benchmark [--records N] [--db PATH] [--reuse] [--seconds S] [--only-build]
         [--only-http] [--only-datasette] [--connections C] [--searches N] [--workers N]
Only 127.0.0.1 is contacted. Results are printed as Markdown and saved as JSON beside the db.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import hashlib
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import httpx

from db import open_db
from db.load import apply_run, finish_run, start_run, sync_regulators
from registry.gazetteer import city_centre, gazetteer
from registry.lookup.search import match_expression, parse_query
from scrapers import alinity_pages
from scrapers.records import Authorization, Evidence, Location, Registration
from scrapers.sources import load_settings

ROOT = Path(__file__).resolve().parents[1]

FAMILIES = (
    (
        "Roberts Robert Robertson Robinson Robichaud Martin Marchand Martel Marshall Mason "
        "Nguyen Li Lin Liu Lim Smith Smyth Côté Cote Tremblay Gagnon Roy Bouchard Gauthier "
        "Morin Lavoie "
        "Fortin Gagné Ouellet Pelletier Bélanger Lévesque Bergeron Leblanc Paquette Girard Simard "
        "Boucher Caron Beaulieu Cloutier Dubé Poirier Fournier Patel Singh Sharma Kaur Gill Brar "
        "Sandhu Grewal Wang Zhang Chen Chan Wong Lee Kim Park Choi Brown Wilson Taylor Anderson "
        "Thompson White Harris Clark Lewis Walker Young King Wright Scott Green Baker Adams Nelson "
        "Hill Campbell Mitchell Carter Murphy O'Brien O'Neil D'Souza MacDonald MacLeod McDonald "
        "McKenzie Van der Berg Le Blanc Smith-Jones Santos Reyes Cruz Garcia Kowalski Kovalenko "
        "Shevchenko Bondarenko Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker"
    )
    .replace("Van der Berg", "Van_der_Berg")
    .replace("Le Blanc", "Le_Blanc")
    .split()
)
GIVEN = (
    "Alice Anne Anne-Marie Marie Jean Jean-François François Hélène Zoë José Robert Rob Mark "
    "Maria Mario Priya Raj Thi Minh Liam Noah Olivia Emma Sophie Lucas Ethan Ava Mia Chloé "
    "Gabriel Léa Nathan Félix Camille Samuel Harpreet Gurpreet Wei Jun Min Ji-woo Oksana Taras "
    "Andriy Olena Carlos Ana Miguel Rosa David Sarah Michael Jessica Daniel Emily James Laura"
).split()
CITIES = (
    "Calgary Edmonton Red_Deer Lethbridge Medicine_Hat Grande_Prairie Airdrie St._Albert "
    "Sherwood_Park Okotoks Cochrane Canmore Camrose Brooks Lacombe Toronto Ottawa Mississauga "
    "Hamilton London Kingston Montréal Québec Laval Gatineau Sherbrooke Trois-Rivières "
    "Vancouver Victoria Kelowna Surrey Burnaby Winnipeg Brandon Regina Saskatoon Halifax "
    "Dartmouth Sydney Moncton Fredericton Saint_John St._John's Charlottetown"
).split()
PROVINCE_OF = dict.fromkeys(CITIES[:15], "AB") | dict.fromkeys(CITIES[15:20], "ON")
PROVINCE_OF |= dict.fromkeys(CITIES[20:27], "QC") | dict.fromkeys(CITIES[27:32], "BC")
PROVINCE_OF |= {
    "Winnipeg": "MB",
    "Brandon": "MB",
    "Regina": "SK",
    "Saskatoon": "SK",
    "Halifax": "NS",
    "Dartmouth": "NS",
    "Sydney": "NS",
    "Moncton": "NB",
    "Fredericton": "NB",
    "Saint_John": "NB",
    "St._John's": "NL",
    "Charlottetown": "PE",
}
KINDS = [
    ("Using needles in practice", "needling", "restricted_activity_authorization"),
    ("Dry Needling", "dry_needling", "roster"),
    ("Acupuncture (including dry needling)", "acupuncture", "roster"),
    ("Intramuscular needling endorsement", "ims", "endorsement"),
]
PAGE = 25  # records per search reply, as on Alinity


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@functools.lru_cache(maxsize=4)
def listing_evidence(page: int) -> Evidence:
    """The search reply a record was listed in: one per PAGE records, shared by them."""
    return Evidence(
        "https://bench.invalid/client/PublicDirectory/Registrants",
        "2026-11-23T00:00:00Z",
        _digest(f"listing {page}"),
        "POST",
        f"querySID=1&prefix=p{page}",
    )


def person(i: int, rnd: random.Random) -> Registration:
    family = rnd.choice(FAMILIES).replace("_", " ")
    # Make the long tail of names realistic: most surnames are rare.
    if rnd.random() < 0.6:
        family = f"{family}{rnd.choice('aeiouy')}{rnd.choice('klmnrst')}{rnd.randrange(100)}"
    given = rnd.choice(GIVEN)
    city = rnd.choice(CITIES)
    status = "Practising" if rnd.random() < 0.93 else rnd.choice(["Suspended", "Non-Practising"])
    held = [Authorization(*rnd.choice(KINDS))] if rnd.random() < 0.45 else []
    profile = f"https://bench.invalid/Client/PublicDirectory/Registrant/bench-{i:08d}"
    return Registration(
        regulator="cpta",
        registrant_id=f"bench-{i:08d}",
        registration_number=str(100000 + i),
        name=f"{family}, {given}",
        family_name=family,
        given_names=given,
        category="General Register",
        status=status,
        status_class=alinity_pages.classify_standing(status),
        conditions=["Supervision"] if rnd.random() < 0.03 else [],
        profile_url=profile,
        authorizations=held,
        locations=[
            Location(
                f"{rnd.choice(FAMILIES)} Physiotherapy",
                f"{rnd.randrange(1, 9999)} Main Street",
                city.replace("_", " "),
                PROVINCE_OF[city],
                "T2P 1A1",
                "403-555-0100",
            )
        ],
        # As a real crawl gives them: the search reply is shared by the records it listed, and
        # each record has its own detail page (its own URL and hash).
        evidence={
            "listing": listing_evidence(i // PAGE),
            "detail": Evidence(profile, "2026-11-23T00:00:01Z", _digest(f"detail {i}")),
        },
    )


def rss_mb() -> float:
    """The process's peak resident memory so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def resident_mb() -> float:
    """The process's resident memory now (Linux), else its peak."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return rss_mb()
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def build(path: Path, count: int) -> dict:
    """Load `count` synthetic registrations in one run; sample memory as the input grows."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = open_db(path)
    sync_regulators(db, load_settings().sources.values())
    run_id = start_run(db, "cpta")
    # Locations are placed on the map as an import places them (registry/imports/importer.py),
    # at their city's centre. The gazetteer is read before the clock starts: about 0.6 s, once
    # per process whatever the register's size (it peaks at about 140 MB, 83 MB kept). The
    # samples give the resident memory beside the peak, which a reading before can set.
    gazetteer()
    rnd = random.Random(2026)
    samples = []
    generating = 0.0  # time spent making the synthetic input, not loading it
    started = time.perf_counter()

    def records():
        nonlocal generating
        for i in range(count):
            if i and i % (count // 4) == 0:
                samples.append(
                    {
                        "records": i,
                        "rss_mb": round(resident_mb()),
                        "peak_rss_mb": round(rss_mb()),
                        "seconds": round(time.perf_counter() - started - generating, 1),
                    }
                )
            made = time.perf_counter()
            record = person(i, rnd)
            generating += time.perf_counter() - made
            yield record

    counts = apply_run(db, "cpta", run_id, records(), locate=city_centre)
    seconds = time.perf_counter() - started - generating
    samples.append(
        {
            "records": count,
            "seconds": round(seconds, 1),
            "rss_mb": round(resident_mb()),
            "peak_rss_mb": round(rss_mb()),
        }
    )
    finish_run(
        db,
        run_id,
        "success",
        "benchmark",
        requests=0,
        errors=[],
        counts={"records_seen": counts.records_seen, "added": counts.added},
    )
    db.execute("analyze")
    db.close()
    return {
        "records": count,
        "seconds": round(seconds, 1),
        "generating_input_seconds": round(generating, 1),
        "records_per_second": round(count / seconds),
        "memory": samples,
    }


def parse_rate(count: int = 50_000) -> dict:
    """Alinity search replies (25 records each) -> listing fields, as the adapter parses them."""
    from emulators.alinity import alinity_json, search_record
    from emulators.people import alberta_physiotherapists

    people = alberta_physiotherapists(400, seed=1)
    replies = []
    for start in range(0, count, 25):
        batch = [search_record(people[(start + j) % len(people)]) for j in range(25)]
        body = "\ufeff" + alinity_json(
            {"EnableCaptcha": False, "SearchCriteria": [], "Records": batch}, indent=2
        )
        replies.append(body)
    started = time.perf_counter()
    parsed = 0
    for body in replies:
        for rec in alinity_pages.parse_search(body):
            alinity_pages.parse_listed_name(rec["rl"])
            alinity_pages.parse_list_items(rec["c"])
            alinity_pages.parse_address(rec["oa"])
            parsed += 1
    seconds = time.perf_counter() - started
    return {
        "records": parsed,
        "seconds": round(seconds, 2),
        "records_per_second": round(parsed / seconds),
    }


QUERIES = [
    ("prefix", {"q": "rob"}),
    ("prefix", {"q": "mar"}),
    ("prefix", {"q": "li"}),
    ("prefix", {"q": "ng"}),
    ("prefix", {"q": "jean"}),
    ("prefix", {"q": "mac"}),
    ("prefix", {"q": "s"}),
    ("prefix", {"q": "cote"}),
    ("full name", {"q": "roberts alice"}),
    ("full name", {"q": "nguyen thi"}),
    ("full name", {"q": "Côté Anne-Marie"}),
    ("full name", {"q": "o'brien liam"}),
    ("city", {"city": "Red Deer"}),
    ("city", {"city": "Calgary"}),
    ("city", {"city": "Montreal"}),
    ("city", {"city": "St. John's"}),
    ("kind filter", {"city": "Red Deer", "kind": "dry_needling"}),
    ("kind filter", {"city": "Toronto", "kind": "acupuncture"}),
    ("kind filter", {"q": "mar", "kind": "needling"}),
    ("kind filter", {"province": "QC", "kind": "ims"}),
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summarize(timings: dict[str, list[float]]) -> dict:
    everything = [t for ts in timings.values() for t in ts]
    out = {
        kind: {
            "p50_ms": round(statistics.median(ts), 2),
            "p99_ms": round(percentile(ts, 0.99), 2),
            "n": len(ts),
        }
        for kind, ts in timings.items()
    }
    out["all"] = {
        "p50_ms": round(statistics.median(everything), 2),
        "p99_ms": round(percentile(everything, 0.99), 2),
        "n": len(everything),
    }
    return out


def sql_latency(path: Path, rounds: int) -> dict:
    import sqlite3

    from registry.lookup.search import _COUNT, _PAGE

    conn = sqlite3.connect(path)
    timings: dict[str, list[float]] = {}
    for _ in range(rounds):
        for kind, params in QUERIES:
            expression = match_expression(parse_query(params))
            started = time.perf_counter()
            conn.execute(_PAGE, [expression, 0, 21]).fetchall()
            conn.execute(_COUNT, [expression, 1001]).fetchone()
            timings.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
    return summarize(timings)


LIMIT_MS = 250  # saved queries and facets, with a margin under Datasette's 1 s limit


def saved_query_params(path: Path) -> dict[str, list[dict]]:
    """Each saved query with parameters a researcher would use, including the slowest cases
    (every row, a date before any data, one registration by id and by number)."""
    import sqlite3

    conn = sqlite3.connect(path)
    rid, regulator, number = conn.execute(
        "select id, regulator_id, registration_number from registrations "
        "where rowid = (select max(rowid) / 2 from registrations)"
    ).fetchone()
    conn.close()
    one = {"regulator": "", "registration_number": "", "registration_id": rid}
    by_number = {"regulator": regulator, "registration_number": number, "registration_id": ""}
    everyone = {"regulator": "", "registration_id": "", "registration_number": ""}
    return {
        "authorizations_by_place": [
            {"province": "", "kind": ""},
            {"province": "ab", "kind": "dry_needling"},
        ],
        "grants_and_removals_per_month": [{"regulator": ""}, {"regulator": regulator}],
        "grants_and_removals_per_regulator": [
            {"since": "", "until": ""},
            {"since": "2026-01", "until": "2026-06"},
        ],
        "coverage_per_regulator": [{}],
        "registration_history": [one, by_number],
        "evidence_of_registration": [one, by_number],
        "state_as_of": [
            {"as_of": "2099-12-31", **everyone},
            {"as_of": "2000-01-01", **everyone},
            {"as_of": "2099-12-31", **everyone, "regulator": regulator},
            {"as_of": "2000-01-01", **everyone, "regulator": "nscp"},
            {"as_of": "2099-12-31", **one},
            {"as_of": "2099-12-31", **by_number},
        ],
    }


def datasette_latency(path: Path, rounds: int) -> dict:
    """Every saved query (metadata "queries") and every facet the metadata offers, through an
    in-process Datasette with the site's settings: p50 / p99 per case, against LIMIT_MS.

    Facets are asked one at a time (?_facet=column, no row count) on a copy of the metadata
    without configured facets, so that each time is that facet's; a facet Datasette gave up on
    (facet_time_limit_ms) counts as a failure."""
    from datasette.app import Datasette

    from db.dictionary import TABLES
    from registry.releases.metadata import build as metadata_build
    from registry.releases.metadata import regulator_rows
    from registry.settings import DATASETTE_SETTINGS

    migrated = open_db(path)  # brings an older benchmark database to the current schema
    migrated.close()
    metadata = metadata_build(regulator_rows(load_settings().sources.values()))
    for table in metadata["databases"]["registry"]["tables"].values():
        table.pop("facets", None)
    settings = {k: v for k, v in DATASETTE_SETTINGS.items() if k != "base_url"}
    ds = Datasette([str(path)], metadata=metadata, settings=settings)
    cases: list[tuple[str, str]] = []
    for name, variants in saved_query_params(path).items():
        for i, params in enumerate(variants):
            query = urlencode({**params, "_shape": "objects"})
            cases.append((f"query {name} #{i + 1}", f"/registry/{name}.json?{query}"))
    for table_name, table in TABLES.items():
        for facet in table.facets:
            if isinstance(facet, dict):
                ((kind, column),) = facet.items()
                arg = f"_facet_{kind}={column}"
            else:
                kind, column, arg = "column", facet, f"_facet={facet}"
            cases.append(
                (
                    f"facet {table_name}.{column}",
                    f"/registry/{table_name}.json?{arg}&_size=1&_nocount=1",
                )
            )

    async def go():
        await ds.invoke_startup()
        timings: dict[str, list[float]] = {}
        failures: dict[str, str] = {}
        for _ in range(rounds):
            for label, url in cases:
                started = time.perf_counter()
                response = await ds.client.get(url)
                timings.setdefault(label, []).append((time.perf_counter() - started) * 1000)
                body = response.json() if response.status_code == 200 else {}
                if response.status_code != 200:
                    failures[label] = f"{response.status_code}: {response.text[:200]}"
                elif body.get("facets_timed_out"):
                    failures[label] = f"facet timed out: {body['facets_timed_out']}"
        return timings, failures

    timings, failures = asyncio.run(go())
    out = summarize(timings)
    out.pop("all")
    over = sorted(label for label, t in out.items() if t["p99_ms"] > LIMIT_MS)
    return {"cases": out, "failures": failures, "over_limit_ms": LIMIT_MS, "over": over}


async def call(app, query: str) -> tuple[int, bytes]:
    """One GET through the ASGI app, no client library in between: the app's own time."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/api/search",
        "raw_path": b"/api/search",
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"bench")],
        "client": ("127.0.0.1", 1),
        "server": ("bench", 80),
    }
    status, body = 0, []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            body.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(body)


def api_latency(path: Path, rounds: int) -> dict:
    from registry.web.app import create_app

    app = create_app(path)
    timings: dict[str, list[float]] = {}

    async def go():
        async with app.router.lifespan_context(app):
            for _ in range(2):  # warm up
                for _, params in QUERIES:
                    await call(app, urlencode(params))
            for _ in range(rounds):
                for kind, params in QUERIES:
                    started = time.perf_counter()
                    status, body = await call(app, urlencode(params))
                    elapsed = (time.perf_counter() - started) * 1000
                    assert status == 200, body
                    timings.setdefault(kind, []).append(elapsed)

    asyncio.run(go())
    return summarize(timings)


def datasette_url(database: str, params: dict) -> str:
    """Datasette's JSON for the same search: our match expression, 20 rows, in rowid order,
    with its facets and its (uncapped) count turned off, so it does no more work than we do."""
    expression = match_expression(parse_query(params))
    query = {
        "_search": expression,
        "_searchmode": "raw",
        "_size": "20",
        "_nofacet": "1",
        "_nocount": "1",
        "_shape": "objects",
    }
    return f"/{database}/directory.json?" + urlencode(query)


def api_url(params: dict) -> str:
    return "/api/search?" + urlencode(params)


def wait_for(url: str, seconds: float = 180, workers: int = 1) -> None:
    """Until `url` answers; with several workers, until each has: `registry serve` listens on
    a socket per worker from the start, and a connection the kernel gives to a worker still
    starting waits for it. So 8 requests a worker, each on a new connection, are answered once
    every worker is up; that all of them reached the same one of two workers has a chance of 1
    in 32,768."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        raise RuntimeError(f"{url} did not come up")
    for _ in range(8 * workers if workers > 1 else 0):
        httpx.get(url, timeout=max(1.0, deadline - time.monotonic()))


def throughput(base: str, urls: list[str], seconds: float, workers: int = 4) -> dict:
    """Requests/s from `workers` keep-alive clients cycling through `urls` for `seconds`."""
    done = []
    errors = []
    stop = time.monotonic() + seconds

    def worker(offset: int):
        count = 0
        with httpx.Client(base_url=base, timeout=30) as client:
            i = offset
            while time.monotonic() < stop:
                response = client.get(urls[i % len(urls)])
                if response.status_code != 200:
                    errors.append(response.status_code)
                count += 1
                i += 1
        done.append(count)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(workers)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    return {
        "requests": sum(done),
        "seconds": round(elapsed, 1),
        "requests_per_second": round(sum(done) / elapsed),
        "errors": len(errors),
    }


# Near-city searches (the gazetteer and the distance cursor) and the patient page, API side only:
# Datasette has no equivalent.
NEAR = [
    {"near": "Red Deer", "km": "50"},
    {"near": "Montreal", "km": "25"},
    {"near": "Calgary", "km": "100"},
    {"near": "Halifax", "km": "50", "kind": "needling"},
]
PATIENT_PAGES = [
    {"city": "Red Deer"},
    {"q": "rob"},
    {"city": "Red Deer", "within": "50"},
    {"city": "Montréal", "lang": "fr"},
]

_WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    e.status, e.connect + e.read + e.write + e.timeout, latency:percentile(50),
    latency:percentile(99)))
end
"""


def wrk_throughput(base: str, urls: list[str], seconds: float, connections: int) -> dict:
    """Requests/s from wrk with `connections` keep-alive connections cycling through `urls`."""
    paths = ", ".join(json.dumps(u) for u in urls)  # JSON strings are valid Lua strings here
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_WRK_SCRIPT % paths)
    try:
        out = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "30s"]
            + ["-s", script.name, base],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    line = next(row for row in out.splitlines() if row.startswith("RESULT "))
    requests, micros, status_errors, socket_errors, p50, p99 = map(int, line.split()[1:])
    return {
        "tool": f"wrk, {connections} connections",
        "requests": requests,
        "seconds": round(micros / 1e6, 1),
        "requests_per_second": round(requests / (micros / 1e6)),
        "errors": status_errors + socket_errors,
        "p50_ms": round(p50 / 1000, 1),
        "p99_ms": round(p99 / 1000, 1),
    }


def measure(base: str, urls: list[str], seconds: float, connections: int) -> dict:
    # Warm (the gazetteer loads on the first near search, each thread opens its connection),
    # and check: a redirect or an error would be measured as fast. The first 500 distinct URLs
    # (the hottest of a Zipf order among them): wrk counts any other answer but a 200 as an error.
    for url in list(dict.fromkeys(urls))[:500]:
        answer = httpx.get(base + url, timeout=120)
        if answer.status_code != 200:
            raise RuntimeError(f"{base}{url} answered {answer.status_code}, not 200")
    if shutil.which("wrk"):
        return wrk_throughput(base, urls, seconds, connections)
    return {"tool": "4 Python clients (wrk not installed)", **throughput(base, urls, seconds)}


# The realistic mix: what a day's searches look like, drawn from the database itself.
MIX = (  # (kind, share of the distinct searches)
    ("surname prefix", 0.35),
    ("surname and first name", 0.15),
    ("city", 0.25),
    ("city and kind", 0.15),
    ("near a city", 0.10),
)
NEAR_KM = (10, 25, 50, 100)  # kilometres, as the page offers them (within=)
SEARCH_KINDS = ("needling", "dry_needling", "acupuncture", "ims")


def realistic_searches(path: Path, count: int, seed: int = 27) -> list[tuple[str, dict]]:
    """`count` distinct searches (kind, API parameters) drawn from the database: surnames and
    first names of random registrations, a surname's prefix as typed (3 letters up to the whole
    name), and cities weighted by how many people practise there."""
    import sqlite3

    rnd = random.Random(seed)
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    top = conn.execute("select max(rowid) from registrations").fetchone()[0] or 0
    places = conn.execute(
        "select city, count(*) from directory where city is not null and city != '' "
        "and on_register group by city"
    ).fetchall()

    def someone() -> tuple[str, str]:
        """A registration's surname and first given name, at random."""
        while True:
            row = conn.execute(
                "select family_name, given_names from registrations where rowid >= ? "
                "and family_name != '' order by rowid limit 1",
                [rnd.randint(1, top)],
            ).fetchone()
            if row:
                return row[0], (row[1] or "").split(" ")[0]

    cities = [city for city, _ in places]
    weights = [people for _, people in places]

    def a_city() -> str:
        return rnd.choices(cities, weights)[0]

    def draw(kind: str) -> dict:
        if kind == "surname prefix":
            family, _ = someone()
            return {"q": family[: rnd.randint(min(3, len(family)), len(family))]}
        if kind == "surname and first name":
            family, given = someone()
            return {"q": f"{family} {given}".strip()}
        if kind == "city":
            return {"city": a_city()}
        if kind == "city and kind":
            return {"city": a_city(), "kind": rnd.choice(SEARCH_KINDS)}
        return {"near": a_city(), "km": str(rnd.choice(NEAR_KM))}

    found: dict[str, tuple[str, dict]] = {}
    try:
        for kind, share in MIX:
            wanted = len(found) + round(count * share)
            tries = 0
            while len(found) < wanted and tries < count * 50:
                tries += 1
                params = draw(kind)
                found.setdefault(api_url(params), (kind, params))
        # A database with few places (the synthetic one has 44 cities) has fewer distinct place
        # searches than their share: names, of which there are many, make up the rest.
        names = ("surname prefix",) * 7 + ("surname and first name",) * 3
        tries = 0
        while len(found) < count and tries < count * 50:
            tries += 1
            kind = rnd.choice(names)
            params = draw(kind)
            found.setdefault(api_url(params), (kind, params))
    finally:
        conn.close()
    searches = list(found.values())
    rnd.shuffle(searches)  # the order of popularity: any search may be the hot one
    return searches


def zipf_order(items: list, requests: int, seed: int = 27, exponent: float = 1.0) -> list:
    """`requests` draws from `items`, the i-th (from 1) with a weight of 1 / i^exponent: a few
    asked again and again, most once or never in a run."""
    rnd = random.Random(seed)
    weights = [1 / (rank**exponent) for rank in range(1, len(items) + 1)]
    return rnd.choices(items, weights, k=requests)


def page_params(params: dict) -> dict:
    """The patient page's form for a place search of the API (city, kind, near and km)."""
    if "near" in params:
        return {"city": params["near"], "within": params["km"]}
    return {k: v for k, v in params.items() if k in ("city", "kind")}


def realistic_urls(path: Path, database: str, count: int, requests: int) -> dict:
    """The realistic mix as URLs, in one Zipf order: the API's, Datasette's JSON for the same
    searches (near a city has no Datasette equivalent: left out of its mix), and the patient
    page for the same places (the mix's place searches)."""
    searches = realistic_searches(path, count)
    order = zipf_order(searches, requests)
    return {
        "distinct": len(searches),
        "kinds": {kind: sum(1 for k, _ in searches if k == kind) for kind, _ in MIX},
        "api": [api_url(p) for _, p in order],
        "datasette": [datasette_url(database, p) for _, p in order if "near" not in p],
        "page": ["/?" + urlencode(page_params(p)) for _, p in order if "q" not in p],
    }


def serve_api(path: Path, port: int, answers: str, workers: int = 1) -> subprocess.Popen:
    """The site as `registry serve` runs it (uvicorn, with uvloop and httptools; several
    workers each on a listening socket of its own), keeping `answers` whole answers ("0": none,
    so that every request does the work), with `workers` processes. Served as a read replica:
    the public reads, which are what is measured, and no limited route, so that several
    workers need no shared store."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "REGISTRY_ANSWERS": answers}
    return subprocess.Popen(
        [sys.executable, "-m", "registry", "serve", "--replica", "--db", str(path)]
        + ["--port", str(port), "--workers", str(workers)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )


def http_comparison(
    path: Path,
    seconds: float,
    connections: int = 32,
    searches: int = 4000,
    workers: int = 1,
    best_case: bool = True,
) -> dict:
    """Our API and pages, with kept answers (as served) and without (every request does its
    work), against Datasette's JSON: on the realistic mix, and (`best_case`) on the 20 URLs
    asked over and over."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    bin_dir = Path(sys.executable).parent
    api = serve_api(path, 8765, "", workers)  # "": the site's default (SiteSettings.answers)
    plain = serve_api(path, 8767, "0", workers)
    datasette = subprocess.Popen(
        [
            str(bin_dir / "datasette"),
            "serve",
            "-i",
            str(path),
            "--port",
            "8766",
            "--setting",
            "sql_time_limit_ms",
            "5000",
            "--setting",
            "num_sql_threads",
            "3",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    results: dict = {}
    try:
        wait_for("http://127.0.0.1:8765/api/openapi.json", workers=workers)
        wait_for("http://127.0.0.1:8767/api/openapi.json", workers=workers)
        wait_for(f"http://127.0.0.1:8766/{path.stem}.json")
        theirs_base = "http://127.0.0.1:8766"
        # datasette-hashed-urls (installed for releases) redirects an immutable database's
        # pages to its content-hashed name: ask that name, as a client following it would.
        named = httpx.get(f"{theirs_base}/{path.stem}.json", follow_redirects=True, timeout=60)
        database = named.url.path.strip("/").removesuffix(".json")
        mix = realistic_urls(path, database, searches, requests=max(20_000, 5 * searches))
        results["realistic"] = realistic = {
            "distinct_searches": mix["distinct"],
            "kinds": mix["kinds"],
            "workers": workers,
        }
        print(f"realistic mix: {mix['distinct']:,} distinct searches {mix['kinds']}", flush=True)
        realistic["datasette"] = measure(theirs_base, mix["datasette"], seconds, connections)
        for suffix, base in (("", "http://127.0.0.1:8765"), ("_uncached", "http://127.0.0.1:8767")):
            realistic[f"api{suffix}"] = measure(base, mix["api"], seconds, connections)
            realistic[f"patient_page{suffix}"] = measure(base, mix["page"], seconds, connections)
            print(json.dumps({k: v for k, v in realistic.items() if k != "kinds"}), flush=True)
        # Datasette again, last: this machine's speed drifts over minutes, so the ratios are to
        # the mean of Datasette's two runs, one before ours and one after (ratios()).
        realistic["datasette_after"] = measure(theirs_base, mix["datasette"], seconds, connections)
        if best_case:
            results["best_case_20_urls"] = best = {}
            best["datasette"] = measure(
                theirs_base, [datasette_url(database, p) for _, p in QUERIES], seconds, connections
            )
            best["datasette"]["database"] = database
            twenty = [api_url(p) for _, p in QUERIES]
            for suffix, base in (
                ("", "http://127.0.0.1:8765"),
                ("_uncached", "http://127.0.0.1:8767"),
            ):
                best[f"api{suffix}"] = measure(base, twenty, seconds, connections)
                best[f"api_near{suffix}"] = measure(
                    base, [api_url(p) for p in NEAR], seconds, connections
                )
                best[f"patient_page{suffix}"] = measure(
                    base, ["/?" + urlencode(p) for p in PATIENT_PAGES], seconds, connections
                )
    finally:
        for process in (api, plain, datasette):
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
    for mix in (results.get("realistic"), results.get("best_case_20_urls")):
        if mix:
            mix["x_datasette"] = ratios(mix)
    return results


def ratios(mix: dict) -> dict[str, float]:
    """Each run's requests/s as a multiple of Datasette's: of the mean of its runs before and
    after ours where it ran twice (`datasette_after`), else of its one run."""
    runs = [mix[name] for name in ("datasette", "datasette_after") if name in mix]
    theirs = max(1.0, sum(run["requests_per_second"] for run in runs) / len(runs))
    return {
        name: round(figures["requests_per_second"] / theirs, 2)
        for name, figures in mix.items()
        if isinstance(figures, dict) and "requests_per_second" in figures
    }


def table(mix: dict) -> str:
    """A mix's figures as the Markdown table BENCHMARKS.md records."""
    rows = [
        ("API as served (kept answers)", "api"),
        ("API computed afresh", "api_uncached"),
        ("API near a city (4 URLs)", "api_near"),
        ("API near a city, afresh (4 URLs)", "api_near_uncached"),
        ("Datasette, same searches", "datasette"),
        ("Datasette again, after ours", "datasette_after"),
        ("patient page as served", "patient_page"),
        ("patient page computed afresh", "patient_page_uncached"),
    ]
    lines = ["| | req/s | p50 | p99 | x Datasette |", "|---|---|---|---|---|"]
    for label, name in rows:
        if name in mix:
            f = mix[name]
            lines.append(
                f"| {label} | {f['requests_per_second']} | {f.get('p50_ms', '-')} ms | "
                f"{f.get('p99_ms', '-')} ms | {mix['x_datasette'][name]} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "registry.db")
    parser.add_argument("--reuse", action="store_true", help="keep an existing benchmark db")
    parser.add_argument("--rounds", type=int, default=50, help="rounds of the query mix")
    parser.add_argument("--seconds", type=float, default=15, help="per HTTP throughput run")
    parser.add_argument(
        "--connections", type=int, default=32, help="wrk's keep-alive connections per HTTP run"
    )
    parser.add_argument(
        "--searches", type=int, default=4000, help="distinct searches in the realistic mix"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="uvicorn workers serving the site (HTTP runs; default: every core)",
    )
    parser.add_argument(
        "--no-best-case", action="store_true", help="skip the 20-URL best case (HTTP runs)"
    )
    parser.add_argument(
        "--only-http",
        action="store_true",
        help="measure only the HTTP throughput (after building or with --reuse)",
    )
    parser.add_argument(
        "--only-datasette",
        action="store_true",
        help="measure only the saved queries and facets (after building or with --reuse)",
    )
    parser.add_argument(
        "--only-build", action="store_true", help="build the database, measure nothing"
    )
    args = parser.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    results = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "load_average": os.getloadavg(),  # other work on the machine while it ran
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "sqlite": __import__("sqlite3").sqlite_version,
        },
    }
    if not (args.reuse and args.db.exists()):
        print(f"building {args.records:,} registrations ...", flush=True)
        results["load"] = build(args.db, args.records)
        print(json.dumps(results["load"]), flush=True)
    if args.only_build:
        return
    if args.only_http:
        results["http"] = http(args)
        print(json.dumps(results["http"], indent=1), flush=True)
        out = args.db.with_suffix(".http.json")
        out.write_text(json.dumps(results, indent=2))
        print(f"saved {out}")
        return
    if args.only_datasette:
        results["datasette"] = datasette_latency(args.db, max(1, args.rounds // 5))
        print(json.dumps(results["datasette"], indent=1), flush=True)
        out = args.db.with_suffix(".datasette.json")
        out.write_text(json.dumps(results, indent=2))
        print(f"saved {out}")
        return
    results["parse"] = parse_rate()
    print(json.dumps(results["parse"]), flush=True)
    results["sql"] = sql_latency(args.db, args.rounds)
    print(json.dumps(results["sql"]["all"]), flush=True)
    results["datasette"] = datasette_latency(args.db, max(1, args.rounds // 5))
    print(json.dumps(results["datasette"], indent=1), flush=True)
    results["api"] = api_latency(args.db, args.rounds)
    print(json.dumps(results["api"]), flush=True)
    results["http"] = http(args)
    print(json.dumps(results["http"]), flush=True)
    out = args.db.with_suffix(".results.json")
    out.write_text(json.dumps(results, indent=2))
    print(f"saved {out}")


def http(args) -> dict:
    """The HTTP runs, printed as the tables BENCHMARKS.md records."""
    open_db(args.db).close()  # a database kept from an older version: its schema brought up to date
    results = http_comparison(
        args.db,
        args.seconds,
        args.connections,
        searches=args.searches,
        workers=args.workers,
        best_case=not args.no_best_case,
    )
    results["load_average_after"] = os.getloadavg()
    print("\nRealistic mix (Zipf order over distinct searches):\n" + table(results["realistic"]))
    if "best_case_20_urls" in results:
        print("\nBest case: 20 URLs asked over and over:\n" + table(results["best_case_20_urls"]))
    return results


if __name__ == "__main__":
    main()
