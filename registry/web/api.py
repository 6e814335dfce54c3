"""The search API: JSON endpoints over the directory, described by /api/openapi.json.

Endpoints only read. Bad input gets a 400 with a message that says what to send instead; nothing
a client sends produces a 500.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.schemas import SchemaGenerator

from registry.lookup import cities, places, regulators
from registry.lookup.search import SearchError, page_size, parse_query
from registry.web import history
from registry.web.params import conn
from registry.web.ratelimits import RULES
from registry.web.responses import JSON, cached

schemas = SchemaGenerator(
    {
        "openapi": "3.0.3",
        "info": {
            "title": "Needling Registry API",
            "version": "0.1.0",
            "description": (
                "Health practitioners who may needle (dry needling, IMS, acupuncture, trigger "
                "point injections), each with their profession, from regulators' public "
                "registers: physiotherapists and others authorized in person, and professions "
                "that may by their scope of practice (an authorization's `by_scope`). Every result carries its evidence: the URL it "
                "was read from, when, and the SHA-256 of the response. Results are in "
                "alphabetical order; page with `cursor`. Errors are JSON "
                '`{"error": message, "status": code}`.'
            ),
        },
    }
)


@cached
def api_search(request: Request) -> JSONResponse:
    """
    summary: Search registrations
    description: >
      Words in `q` match names, cities and practice names; the last word is a prefix
      ("rob" finds Roberts). Words naming the profession ("physiotherapist") are left out, words
      naming a kind of needling ("dry needling") become `kind`, and without `city` or `near` a
      place among the words ("Red Deer", "T4N 1A1") becomes the city; the answer's `place` then
      says what was understood. Accents are folded ("Cote" finds "Côté"). Filters combine with AND.
      `kind` returns people who hold an authorization answering that kind now (an umbrella
      "needling" authorization answers every kind but trigger point injections). `profession`
      narrows to one profession, or `any`; without it a search is for physiotherapists, except
      with kind acupuncture or trigger_point_injection, which any profession that may answers
      (acupuncturists and physicians by their scope of practice). Each result's `profession`
      says who they are; each authorization's `mechanism` how it is held (`by_scope`: the whole
      profession may, by its scope of practice, rather than a per-person authorization).
      `regulators_here` lists the regulators of the place searched (province or state): their
      profession, mechanism and whether their register shows who may needle (`needling`:
      tracked, kept_unpublished with what to ask the practitioner, not_tracked or unknown).
      At least one of q, city, near, province, kind.
      Results leave out people who may not practise (suspended, cancelled, not practising, no
      longer on the register) unless `show=all`; each result's `standing` says where it stands,
      and `needling.answer` is "not_practising" for anyone who may not practise. A `q` that is a
      registration number (10343, PT60001) finds whoever holds it, whatever their standing.
    parameters:
      - {name: q, in: query, schema: {type: string, maxLength: 200}, description: "Name, city or practice, up to 8 words; or a registration number"}
      - {name: city, in: query, schema: {type: string}, description: "Practice city, understood as the search page understands it (Red Deer, Red Deer AB, Reddeer, T4N); 400 with the places named close to it for a place we do not know where nobody is found"}
      - {name: near, in: query, schema: {type: string}, description: "A city or town (Red Deer, or Red Deer, AB): people practising within `km` of it, nearest first, each with distance_km; 400 for a place the offline gazetteer does not know"}
      - {name: km, in: query, schema: {type: integer, minimum: 1, maximum: 500, default: 25}, description: "Distance for `near`"}
      - {name: province, in: query, schema: {type: string}, description: "Province or state, by code or name, e.g. AB, Québec, WA"}
      - {name: kind, in: query, schema: {type: string, enum: [dry_needling, ims, acupuncture, needling, trigger_point_injection]}}
      - {name: profession, in: query, schema: {type: string, enum: [physiotherapist, acupuncturist, physician, naturopath, occupational_therapist, athletic_trainer, chiropractor, any]}, description: "Whose registrations: one profession, or any; default physiotherapist, or any for kind acupuncture or trigger_point_injection"}
      - {name: show, in: query, schema: {type: string, enum: [practising, all], default: practising}, description: "practising: only people who may be practising; all: everyone, including the suspended, cancelled, not practising and those no longer on the register"}
      - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 100, default: 20}}
      - {name: cursor, in: query, schema: {type: string}, description: "next_cursor of the previous page"}
    responses:
      200:
        description: "One page: count (capped at 1000, see count_is_exact), next_cursor, results"
      400:
        description: Bad input, with a message
    """
    try:
        query = parse_query(request.query_params)
        return JSON(places.search_in_place(conn(request), query, as_json=True))
    except SearchError as e:
        raise HTTPException(400, str(e)) from None


@cached
def api_cities(request: Request) -> JSONResponse:
    """
    summary: Practice cities starting with a prefix (suggestions as you type)
    description: >
      Cities where registrants on a register practise, accents and case folded ("mont" finds
      Montréal), most registrants first. A province after a comma narrows them ("Red Deer, AB").
    parameters:
      - {name: prefix, in: query, required: true, schema: {type: string, maxLength: 100}}
      - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 50, default: 10}}
    responses:
      200:
        description: "cities: name, region (province or state code), people, label"
      400:
        description: Bad input, with a message
    """
    unknown = set(request.query_params) - {"prefix", "limit"}
    if unknown:
        raise HTTPException(
            400, f"unknown parameter(s): {', '.join(sorted(unknown))}; use prefix, limit"
        )
    prefix = request.query_params.get("prefix", "")
    if not prefix.strip():
        raise HTTPException(400, "give a prefix: the start of a city's name")
    if len(prefix) > 100:
        raise HTTPException(400, "prefix is too long: at most 100 characters")
    try:
        limit = page_size(request.query_params.get("limit"), cities.MAX_SUGGESTIONS, 50)
    except SearchError as e:
        raise HTTPException(400, str(e)) from None
    found = cities.suggest(conn(request), prefix, limit)
    return JSON(
        {
            "cities": [
                {"name": c.name, "region": c.region, "people": c.people, "label": c.label}
                for c in found
            ]
        }
    )


def api_sources(request: Request) -> JSONResponse:
    """
    summary: The regulators we cover, with their terms and their last imports
    responses:
      200:
        description: >
          One entry per declared regulator (those not yet supported too): jurisdiction,
          profession, platform, mechanism (scope_of_practice: the whole profession may), scope,
          wording, needling (tracked, kept_unpublished, not_tracked, unknown), coverage and its
          note, terms note, counts, the last successful import and the last run
    """
    return JSON({"sources": regulators.described(conn(request))})


_ERROR = {
    "type": "object",
    "required": ["error", "status"],
    "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
}
_RESPONSES = {
    "400": "Bad input (an unknown parameter, a bad value), with a message",
    "401": "No valid watch-list token (Authorization: Bearer TOKEN, or ?token=TOKEN)",
    "404": "Not found",
    "413": "Too large: the body, or the watch list's quota of registrations",
    "429": "Too many requests from this client; the Retry-After header says when to retry",
}
_ENTRY = {
    "type": "object",
    "required": ["regulator", "registration_number"],
    "properties": {
        "regulator": {"type": "string", "description": "Regulator id or short name, or a province"},
        "registration_number": {"type": "string"},
        "label": {"type": "string", "description": "Your own note for this registration"},
    },
}
_REGISTRATIONS = {"type": "array", "items": _ENTRY, "maxItems": 10_000}
_BODIES = {
    ("/api/watch", "post"): {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "maxLength": 200},
                    "webhook_url": {"type": "string", "format": "uri", "maxLength": 2000},
                    "registrations": _REGISTRATIONS,
                },
            }
        }
    },
    ("/api/watch/registrations", "post"): {
        "application/json": {
            "schema": {"type": "object", "properties": {"registrations": _REGISTRATIONS}}
        }
    },
    ("/api/verify", "post"): {
        "text/csv": {"schema": {"type": "string"}},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["roster"],
                "properties": {
                    "roster": {"type": "string", "format": "binary"},
                    "format": {"type": "string", "enum": ["json", "csv"]},
                },
            }
        },
    },
}
_PATH_PARAMETERS = {
    ("/api/watch/registrations/{regulator}/{number}", "delete"): [
        {"name": "regulator", "in": "path", "required": True, "schema": {"type": "string"}},
        {"name": "number", "in": "path", "required": True, "schema": {"type": "string"}},
    ]
}
_TOKEN: list[dict[str, list]] = [{"watchToken": []}, {"watchTokenQuery": []}]
# The API's operations with a per-client rate (registry.limits.RULES): they may answer 429.
_LIMITED = {(path, method.lower()) for method, path in RULES if path.startswith("/api/")}
_NO_PARAMETERS_CHECK = {("/api/sources", "get"), ("/api/openapi.json", "get")}


def described(schema: dict) -> dict:
    """The generated description completed with what docstrings cannot say well: request
    bodies, the watch-list token scheme, and the error responses every endpoint can give."""
    schema["components"] = {
        "securitySchemes": {
            "watchToken": {
                "type": "http",
                "scheme": "bearer",
                "description": "A watch list's token",
            },
            "watchTokenQuery": {"type": "apiKey", "in": "query", "name": "token"},
        },
        "schemas": {"Error": _ERROR},
    }
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            key = (path, method)
            codes = set()
            if key not in _NO_PARAMETERS_CHECK:
                codes.add("400")
            if path.startswith("/api/watch") and key != ("/api/watch", "post"):
                op["security"] = _TOKEN
                codes.add("401")
            if key in _BODIES:
                op["requestBody"] = {"content": _BODIES[key]}
                codes.add("413")
            if key in _PATH_PARAMETERS:
                op.setdefault("parameters", []).extend(_PATH_PARAMETERS[key])
            if key in _LIMITED:
                codes.add("429")
            if key == ("/api/watch/registrations", "post"):
                codes.add("413")
            responses = op["responses"] = {str(k): v for k, v in op.get("responses", {}).items()}
            for code in sorted(codes):
                responses.setdefault(code, {"description": _RESPONSES[code]})
            for code, response in responses.items():
                if code[0] in "45" and "content" not in response:
                    response["content"] = {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    }
    return schema


async def api_openapi(request: Request) -> JSONResponse:
    """
    summary: This description of the API (OpenAPI 3)
    responses:
      200:
        description: The OpenAPI document
    """
    return JSONResponse(described(schemas.get_schema(routes=request.app.routes)))


routes = [
    Route("/api/search", api_search, methods=["GET"]),
    Route("/api/cities", api_cities, methods=["GET"]),
    *history.routes,
    Route("/api/sources", api_sources, methods=["GET"]),
    Route("/api/openapi.json", api_openapi, methods=["GET"], include_in_schema=True),
]
