"""The benchmark's realistic mix (scripts/benchmark.py): distinct searches drawn from the
database, of every kind, in a Zipf order, each one a search the API, Datasette and the patient
page answer."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from registry.web.app import create_app

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def benchmark():
    spec = importlib.util.spec_from_file_location("benchmark", ROOT / "scripts" / "benchmark.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["benchmark"] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("benchmark", None)


@pytest.fixture(scope="module")
def database(benchmark, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "registry.db"
    benchmark.build(path, 800)
    return path


def test_the_mix_is_distinct_searches_of_every_kind_from_the_database(benchmark, database):
    searches = benchmark.realistic_searches(database, 300)
    urls = [benchmark.api_url(params) for _, params in searches]
    assert len(searches) == 300 and len(set(urls)) == 300
    kinds = Counter(kind for kind, _ in searches)
    assert set(kinds) == {kind for kind, _ in benchmark.MIX}
    assert benchmark.realistic_searches(database, 300) == searches  # the same mix every run
    mix = benchmark.realistic_urls(database, "registry", 300, requests=3000)
    order = Counter(mix["api"])
    (hottest, asked), *_ = order.most_common()
    assert hottest == urls[0] and asked > 3000 / 20  # Zipf: the first rank is the hot one
    assert len(order) > 100  # and a long tail
    assert not any("near" in url for url in mix["datasette"])
    assert all(url.startswith("/?city=") for url in mix["page"])
    with TestClient(create_app(database)) as client:
        for url in [*list(order)[:40], *mix["page"][:10], *mix["datasette"][:10]]:
            url = url.replace("/registry/", "/data/registry/") if "directory.json" in url else url
            answer = client.get(url)
            assert answer.status_code == 200, (url, answer.text[:200])


def test_ratios_are_to_the_mean_of_datasettes_runs_before_and_after_ours(benchmark):
    def run(rate: float) -> dict:
        return {"requests_per_second": rate, "p50_ms": 1.0}

    mix = {"datasette": run(100), "datasette_after": run(200), "api_uncached": run(900)}
    assert benchmark.ratios(mix) == {
        "datasette": 0.67,
        "datasette_after": 1.33,
        "api_uncached": 6.0,
    }
    del mix["datasette_after"]
    assert benchmark.ratios(mix) == {"datasette": 1.0, "api_uncached": 9.0}
    assert "Datasette again, after ours" in benchmark.table(
        {
            "datasette": run(100),
            "datasette_after": run(200),
            "x_datasette": benchmark.ratios({"datasette": run(100), "datasette_after": run(200)}),
        }
    )
