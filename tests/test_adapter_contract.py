"""Every platform's module provides the one adapter contract (scrapers/adapter.py): the importer
calls it and nothing else, so a module without it would fail every run of its sources."""

import importlib

import pytest

from scrapers.adapter import Adapter
from scrapers.sources import PLATFORMS


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_every_platform_module_provides_the_adapter_contract(platform):
    module = importlib.import_module(PLATFORMS[platform])
    assert isinstance(module.ADAPTER, Adapter), platform
    assert isinstance(module.DEFAULT_OPTIONS, dict), platform
