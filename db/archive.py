"""The evidence archive: every response a run was given, compressed and content-addressed.

Beside the database: `archive/blobs/ab/abcdef....gz` holds each distinct response body once, and
`archive/runs/<source>/<run id>.jsonl.gz` lists a run's responses in order (method, URL, request,
status, content type, fetched at, SHA-256). Nothing here is in the database, so an unchanged run
still writes nothing there but its run record. `registry reparse` rebuilds a source from a run's
list with no network.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import time
from pathlib import Path


class ArchiveMiss(Exception):
    """A replayed run asked for something its archived run never fetched."""


class Archive:
    def __init__(self, root: Path):
        self.root = root

    def _blob(self, sha256: str) -> Path:
        return self.root / "blobs" / sha256[:2] / f"{sha256}.gz"

    def _manifest(self, source: str, run_id: int) -> Path:
        return self.root / "runs" / source / f"{run_id}.jsonl.gz"

    def put(self, content: bytes) -> str:
        digest = hashlib.sha256(content).hexdigest()
        path = self._blob(digest)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".part")
            partial.write_bytes(gzip.compress(content, mtime=0))
            partial.replace(path)  # never a half-written blob under its final name
        return digest

    def get(self, sha256: str) -> bytes:
        return gzip.decompress(self._blob(sha256).read_bytes())

    def write_run(self, source: str, run_id: int, entries: list[dict]) -> Path:
        path = self._manifest(source, run_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries)
        path.write_bytes(gzip.compress(lines.encode("utf-8"), mtime=0))
        return path

    def runs(self, source: str) -> list[int]:
        folder = self.root / "runs" / source
        return sorted(int(p.name.split(".")[0]) for p in folder.glob("*.jsonl.gz"))

    def read_run(self, source: str, run_id: int) -> list[dict]:
        path = self._manifest(source, run_id)
        if not path.exists():
            raise ArchiveMiss(f"no archived responses for run {run_id} of {source} in {self.root}")
        text = gzip.decompress(path.read_bytes()).decode("utf-8")
        return [json.loads(line) for line in text.splitlines()]

    def validators(self, source: str) -> dict[str, dict]:
        """ETag / Last-Modified of pages fetched before, by URL, for conditional requests."""
        path = self.root / "validators" / f"{source}.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    def keep_validators(self, source: str, validators: dict[str, dict]) -> None:
        path = self.root / "validators" / f"{source}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        partial.write_text(json.dumps(validators, ensure_ascii=False), encoding="utf-8")
        partial.replace(path)

    def prune(self, keep_days: float, now: float | None = None) -> int:
        """Drop run lists older than `keep_days`, then the blobs no remaining list uses."""
        cutoff = (now or time.time()) - keep_days * 86400
        for manifest in (self.root / "runs").glob("*/*.jsonl.gz"):
            if manifest.stat().st_mtime < cutoff:
                manifest.unlink()
        used = {
            json.loads(line)["sha256"]
            for manifest in (self.root / "runs").glob("*/*.jsonl.gz")
            for line in gzip.decompress(manifest.read_bytes()).decode("utf-8").splitlines()
        }
        removed = 0
        for blob in (self.root / "blobs").glob("*/*.gz"):
            if blob.name.removesuffix(".gz") not in used:
                blob.unlink()
                removed += 1
        return removed


def entry(fetched) -> dict:
    """A run-list line for one response (a scrapers.http.Fetched)."""
    return {
        "method": fetched.method,
        "url": fetched.url,
        "request": fetched.request,
        "status": 200 if fetched.not_modified else fetched.status,
        "not_modified": fetched.not_modified,
        "content_type": fetched.headers.get("content-type", ""),
        "fetched_at": fetched.fetched_at,
        "sha256": fetched.sha256,
    }
