"""Human pages. For now a landing page that says what this is and where to go."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.routing import Route
from starlette.templating import Jinja2Templates

templates = Jinja2Templates(directory=Path(__file__).with_name("templates"))

# Our pages load nothing from elsewhere and run no inline script.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "frame-ancestors 'none'"
)


async def index(request: Request):
    sources = request.app.state.conn.execute(
        "select id, short_name, name, jurisdiction, sample from regulators order by jurisdiction"
    ).fetchall()
    response = templates.TemplateResponse(request, "index.html", {"sources": sources})
    response.headers["Content-Security-Policy"] = CSP
    return response


routes = [Route("/", index, methods=["GET"])]
