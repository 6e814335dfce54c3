"""Watch-list endpoints: create a list, read and change it, and its Atom and JSON feeds.

The lists and their notices are registry.clinics.watch; a list is reached only with its token, and
without a valid one every endpoint answers 401 alike, so nothing tells whether a list exists.
"""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from registry.clinics import egress, watch
from registry.clinics.verify import verify_many
from registry.clinics.watch import (
    FEED_LIMIT,
    MAX_BODY,
    MAX_ITEMS,
    Notice,
    add_items,
    checks_of,
    create_list,
    delete_list,
    find_list,
    items_of,
    notices,
)
from registry.web.params import body_within, only, watch_token
from scrapers.records import clean_text


def _list(request: Request) -> dict:
    found = find_list(
        request.app.state.clinics, watch_token(request, request.query_params.get("token"))
    )
    if found is None:
        raise HTTPException(
            401,
            "a valid watch-list token is needed (Authorization: Bearer TOKEN, or ?token=TOKEN)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return found


async def _json_body(request: Request) -> dict:
    body = await body_within(
        request, MAX_BODY, lambda: HTTPException(413, "the request body is larger than 1 MB")
    )
    if not body.strip():
        return {}
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise HTTPException(400, f"the body is not valid JSON: {e}") from None
    except RecursionError:
        raise HTTPException(400, "the body is not usable JSON: it is nested too deeply") from None
    except ValueError:  # Python reads integers of at most 4,300 digits
        raise HTTPException(400, "the body is not usable JSON: a number is too long") from None
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
    """The webhook URL if deliveries may go there (public hosts only: registry.clinics.egress), else 400."""
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
        held = watch.count_items(state.clinics, list_id)
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

    def work() -> tuple[dict, str, list, list]:
        _room(state, None, len(entries))
        row, token = create_list(state.clinics, name, webhook)
        added, errors = add_items(state.conn, state.clinics, row["id"], entries, state.freshness)
        return row, token, added, errors

    row, token, added, errors = await run_in_threadpool(work)
    body = {
        "token": token,
        "list": {"id": row["id"], "name": name, "created_at": row["created_at"]},
        "webhook": {"url": webhook, "secret": row["webhook_secret"]} if webhook else None,
        "feeds": {"atom": "/api/watch/feed.atom", "json": "/api/watch/feed.json"},
        "added": added,
        "errors": errors,
    }
    return JSONResponse(body, 201)


def api_watch(request: Request) -> JSONResponse:
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
    answers = verify_many(state.conn, checks_of(items), state.freshness)
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


def api_watch_delete(request: Request) -> Response:
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
    found = await run_in_threadpool(_list, request)  # 401 before the body is read
    entries = _entries(await _json_body(request))
    state = request.app.state

    def work() -> tuple[list, list]:
        _room(state, found["id"], len(entries))
        return add_items(state.conn, state.clinics, found["id"], entries, state.freshness)

    added, errors = await run_in_threadpool(work)
    return JSONResponse({"added": added, "errors": errors})


def api_watch_remove(request: Request) -> Response:
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
    removed = watch.remove_item(
        request.app.state.clinics,
        found["id"],
        request.path_params["regulator"],
        request.path_params["number"],
    )
    if not removed:
        raise HTTPException(404, "that registration is not on this watch list")
    return Response(status_code=204)


def _feed_notices(request: Request) -> tuple[dict, list[Notice]]:
    only(request, {"token"})
    found = _list(request)
    state = request.app.state
    items = items_of(state.clinics, found["id"])
    return found, notices(state.conn, items, state.freshness)[:FEED_LIMIT]


def feed_json(request: Request) -> JSONResponse:
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


def feed_atom(request: Request) -> Response:
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
