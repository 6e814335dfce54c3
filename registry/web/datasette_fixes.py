"""Workarounds for Datasette 0.65.5 mounted in-process under /data/ (registry/web/app.py)."""

from __future__ import annotations


def single_prefix(app, prefix: str = "/data/"):
    """Datasette's redirects that add query arguments (a filter's ?_filter_column=, the phone's
    ?_sort_by_desc=) prefix base_url to a request path that already holds it when Datasette is
    mounted (views/table.py: `urls.path(path_with_added_args(request, ...))`), and lead to a 404
    at /data/data/...; this takes the doubled prefix out of their Location, and out of the Link
    header that names a page's JSON, which Datasette builds the same way."""
    doubled = (prefix.rstrip("/") + prefix).encode()

    async def asgi(scope, receive, send):
        async def send_fixed(message):
            if message["type"] == "http.response.start":
                redirect = 300 <= message["status"] < 400
                headers = [
                    (k, prefix.encode() + v[len(doubled) :])
                    if k.lower() == b"location" and redirect and v.startswith(doubled)
                    else (k, v.replace(doubled, prefix.encode()))
                    if k.lower() == b"link"  # the page's JSON (rel="alternate"), doubled too
                    else (k, v)
                    for k, v in message.get("headers", [])
                ]
                message = {**message, "headers": headers}
            await send(message)

        await app(scope, receive, send_fixed)

    return asgi
