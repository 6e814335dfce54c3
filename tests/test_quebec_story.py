"""One Quebec story: the OPPQ register is not confirmed to list every needling
attestation, so its cards, its notice and the list of registers say the same thing (a listed
authorization; others not shown, which does not mean they may not), never "does not record";
and the notice's counts add up to the page's."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from registry.web.app import create_app
from tests.quebec import LISTED, NOT_LISTED, quebec_database


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    path = quebec_database(tmp_path_factory.mktemp("quebec") / "registry.db")
    with TestClient(create_app(path), raise_server_exceptions=False) as c:
        yield c


def soup(client, path="/", **params) -> BeautifulSoup:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def text(node) -> str:
    return " ".join(node.get_text(" ").split())


WORDS = {
    "en": {
        "found": "3 people found in Montréal, QC.",
        "badge": "Needling authorization listed on the register: yes, dry needling.",
        "shown": "Shown: 3 with an authorization listed.",
        "not_shown": f"Not shown: {len(NOT_LISTED)} more people there",
        "not_track": "does not record",
        "unknown": "No needling authorization listed. This register is not confirmed",
        "all": f"{len(LISTED) + len(NOT_LISTED)} people found in Montréal, QC.",
    },
    "fr": {
        "found": "3 personnes trouvées à Montréal, QC.",
        "badge": "Autorisation d'utiliser des aiguilles indiquée au registre : oui,",
        "shown": "Affichées : 3 avec une autorisation indiquée.",
        "not_shown": f"Non affichées : {len(NOT_LISTED)} autres personnes",
        "not_track": "n'indique pas qui",
        "unknown": "Aucune autorisation d'utiliser des aiguilles indiquée. Il n'est pas confirmé",
        "all": f"{len(LISTED) + len(NOT_LISTED)} personnes trouvées à Montréal, QC.",
    },
}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_quebec_search_tells_one_story_with_counts_that_add_up(client, lang):
    words = WORDS[lang]
    page = soup(client, city="Montréal", lang=lang)
    assert text(page.h1) == words["found"]
    assert len(page.select(".result")) == len(LISTED)
    assert all(words["badge"] in text(b) for b in page.select(".answer"))
    assert all(b["class"] == ["answer", "answer-authorized"] for b in page.select(".answer"))
    assert len(page.select(".means")) == len(LISTED)
    [notice] = [text(li) for li in page.select(".notices li")]
    assert words["shown"] in notice and words["not_shown"] in notice
    main = text(page.main)
    assert words["not_track"] not in main  # Quebec is "not confirmed", never "does not record"
    # Shown plus not shown is everyone there, as "show everyone" counts them.
    everyone = soup(client, city="Montréal", lang=lang, show="all")
    assert text(everyone.h1) == words["all"]
    answers = [text(b) for b in everyone.select(".answer")]
    assert sum(words["badge"] in a for a in answers) == len(LISTED)
    assert sum(words["unknown"] in a for a in answers) == len(NOT_LISTED)
    assert not everyone.select(".notices li.not-tracked")  # nobody left out, nothing to explain


def test_the_count_of_those_left_out_excludes_those_shown_in_the_api(client):
    body = client.get("/api/search", params={"city": "Montréal", "kind": "needling"}).json()
    assert body["count"] == len(LISTED)
    assert [(n["regulator"], n["matches"], n["listed"]) for n in body["not_tracked"]] == [
        ("oppq", len(NOT_LISTED), len(LISTED))
    ]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_list_of_registers_tells_unconfirmed_from_not_recorded(client, lang):
    lines = {
        li.select_one(".where").get_text(): text(li)
        for li in soup(client, lang=lang).select(".sources li")
    }
    unknown = "Not confirmed to list" if lang == "en" else "Il n'est pas confirmé qu'il indique"
    assert unknown in lines["CA-QC"] and WORDS[lang]["not_track"] not in lines["CA-QC"].lower()
    assert WORDS[lang]["not_track"] in lines["CA-NS"].lower()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_practitioner_page_shows_the_badge_line(client, lang):
    page = soup(client, "/p/oppq/Q1001", lang=lang)
    assert WORDS[lang]["badge"] in text(page.select_one(".answer"))
    means = text(page.select_one(".means"))
    assert "OPPQ" in means and "aiguilles sous le derme" in means
    if lang == "en":  # the regulator's French words are marked as French
        assert page.select_one(".means q")["lang"] == "fr"
    unlisted = soup(client, "/p/oppq/Q1004", lang=lang)
    assert WORDS[lang]["unknown"] in text(unlisted.select_one(".answer"))
    assert not unlisted.select(".means")
