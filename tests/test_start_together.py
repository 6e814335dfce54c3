"""Servers that start together: the schema is created and migrated once, by whichever start
comes first, while the others wait for it (no "database is locked", no "table already exists").

Workers of one `registry serve --workers N` and replicas of a site start at the same moment on a
database that may be fresh: each opens the registry database (its migrations) and creates the
clinics database (its own migrations) as it starts."""

from __future__ import annotations

import multiprocessing
import threading

from starlette.testclient import TestClient

from db import open_db
from db.clinics import clinics_path, open_clinics
from db.clinics import migrations as clinics_migrations
from db.migrations import migrations as registry_migrations
from registry.web.app import create_app

ROUNDS = 6
STARTS = 4


def opened(path, start: threading.Barrier, errors: list) -> None:
    """What a server does to its databases as it starts: on a connection of its own, as another
    process has, at the same moment as the others."""
    try:
        start.wait()
        open_db(path).close()
        open_clinics(clinics_path(path)).close()
    except Exception as e:  # a bare traceback is a failure too
        errors.append(e)


def test_databases_created_by_starts_at_the_same_moment_round_after_round(tmp_path):
    for round_ in range(ROUNDS):
        path = tmp_path / f"round{round_}" / "registry.db"
        start = threading.Barrier(STARTS)
        errors: list[Exception] = []
        threads = [
            threading.Thread(target=opened, args=(path, start, errors)) for _ in range(STARTS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == [], f"round {round_}: {errors!r}"
        db = open_db(path)
        clinics = open_clinics(clinics_path(path))
        try:
            # each migration applied once, none twice, none left
            for database, migrations in ((db, registry_migrations), (clinics, clinics_migrations)):
                names = [m.name for m in migrations.applied(database)]
                assert names == [m.name for m in migrations._migrations]
                assert migrations.pending(database) == []
            assert clinics["receipts"].exists()
        finally:
            db.close()
            clinics.close()


def _serve_once(path: str, start, results) -> None:
    """One server process: its app's start (lifespan) and a first request."""
    try:
        start.wait(30)
        with TestClient(create_app(path)) as client:
            results.put(client.get("/api/openapi.json").status_code)
    except BaseException as e:  # reported to the test, not a bare traceback
        results.put(repr(e))


def test_two_server_processes_start_at_once_on_a_fresh_database(tmp_path):
    """The reported failure: a freshly built registry database, no clinics database yet, and two
    servers (processes, each with its own app) started at once; both start and answer."""
    context = multiprocessing.get_context("spawn")
    for round_ in range(3):
        path = tmp_path / f"round{round_}" / "registry.db"
        open_db(path).close()  # built by an import; the clinics database does not exist yet
        assert not clinics_path(path).exists()
        start = context.Barrier(2)
        results = context.Queue()
        processes = [
            context.Process(target=_serve_once, args=(str(path), start, results)) for _ in range(2)
        ]
        for process in processes:
            process.start()
        answers = [results.get(timeout=120) for _ in processes]
        for process in processes:
            process.join(30)
        assert answers == [200, 200], f"round {round_}: {answers!r}"
