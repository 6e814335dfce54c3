"""The clinics database: receipts, watch lists and webhook deliveries.

Clinic data is private and written by the API, so it lives in its own SQLite file beside the
registry database (`registry.db` -> `registry.clinics.db`), never in the registry database that
Datasette publishes read-only. It has its own migrations.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from db import connect, layout
from db.migrations import apply_once

CLINICS_ENV = layout.CLINICS_ENV

migrations = Migrations("needling_registry_clinics")


def clinics_path(registry_path: str | os.PathLike) -> Path:
    """Where the clinics database lives: $REGISTRY_CLINICS_DB, else beside the registry db."""
    return layout.clinics_db(registry_path)


@migrations()
def m001_clinics(db: Database):
    # A frozen answer: the JSON body as first returned, and the SHA-256 of that body.
    db.table("receipts").create(
        {
            "id": str,  # random, 128 bits: unguessable (see docs/clinics.md)
            "checked_at": str,
            "regulator_id": str,
            "registration_number": str,
            "verdict": str,
            "body": str,  # JSON, exactly what GET /api/receipts/{id} returns
            "body_sha256": str,
        },
        pk="id",
        not_null={"checked_at", "body", "body_sha256"},
    )
    db.table("watch_lists").create(
        {
            "id": str,  # random public id, used in feed ids; never a credential
            "token_sha256": str,  # the bearer token is shown once; only its hash is kept
            "name": str,
            "created_at": str,
            "webhook_url": str,
            "webhook_secret": str,  # needed in clear to sign deliveries (HMAC-SHA256)
        },
        pk="id",
        not_null={"token_sha256", "created_at"},
    )
    db.table("watch_lists").create_index(["token_sha256"], unique=True)
    db.table("watch_items").create(
        {
            "id": int,
            "list_id": str,
            "regulator_id": str,
            "registration_number": str,
            "registration_id": str,  # the registry's id, resolved when added
            "label": str,  # the clinic's own name for the person, as given
            "added_at": str,
            "since_event_id": int,  # registry events after this one are news for this list
        },
        pk="id",
        not_null={"list_id", "registration_id", "added_at"},
        foreign_keys=[("list_id", "watch_lists", "id")],
    )
    db.table("watch_items").create_index(["list_id", "registration_id"], unique=True)
    db.table("watch_items").create_index(["registration_id"])
    # One row per notice per list once a delivery has been tried; `delivered_at` set on success.
    db.table("webhook_deliveries").create(
        {
            "id": int,
            "list_id": str,
            "notice_id": str,  # the feed entry id, e.g. "event:42" or "stale:cpta:7"
            "attempts": int,
            "last_status": int,
            "last_error": str,
            "last_attempt_at": str,
            "delivered_at": str,
        },
        pk="id",
        not_null={"list_id", "notice_id"},
        foreign_keys=[("list_id", "watch_lists", "id")],
    )
    db.table("webhook_deliveries").create_index(["list_id", "notice_id"], unique=True)


@migrations()
def m002_batches(db: Database):
    # A roster's results as shown on /verify, kept so that the page can offer a CSV and a print
    # of every receipt afterwards without the roster being uploaded again.
    db.table("batches").create(
        {
            "id": str,  # random, 128 bits, like a receipt id
            "created_at": str,
            "header": str,  # JSON: the roster's header row
            "results": str,  # JSON: the rows as shown (clinics.roster.result), in file order
        },
        pk="id",
        not_null={"created_at", "header", "results"},
    )


@migrations()
def m003_watch_item_names(db: Database):
    # The name a registration was added with: a masked number ("XXX42", Ontario) is only told
    # apart by the visible digits and the name, so every later check needs the name too.
    db.table("watch_items").add_column("name", str)


@migrations()
def m004_recent_receipts(db: Database):
    # Receipts given in the last seconds, by client and content (registry.limits.Recent): an
    # identical answer within the window reuses its receipt, whichever worker answers.
    db.table("recent_receipts").create(
        {"key": str, "at": float, "body": str},  # key: SHA-256 of client and answer
        pk="key",
        not_null={"at", "body"},
    )
    db.table("recent_receipts").create_index(["at"])


def open_clinics(path: str | os.PathLike, migrate: bool = True) -> Database:
    """Open (and, unless told not to, migrate) the clinics database, writable."""
    db = connect(Path(path), "clinics database", check_same_thread=False)
    db.execute("PRAGMA foreign_keys = ON")
    if migrate:
        apply_once(migrations, db)  # servers that start together create it once
    return db
