"""Alinity parsers on recorded bytes: the real sample in ../shared (if present), our fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrapers import alinity_pages
from scrapers.records import LayoutChanged, Location
from scrapers.sources import load_settings

FIXTURES = Path(__file__).parent / "fixtures" / "alinity"
SAMPLE = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "samples"
    / "alinity"
    / "registrants-search-response.json"
)


@pytest.fixture(scope="module")
def sample_records():
    if not SAMPLE.exists():
        pytest.skip("../shared/samples/alinity is not beside this checkout")
    raw = SAMPLE.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "the sample keeps the server's BOM"
    return alinity_pages.parse_search(raw.decode("utf-8"))


def test_real_sample_parses_every_record(sample_records):
    assert len(sample_records) == 24
    numbers = [alinity_pages.parse_listed_name(r["rl"])[3] for r in sample_records]
    assert all(numbers), "every listed name carries a registration number"
    assert {n[:2] for n in numbers if not n.isdigit()} >= {"VC", "AP"}
    assert any(n.startswith("T") and n[1:].isdigit() for n in numbers)
    for r in sample_records:
        name, family, given, _ = alinity_pages.parse_listed_name(r["rl"])
        assert family and given and "(" not in name and name.startswith(family)


def test_real_sample_conditions_and_flags(sample_records):
    conditions = [alinity_pages.parse_list_items(r["c"]) for r in sample_records]
    assert sum(1 for c in conditions if c) == 5
    assert {item for c in conditions for item in c} == {"Supervision", "Restriction"}
    # Where conditions are listed the column is visible; "[]" comes with cv hidden.
    for r, c in zip(sample_records, conditions, strict=True):
        assert (r["cv"] == "hidden") == (not c)


def test_real_sample_addresses(sample_records):
    listed = [r for r in sample_records if r["oa"]]
    assert len(listed) == 22
    locations = [alinity_pages.parse_address(r["oa"]) for r in listed]
    assert all(loc and loc.city and loc.province for loc in locations)
    assert {loc.province for loc in locations} == {"NL", "NB", "PE", "NS"}
    assert all(loc.postal_code and len(loc.postal_code) == 7 for loc in locations)
    assert all("<" not in (loc.address or "") for loc in locations)
    phones = [loc.phone for loc in locations if loc.phone]
    assert len(phones) == 15 and all(p.count("-") == 2 for p in phones)
    assert sum(1 for loc in locations if loc.organization) >= 8


def test_address_format_with_malformed_br_and_fax():
    oa = (
        "Bow River Physiotherapy<br/>4920 51 Street</br>Unit 4</br><br/>Red Deer, Alberta, "
        "Canada T4N 2A8<br/><br/><b>Phone:</b> 403-555-0134<br/><b>Fax:</b> 403-555-0135"
    )
    assert alinity_pages.parse_address(oa) == Location(
        organization="Bow River Physiotherapy",
        address="4920 51 Street, Unit 4",
        city="Red Deer",
        province="AB",
        postal_code="T4N 2A8",
        phone="403-555-0134",
    )


def test_address_without_organization_and_empty():
    assert alinity_pages.parse_address(
        "Suite 206<br/>45 Main Rd</br><br/>Airdrie, Alberta, Canada T4B 0A1"
    ) == Location(
        organization=None,
        address="Suite 206, 45 Main Rd",
        city="Airdrie",
        province="AB",
        postal_code="T4B 0A1",
        phone=None,
    )
    assert alinity_pages.parse_address("") is None
    assert alinity_pages.parse_address(None) is None


def test_listed_name_with_accents_apostrophe_and_no_number():
    assert alinity_pages.parse_listed_name("O'Brien-Côté, Zoë A (T31877)") == (
        "O'Brien-Côté, Zoë A",
        "O'Brien-Côté",
        "Zoë A",
        "T31877",
    )
    assert alinity_pages.parse_listed_name("Van der Berg, Hélène") == (
        "Van der Berg, Hélène",
        "Van der Berg",
        "Hélène",
        None,
    )


def test_search_reply_layout_checks():
    with pytest.raises(LayoutChanged, match="not JSON"):
        alinity_pages.parse_search("<html>Service Unavailable</html>")
    with pytest.raises(LayoutChanged, match="no Records"):
        alinity_pages.parse_search('{"Rows": []}')
    with pytest.raises(LayoutChanged, match="CAPTCHA"):
        alinity_pages.parse_search('{"EnableCaptcha": true, "Records": []}')
    with pytest.raises(LayoutChanged, match="lacks rg"):
        alinity_pages.parse_search('{"Records": [{"rl": "A, B (1)", "prl": ""}]}')
    # Only rg is required: the BC physiotherapy tenant's keys [live 2026-05-14] parse.
    cptbc = '{"Records": [{"rg": "x", "rl": "A, B (1)", "rlm": "", "ps": "", "hc": "hidden"}]}'
    assert alinity_pages.parse_search(cptbc)[0]["rg"] == "x"
    assert alinity_pages.parse_search('\ufeff{"EnableCaptcha": false, "Records": []}') == []


def test_shell_page_form_is_read_by_label():
    from emulators.alinity import Tenant, render_shell

    form = alinity_pages.parse_shell(render_shell(1000673, Tenant()).decode())
    assert form.query_sid == 1000673
    assert form.field("last")["ID"] == "TextOptionB" and form.field("first")["ID"] == "TextOptionA"
    assert form.field("profession") is None
    swapped = alinity_pages.parse_shell(render_shell(7, Tenant(swapped=True)).decode())
    assert swapped.field("last")["ID"] == "TextOptionA"
    assert swapped.field("number")["ID"] == "TextOptionC"
    multi = alinity_pages.parse_shell(render_shell(7, Tenant(profession_field=True)).decode())
    field = multi.field("profession")
    assert alinity_pages.profession_option(field, ["physiotherap"]) is not None
    assert alinity_pages.profession_option(field, ["chiropract"]) is None
    with pytest.raises(LayoutChanged, match="querySID"):
        alinity_pages.parse_shell("<html><body>Maintenance</body></html>")
    with pytest.raises(LayoutChanged, match="no last-name field"):
        alinity_pages.parse_shell('<form><input type="hidden" id="querySID" value="1002" /></form>')


def test_glued_practice_addresses_are_split():
    glued = (
        "Bow River Physio<br/>100 Main Street</br><br/>Calgary, Alberta, Canada T2P 1A1"
        "201-1015 Regent Street</br><br/>Canmore, Alberta, Canada T1W 2B2<br/><br/>"
        "<b>Phone:</b> 403-555-0100"
    )
    assert alinity_pages.parse_addresses(glued) == [
        Location("Bow River Physio", "100 Main Street", "Calgary", "AB", "T2P 1A1", None),
        Location(None, "201-1015 Regent Street", "Canmore", "AB", "T1W 2B2", "403-555-0100"),
    ]
    assert alinity_pages.parse_addresses("") == []


def test_detail_page_with_needling_authorization():
    detail = alinity_pages.parse_detail((FIXTURES / "detail-needling.html").read_text("utf-8"))
    assert detail["rn"] == "20417" and detail["fun"] == "Anne-Marie Côté"
    assert alinity_pages.parse_register(detail["pr"]) == ("General Register", "Practising")
    items = alinity_pages.parse_list_items(detail["sp"])
    assert items == ["Performing spinal manipulation", "Using needles in practice"]
    source = load_settings().sources["cpta"]
    found, unknown = alinity_pages.authorizations(items, source)
    assert [(a.wording, a.kind, a.mechanism) for a in found] == [
        ("Using needles in practice", "needling", "restricted_activity_authorization")
    ]
    assert unknown == []


def test_detail_page_suspended_without_authorizations():
    detail = alinity_pages.parse_detail((FIXTURES / "detail-suspended.html").read_text("utf-8"))
    category, standing = alinity_pages.parse_register(detail["pr"])
    assert (category, standing) == ("General Register", "Suspended")
    assert alinity_pages.classify_standing(standing) == "suspended"
    assert alinity_pages.parse_list_items(detail["sp"]) == []


def test_detail_page_without_json_is_a_layout_change():
    with pytest.raises(LayoutChanged, match="no JSON literal"):
        alinity_pages.parse_detail(
            "<script id='detailtemplate'>[[rn]]</script><script>var x = 1;</script>"
        )


def test_unknown_needling_wording_is_reported_not_dropped():
    source = load_settings().sources["cpta"]
    found, unknown = alinity_pages.authorizations(
        ["Using needles in practise (dry needling)", "Ordering diagnostic imaging"], source
    )
    assert found == [] and unknown == ["Using needles in practise (dry needling)"]


def test_more_info_blocks():
    locations = alinity_pages.parse_more_info((FIXTURES / "moreinfo.html").read_text("utf-8"))
    assert locations == [
        Location(
            "Parkland Sports Physio",
            "4920 51 Street, Unit 4",
            "Red Deer",
            "AB",
            "T4N 2A8",
            "403-555-0134",
        ),
        Location(None, "PO Box 118", "Sylvan Lake", "AB", "T4S 1A1", None),
    ]
    assert alinity_pages.parse_more_info("<div>No details</div>") == []


@pytest.mark.parametrize(
    ("standing", "expected"),
    [
        ("Practising", "practising"),
        ("Non-Practising", "non_practising"),
        ("Suspended", "suspended"),
        ("Cancelled", "cancelled"),
        ("Practising Permit", "practising"),
        (None, "unknown"),
        ("Pending review", "unknown"),
        ("General Practitioner", "unknown"),
        ("Family Practice", "unknown"),
        ("Administrative Practice", "unknown"),
        ("Active", "practising"),
        ("Non Practising", "non_practising"),
        ("Inactive", "non_practising"),
    ],
)
def test_standing_classes(standing, expected):
    assert alinity_pages.classify_standing(standing) == expected


def test_the_vendor_s_specialization_list_and_its_literal_none():
    """The Alinity vendor's view renders specializations as a styled `<ul>`, or the literal
    "None" (SoftworksGroup/alinity vRegistrantSpecialization#List, 2019): both read alike."""
    styled = (
        '<ul style="margin-left:12px;margin-bottom:0;"><li>Acupuncture</li><li>IV Therapy</li></ul>'
    )
    items = alinity_pages.parse_list_items(styled)
    assert items == ["Acupuncture", "IV Therapy"]
    assert alinity_pages.parse_list_items("None") == []
    found, unknown = alinity_pages.authorizations(items, load_settings().sources["cnda"])
    assert [(a.wording, a.kind) for a in found] == [("Acupuncture", "acupuncture")]
    assert unknown == []
