"""Watch lists: a clinic's registrations, and the changes to them as Atom and JSON feeds.

A list is reached only with its token (shown once at creation; only its SHA-256 is stored), sent as
`Authorization: Bearer TOKEN` or `?token=TOKEN` (feed readers cannot send headers). Without a valid
token every endpoint answers 401 alike, so nothing tells whether a list exists.

A notice is a registry event on a watched registration after it was added (authorization removed
or granted, status changed, conditions changed, left or returned to the register), or a watched
source whose data has gone stale (derived from its last successful import run and the source's freshness limit).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from sqlite_utils import Database
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from db.load import utcnow
from registry import egress
from registry.history import only
from registry.verify import CHUNK, Query, Regulators, VerifyError, verify_many
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
    """The secret that signs a list's webhook deliveries (registry.webhooks)."""
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
        "select regulator_id, registration_number, registration_id, label, added_at, "
        "since_event_id from watch_items where list_id = ? order by id",
        [list_id],
    )
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


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
        queries.append(Query(regulator, number, entry.get("name")))
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
            "registration_id, label, added_at, since_event_id) values (?, ?, ?, ?, ?, ?, ?)",
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


def notices(
    registry: sqlite3.Connection,
    items: list[dict],
    freshness: dict[str, float],
    now: datetime | None = None,
) -> list[dict]:
    """Every notice for a list's items, newest first."""
    if not items:
        return []
    by_id = {item["registration_id"]: item for item in items}
    ids = list(by_id)
    since = min(item["since_event_id"] for item in items)
    out = []
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


# -- HTTP -----------------------------------------------------------------------------------------


def _token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.query_params.get("token")


def _list(request: Request) -> dict:
    found = find_list(request.app.state.clinics, _token(request))
    if found is None:
        raise HTTPException(
            401,
            "a valid watch-list token is needed (Authorization: Bearer TOKEN, or ?token=TOKEN)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return found


async def _json_body(request: Request) -> dict:
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BODY:
        raise HTTPException(413, "the request body is larger than 1 MB")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise HTTPException(413, "the request body is larger than 1 MB")
    if not body.strip():
        return {}
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise HTTPException(400, f"the body is not valid JSON: {e}") from None
    if not isinstance(data, dict):
        raise HTTPException(400, "the body must be a JSON object")
    return data


def _entries(data: dict) -> list:
    entries = data.get("registrations", [])
    if not isinstance(entries, list):
        raise HTTPException(400, "registrations must be a list of {regulator, registration_number}")
    if len(entries) > MAX_ITEMS:
        raise HTTPException(413, f"at most {MAX_ITEMS:,} registrations per request")
    return entries


async def _webhook_url(value) -> str | None:
    """The webhook URL if deliveries may go there (public hosts only: registry.egress), else 400."""
    if value in (None, ""):
        return None
    try:
        return await run_in_threadpool(egress.check_url, value)  # resolving the name blocks
    except egress.UnsafeURL as e:
        raise HTTPException(400, str(e)) from None


def _room(state, list_id: str | None, adding: int) -> None:
    """413 when a list would hold more registrations than the quota (registry/limits.py)."""
    held = 0
    if list_id is not None:
        held = state.clinics.execute(
            "select count(*) from watch_items where list_id = ?", [list_id]
        ).fetchone()[0]
    if held + adding > state.limits.watch_items:
        raise HTTPException(
            413, f"a watch list holds at most {state.limits.watch_items:,} registrations"
        )


async def api_watch_create(request: Request) -> JSONResponse:
    """
    summary: Create a watch list; its token is shown once
    description: >
      Body (JSON, optional): name, webhook_url, registrations [{regulator, registration_number,
      label}]. The answer holds the token (keep it: only its hash is stored) and, with a
      webhook, the secret that signs deliveries.
    responses:
      201:
        description: "token, list, added, errors (per registration that could not be added)"
      400:
        description: Bad JSON, or a webhook_url that is not http(s) or whose host is not public
    """
    only(request, set())
    data = await _json_body(request)
    name = data.get("name")
    if name is not None and (not isinstance(name, str) or len(name) > 200):
        raise HTTPException(400, "name must be text of at most 200 characters")
    name = clean_text(name)  # control characters mean nothing in a name, and break feeds
    webhook = await _webhook_url(data.get("webhook_url"))
    entries = _entries(data)
    state = request.app.state
    _room(state, None, len(entries))
    row, token = create_list(state.clinics, name, webhook)
    added, errors = add_items(state.conn, state.clinics, row["id"], entries, state.freshness)
    body = {
        "token": token,
        "list": {"id": row["id"], "name": name, "created_at": row["created_at"]},
        "webhook": {"url": webhook, "secret": row["webhook_secret"]} if webhook else None,
        "feeds": {"atom": "/api/watch/feed.atom", "json": "/api/watch/feed.json"},
        "added": added,
        "errors": errors,
    }
    return JSONResponse(body, 201)


async def api_watch(request: Request) -> JSONResponse:
    """
    summary: A watch list (with its token) and the current verdict of each registration
    responses:
      200:
        description: The list, its registrations with verdicts
      401:
        description: No valid token
    """
    only(request, {"token"})
    found = _list(request)
    state = request.app.state
    items = items_of(state.clinics, found["id"])
    answers = verify_many(
        state.conn,
        [Query(i["regulator_id"], i["registration_number"]) for i in items],
        state.freshness,
    )
    return JSONResponse(
        {
            "list": {k: found[k] for k in ("id", "name", "created_at")},
            "webhook_url": found["webhook_url"],
            "registrations": [
                {
                    "regulator": i["regulator_id"],
                    "registration_number": i["registration_number"],
                    "label": i["label"],
                    "added_at": i["added_at"],
                    "verdict": a["verdict"] if isinstance(a, dict) else None,
                    "status": (a.get("registration") or {}).get("status")
                    if isinstance(a, dict)
                    else None,
                }
                for i, a in zip(items, answers, strict=True)
            ],
        }
    )


async def api_watch_delete(request: Request) -> Response:
    """
    summary: Delete a watch list; its token stops working
    responses:
      204:
        description: Deleted, with its registrations and delivery records
      401:
        description: No valid token
    """
    only(request, {"token"})
    found = _list(request)
    delete_list(request.app.state.clinics, found["id"])
    return Response(status_code=204)


async def api_watch_add(request: Request) -> JSONResponse:
    """
    summary: Add registrations to a watch list
    responses:
      200:
        description: "added, errors"
      401:
        description: No valid token
    """
    only(request, {"token"})
    found = _list(request)
    entries = _entries(await _json_body(request))
    state = request.app.state
    _room(state, found["id"], len(entries))
    added, errors = add_items(state.conn, state.clinics, found["id"], entries, state.freshness)
    return JSONResponse({"added": added, "errors": errors})


async def api_watch_remove(request: Request) -> Response:
    """
    summary: Remove a registration from a watch list
    responses:
      204:
        description: Removed
      401:
        description: No valid token
      404:
        description: Not on this list
    """
    only(request, {"token"})
    found = _list(request)
    db = request.app.state.clinics
    with db.conn:
        cursor = db.conn.execute(
            "delete from watch_items where list_id = ? and regulator_id = ? and "
            "registration_number = ?",
            [found["id"], request.path_params["regulator"], request.path_params["number"]],
        )
    if not cursor.rowcount:
        raise HTTPException(404, "that registration is not on this watch list")
    return Response(status_code=204)


def _feed_notices(request: Request) -> tuple[dict, list[dict]]:
    only(request, {"token"})
    found = _list(request)
    state = request.app.state
    items = items_of(state.clinics, found["id"])
    return found, notices(state.conn, items, state.freshness)[:FEED_LIMIT]


async def feed_json(request: Request) -> JSONResponse:
    """
    summary: Changes to a watch list's registrations (JSON Feed 1.1)
    responses:
      200:
        description: A JSON Feed; each item's _registry holds the notice as data
      401:
        description: No valid token
    """
    found, items = _feed_notices(request)
    base = request.app.state.public_url  # configured: never the Host header
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": f"Needling Registry watch list{': ' + found['name'] if found['name'] else ''}",
        "home_page_url": base + "/",
        "description": "Changes to the watched registrations, newest first.",
        "items": [
            {
                "id": f"urn:needling-registry:watch:{found['id']}:{n['id']}",
                "url": base + n["url"],
                "title": n["title"],
                "content_text": n["summary"],
                "date_published": n["at"],
                "_registry": n,
            }
            for n in items
        ],
    }
    return JSONResponse(feed, media_type="application/feed+json")


ATOM = "http://www.w3.org/2005/Atom"


async def feed_atom(request: Request) -> Response:
    """
    summary: Changes to a watch list's registrations (Atom)
    responses:
      200:
        description: An Atom feed
      401:
        description: No valid token
    """
    found, items = _feed_notices(request)
    base = request.app.state.public_url  # configured: never the Host header
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")

    def sub(parent, tag, text=None, **attrs):
        # Characters XML forbids (a NUL in a list's name, in data imported before records were
        # cleaned) would make the whole feed unreadable: they are dropped.
        attrs = {k: clean_text(v) for k, v in attrs.items()}
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            el.text = clean_text(text)
        return el

    sub(feed, "id", f"urn:needling-registry:watch:{found['id']}")
    sub(
        feed,
        "title",
        f"Needling Registry watch list{': ' + found['name'] if found['name'] else ''}",
    )
    sub(feed, "updated", items[0]["at"] if items else found["created_at"])
    sub(sub(feed, "author"), "name", "Needling Registry")
    sub(feed, "link", rel="alternate", href=base + "/")
    for n in items:
        entry = sub(feed, "entry")
        sub(entry, "id", f"urn:needling-registry:watch:{found['id']}:{n['id']}")
        sub(entry, "title", n["title"])
        sub(entry, "updated", n["at"])
        sub(entry, "link", rel="alternate", href=base + n["url"])
        sub(entry, "category", term=n["kind"])
        sub(entry, "summary", n["summary"])
    xml = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return Response(xml, media_type="application/atom+xml; charset=utf-8")


routes = [
    Route("/api/watch", api_watch_create, methods=["POST"]),
    Route("/api/watch", api_watch, methods=["GET"]),
    Route("/api/watch", api_watch_delete, methods=["DELETE"]),
    Route("/api/watch/registrations", api_watch_add, methods=["POST"]),
    Route("/api/watch/registrations/{regulator}/{number}", api_watch_remove, methods=["DELETE"]),
    Route("/api/watch/feed.json", feed_json, methods=["GET"]),
    Route("/api/watch/feed.atom", feed_atom, methods=["GET"]),
]
