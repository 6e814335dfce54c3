"""The sample registers: one local emulator per source we can import, holding synthetic people.

Each sample is its live source with the emulator's URL, no request spacing, and `sample = true`,
so the API, the pages and Datasette say the data is synthetic.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapers.sources import Settings, Source

if TYPE_CHECKING:
    from emulators.server import Emulator
    from registry.imports.importer import RunReport

# source key -> (emulator class, people factory, its changes over the months), as "module:name"
SAMPLES = {
    "cpta": (
        "emulators.alinity:sample_register",
        "emulators.people:alberta_physiotherapists",
        "emulators.history:alberta",
    ),
    "chcpbc": (
        "emulators.alinity:sample_register",
        "emulators.people:british_columbia_physiotherapists",
        "emulators.history:british_columbia",
    ),
    "cpm": (
        "emulators.alinity:sample_register",
        "emulators.people:manitoba_physiotherapists",
        "emulators.history:manitoba",
    ),
    "cnda": (
        "emulators.alinity:sample_register",
        "emulators.people:alberta_naturopaths",
        "emulators.history:alberta_naturopaths",
    ),
    "cpo": (
        "emulators.cpo:CpoEmulator",
        "emulators.cpo:ontario_physiotherapists",
        "emulators.history:cpo",
    ),
    "oppq": (
        "emulators.oppq:OppqEmulator",
        "emulators.oppq:quebec_physiotherapists",
        "emulators.history:oppq",
    ),
    "nscp": (
        "emulators.nsphysio:NSPhysioEmulator",
        "emulators.nsphysio:nova_scotia_physiotherapists",
        "emulators.history:nsphysio",
    ),
    "wa_doh_pt": (
        "emulators.wa_doh:WaDohEmulator",
        "emulators.wa_doh:washington_physical_therapists",
        "emulators.history:wa_doh",
    ),
    # East Asian medicine practitioners by scope of practice, in Seattle and around it (the
    # sample dataset publishes a city, which the live one does not).
    "wa_doh_eamp": (
        "emulators.socrata:washington_register",
        "emulators.socrata:washington_acupuncturists",
        "emulators.history:socrata",
    ),
    "ctcma": (
        "emulators.imis:ImisEmulator",
        "emulators.imis:bc_acupuncturists",
        "emulators.history:imis",
    ),
    "nj_acupuncture": (
        "emulators.boxfiles:new_jersey_register",
        "emulators.boxfiles:new_jersey_acupuncturists",
        "emulators.history:boxfiles",
    ),
    "ca_acupuncture": (
        "emulators.boxfiles:california_register",
        "emulators.boxfiles:california_acupuncturists",
        "emulators.history:boxfiles",
    ),
    "cpsbc": (
        "emulators.drupal_cpsbc:CpsbcEmulator",
        "emulators.drupal_cpsbc:bc_physicians",
        "emulators.history:cpsbc",
    ),
}

# How many months back the demo's history starts: each sample register is imported as it stood
# then, then once a month, then today. An Alinity import costs far more requests than the others
# (~1,400 two-letter searches each), so Alberta gets one past month and BC none (its roster has
# been frozen since 2019 anyway), which keeps the demo starting in about a minute.
PAST_MONTHS = {
    "cpta": 1,
    "cpm": 1,
    "cpo": 2,
    "oppq": 1,
    "nscp": 2,
    "wa_doh_pt": 2,
    "wa_doh_eamp": 1,
    "ctcma": 1,
    # A bulk file's past costs two requests a month.
    "nj_acupuncture": 2,
    "ca_acupuncture": 2,
    "cpsbc": 1,
}

SHARE = 0.01  # of the people, for each kind of change in a month (emulators.history)


def _load(spec: str) -> Callable:
    module, name = spec.split(":")
    return getattr(importlib.import_module(module), name)


@dataclass
class Sample:
    source: Source  # the live source, pointed at the emulator
    emulator: Emulator
    # The register as it stood each month, oldest first, ending with today's (emulators.history);
    # the emulator serves the first until `set_people` is given the next.
    states: list[list]


def start_samples(sources: dict[str, Source], count: int, *, history: bool = False) -> list[Sample]:
    """Start an emulator for every sample whose source is declared; the caller stops them.
    With `history`, each holds `count` people today and its earlier states (`PAST_MONTHS`)."""
    from emulators.history import monthly_states

    samples = []
    try:
        for key, (emulator_spec, people_spec, changes_spec) in SAMPLES.items():
            if key not in sources:
                continue
            live = sources[key]
            people = _load(people_spec)
            if history and PAST_MONTHS.get(key):
                months = PAST_MONTHS[key]
                # Who left over the months is part of the population too, gone by today.
                extra = months * max(1, round(count * SHARE))
                states = monthly_states(
                    people(count + extra), _load(changes_spec)(), months, share=SHARE
                )
            else:
                states = [people(count)]
            emulator = _load(emulator_spec)(states[0])
            base = emulator.start()
            samples.append(Sample(as_sample(live, base), emulator, states))
    except BaseException:
        stop_samples(samples)
        raise
    return samples


def month_ago(months: int, today: date | None = None) -> str:
    """The 15th of the month `months` before today's, at noon UTC: when the demo dates a past
    import."""
    today = today or datetime.now(UTC).date()
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return f"{year:04d}-{month + 1:02d}-15T12:00:00Z"


def import_months(
    settings: Settings,
    samples: list[Sample],
    run: Callable[[Settings, Source, str | None], RunReport],
) -> int:
    """Import each register as it stood in past months, dated then, then as it stands today, so
    that the history, the changes per month and "no longer on the register" have something to
    show; `run(settings, source, at)` imports one (`at`: the date of a past month, None for
    today). Returns how many runs did not succeed."""
    failed = 0
    for months in range(max((len(s.states) for s in samples), default=1) - 1, -1, -1):
        for sample in samples:
            if months >= len(sample.states):
                continue
            sample.emulator.set_people(sample.states[-1 - months])
            settings = settings.with_source(sample.source)
            report = run(settings, sample.source, month_ago(months) if months else None)
            failed += report.outcome != "success"
    return failed


def as_sample(live: Source, base: str) -> Source:
    path = urlsplit(live.register_url).path
    # Every URL the adapter is given points at the emulator (e.g. a second host for profiles).
    options = {k: base if k.endswith("_base_url") else v for k, v in live.options.items()}
    return replace(
        live,
        base_url=base,
        options=options,
        register_url=f"{base}{path}",
        spacing_seconds=0.0,
        enabled=True,
        sample=True,
        terms_note=(
            "Synthetic sample data served by a local emulator of the register: these are not "
            f"real people. The live register's terms: {live.terms_note}"
        ),
    )


def stop_samples(samples: list[Sample]) -> None:
    for sample in samples:
        sample.emulator.stop()
