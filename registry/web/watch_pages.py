"""The watch-list screen: watch a roster's people from its results, then see, set up and delete
the list, in English and French, without JavaScript.

The token is the only credential. It is shown once, when the list is made, and comes back only in
the body of a form POST (or an `Authorization: Bearer` header): never in a URL, so never in a log
or a browser's history. That also makes the forms safe from cross-site requests without cookies:
a request another site makes a browser send cannot hold a token it does not know. Pages that hold
the token are sent `Cache-Control: no-store`.

Webhooks follow the API's rules (registry.clinics.egress: public addresses only, checked when
connecting), and a test delivery is one signed POST (registry.clinics.webhooks.send_test), sent by
threads of its own
(registry.web.webhook_tests), never by those that serve pages and searches.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from registry.clinics import batches, egress, receipts, watch
from registry.clinics.verify import verify_many
from registry.lookup.search import whole_number
from registry.web import i18n
from registry.web.pages import render
from registry.web.params import body_within, only, watch_token
from registry.web.webhook_tests import WAIT
from scrapers.records import clean_text

MAX_FORM = 16 * 1024  # a token, a name, a URL: a few hundred bytes
MAX_NAME = 200
LATEST = 50  # changes shown on the list's page (the feeds hold more)
PEOPLE_PAGE = 100  # people checked and shown per page of a list: what one request may cost
NO_STORE = {"Cache-Control": "no-store"}
R = TypeVar("R")


class FormError(Exception):
    def __init__(self, status: int, key: str):
        super().__init__(key)
        self.status, self.key = status, key


async def _form(request: Request) -> FormData:
    """A small urlencoded or multipart form; larger bodies are refused before being read whole."""
    body = await body_within(request, MAX_FORM, lambda: FormError(413, "watch.error.too_large"))
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not body and not kind:
        return FormData()  # an empty POST: a form with nothing filled in
    if kind not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        raise FormError(415, "watch.error.not_a_form")
    request._body = body  # Starlette parses the form from the body it has read
    try:
        return await request.form(max_files=0, max_fields=10)
    except HTTPException:
        raise FormError(400, "watch.error.not_a_form") from None


def _context(request: Request, **context) -> dict:
    lang = i18n.choose(request)
    other = i18n.translator(lang)("nav.switch_lang")
    # The other language's link opens the form again: the token is never carried in an address.
    return {"lang": lang, "page": "watch", "switch_url": f"/watch?lang={other}", **context}


def _page(request: Request, template: str, status: int = 200, **context) -> Response:
    response = render(request, template, _context(request, **context), status)
    response.headers.update(NO_STORE)
    return response


def _open_page(request: Request, error: str | None, status: int) -> Response:
    return _page(request, "watch_open.html", status, error=error)


def _token_of(request: Request, form: FormData | None) -> str | None:
    return watch_token(request, form.get("token") if form is not None else None)


# -- making a list from a roster's results ---------------------------------------------------------


def roster_entries(clinics, batch: dict) -> tuple[list[dict], list[dict]]:
    """The registrations a roster's results name (from their receipts) and the rows left out.

    A row is left out when it named no registration (not found, check by name, not checked) or a
    registration that belongs to someone else (name_mismatch): watching that would watch the
    wrong person.
    """
    entries, skipped = [], []
    for row in batch["results"]:
        found = receipts.fetch(clinics, row["receipt_id"]) if row.get("receipt_id") else None
        answer = found[0] if found else None
        registration = answer.get("registration") if answer else None
        verdict = row.get("verdict") or "error"
        if answer is None or registration is None or verdict == "name_mismatch":
            skipped.append({"line": row["line"], "verdict": verdict, "input": row["input"]})
            continue
        # Asked again as the roster asked (a masked Ontario number is found by the clinic's full
        # number and name, not by the "XXX42" the register prints).
        entries.append(
            {
                "regulator": answer["regulator"]["id"],
                "registration_number": answer["query"]["registration_number"],
                "name": answer["query"].get("name"),
                "label": answer["query"].get("name") or registration.get("name"),
            }
        )
    return entries, skipped


async def watch_new(request: Request) -> Response:
    """Create a list from a roster's results (form: batch, name); shows the token once."""
    only(request, {"lang"})
    try:
        form = await _form(request)
    except FormError as e:
        return _open_page(request, e.key, e.status)
    return await run_in_threadpool(_new_list, request, form)


def _new_list(request: Request, form: FormData) -> Response:
    batch_id = form.get("batch")
    batch = (
        batches.fetch(request.app.state.clinics, batch_id) if isinstance(batch_id, str) else None
    )
    if batch is None:
        return _open_page(request, "watch.error.no_batch", 404)
    name = form.get("name")
    name = clean_text(name.strip()) if isinstance(name, str) and name.strip() else None
    if name is not None and len(name) > MAX_NAME:
        return _open_page(request, "watch.error.name_too_long", 400)
    state = request.app.state
    entries, skipped = roster_entries(state.clinics, batch)
    if not entries:
        return _open_page(request, "watch.error.nobody", 422)
    if len(entries) > state.limits.watch_items:
        return _open_page(request, "watch.error.too_many", 413)
    row, token = watch.create_list(state.clinics, name, None)
    added, errors = watch.add_items(state.conn, state.clinics, row["id"], entries, state.freshness)
    return _page(
        request,
        "watch_created.html",
        201,
        token=token,
        name=name,
        added=added,
        skipped=skipped,
        failed=errors,
    )


# -- the list's own page ---------------------------------------------------------------------------


def list_view(request: Request, found: dict, page: object = None) -> dict:
    """One page of the list's people (PEOPLE_PAGE at most, each checked again now, with their
    latest change) and the latest changes. A list may hold thousands of people: one request
    checks one page of them, so that a client reloading a large list cannot slow the site."""
    state = request.app.state
    items = watch.items_of(state.clinics, found["id"])
    pages = max(1, -(-len(items) // PEOPLE_PAGE))
    number = 1
    if isinstance(page, str) and page.isascii() and page.isdigit() and page.strip("0"):
        number = whole_number(page, pages) or pages  # past the last page: the last
    shown = items[(number - 1) * PEOPLE_PAGE : number * PEOPLE_PAGE]
    answers = verify_many(state.conn, watch.checks_of(shown), state.freshness)
    changes = watch.notices(state.conn, items, state.freshness)
    latest: dict[tuple, watch.Notice] = {}
    for n in changes:  # newest first: the first one seen for a registration is its latest
        latest.setdefault((n["regulator"], n["registration_number"]), n)
    people = []
    for item, answer in zip(shown, answers, strict=True):
        registration = answer.get("registration") if isinstance(answer, dict) else None
        people.append(
            {
                "label": item["label"],
                "regulator": item["regulator_id"],
                "number": item["registration_number"],
                "name": (registration or {}).get("name"),
                "status": (registration or {}).get("status"),
                "verdict": answer["verdict"] if isinstance(answer, dict) else "error",
                "added_at": item["added_at"],
                "latest": latest.get((item["regulator_id"], item["registration_number"])),
            }
        )
    base = state.public_url
    return {
        "list": found,
        "test": state.webhook_tests.latest(found["id"]),
        "people": people,
        "people_total": len(items),
        "people_page": {
            "number": number,
            "pages": pages,
            "first": (number - 1) * PEOPLE_PAGE + 1,
            "last": (number - 1) * PEOPLE_PAGE + len(shown),
        },
        "changes": changes[:LATEST],
        "more_changes": max(0, len(changes) - LATEST),
        "feeds": {"atom": base + "/api/watch/feed.atom", "json": base + "/api/watch/feed.json"},
    }


def _list_page(
    request: Request, found: dict, token: str, status: int = 200, page: object = None, **extra
) -> Response:
    view = list_view(request, found, page)
    return _page(request, "watch.html", status, token=token, **view, **extra)


async def _on_list(
    request: Request, act: Callable[[Request, dict, str, FormData], R]
) -> Response | R:
    """`act` (in a thread) on the list a form POST (or a Bearer header) opens, with the list, its
    token and the form; or the page that says why no list was opened."""
    try:
        form = await _form(request)
    except FormError as e:
        return _open_page(request, e.key, e.status)
    token = _token_of(request, form)
    found = await run_in_threadpool(watch.find_list, request.app.state.clinics, token)
    if found is None or token is None:  # no list for no token
        response = _open_page(request, "watch.error.bad_token", 401)
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
    return await run_in_threadpool(act, request, found, token, form)


async def watch_page(request: Request) -> Response:
    """GET: the form that opens a list (or the list, with a Bearer header); POST: the list."""
    if "token" in request.query_params:  # an address lands in logs and histories: refused
        return _open_page(request, "watch.error.token_in_url", 400)
    only(request, {"lang", "page"})
    if request.method == "GET":
        return await run_in_threadpool(_bearer_page, request)
    return await _on_list(
        request, lambda r, found, token, form: _list_page(r, found, token, page=form.get("page"))
    )


def _bearer_page(request: Request) -> Response:
    """The list an `Authorization: Bearer` header opens, else the form that opens one."""
    token = _token_of(request, None)
    if token is None:
        return _open_page(request, None, 200)
    found = watch.find_list(request.app.state.clinics, token)
    if found is None:
        response = _open_page(request, "watch.error.bad_token", 401)
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
    return _list_page(request, found, token, page=request.query_params.get("page"))


async def watch_webhook(request: Request) -> Response:
    """Set, change or remove the list's webhook; a new secret is shown once."""
    only(request, {"lang"})
    return await _on_list(request, _set_webhook)


def _set_webhook(request: Request, found: dict, token: str, form: FormData) -> Response:
    url = form.get("webhook_url")
    url = url.strip() if isinstance(url, str) else ""
    db = request.app.state.clinics
    if not url:
        watch.set_webhook(db, found["id"], None, None)
        request.app.state.webhook_tests.forget(found["id"])
        return _saved_page(request, token, message="watch.webhook.removed")
    try:
        checked = egress.check_url(url)  # resolving the name blocks: this runs in a thread
    except egress.UnsafeURL as e:
        return _list_page(
            request, found, token, 400, webhook_error=str(e), webhook_value=url[: egress.MAX_URL]
        )
    secret = watch.new_secret()
    request.app.state.webhook_tests.forget(found["id"])
    watch.set_webhook(db, found["id"], checked, secret)
    return _saved_page(request, token, message="watch.webhook.saved", secret=secret)


def _saved_page(request: Request, token: str, **extra) -> Response:
    """The list as just saved (or, if it was deleted meanwhile, the page that says so)."""
    found = watch.find_list(request.app.state.clinics, token)
    if found is None:
        return _open_page(request, "watch.error.bad_token", 401)
    return _list_page(request, found, token, **extra)


async def watch_webhook_test(request: Request) -> Response:
    """Send one signed test delivery to the list's webhook; show what the receiver answered, or
    that it is on its way when the receiver is slow (the list's page shows it later)."""
    only(request, {"lang"})
    sending: dict = {}

    def send(r: Request, found: dict, token: str, _: FormData) -> Response | None:
        if not found["webhook_url"]:
            return _list_page(r, found, token, 400, webhook_error_key="watch.webhook.none")
        sent = r.app.state.webhook_tests.submit(
            found["id"], found["webhook_url"], found["webhook_secret"]
        )
        if sent is None:
            response = _list_page(r, found, token, 503, test_busy=True)
            response.headers["Retry-After"] = "60"
            return response
        sending.update(found=found, token=token, future=sent)
        return None

    response = await _on_list(request, send)
    if response is not None:
        return response
    # Waited for on the event loop: no thread is held while the receiver takes its time.
    await asyncio.wait([asyncio.wrap_future(sending["future"])], timeout=WAIT)
    return await run_in_threadpool(_list_page, request, sending["found"], sending["token"])


async def watch_delete(request: Request) -> Response:
    """Without `confirm`: the question; with `confirm=yes`: the list is deleted."""
    only(request, {"lang"})
    return await _on_list(request, _delete)


def _delete(request: Request, found: dict, token: str, form: FormData) -> Response:
    if form.get("confirm") != "yes":
        count = len(watch.items_of(request.app.state.clinics, found["id"]))
        return _page(request, "watch_delete.html", list=found, token=token, count=count)
    watch.delete_list(request.app.state.clinics, found["id"])
    request.app.state.webhook_tests.forget(found["id"])
    return _page(request, "watch_deleted.html", name=found["name"])


routes = [
    Route("/watch", watch_page, methods=["GET", "POST"], include_in_schema=False),
    Route("/watch/new", watch_new, methods=["POST"], include_in_schema=False),
    Route("/watch/webhook", watch_webhook, methods=["POST"], include_in_schema=False),
    Route("/watch/webhook/test", watch_webhook_test, methods=["POST"], include_in_schema=False),
    Route("/watch/delete", watch_delete, methods=["POST"], include_in_schema=False),
]
