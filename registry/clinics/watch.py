"""Watch lists: a clinic's registrations, and the changes to them as Atom and JSON feeds.

A list is reached only with its token (shown once at creation; only its SHA-256 is stored), sent as
`Authorization: Bearer TOKEN` or `?token=TOKEN` (feed readers cannot send headers). Without a valid
token every endpoint answers 401 alike, so nothing tells whether a list exists.

A notice is a registry event on a watched registration after it was added (authorization removed
or granted, status changed, conditions changed, left or returned to the register), or a watched
source whose data has gone stale (derived from its last successful import run and the source's
freshness limit).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
from datetime import UTC, datetime
from typing import Any, TypedDict

from sqlite_utils import Database

from db.load import utcnow
from registry.clinics.verify import (
    CHUNK,
    Freshness,
    Query,
    Regulators,
    VerifyError,
    verify_many,
)
from registry.lookup.numbers import is_masked
from scrapers.records import clean_text

NOTICE_KINDS = (
    "authorization_removed",
    "authorization_granted",
    "status_changed",
    "conditions_changed",
    "left",
    "returned",
)
TOKEN_PREFIX = "nrw_"
MAX_BODY = 1024 * 1024
MAX_ITEMS = 10_000
FEED_LIMIT = 200


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# -- the watch lists themselves (clinics database) ------------------------------------------------


def create_list(db: Database, name: str | None, webhook_url: str | None) -> tuple[dict, str]:
    """A new list and its token (returned once; only its hash is kept)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = {
        "id": secrets.token_hex(8),
        "token_sha256": token_hash(token),
        "name": name,
        "created_at": utcnow(),
        "webhook_url": webhook_url,
        "webhook_secret": new_secret() if webhook_url else None,
    }
    db.table("watch_lists").insert(row)
    return row, token


def new_secret() -> str:
    """The secret that signs a list's webhook deliveries (registry.clinics.webhooks)."""
    return secrets.token_hex(32)


def delete_list(db: Database, list_id: str) -> None:
    """A list, its registrations and its delivery records; its token stops working."""
    with db.conn:
        for table, column in (
            ("webhook_deliveries", "list_id"),
            ("watch_items", "list_id"),
            ("watch_lists", "id"),
        ):
            db.conn.execute(f"delete from {table} where {column} = ?", [list_id])


def count_items(db: Database, list_id: str) -> int:
    """How many registrations a list holds (its quota counts them)."""
    return db.execute("select count(*) from watch_items where list_id = ?", [list_id]).fetchone()[0]


def remove_item(db: Database, list_id: str, regulator: str, number: str) -> bool:
    """Take one registration off a list; False when it was not on it."""
    with db.conn:
        cursor = db.conn.execute(
            "delete from watch_items where list_id = ? and regulator_id = ? and "
            "registration_number = ?",
            [list_id, regulator, number],
        )
    return bool(cursor.rowcount)


def set_webhook(db: Database, list_id: str, url: str | None, secret: str | None) -> None:
    """Set a list's webhook address and the secret that signs its deliveries (None: remove)."""
    with db.conn:
        db.conn.execute(
            "update watch_lists set webhook_url = ?, webhook_secret = ? where id = ?",
            [url, secret, list_id],
        )


def find_list(db: Database, token: str | None) -> dict | None:
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = db.execute(
        "select id, name, created_at, webhook_url, webhook_secret from watch_lists "
        "where token_sha256 = ?",
        [token_hash(token)],
    ).fetchone()
    if row is None:
        return None
    return dict(
        zip(("id", "name", "created_at", "webhook_url", "webhook_secret"), row, strict=True)
    )


def items_of(db: Database, list_id: str) -> list[dict]:
    cursor = db.execute(
        "select regulator_id, registration_number, registration_id, label, name, added_at, "
        "since_event_id from watch_items where list_id = ? order by id",
        [list_id],
    )
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def checks_of(items: list[dict]) -> list[Query]:
    """The query that checks each watched registration again: a masked number ("XXX42") with
    the name it was added with (its label for an item added before names were kept), since
    only the visible digits and the name tell its holder apart; any other by its number alone."""
    return [
        Query(
            i["regulator_id"],
            i["registration_number"],
            (i.get("name") or i["label"]) if is_masked(i["registration_number"]) else None,
        )
        for i in items
    ]


def add_items(
    registry: sqlite3.Connection,
    db: Database,
    list_id: str,
    entries: list[dict],
    freshness: dict[str, float],
) -> tuple[list[dict], list[dict]]:
    """Resolve and add registrations; returns (added, errors), errors by position."""
    queries, errors, positions = [], [], []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            errors.append({"index": i, "error": "each registration is an object"})
            continue
        regulator = entry.get("regulator") or entry.get("province") or ""
        number = entry.get("registration_number") or ""
        if not isinstance(regulator, str) or not isinstance(number, str):
            errors.append({"index": i, "error": "regulator and registration_number are strings"})
            continue
        name = entry.get("name")
        if name is not None and not isinstance(name, str):
            errors.append({"index": i, "error": "name is a string"})
            continue
        queries.append(Query(regulator, number, name))
        positions.append(i)
    answers = verify_many(registry, queries, freshness)
    last_event = registry.execute("select coalesce(max(id), 0) from events").fetchone()[0]
    now = utcnow()
    added, rows = [], []
    for i, q, answer in zip(positions, queries, answers, strict=True):
        if isinstance(answer, VerifyError):
            errors.append({"index": i, "error": str(answer)})
            continue
        if answer["registration"] is None:
            errors.append(
                {
                    "index": i,
                    "error": f"no registration {answer['query']['registration_number']!r} on the "
                    f"{answer['regulator']['id']} register",
                }
            )
            continue
        label = entries[i].get("label") or q.name
        rows.append(
            {
                "list_id": list_id,
                "regulator_id": answer["regulator"]["id"],
                "registration_number": answer["registration"]["registration_number"],
                "registration_id": answer["registration"]["id"],
                "label": clean_text(label) if isinstance(label, str) else None,
                "name": clean_text(q.name) if isinstance(q.name, str) else None,
                "added_at": now,
                "since_event_id": last_event,
            }
        )
        added.append(
            {
                "regulator": answer["regulator"]["id"],
                "registration_number": answer["registration"]["registration_number"],
                "name": answer["registration"]["name"],
                "verdict": answer["verdict"],
            }
        )
    with db.conn:
        db.conn.executemany(
            "insert or ignore into watch_items (list_id, regulator_id, registration_number, "
            "registration_id, label, name, added_at, since_event_id) "
            "values (?, ?, ?, ?, ?, ?, ?, ?)",
            [list(r.values()) for r in rows],
        )
    return added, sorted(errors, key=lambda e: e["index"])


# -- notices (registry database) ------------------------------------------------------------------

_TITLES = {
    "authorization_removed": "authorization removed",
    "authorization_granted": "authorization granted",
    "status_changed": "status changed",
    "conditions_changed": "conditions changed",
    "left": "no longer on the register",
    "returned": "back on the register",
}


def _summary(kind: str, detail: dict) -> str:
    if kind in ("authorization_removed", "authorization_granted"):
        return f"{_TITLES[kind].capitalize()}: {detail['authorization']['wording']!r}."
    if kind == "status_changed":
        return f"Status changed from {detail['before']!r} to {detail['after']!r}."
    if kind == "conditions_changed":
        added = [c for c in detail["after"] if c not in detail["before"]]
        removed = [c for c in detail["before"] if c not in detail["after"]]
        parts = [f"added {c!r}" for c in added] + [f"removed {c!r}" for c in removed]
        return f"Conditions changed: {', '.join(parts) or 'reworded'}."
    if kind == "left":
        return "The register no longer lists this registration."
    return "The register lists this registration again."


class Notice(TypedDict):
    """A change to a watched registration, or a watched source's data gone stale: as the feeds
    give it (`_registry` in the JSON Feed) and the webhooks send it."""

    id: str  # event:N, or stale:REGULATOR:RUN
    kind: str  # one of NOTICE_KINDS, or data_stale
    at: str
    title: str
    summary: str
    regulator: str
    registration_number: str | None  # None: data_stale
    name: str | None
    label: str | None  # the list's label for the registration
    import_run_id: int | None
    detail: dict[str, Any] | Freshness  # the event's detail, or the source's freshness
    url: str


def notices(
    registry: sqlite3.Connection,
    items: list[dict],
    freshness: dict[str, float],
    now: datetime | None = None,
) -> list[Notice]:
    """Every notice for a list's items, newest first."""
    if not items:
        return []
    by_id = {item["registration_id"]: item for item in items}
    ids = list(by_id)
    since = min(item["since_event_id"] for item in items)
    out: list[Notice] = []
    kinds = ",".join(f"'{k}'" for k in NOTICE_KINDS)
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        rows = registry.execute(
            "select e.id, e.at, e.kind, e.detail, e.registration_id, e.regulator_id, e.run_id, "
            "r.name, r.registration_number from events e "
            "join registrations r on r.id = e.registration_id "
            f"where e.id > ? and e.kind in ({kinds}) "
            f"and e.registration_id in ({','.join('?' * len(chunk))})",
            [since, *chunk],
        )
        for event_id, at, kind, detail, rid, gid, run_id, name, number in rows:
            item = by_id[rid]
            if event_id <= item["since_event_id"]:
                continue
            detail = json.loads(detail)
            out.append(
                {
                    "id": f"event:{event_id}",
                    "kind": kind,
                    "at": at,
                    "title": f"{name} ({gid} {number}): {_TITLES[kind]}",
                    "summary": _summary(kind, detail),
                    "regulator": gid,
                    "registration_number": number,
                    "name": name,
                    "label": item["label"],
                    "import_run_id": run_id,
                    "detail": detail,
                    "url": f"/api/registrations/{gid}/{number}/history",
                }
            )
    regulators = Regulators(registry, freshness, now or datetime.now(UTC))
    for gid in sorted({item["regulator_id"] for item in items}):
        if gid not in regulators.rows:
            continue
        fresh = regulators.freshness_of(gid)
        if not fresh["stale"]:
            continue
        last = fresh["last_successful_import"]
        watched = sum(1 for item in items if item["regulator_id"] == gid)
        out.append(
            {
                "id": f"stale:{gid}:{last['import_run_id'] if last else 0}",
                "kind": "data_stale",
                "at": fresh["stale_since"]
                or min(item["added_at"] for item in items if item["regulator_id"] == gid),
                "title": f"{gid}: data stale",
                "summary": (
                    f"The last successful import of {gid} ended "
                    f"{last['ended_at'] if last else 'never'}; its data is stale after "
                    f"{fresh['stale_after_hours']:g} hours. Verdicts for the {watched} watched "
                    f"registration(s) there cannot be trusted until it is imported again."
                ),
                "regulator": gid,
                "registration_number": None,
                "name": None,
                "label": None,
                "import_run_id": last["import_run_id"] if last else None,
                "detail": fresh,
                "url": "/api/sources",
            }
        )
    out.sort(key=lambda n: (n["at"], n["id"]), reverse=True)
    return out
