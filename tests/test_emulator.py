"""The Alinity emulator over real HTTP on 127.0.0.1, and the synthetic population it serves."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter

import httpx
import pytest

from emulators.alinity import (
    BOM,
    CNDA_KEYS,
    CPTBC_KEYS,
    AlinityEmulator,
    Tenant,
    format_address,
    render_search,
    search,
)
from emulators.people import (
    CANCELLED,
    COURTESY,
    GENERAL,
    NEEDLES,
    NON_PRACTISING,
    PRACTISING,
    PROVISIONAL,
    SUSPENDED,
    Location,
    Person,
    alberta_physiotherapists,
)

SHELL = "/client/publicdirectory"
SEARCH = "/client/PublicDirectory/Registrants"
RECORD_KEYS = ["rg", "rl", "prl", "irc", "sid", "c", "atlr", "cv", "pdcv", "oa"]


@pytest.fixture(scope="module")
def people() -> list[Person]:
    return alberta_physiotherapists()


@pytest.fixture(scope="module")
def emulator(people):
    with AlinityEmulator(people) as emulator:
        yield emulator


@pytest.fixture
def client(emulator):
    with httpx.Client(base_url=emulator.base_url, timeout=5) as client:
        assert client.get(SHELL).status_code == 200
        yield client


def query(first: str = "", last: str = "", number: str = "", sid: str = "1002") -> dict:
    def parameter(field_id: str, value: str) -> dict:
        return {"ID": field_id, "Value": value, "ValueLabel": value or "[not entered]"}

    parameters = [
        parameter("TextOptionA", first),
        parameter("TextOptionB", last),
        parameter("TextOptionC", number),
    ]
    return {"querySID": sid, "queryParameters": json.dumps({"Parameter": parameters})}


def records(client: httpx.Client, **kwargs: str) -> list[dict]:
    reply = client.post(SEARCH, data=query(**kwargs))
    assert reply.status_code == 200, reply.text
    return json.loads(reply.content.decode("utf-8-sig"))["Records"]


def registrant_literal(page: str) -> dict:
    match = re.search(r"var registrant = (\{.*?\});\s*</script>", page, re.S)
    assert match, page
    return json.loads(match.group(1))


def by_name(people: list[Person], family: str, given: str) -> Person:
    return next(p for p in people if (p.family_name, p.given_names) == (family, given))


# ---- shell page and session ------------------------------------------------------------------


def test_shell_page_has_query_sid_fields_and_sets_session_cookie(emulator):
    reply = httpx.get(emulator.base_url + "/Client/PublicDirectory", timeout=5)
    assert reply.status_code == 200
    assert '<input type="hidden" id="querySID" value="1002" />' in reply.text
    assert re.fullmatch(
        r"ASP\.NET_SessionId=[0-9a-f]{24}; path=/; HttpOnly", reply.headers["set-cookie"]
    )
    literal = re.search(r"_plugin\.initializeForm\((\{.*?\})\);", reply.text).group(1)
    fields = json.loads(literal)["Parameter"]
    assert [(f["ID"], f["Label"]) for f in fields] == [
        ("TextOptionA", "First Name"),
        ("TextOptionB", "Last Name"),
        ("TextOptionC", "Registration #"),
    ]


def test_search_needs_the_session_cookie_the_shell_page_issued(emulator):
    with httpx.Client(base_url=emulator.base_url, timeout=5) as fresh:
        assert fresh.post(SEARCH, data=query(last="Nguyen")).status_code == 403
        fresh.cookies.set("ASP.NET_SessionId", "made-up")
        assert fresh.post(SEARCH, data=query(last="Nguyen")).status_code == 403
        fresh.cookies.clear()
        fresh.get(SHELL)
        assert fresh.post(SEARCH, data=query(last="Nguyen")).status_code == 200


def test_bad_query_sid_is_400_and_malformed_parameters_500(client):
    assert client.post(SEARCH, data=query(last="Li", sid="1003")).status_code == 400
    assert client.post(SEARCH, data={"queryParameters": "{}"}).status_code == 400
    broken = client.post(SEARCH, data={"querySID": "1002", "queryParameters": '{"Parameter":['})
    assert broken.status_code == 500


# ---- search ------------------------------------------------------------------------------


def test_broad_search_is_capped_at_25_with_the_platform_encoding(client, people):
    reply = client.post(SEARCH, data=query())
    assert reply.headers["content-type"] == "application/json; charset=utf-8"
    assert reply.content.startswith(BOM)
    assert b"\\u003Cbr/\\u003EPhysiotherapist" in reply.content
    assert b"<" not in reply.content and b">" not in reply.content
    data = json.loads(reply.content.decode("utf-8-sig"))
    assert data["EnableCaptcha"] is False and data["SearchCriteria"] == []
    assert len(data["Records"]) == 25
    assert all(list(r) == RECORD_KEYS for r in data["Records"])
    assert [r["rg"] for r in data["Records"]] == [p.rg for p in search(people)]


def test_record_shape_and_visibility_flags(client, people):
    person = next(
        p
        for p in people
        if p.conditions and not p.conditions_hidden and p.address_published and p.locations[0].phone
    )
    (record,) = [
        r for r in records(client, number=person.registration_number) if r["rg"] == person.rg
    ]
    location = person.locations[0]
    street = "".join(line + "</br>" for line in location.street_lines)
    expected_oa = (
        (f"{location.organization}<br/>" if location.organization else "")
        + f"{street}<br/>{location.city}, Alberta, Canada {location.postal_code}"
        + f"<br/><br/><b>Phone:</b> {location.phone}"
        + (f"<br/><b>Fax:</b> {location.fax}" if location.fax else "")
    )
    items = "".join(f"<li>{c}</li>" for c in person.conditions)
    assert record == {
        "rg": person.rg,
        "rl": f"{person.family_name}, {person.given_names} ({person.registration_number})",
        "prl": f"{person.category}<br/>Physiotherapist",
        "irc": False,
        "sid": record["sid"],
        "c": f'<ul style="margin-left:12px;margin-bottom:0;">{items}</ul>',
        "atlr": record["atlr"],
        "cv": "",
        "pdcv": "hidden" if person.practice_details_hidden else "",
        "oa": expected_oa.replace("&", "&amp;"),
    }
    assert isinstance(record["sid"], int) and record["atlr"] in ("", "hidden")

    hidden = next(p for p in people if p.conditions_hidden)
    (record,) = records(client, number=hidden.registration_number)
    assert record["cv"] == "hidden" and "<li>" in record["c"]  # sent, but flagged hidden
    unlisted = next(p for p in people if not p.address_published)
    (record,) = records(client, number=unlisted.registration_number)
    assert record["oa"] == "" and record["pdcv"] == "hidden"
    plain = next(p for p in people if not p.conditions)
    (record,) = records(client, number=plain.registration_number)
    assert record["c"] == "[]" and record["cv"] == "hidden"


def test_prefix_match_is_case_insensitive_and_accent_sensitive(client):
    def names(**kwargs: str) -> list[str]:
        return [r["rl"].rsplit(" (", 1)[0] for r in records(client, **kwargs)]

    assert names(last="cote") == ["Cote, Daniel"]
    assert names(last="côté") == names(last="CÔTÉ") == ["Côté, Anne-Marie"]
    decomposed = unicodedata.normalize("NFD", "côté")
    assert names(last=decomposed) == ["Côté, Anne-Marie"]
    assert names(last="muller") == ["Muller, Karl"]
    assert names(last="Müller") == ["Müller, Zoë"]
    assert names(last="o'brien", first="sio") == ["O'Brien, Siobhan"]
    assert names(last="van der") == ["Van der Berg, Annelies", "Van der Berg, Pieter"]
    robs = names(last="ROB")
    assert {n.split(",")[0] for n in robs} >= {"Robert", "Roberts", "Robertson", "Robinson"}
    assert robs == sorted(robs, key=str.casefold)
    assert {n.split(",")[0] for n in names(last="Roberts")} == {"Roberts", "Robertson"}
    assert all(n.startswith("Nguyen, K") for n in names(last="nguyen", first="k"))
    assert names(last="Nguyen", first="Kevin") == ["Nguyen, Kevin"]


def test_registration_number_is_an_exact_match(client, people):
    provisional = next(p for p in people if p.registration_number.startswith("T"))
    (record,) = records(client, number=provisional.registration_number.lower())
    assert record["rg"] == provisional.rg
    assert records(client, number=provisional.registration_number[:-1]) == []
    numbered = people[10]
    assert [r["rg"] for r in records(client, number=numbered.registration_number)] == [numbered.rg]


def test_set_people_replaces_the_register(client, emulator, people):
    try:
        emulator.set_people(people[:3])
        assert len(records(client)) == 3
    finally:
        emulator.set_people(people)
    assert len(records(client)) == 25


# ---- detail page and MoreInfo --------------------------------------------------------------


def test_detail_page_has_template_and_registrant_literal(client, people):
    holder = next(p for p in people if NEEDLES in p.authorizations and p.address_published)
    reply = client.get(f"/Client/PublicDirectory/Registrant/{holder.rg.upper()}")
    assert reply.status_code == 200
    assert '<script id="detailtemplate" type="text/x-template">' in reply.text
    assert all(f"[[{key}]]" in reply.text for key in ("fun", "rn", "pr", "sp", "ir", "e"))
    assert "\\u003Cli\\u003EUsing needles in practice\\u003C/li\\u003E" in reply.text
    literal = registrant_literal(reply.text)
    items = "".join(f"<li>{a}</li>" for a in holder.authorizations)
    assert literal == {
        "rg": holder.rg,
        "rn": holder.registration_number,
        "fun": f"{holder.given_names} {holder.family_name}",
        "pr": f"{holder.category}<br/>{holder.standing}",
        "sp": f"<ul>{items}</ul>",
        "ir": holder.initial_registration,
        "e": literal["e"],
        "pdcv": "hidden" if holder.practice_details_hidden else "",
        "cv": literal["cv"],
        "c": literal["c"],
    }
    assert literal["e"].startswith('<table class="employment">')

    nobody = next(p for p in people if not p.authorizations and not p.address_published)
    literal = registrant_literal(client.get(f"/Client/PublicDirectory/Registrant/{nobody.rg}").text)
    assert literal["sp"] == "" and literal["e"] == ""
    missing = client.get("/Client/PublicDirectory/Registrant/00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 404


def test_moreinfo_needs_the_xhr_header_and_respects_hidden_details(client, people):
    xhr = {"X-Requested-With": "XMLHttpRequest"}
    hidden = next(p for p in people if p.practice_details_hidden)
    shown = next(p for p in people if not p.practice_details_hidden and len(p.locations) == 3)
    assert client.post(f"/Client/PublicDirectory/MoreInfo/{shown.rg}").status_code == 400
    assert (
        client.post(f"/Client/PublicDirectory/MoreInfo/{hidden.rg}", headers=xhr).status_code == 403
    )
    unknown = "/Client/PublicDirectory/MoreInfo/00000000-0000-4000-8000-000000000000"
    assert client.post(unknown, headers=xhr).status_code == 404
    reply = client.post(f"/client/publicdirectory/moreinfo/{shown.rg}", headers=xhr)
    assert reply.status_code == 200
    blocks = re.findall(r'<div class="pd-location">(.*?)</div>', reply.text)
    assert blocks == [format_address(loc) for loc in shown.locations]
    assert client.get(f"/Client/PublicDirectory/MoreInfo/{shown.rg}").status_code == 404


def test_address_format_matches_the_documented_example():
    location = Location(
        "Bow River Physiotherapy", ["4920 51 Street"], "Red Deer", "Alberta", "T4N 2A8",
        "403-555-0134",
    )  # fmt: skip
    assert format_address(location) == (
        "Bow River Physiotherapy<br/>4920 51 Street</br><br/>Red Deer, Alberta, Canada T4N 2A8"
        "<br/><br/><b>Phone:</b> 403-555-0134"
    )


def test_robots_unknown_paths_and_request_log(client, emulator):
    before = len(emulator.requests)
    reply = client.get("/robots.txt", headers={"User-Agent": "needling-registry-test"})
    assert reply.text == "User-agent: *\nAllow: /\n"
    assert client.get("/client/elsewhere").status_code == 404
    assert client.post(SHELL).status_code == 404
    log = emulator.requests[before]
    assert (log.method, log.path, log.headers["user-agent"]) == (
        "GET",
        "/robots.txt",
        "needling-registry-test",
    )
    posted = client.post(SEARCH + "?x=1", data=query(last="Li"))
    assert posted.status_code == 200
    log = emulator.requests[-1]
    assert log.query == "x=1" and b"querySID=1002" in log.body


# ---- faults and throttling -----------------------------------------------------------------


def test_fail_next_and_reset_next(client, emulator):
    emulator.fail_next("/CLIENT/publicdirectory/registrants", 503, headers={"Retry-After": "7"})
    failed = client.post(SEARCH, data=query(last="Li"))
    assert (failed.status_code, failed.headers["retry-after"]) == (503, "7")
    assert client.post(SEARCH, data=query(last="Li")).status_code == 200

    emulator.reset_next("/robots.txt", count=2)
    for _ in range(2):
        with pytest.raises(httpx.TransportError):
            client.get("/robots.txt")
    assert client.get("/robots.txt").status_code == 200


def test_bursts_get_403_until_the_penalty_passes(people, clock):
    emulator = AlinityEmulator(
        people[:5], burst_limit=3, burst_window=1.0, burst_penalty=0.4, clock=clock
    )
    with emulator, httpx.Client(base_url=emulator.base_url, timeout=5) as client:
        statuses = [client.get("/robots.txt").status_code for _ in range(5)]
        assert statuses == [200, 200, 200, 403, 403]
        blocked = client.get(SHELL)
        assert blocked.status_code == 403 and "retry-after" not in blocked.headers
        assert "Forbidden" in blocked.text
        clock.sleep(0.35)
        assert client.get(SHELL).status_code == 403, "still within the penalty"
        clock.sleep(0.1)
        assert client.get(SHELL).status_code == 200
        assert len(emulator.requests) == 8


def test_stop_closes_the_port(people):
    emulator = AlinityEmulator(people[:2])
    base = emulator.start()
    with httpx.Client(base_url=base, timeout=2) as client:
        assert client.get("/robots.txt").status_code == 200  # keeps a connection open
        emulator.stop()
        with pytest.raises(httpx.TransportError):
            client.get("/robots.txt")
    with pytest.raises(httpx.ConnectError):
        httpx.get(base + "/robots.txt", timeout=2)


# ---- the synthetic population --------------------------------------------------------------


def test_population_is_deterministic(people):
    assert alberta_physiotherapists() == people
    assert alberta_physiotherapists(seed=7) != people
    assert alberta_physiotherapists(40, seed=7) == alberta_physiotherapists(40, seed=7)
    assert len(alberta_physiotherapists(40)) == 40
    assert len({p.rg for p in people}) == len({p.registration_number for p in people}) == 400


def test_population_mix(people):
    categories = Counter(p.category for p in people)
    standings = Counter(p.standing for p in people)
    assert categories == {GENERAL: 360, PROVISIONAL: 28, COURTESY: 12}
    assert standings == {PRACTISING: 368, SUSPENDED: 16, NON_PRACTISING: 12, CANCELLED: 4}

    general_practising = [p for p in people if (p.category, p.standing) == (GENERAL, PRACTISING)]
    holders = [p for p in general_practising if NEEDLES in p.authorizations]
    assert len(holders) == round(0.55 * len(general_practising))
    assert not any(NEEDLES in p.authorizations for p in people if p.category == PROVISIONAL)
    assert all(p.registration_number.startswith("T") for p in people if p.category == PROVISIONAL)
    assert any(NEEDLES in p.authorizations for p in people if p.standing == SUSPENDED)
    assert sum(bool(p.conditions) for p in people) == 20
    assert 2 <= sum(p.conditions_hidden for p in people) <= 3
    assert sum(p.practice_details_hidden for p in people) == 120
    assert sum(not p.address_published for p in people) == 32
    assert all(p.practice_details_hidden for p in people if not p.address_published)
    assert any(len(p.locations) == 3 and not p.practice_details_hidden for p in people)
    assert all(1 <= len(p.locations) <= 3 for p in people)

    cities = Counter(p.locations[0].city for p in people)
    assert cities["Red Deer"] >= 15 and len(cities) == 20
    for p in people:
        for loc in p.locations:
            assert loc.province == "Alberta"
            assert re.fullmatch(r"T\d[A-Z] \d[A-Z]\d", loc.postal_code)
            for number in (loc.phone, loc.fax):
                assert number is None or re.fullmatch(r"(403|780|587|825)-555-01\d\d", number)
    red_deer = {
        loc.postal_code[:3] for p in people for loc in p.locations if loc.city == "Red Deer"
    }
    assert red_deer <= {"T4N", "T4P", "T4R"}


def test_population_names(people):
    families = Counter(p.family_name for p in people)
    assert families["Nguyen"] > 25
    assert sum(p.family_name.startswith(("Mac", "Mc")) for p in people) > 25
    assert sum(p.family_name.startswith("M") for p in people) > 25
    assert {"Roberts", "Robert", "Robertson", "Robinson"} <= set(families)
    text = " ".join(f"{p.family_name} {p.given_names}" for p in people)
    for needle in ("Côté", "Bérubé", "Lévesque", "Nguyễn", "Müller", "Zoë", "José", "Hélène"):
        assert needle in text
    assert {"O'Brien", "D'Souza", "Smith-Jones", "Van der Berg", "Le Blanc"} <= set(families)
    givens = {p.given_names for p in people}
    assert {"Anne-Marie", "Jean-François", "François"} <= givens
    assert any(re.search(r" [A-Z]$", g) for g in givens)  # middle initials


def test_every_person_is_reachable_by_drilling_down_and_drilling_is_needed(people):
    """Drill as the adapter must: last-name prefixes, then first names under a full last name."""
    alphabet = sorted({ch.casefold() for p in people for ch in p.family_name + p.given_names})
    reached: set[str] = set()
    deepest = 0
    by_first_name: set[str] = set()

    def first_names(family: str, prefix: str) -> None:
        rows = search(people, family=family, given=prefix)
        if len(rows) < 25:
            reached.update(p.rg for p in rows)
            return
        for ch in alphabet:
            first_names(family, prefix + ch)

    def last_names(prefix: str) -> None:
        nonlocal deepest
        rows = search(people, family=prefix)
        if len(rows) < 25:
            reached.update(p.rg for p in rows)
            deepest = max(deepest, len(prefix))
            return
        if rows[0].family_name.casefold() == prefix:
            by_first_name.add(prefix)
            first_names(prefix, "")
        for ch in alphabet:
            last_names(prefix + ch)

    last_names("")
    assert reached == {p.rg for p in people}
    assert deepest >= 4  # "" > "m" > "ma" > "mac" > "macd"
    assert by_first_name == {"li", "nguyen"}  # "li" also prefixes Liu, Lin, Lim, ...


@pytest.mark.parametrize(
    "tenant",
    [Tenant(), Tenant(keys=CPTBC_KEYS, glued=True), Tenant(keys=CNDA_KEYS, sort=False)],
    ids=["pei keys", "cptbc keys, glued", "cnda keys"],
)
def test_a_search_reply_is_indented_as_json_indents_it(tenant):
    """orjson writes the replies, byte for byte as json.dumps(indent=2, ensure_ascii=False)
    would: accents, quotes, control characters and the platform's escapes included."""
    people = alberta_physiotherapists(600, seed=7)
    odd = people[0]
    odd.family_name, odd.given_names = 'Ñúñez "\\ <b>&\t\x01\u2028', "Zoë 😀"
    for start in range(0, len(people), 25):
        body = render_search(people[start : start + 25], tenant=tenant)
        reply = json.loads(body[len(BOM) :])
        expected = json.dumps(reply, ensure_ascii=False, indent=2)
        for raw, escaped in (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026")):
            expected = expected.replace(raw, escaped)
        assert body == BOM + expected.encode("utf-8")
