"""The whole path for a clinic: the register changes, the importer reads it over HTTP from the
emulated Alinity register, and the clinic's feed and a fresh check over HTTP say so."""

from __future__ import annotations

from dataclasses import replace

import httpx

from emulators.alinity import AlinityEmulator
from emulators.people import alberta_physiotherapists
from registry.imports.importer import run_source
from scrapers.sources import load_settings
from tests.clinic_site import Site, registry_with
from tests.clock import utc_ago
from tests.conftest import emulated
from tests.runs import NEEDLES, practising_with


def test_a_change_imported_over_http_reaches_the_feed_and_the_verdict(tmp_path):
    settings = load_settings()
    path = tmp_path / "registry.db"
    db = registry_with(path)
    people = alberta_physiotherapists(60, seed=5)
    holder, other = practising_with(people, True)[:2]
    with AlinityEmulator(people) as register:
        source = emulated(settings.sources["cpta"], register.base_url)
        settings = settings.with_source(source)
        # Times are kept to the second: the first run is dated a minute ago, the next one now.
        assert run_source(db, settings, source, at=utc_ago(60)).outcome == "success"
        with Site(path) as site, httpx.Client(base_url=site.url, timeout=30) as client:
            check = {"regulator": "Alberta", "registration_number": holder.registration_number}
            before = client.get("/api/verify", params=check).json()
            assert before["verdict"] == "authorized"
            made = client.post(
                "/api/watch",
                json={
                    "registrations": [
                        {"regulator": "cpta", "registration_number": p.registration_number}
                        for p in (holder, other)
                    ]
                },
            ).json()
            register.set_people(
                [
                    replace(p, authorizations=[a for a in p.authorizations if a != NEEDLES])
                    if p is holder
                    else p
                    for p in people
                    if p is not other
                ]
            )
            assert run_source(db, settings, source).outcome == "success"
            feed = client.get("/api/watch/feed.json", params={"token": made["token"]}).json()
            got = sorted(
                (i["_registry"]["registration_number"], i["_registry"]["kind"])
                for i in feed["items"]
            )
            assert got == sorted(
                [
                    (holder.registration_number, "authorization_removed"),
                    (other.registration_number, "left"),
                ]
            )
            after = client.get("/api/verify", params=check).json()
            assert after["verdict"] == "not_authorized"
            assert after["receipt"]["import_run_id"] == 2
            assert after["receipt"]["source_url"].startswith(register.base_url)
            # The first receipt still says what was true then.
            kept = client.get(f"/api/receipts/{before['receipt']['id']}").json()
            assert kept == before
            left = client.get(
                "/api/verify",
                params={"regulator": "cpta", "registration_number": other.registration_number},
            ).json()
            assert left["verdict"] == "no_longer_on_register"
    db.close()
