"""The synthetic registrants whose pages are recorded under tests/fixtures/imis/, and how they
were rendered (`python -m tests.imis_fixture` rewrites them)."""

from __future__ import annotations

from pathlib import Path

from emulators.imis import Registrant, render_grid, render_page, render_profile

FIXTURES = Path(__file__).parent / "fixtures" / "imis"


def fixture_people() -> list[Registrant]:
    return [
        Registrant(
            10007, "Chen", "Wei", "R.Ac.", "01234", "Practising", "Vancouver", "BC",
            "1200 Main Street", "V5K 1A1", "604-555-0142", "w0@example.test",
            "Golden Needle Acupuncture",
        ),
        Registrant(
            10015, "O'Neil", "Anne-Marie", "Dr.TCM", "00456", "Suspended", "Victoria", "BC",
            "88 Fort Street", "V8W 1H2", "250-555-0117", "a1@example.test", None,
        ),
        Registrant(
            10023, "Wong", "Ka-Wai", "R.TCM.H.", "07788", "Non-Practising", "Richmond", "BC",
            "5300 No. 3 Road", "V6X 2C7", "778-555-0190", "k2@example.test",
            "Harmony TCM Clinic",
        ),
    ]  # fmt: skip


def renders() -> dict[str, bytes]:
    people = fixture_people()
    state = {"epoch": 0, "filters": {"5": "BC"}, "page": 0, "size": 2}
    return {
        "form.html": render_page({"epoch": 0}),
        "results-page1.html": render_page(state, render_grid(people[:2], 3, 0, 2)),
        "results-all.html": render_page(
            {**state, "size": 2500},
            render_grid(people, 3, 0, 2500, headers=("Name", "Status", "City"), link_style="href"),
        ),
        "profile.html": render_profile(people[0]),
        "profile-no-organization.html": render_profile(people[1]),
    }


if __name__ == "__main__":
    for name, body in renders().items():
        (FIXTURES / name).write_bytes(body)
