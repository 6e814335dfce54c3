"""The real app served by uvicorn on 127.0.0.1 in a thread, for end-to-end tests over HTTP."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import uvicorn
from sqlite_utils import Database

from db import open_db
from db.load import sync_regulators
from registry.settings import SiteSettings
from registry.web.app import create_app
from scrapers.sources import load_settings
from tests.conftest import load


def registry_with(path: Path, *runs: tuple[list, str]) -> Database:
    """A registry database with every source declared and one successful run per (records,
    regulator), in order."""
    db = open_db(path)
    sync_regulators(db, load_settings().sources.values())
    for records, regulator in runs:
        load(db, records, regulator=regulator)
    return db


def age(db: Database, regulator: str, days: int) -> None:
    """Make a source's runs end `days` ago, so that its data goes stale."""
    db.execute(
        "update import_runs set ended_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?) "
        "where regulator_id = ?",
        [f"-{days} days", regulator],
    )
    db.conn.commit()


class Site:
    def __init__(self, db_path: Path):
        # Bound here and handed over, so no other process can take the port in between.
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        # Its own address is the public one: links in receipts and feeds point back here.
        settings = SiteSettings.load(db_path, public_url=self.url)
        config = uvicorn.Config(create_app(settings), log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )

    def __enter__(self) -> Site:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the app did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.socket.close()
