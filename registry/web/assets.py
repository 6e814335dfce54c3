"""Our static files under content-hashed names: `static("site.css")` in a
template is /static/site.<hash>.css, served with a year-long, immutable cache lifetime, since a
change of content is a change of name. The plain name (/static/site.css) still works, with a
short lifetime, for links from elsewhere; so does a hashed name gone stale after a deploy (a
page cached before it): the current file, with the short lifetime, rather than a 404."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"
DIGITS = 12  # of the SHA-256, in hex: 48 bits, plenty to tell two versions of a file apart
HASHED = re.compile(rf"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{{{DIGITS}}})(?P<ext>\.[A-Za-z0-9]+)$")


@lru_cache(maxsize=256)
def _digest(path: Path, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:DIGITS]


class Assets(StaticFiles):
    """StaticFiles that also answers the content-hashed names `url` gives out."""

    def __init__(self, directory: Path, prefix: str = "/static") -> None:
        super().__init__(directory=directory)
        self.root = Path(directory).resolve()
        self.prefix = prefix

    def digest(self, name: str) -> str | None:
        """The content hash of a file under the directory; None if there is no such file."""
        path = self._within(name)
        if path is None or not path.is_file():
            return None
        stat = path.stat()
        return _digest(path, stat.st_mtime_ns, stat.st_size)

    @lru_cache(maxsize=256)  # noqa: B019 (one Assets per site, kept for the process)
    def _within(self, name: str) -> Path | None:
        """The file a name means, resolved once (a page asks for the same few names each
        time); None outside the directory."""
        path = (self.root / name).resolve()
        return path if path.is_relative_to(self.root) else None

    def url(self, name: str) -> str:
        """The URL of a static file with its content hash in its name: site.css becomes
        /static/site.0123456789ab.css. A missing file is a bug in a template, so it raises."""
        digest = self.digest(name)
        if digest is None:
            raise FileNotFoundError(f"no static file {name!r}")
        stem, dot, ext = name.rpartition(".")
        hashed = f"{stem}.{digest}.{ext}" if dot else f"{name}.{digest}"
        return f"{self.prefix}/{hashed}"

    async def get_response(self, path: str, scope: Scope) -> Response:
        lifetime = SHORT
        if (match := HASHED.match(path)) and self.digest(real := match["stem"] + match["ext"]):
            if self.digest(real) == match["hash"]:
                lifetime = IMMUTABLE
            path = real
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            response.headers["Cache-Control"] = lifetime
        return response
