"""The API against its own description: schemathesis generates requests (bodies included) from
/api/openapi.json and checks every answer: no server errors, only documented status codes and
content types, error bodies as described."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.testclient import TestClient

from db import open_db
from db.load import sync_regulators
from registry.limits import Limits
from registry.settings import SiteSettings
from registry.web.app import create_app
from scrapers.sources import load_settings
from tests.conftest import PEOPLE, load

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
GENEROUS = Limits(
    verify="100000/minute",
    roster="100000/minute",
    watch_create="100000/minute",
    watch_read="100000/minute",
)


def _app():
    """The app over synthetic people, in a folder of its own (the schema loads at import)."""
    folder = tempfile.mkdtemp(prefix="schemathesis-")
    atexit.register(shutil.rmtree, folder, True)
    path = Path(folder) / "registry.db"
    database = open_db(path)
    sync_regulators(database, load_settings().sources.values())
    load(database, PEOPLE)
    database.close()
    return create_app(SiteSettings.load(path, limits=GENEROUS))


APP = _app()
schema = schemathesis.openapi.from_asgi("/api/openapi.json", APP)
# schemathesis gives its tests (one per operation) one id, and pytest-xdist hands tests out by
# id: under it, all but one would silently not run. scripts/test runs these in one process.
pytestmark = pytest.mark.one_process


@pytest.fixture(scope="module")
def token():
    with TestClient(APP) as client:
        created = client.post(
            "/api/watch",
            json={"registrations": [{"regulator": "cpta", "registration_number": "20001"}]},
        )
    return created.json()["token"]


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_the_api_keeps_to_its_description(case, token):
    if case.operation.path.startswith("/api/watch") and case.method != "DELETE":
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
    case.call_and_validate(checks=CHECKS)
