"""The clinics' pages (/verify, its results, receipts, the watch-list screen) in real Chromium at
390 and 1280 px wide, English and French, checked with axe-core (vendored, tests/vendor/axe-core)
and by eye in test-artifacts/screenshots/."""

from __future__ import annotations

import base64
import re

import pytest

from tests.browsing import BROWSER_TESTS, Watch, axe_violations, navigate, serving, shot
from tests.clinic_site import registry_with
from tests.conftest import PEOPLE, person

pytestmark = BROWSER_TESTS
ONTARIO = [person("on1", "Gallagher", "Madison", number="XXX42", regulator="cpo")]
ROSTER = (
    "Full name,Province,Reg #\n"
    "Alice Roberts,AB,20001\n"
    "Melanie Fournier,AB,20003\n"  # Maya Robinson's number
    "Madison Gallagher,ON,12342\n"  # Ontario, masked on the register as XXX42
    "Sam Nobody,ON,55555\n"
    "Jean Robert,AB,20002\n"
)
SIZES = {"phone": (390, 844), "desktop": (1280, 900)}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    path = tmp_path_factory.mktemp("clinics-browser") / "registry.db"
    registry_with(path, (PEOPLE, "cpta"), (ONTARIO, "cpo")).close()
    with serving(path) as base:
        yield base


@pytest.fixture(params=list(SIZES))
def page(request, browser, server):
    width, height = SIZES[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.watch = Watch(page, server)
    page.size = request.param
    yield page
    page.watch.clean()
    context.close()


def upload(page, server, lang: str, tmp_path) -> None:
    roster = tmp_path / "staff.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    page.goto(f"{server}/verify?lang={lang}")
    label = "Roster (CSV, up to 5 MB)" if lang == "en" else "Liste (CSV, jusqu'à 5 Mo)"
    page.get_by_label(label).set_input_files(str(roster))
    button = "Verify" if lang == "en" else "Vérifier"
    navigate(page, lambda: page.get_by_role("button", name=button, exact=True).click())


def test_results_never_show_a_mismatched_row_as_authorized(page, server, tmp_path):
    upload(page, server, "en", tmp_path)
    rows = page.locator("table.roster tbody tr")
    verdicts = rows.locator(".verdict").all_inner_texts()
    assert verdicts == [
        "Someone else's number",
        "Not authorized to needle",
        "Check by name",
        "Authorized to needle",
        "Authorized to needle",
    ]
    mismatch = rows.nth(0).inner_text()
    assert "Melanie Fournier" in mismatch and "Robinson, Maya" in mismatch
    ontario = rows.nth(2)
    assert "Sam Nobody" in ontario.inner_text()
    assert (
        ontario.get_by_role("link", name="Search by name")
        .get_attribute("href")
        .startswith("/?q=Sam+Nobody")
    )
    assert "Gallagher, Madison" in rows.nth(4).inner_text()  # matched by 42 and her name
    # Only the rows that need attention, without JavaScript's help (a checkbox and CSS).
    page.get_by_label("Show only the rows that need attention").check()
    assert rows.locator(":visible").count() > 0
    visible = [r for r in range(rows.count()) if rows.nth(r).is_visible()]
    assert visible == [0, 1, 2]
    page.get_by_label("Show only the rows that need attention").uncheck()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= SIZES[page.size][0], "the page scrolls sideways"
    if page.size == "phone":  # cards: each row as wide as the page, the verdict visible
        box = rows.nth(0).locator(".verdict").bounding_box()
        assert box["x"] + box["width"] <= 390
    shot(page, f"clinics-results-{page.size}")
    assert axe_violations(page, every_rule=True) == []


def test_french_results_and_receipt_pass_axe(page, server, tmp_path):
    upload(page, server, "fr", tmp_path)
    assert page.locator("html").get_attribute("lang") == "fr"
    assert "Numéro d'une autre personne" in page.locator("table.roster").inner_text()
    assert axe_violations(page, every_rule=True) == []
    shot(page, f"clinics-results-fr-{page.size}")
    navigate(page, lambda: page.get_by_role("link", name="Ouvrir la preuve").first.click())
    assert page.locator("h1").inner_text() == "Preuve de vérification"
    assert "Numéro d'une autre personne" in page.locator(".receipt").inner_text()
    assert axe_violations(page, every_rule=True) == []
    shot(page, f"clinics-receipt-fr-{page.size}")


def test_empty_form_and_receipt_pass_axe_in_english(page, server, tmp_path):
    page.goto(server + "/verify")
    assert page.locator("h1").inner_text() == "Verify a roster"
    assert "XXX42" in page.locator("#ontario").inner_text()
    assert axe_violations(page, every_rule=True) == []
    sample = page.get_by_role("link", name="Download a sample roster (CSV)")
    assert re.fullmatch(r"/static/sample-roster\.[0-9a-f]{12}\.csv", sample.get_attribute("href"))
    assert sample.get_attribute("download") == "sample-roster.csv"
    upload(page, server, "en", tmp_path)
    navigate(page, lambda: page.get_by_role("link", name="Open receipt").first.click())
    assert page.locator("h1").inner_text() == "Verification receipt"
    assert axe_violations(page, every_rule=True) == []
    shot(page, f"clinics-receipt-{page.size}")


def test_download_and_print_after_viewing(page, server, tmp_path):
    upload(page, server, "en", tmp_path)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    rows = download.value.path().read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith('"Full name","Province","Reg #","verdict_in_words","verdict"')
    assert rows[1].startswith(
        '"Melanie Fournier","AB","20003","Someone else\'s number","name_mismatch"'
    )
    assert f'"{server}/receipts/rcpt_' in rows[1]
    assert len(rows) == 6
    navigate(page, lambda: page.get_by_role("link", name="Print all receipts").click())
    assert page.locator("h1").inner_text() == "Verification receipts"
    assert page.locator("article.receipt").count() == 5
    assert "Printed 20" in page.locator(".print-intro").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[page.size][0]
    assert axe_violations(page, every_rule=True) == []
    page.emulate_media(media="print")
    breaks = page.locator("article.receipt").evaluate_all(
        "els => els.map(e => getComputedStyle(e).breakAfter)"
    )
    assert breaks == ["page"] * 4 + ["auto"]  # one receipt per sheet
    assert not page.get_by_role("link", name="Back to verifying a roster").first.is_visible()
    shot(page, f"clinics-print-{page.size}")
    page.emulate_media(media="screen")
    page.goto(page.url.replace("lang=en", "lang=fr"))
    assert page.locator("h1").inner_text() == "Preuves de vérification"
    assert axe_violations(page, every_rule=True) == []


GREY = """async (b64) => {
  const img = new Image();
  img.src = "data:image/png;base64," + b64;
  await img.decode();
  const canvas = document.createElement("canvas");
  canvas.width = img.width;
  canvas.height = img.height;
  const context = canvas.getContext("2d");
  context.drawImage(img, 0, 0);
  const rgba = context.getImageData(0, 0, img.width, img.height).data;
  return [img.width, img.height, Array.from(rgba.filter((_, i) => i % 4 === 0))];
}"""


def decode_screenshot(browser, png: bytes) -> list[str]:
    """The QR codes in a PNG screenshot, decoded by zxing-cpp (pixels read through a canvas in a
    blank page, so the test needs no image library)."""
    import zxingcpp

    blank = browser.new_page()
    try:
        width, height, grey = blank.evaluate(GREY, base64.b64encode(png).decode())
    finally:
        blank.close()
    image = memoryview(bytes(grey)).cast("B", (height, width))
    return [b.text for b in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_receipt_qr_code_decodes_to_its_own_address(page, browser, server, tmp_path, lang):
    upload(page, server, lang, tmp_path)
    link = "Open receipt" if lang == "en" else "Ouvrir la preuve"
    navigate(page, lambda: page.get_by_role("link", name=link).first.click())
    own = page.locator("a.own-url").get_attribute("href")
    assert own == page.url.split("?")[0]
    assert decode_screenshot(browser, page.locator("figure.qr svg").screenshot()) == [own]
    # The print button appears with JavaScript; the instruction is there either way.
    assert page.locator("button.print-button").is_visible()
    assert "Ctrl+P" in page.locator(".print-hint").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[page.size][0]
    assert axe_violations(page, every_rule=True) == []
    shot(page, f"clinics-receipt-alone-{lang}-{page.size}")


# -- the watch-list screen: create from a roster, open, webhook refused, delete after confirming --

WORDS = {
    "en": {
        "name": "Name for the list",
        "make": "Watch these people",
        "ready": "Your watch list is ready",
        "open": "Open the list",
        "title": "Watch list: Bow River Physio",
        "hook": "Webhook address (https://…)",
        "save": "Save the webhook",
        "refused": "This webhook address cannot be used",
        "delete": "Delete this list",
        "sure": "Delete this watch list?",
        "no": "No, keep it",
        "yes": "Yes, delete the list",
        "gone": "The watch list is deleted",
        "token": "Token",
        "bad": "This token does not open a watch list",
    },
    "fr": {
        "name": "Nom de la liste",
        "make": "Suivre ces personnes",
        "ready": "Votre liste de suivi est prête",
        "open": "Ouvrir la liste",
        "title": "Liste de suivi : Bow River Physio",
        "hook": "Adresse du webhook (https://…)",
        "save": "Enregistrer le webhook",
        "refused": "Cette adresse de webhook ne peut pas être utilisée",
        "delete": "Supprimer cette liste",
        "sure": "Supprimer cette liste de suivi ?",
        "no": "Non, la garder",
        "yes": "Oui, supprimer la liste",
        "gone": "La liste de suivi est supprimée",
        "token": "Jeton",
        "bad": "Ce jeton n'ouvre aucune liste de suivi",
    },
}


def fits_and_passes_axe(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[page.size][0], (
        "the page scrolls sideways"
    )
    assert axe_violations(page, every_rule=True) == []


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_create_open_and_delete_a_watch_list_from_a_roster(page, server, tmp_path, lang):
    w = WORDS[lang]
    upload(page, server, lang, tmp_path)
    page.get_by_label(w["name"]).fill("Bow River Physio")
    navigate(page, lambda: page.get_by_role("button", name=w["make"]).click())
    assert page.locator("h1").inner_text() == w["ready"]
    token = page.locator("#new-token").input_value()
    assert token.startswith("nrw_") and token not in page.url
    assert page.locator(".token-box").is_visible()
    fits_and_passes_axe(page)
    shot(page, f"watch-created-{lang}-{page.size}")

    navigate(page, lambda: page.get_by_role("button", name=w["open"]).click())
    assert page.url.endswith(f"/watch?lang={lang}")  # the token went in the body, not the URL
    assert page.locator("h1").inner_text().replace("\u00a0", " ") == w["title"]
    assert page.locator("table.watched tbody tr").count() == 3
    assert page.locator("#feed-atom").input_value().endswith(f"/api/watch/feed.atom?token={token}")
    fits_and_passes_axe(page)
    shot(page, f"watch-list-{lang}-{page.size}")

    page.get_by_label(w["hook"]).fill("http://127.0.0.1:9/hook")
    navigate(page, lambda: page.get_by_role("button", name=w["save"]).click())
    assert w["refused"] in page.get_by_role("alert").inner_text()
    assert "loopback" in page.get_by_role("alert").inner_text()
    fits_and_passes_axe(page)

    navigate(page, lambda: page.get_by_role("button", name=w["delete"]).click())
    assert page.locator("h1").inner_text().replace("\u00a0", " ") == w["sure"]
    fits_and_passes_axe(page)
    shot(page, f"watch-delete-{lang}-{page.size}")
    navigate(page, lambda: page.get_by_role("button", name=w["no"]).click())
    assert page.locator("table.watched").is_visible()  # kept
    navigate(page, lambda: page.get_by_role("button", name=w["delete"]).click())
    navigate(page, lambda: page.get_by_role("button", name=w["yes"]).click())
    assert page.locator("h1").inner_text() == w["gone"]
    fits_and_passes_axe(page)

    page.goto(f"{server}/watch?lang={lang}")
    page.get_by_label(w["token"]).fill(token)
    navigate(page, lambda: page.get_by_role("button", name=w["open"]).click())
    assert w["bad"] in page.get_by_role("alert").inner_text()
    fits_and_passes_axe(page)
