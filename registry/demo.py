"""The sample registers: one local emulator per source we can import, holding synthetic people.

Each sample is its live source with the emulator's URL, no request spacing, and `sample = true`,
so the API, the pages and Datasette say the data is synthetic.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapers.sources import Source

if TYPE_CHECKING:
    from emulators.server import Emulator

# source key -> (emulator class, people factory), as "module:name"
SAMPLES = {
    "cpta": ("emulators.alinity:sample_register", "emulators.people:alberta_physiotherapists"),
    "chcpbc": (
        "emulators.alinity:sample_register",
        "emulators.people:british_columbia_physiotherapists",
    ),
    "cpo": ("emulators.cpo:CpoEmulator", "emulators.cpo:ontario_physiotherapists"),
    "oppq": ("emulators.oppq:OppqEmulator", "emulators.oppq:quebec_physiotherapists"),
    "nscp": (
        "emulators.nsphysio:NSPhysioEmulator",
        "emulators.nsphysio:nova_scotia_physiotherapists",
    ),
    "wa_doh_pt": (
        "emulators.wa_doh:WaDohEmulator",
        "emulators.wa_doh:washington_physical_therapists",
    ),
}


def _load(spec: str) -> Callable:
    module, name = spec.split(":")
    return getattr(importlib.import_module(module), name)


@dataclass
class Sample:
    source: Source  # the live source, pointed at the emulator
    emulator: Emulator


def start_samples(sources: dict[str, Source], count: int) -> list[Sample]:
    """Start an emulator for every sample whose source is declared; the caller stops them."""
    samples = []
    try:
        for key, (emulator_spec, people_spec) in SAMPLES.items():
            if key not in sources:
                continue
            live = sources[key]
            emulator = _load(emulator_spec)(_load(people_spec)(count))
            base = emulator.start()
            samples.append(Sample(as_sample(live, base), emulator))
    except BaseException:
        stop_samples(samples)
        raise
    return samples


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
