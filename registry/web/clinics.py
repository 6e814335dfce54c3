"""Clinic endpoints: verify one registration or a roster, and read receipts back.

Every answer is stored as a receipt in the clinics database (db/clinics.py), never in the
registry database. Errors are JSON `{"error", "status"}` with a 4xx status.
"""

from __future__ import annotations

import functools
import json
from collections.abc import AsyncGenerator, Callable
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import segno
from anyio import CapacityLimiter, to_thread
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from db.clinics import clinics_path, open_clinics
from db.connections import PerThread
from db.load import utcnow
from registry.clinics import batches, receipts, roster
from registry.clinics.roster import CheckContext, check_roster
from registry.clinics.verify import (
    ATTENTION_ORDER,
    Query,
    VerifyError,
    verify_one,
)
from registry.limits import Recent, client_of
from registry.lookup.search import whole_number
from registry.web import i18n
from registry.web.pages import render
from registry.web.params import body_within, conn, only
from scrapers.places import jurisdiction_region

# The legend lists every verdict, the ones needing action first, and a row that was not checked.
LEGEND = (*ATTENTION_ORDER, "error")
NO_RECEIPT = "No receipt with that id."


def start(app: Starlette, db_path: Path) -> None:
    """Create or migrate the clinics database (writable), then open it once per thread, as the
    registry is; the freshness limits come from the settings."""
    app.state.registry_path = db_path
    path = clinics_path(db_path)
    open_clinics(path).close()
    app.state.clinics = PerThread(path, functools.partial(open_clinics, migrate=False))
    app.state.recent = Recent(app.state.limits.receipt_window, app.state.clinics)
    # Rosters are checked in threads of their own, so that a few large ones never hold every
    # thread the pages and the API read in (app.py sets those to settings.read_threads).
    app.state.roster_threads = CapacityLimiter(2)


def stop(app: Starlette) -> None:
    app.state.clinics.close()


def api_verify(request: Request) -> JSONResponse:
    """
    summary: Verify one registration, with a receipt
    description: >
      The verdict is one of authorized, not_authorized, not_practising (suspended, cancelled or
      not practising: whatever the register tracks), not_tracked, not_found, check_by_name,
      no_longer_on_register, name_mismatch (someone else's number), name_close (a likely typo
      in the name), data_stale. The answer carries standing, status (last_listed_status once
      off the register), conditions, each authorization in the regulator's words,
      name_match and a name warning when `name` does not match, and a
      receipt (checked_at, source_url, fetched_at, response_sha256, import_run_id, id) that
      /api/receipts/{id} returns later.
    parameters:
      - {name: regulator, in: query, required: true, schema: {type: string}, description: "Regulator id or short name (cpta, CPO) or a province or state (AB, Alberta, Québec)"}
      - {name: registration_number, in: query, required: true, schema: {type: string}}
      - {name: name, in: query, schema: {type: string}, description: "The name the clinic has; a mismatch is a warning"}
    responses:
      200:
        description: The verdict, the registration's state, and the receipt
      400:
        description: A missing or unknown parameter, an unknown regulator or province
    """
    only(request, {"regulator", "registration_number", "name"})
    params = request.query_params
    for required in ("regulator", "registration_number"):
        if not params.get(required, "").strip():
            raise HTTPException(400, f"give {required} (see /api/openapi.json)")
    query = Query(params["regulator"], params["registration_number"], params.get("name"))
    try:
        answer = verify_one(conn(request), query, request.app.state.freshness)
    except VerifyError as e:
        raise HTTPException(400, str(e)) from None
    state = request.app.state
    if request.method != "HEAD":  # a HEAD's answer is never seen: it has no receipt to keep
        receipts.store(state.clinics, [answer], state.recent, client_of(request.scope))
    return JSONResponse(answer)


async def _capped(request: Request, limit: int) -> bytes:
    """The upload, with 64 KiB of room for a form's own parts around the file."""
    mb = limit // 1024 // 1024
    message = f"the upload is larger than {mb} MB"
    return await body_within(
        request, limit + 64 * 1024, lambda: roster.RosterError(413, message, "too_large", mb=mb)
    )


async def _once(data: bytes) -> AsyncGenerator[bytes, None]:
    yield data


async def _roster_bytes(request: Request) -> tuple[bytes, dict]:
    """The CSV from a raw body (text/csv) or a form upload (field `roster`), and other fields."""
    body = await _capped(request, roster.MAX_BYTES)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "multipart/form-data":
        if kind not in (
            "",
            "text/csv",
            "text/plain",
            "application/csv",
            "application/octet-stream",
        ):
            raise roster.RosterError(
                415, f"send the roster as text/csv or as a form upload, not {kind[:60]}"
            )
        return body, {}
    try:
        form = await MultiPartParser(
            request.headers, _once(body), max_files=1, max_fields=10
        ).parse()
    except MultiPartException as e:
        raise roster.RosterError(400, f"the form upload could not be read: {e}") from None
    try:
        upload = form.get("roster")
        if not isinstance(upload, UploadFile):
            raise roster.RosterError(422, "the form has no file in its `roster` field")
        data = await upload.read()
    finally:
        await form.close()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    return data, fields


def _format(request: Request, fields: dict, default: str) -> str:
    allowed = ("csv", "json", "html") if default == "html" else ("csv", "json")
    fmt = request.query_params.get("format") or fields.get("format")
    if fmt:
        if fmt not in allowed:
            raise HTTPException(400, f"format must be {' or '.join(allowed)}, got {fmt[:20]!r}")
        return fmt
    accept = request.headers.get("accept", "")
    if "text/csv" in accept:
        return "csv"
    if "application/json" in accept:
        return "json"
    return default


async def check_roster_apart(
    app_state, data: bytes, client: str = "", keep: bool = False
) -> tuple[list[str], list[dict], str | None]:
    """roster.check_roster in a worker thread with connections of its own, so that a large
    roster does not hold up other requests. With `keep`, the results are also stored as a batch
    (registry.clinics.batches), whose id is returned."""

    def work():
        with CheckContext.opened(
            app_state.registry_path, app_state.freshness, app_state.recent
        ) as context:
            header, results = check_roster(context, data, client)
            keep_id = batches.store(context.clinics, header, results) if keep else None
            return header, results, keep_id

    return await to_thread.run_sync(work, limiter=app_state.roster_threads)


def _roster_response(fmt: str, header: list[str], results: list[dict]) -> Response:
    if fmt == "csv":
        return Response(
            roster.to_csv(header, results),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="roster-verified.csv"'},
        )
    return Response(roster.to_json(results), media_type="application/json")


async def api_verify_roster(request: Request) -> Response:
    """
    summary: Verify a roster (CSV), one verdict and receipt per row
    description: >
      Send the CSV as the body (Content-Type text/csv) or as a form upload in field `roster`.
      Columns are matched forgivingly: a name ("Full name", or "First name" and "Last name"),
      the regulator or province ("College", "Province"), and the registration number ("Reg #",
      "Licence number"). The rows come back in order with verdict and receipt_id; a row that
      cannot be checked gets its own `error`. Answer as JSON or CSV (`?format=` or `Accept`).
    parameters:
      - {name: format, in: query, schema: {type: string, enum: [json, csv]}, description: "Default: Accept header, else JSON"}
    responses:
      200:
        description: "JSON {summary, rows} or the CSV with columns added"
      413:
        description: Larger than 5 MB or more than 20,000 rows
      415:
        description: Not UTF-8, or not CSV
      422:
        description: No column for the regulator or the registration number, or not valid CSV
    """
    only(request, {"format"})
    try:
        data, fields = await _roster_bytes(request)
        fmt = _format(request, fields, "json")
        header, results, _ = await check_roster_apart(
            request.app.state, data, client_of(request.scope)
        )
    except roster.RosterError as e:
        raise HTTPException(e.status, str(e)) from None
    return _roster_response(fmt, header, results)


def api_receipt(request: Request) -> Response:
    """
    summary: A receipt, exactly as first returned
    parameters:
      - {name: receipt_id, in: path, required: true, schema: {type: string}}
    responses:
      200:
        description: "The stored answer, byte for byte; header X-Receipt-SHA256 is the SHA-256 of these bytes"
      404:
        description: No such receipt
    """
    only(request, set())
    found = receipts.fetch_text(request.app.state.clinics, request.path_params["receipt_id"])
    if found is None:
        raise HTTPException(404, "no receipt with that id")
    text, digest = found
    return Response(text, media_type="application/json", headers={"X-Receipt-SHA256": digest})


def _verify_context(request: Request, **context) -> dict:
    return {"lang": i18n.choose(request), "page": "verify", "verdicts": LEGEND, **context}


def roster_error_text(e: roster.RosterError, t: Callable[..., str]) -> str:
    """A roster that could not be read, in the manager's words and language."""
    if e.key == "columns":
        both = e.params["regulator"] and e.params["number"]
        what = "both" if both else "regulator" if e.params["regulator"] else "number"
        return t(
            "roster.error.columns", what=t(f"roster.error.col_{what}"), found=e.params["found"]
        )
    return t(f"roster.error.{e.key}", **e.params)


def receipt_page(request: Request) -> Response:
    """A printable receipt for an auditor, in English or French."""
    found = receipts.fetch(request.app.state.clinics, request.path_params["receipt_id"])
    if found is None:
        return render(request, "verify.html", _verify_context(request, error=NO_RECEIPT), 404)
    return render(
        request, "receipt.html", _verify_context(request, rc=receipt_view(request, *found))
    )


def receipt_view(request: Request, body: dict, digest: str) -> dict:
    """What a receipt's page shows (alone, or among others on a print of a batch): the answer,
    its own address with a QR code of it, times in the regulator's local time beside UTC, and
    the command that checks the stored copy."""
    receipt = body["receipt"]
    url = f"{base_url(request)}/receipts/{receipt['id']}"
    zone = local_zone(body["regulator"]["jurisdiction"])
    return {
        "r": body,
        "digest": digest,
        "json": json.dumps(body, indent=2, ensure_ascii=False),
        "days": days_text(body["data"]["stale_after_hours"]),
        "source_link": web_link(receipt["source_url"]),
        "url": url,
        "api_url": f"{base_url(request)}/api/receipts/{receipt['id']}",
        "qr": qr_svg(url, i18n.translator(i18n.choose(request))("receipt.qr_title")),
        "checked_local": local_time(receipt["checked_at"], zone),
        "fetched_local": local_time(receipt["fetched_at"], zone),
        "age_days": age_days(receipt["fetched_at"], receipt["checked_at"]),
    }


# The time zone of each province or state we list (the capital's), for local times on receipts.
ZONES = {
    "AB": "America/Edmonton",
    "BC": "America/Vancouver",
    "MB": "America/Winnipeg",
    "NB": "America/Moncton",
    "NL": "America/St_Johns",
    "NS": "America/Halifax",
    "ON": "America/Toronto",
    "PE": "America/Halifax",
    "QC": "America/Toronto",
    "SK": "America/Regina",
    "CO": "America/Denver",
    "MD": "America/New_York",
    "VA": "America/New_York",
    "WA": "America/Los_Angeles",
}


def local_zone(jurisdiction: str | None) -> ZoneInfo | None:
    name = ZONES.get(jurisdiction_region(jurisdiction or ""))
    return ZoneInfo(name) if name else None


def _moment(text: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None
    except ValueError:
        return None


def local_time(text: str | None, zone: ZoneInfo | None) -> str | None:
    """A UTC time stamp in the regulator's local time, "2026-03-01 13:05 MST"; None without one."""
    moment = _moment(text)
    if moment is None or zone is None:
        return None
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def age_days(fetched_at: str | None, checked_at: str | None) -> str | None:
    """How old the register's page was when checked, in days (one decimal below ten)."""
    fetched, checked = _moment(fetched_at), _moment(checked_at)
    if fetched is None or checked is None:
        return None
    days = max(0.0, (checked - fetched).total_seconds() / 86400)
    return f"{days:.1f}" if days < 10 else f"{days:.0f}"


def qr_svg(url: str, title: str) -> Markup:
    """A QR code of `url` as inline SVG (segno): no image request, nothing the CSP forbids."""
    svg = segno.make(url, error="m").svg_inline(
        scale=4, dark="#000", light="#fff", title=title, svgclass="qr-code", omitsize=True
    )
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))


def web_link(url: str | None) -> str | None:
    """A URL from a register, as a link only when it is http(s); else shown as text."""
    return url if isinstance(url, str) and url.startswith(("https://", "http://")) else None


def days_text(hours: float) -> str:
    """A freshness limit in days as people say it: 336.0 h is "14", 36 h is "1.5"."""
    days = hours / 24
    return f"{days:.0f}" if days == int(days) else f"{days:.1f}"


async def verify_page(request: Request) -> Response:
    """The roster form; a POST shows the results, or returns the CSV when asked."""
    if request.method == "GET":
        return render(request, "verify.html", _verify_context(request))
    try:
        data, fields = await _roster_bytes(request)
        fmt = _format(request, fields, "html")
        header, results, batch_id = await check_roster_apart(
            request.app.state, data, client_of(request.scope), keep=fmt == "html"
        )
    except (roster.RosterError, HTTPException) as e:
        if isinstance(e, roster.RosterError):
            t = i18n.translator(i18n.choose(request))
            status, message = e.status, roster_error_text(e, t)
        else:
            status, message = e.status_code, e.detail
        return render(request, "verify.html", _verify_context(request, error=message), status)
    if fmt in ("csv", "json"):
        return _roster_response(fmt, header, results)
    return render(
        request,
        "verify.html",
        _verify_context(
            request,
            header=header,
            results=roster.problems_first(results),
            summary=roster.summary(results),
            batch_id=batch_id,
        ),
    )


ONE_FORM_BYTES = 8 * 1024  # a name, a number and a regulator


async def verify_one_page(request: Request) -> Response:
    """One person checked from the form on /verify: a roster of one row, through the same code
    as a roster's (roster.check_one), with its verdict, evidence and receipt."""
    lang = i18n.choose(request)
    t = i18n.translator(lang)

    def too_large() -> Exception:
        return roster.RosterError(413, "the form is too large", "unreadable")

    try:
        body = await body_within(request, ONE_FORM_BYTES, too_large)
    except roster.RosterError as e:
        return render(
            request,
            "verify.html",
            _verify_context(request, one_error=t("watch.error.too_large")),
            e.status,
        )
    fields = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items() if v}
    one = {
        k: fields.get(k, "").strip()[: roster.ONE_MAX_CHARS]
        for k in ("regulator", "number", "name")
    }
    context = _verify_context(request, one=one)
    if not one["regulator"] or not (one["number"] or one["name"]):
        return render(request, "verify.html", context | {"one_error": t("verify.one.missing")}, 400)
    state = request.app.state
    client = client_of(request.scope)

    def work() -> roster.OneCheck:
        with CheckContext.opened(state.registry_path, state.freshness, state.recent) as c:
            return roster.check_one(c, one["regulator"], one["number"], one["name"], client)

    try:
        checked = await to_thread.run_sync(work, limiter=state.roster_threads)
    except VerifyError as e:
        nobody = str(e).startswith("nobody named")
        message = t("verify.one.nobody") if nobody else i18n.clinic_message(str(e), lang)
        return render(request, "verify.html", context | {"one_error": message}, 400)
    return render(
        request,
        "verify.html",
        context
        | {
            "results": checked.results,
            "summary": roster.summary(checked.results) if checked.results else None,
            "candidates": checked.candidates,
            "single": True,
        },
    )


NO_BATCH = "No results with that id: verify the roster again."


def _batch(request: Request) -> dict | None:
    return batches.fetch(request.app.state.clinics, request.path_params["batch_id"])


def base_url(request: Request) -> str:
    """This site's public address (settings.public_url, without a trailing slash): never the
    request's Host header, which any client may set to make a receipt point elsewhere."""
    return request.app.state.public_url


def batch_csv(request: Request) -> Response:
    """A roster's results as shown, with the proof of each row, as CSV (no new upload)."""
    only(request, {"lang"})
    batch = _batch(request)
    if batch is None:
        return render(request, "verify.html", _verify_context(request, error=NO_BATCH), 404)
    t = i18n.translator(i18n.choose(request))
    text = batches.to_csv(
        request.app.state.clinics, batch, base_url(request), lambda v: t("verdict." + v)
    )
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="roster-verified.csv"',
            "Cache-Control": "no-store",
        },
    )


def batch_print(request: Request) -> Response:
    """Every receipt of a roster's results on one printable page, one receipt per sheet."""
    only(request, {"lang", "page"})
    batch = _batch(request)
    if batch is None:
        return render(request, "verify.html", _verify_context(request, error=NO_BATCH), 404)
    ids = batches.receipt_ids(batch["results"])
    pages = max(1, -(-len(ids) // batches.PRINT_PAGE))
    n = whole_number(request.query_params.get("page", "1"), pages)
    if n is None or n < 1:
        message = f"page must be a number from 1 to {pages}"
        return render(request, "verify.html", _verify_context(request, error=message), 400)
    chosen = ids[(n - 1) * batches.PRINT_PAGE : n * batches.PRINT_PAGE]
    views = []
    for rid in chosen:
        found = receipts.fetch(request.app.state.clinics, rid)
        if found is not None:
            views.append(receipt_view(request, *found))
    return render(
        request,
        "receipts_print.html",
        _verify_context(
            request,
            batch=batch,
            views=views,
            page_number=n,
            pages=pages,
            total=len(ids),
            printed_at=utcnow(),
        ),
    )


routes = [
    Route("/api/verify", api_verify, methods=["GET"]),
    Route("/api/verify", api_verify_roster, methods=["POST"]),
    Route("/api/receipts/{receipt_id}", api_receipt, methods=["GET"]),
    Route("/receipts/{receipt_id}", receipt_page, methods=["GET"]),
    Route("/verify", verify_page, methods=["GET", "POST"]),
    Route("/verify/one", verify_one_page, methods=["POST"], include_in_schema=False),
    Route("/verify/batches/{batch_id}.csv", batch_csv, methods=["GET"]),
    Route("/verify/batches/{batch_id}/receipts", batch_print, methods=["GET"]),
]
