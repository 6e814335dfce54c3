"""Releases: immutable, content-hashed copies of the database that Datasette serves with `-i`.

A release is a folder named for its date and the SHA-256 of its database file:

    releases/registry-2026-11-28-3f9c0a1b2c4d/
        registry.db         the database (read-only file; Datasette names it "registry")
        metadata.json       Datasette's metadata for this release: descriptions, terms, queries
        inspect-data.json   `datasette inspect` output: table counts and the file's hash
        manifest.json       sources, import runs, row counts, schema, checksums of the files above
        SHA256SUMS          `sha256sum -c SHA256SUMS` checks every file, the manifest included

It is built in a hidden staging folder and renamed into place only when complete; an existing
release is never overwritten. One publish at a time works in a folder (an OS lock on the folder,
gone with its process), so a staging folder found there by the publish holding the lock was left
by one that was killed, and is removed.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from db import DatabaseError, open_db, reads
from db.dictionary import TABLES
from registry.releases.metadata import LICENSE, build, render_json
from registry.settings import (
    DATASETTE_PLUGINS,
    DATASETTE_SETTINGS,
    DATASETTE_STATIC,
    DATASETTE_STATIC_MOUNT,
    DATASETTE_TEMPLATES,
)

log = logging.getLogger(__name__)

DB_NAME = "registry.db"
STAGING_PREFIX = ".publishing-"
FILES = (DB_NAME, "metadata.json", "inspect-data.json")

# The site's limits (bounded SQL time and rows, facets inside the SQL limit), plus what suits a
# public, immutable instance: no suggested facets (each costs queries on every table page),
# downloads and CSV streaming on, and an hour of caching (a release never changes; a new
# release is a new deployment, so caches see it within the hour).
PUBLIC_SETTINGS = {
    **{key: value for key, value in DATASETTE_SETTINGS.items() if key != "base_url"},
    "suggest_facets": "off",
    "allow_download": "on",
    "allow_csv_stream": "on",
    "default_cache_ttl": 3600,
    "num_sql_threads": 3,
}


class PublishError(Exception):
    """A release cannot be built; the message says why."""


@dataclass(frozen=True)
class Release:
    path: Path
    name: str
    sha256: str
    manifest: dict


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _snapshot(source: Path, copy: Path) -> None:
    """A consistent, compact, read-optimized copy: VACUUM INTO reads one snapshot even while an
    import writes; the copy leaves WAL mode (an immutable file has no journal), its full-text index
    is merged into one segment and the query planner gets statistics."""
    conn = sqlite3.connect(source)
    try:
        conn.execute("vacuum into ?", [str(copy)])
    finally:
        conn.close()
    conn = sqlite3.connect(copy, isolation_level=None)
    try:
        conn.execute("pragma journal_mode = delete")
        conn.execute("insert into directory_fts(directory_fts) values ('optimize')")
        conn.execute("analyze")
        conn.execute("vacuum")
    finally:
        conn.close()


def _rows(conn: sqlite3.Connection, sql: str) -> list[dict]:
    cursor = conn.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


_RUN_KEYS = (
    "id",
    "regulator_id",
    "started_at",
    "ended_at",
    "outcome",
    "records_seen",
    "on_register",
    "authorized",
)


def _contents(conn: sqlite3.Connection) -> dict:
    """What the manifest says about the data: sources, runs, counts, schema."""
    tables = [
        name
        for (name,) in conn.execute(
            "select name from sqlite_master where type = 'table' order by name"
        )
        if name in TABLES and not TABLES[name].hidden
    ]
    regulators = _rows(
        conn,
        "select id, jurisdiction, name, short_name, register_url, terms_note, needling, "
        "coverage, sample from regulators order by id",
    )
    runs = [{key: run[key] for key in _RUN_KEYS} for run in reads.last_successes(conn).values()]
    totals = reads.run_totals(conn)
    return {
        "sources": regulators,
        "import_runs": {**totals, "latest_successful_per_source": runs},
        "tables": {
            name: conn.execute(f'select count(*) from "{name}"').fetchone()[0] for name in tables
        },
        "schema": {
            "migrations": [
                name for (name,) in conn.execute("select name from _sqlite_migrations order by id")
            ],
            "sqlite_version": sqlite3.sqlite_version,
        },
        "synthetic_sample": any(r["sample"] for r in regulators),
    }


def _inspect(folder: Path) -> None:
    """Datasette's own inspect file, by its own command, run inside the release folder so the
    file is named relative to it."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "datasette",
            "inspect",
            DB_NAME,
            "--inspect-file",
            "inspect-data.json",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise PublishError(f"datasette inspect failed: {done.stderr.strip()[-500:]}")


@contextlib.contextmanager
def _publishing(out: Path) -> Iterator[None]:
    """Hold the folder's publish lock (flock on the folder itself: no file is added to it)."""
    fd = os.open(out, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            if e.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise
            raise PublishError(
                f"another publish is running into {out}; try again when it has finished"
            ) from None
        yield
    finally:
        os.close(fd)  # releases the lock


def remove_stale_staging(out: Path) -> list[Path]:
    """Remove staging folders left in `out` by publishes that did not finish (killed, a full
    disk); call only with the folder's publish lock held, so that none of them is in use."""
    removed = []
    for folder in sorted(out.glob(f"{STAGING_PREFIX}*")):
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
            log.warning("removed %s, left by a publish that did not finish", folder)
    return removed


def publish(db_path: Path, out: Path, now: datetime | None = None) -> Release:
    """Build a release of the database at `db_path` in the folder `out`."""
    if not db_path.exists():
        raise PublishError(f"no database at {db_path}; run `registry import` first")
    if out.exists() and not out.is_dir():
        raise PublishError(f"{out} is a file; --out must be a folder")
    try:
        open_db(db_path).close()  # a readable SQLite file, at the current schema
    except DatabaseError as e:
        raise PublishError(str(e)) from None
    now = now or datetime.now(UTC)
    out.mkdir(parents=True, exist_ok=True)
    with _publishing(out):
        remove_stale_staging(out)
        return _build(db_path, out, now)


def _build(db_path: Path, out: Path, now: datetime) -> Release:
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
    try:
        copy = staging / DB_NAME
        _snapshot(db_path, copy)
        digest = sha256_of(copy)
        same = sorted(out.glob(f"registry-*-{digest[:12]}"))
        if same:
            raise PublishError(f"this database is already published as {same[0]}")
        name = f"registry-{now:%Y-%m-%d}-{digest[:12]}"
        target = out / name
        if target.exists():
            raise PublishError(f"{target} exists; a release is never overwritten")
        created_at = now.strftime("%Y-%m-%dT%H:%M:%SZ")
        conn = sqlite3.connect(f"{copy.resolve().as_uri()}?mode=ro", uri=True)
        try:
            contents = _contents(conn)
        finally:
            conn.close()
        metadata = build(contents["sources"], "/", {"name": name, "created_at": created_at})
        (staging / "metadata.json").write_text(render_json(metadata), encoding="utf-8")
        _inspect(staging)
        manifest = {
            "name": name,
            "created_at": created_at,
            "database": DB_NAME,
            "sha256": digest,
            "license": LICENSE,
            **contents,
            "files": {
                f: {"sha256": sha256_of(staging / f), "bytes": (staging / f).stat().st_size}
                for f in FILES
            },
            "serve": " ".join(serve_command(Path("."), port=8001, project_templates=False)[2:]),
        }
        (staging / "manifest.json").write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        (staging / "SHA256SUMS").write_text(
            "".join(f"{sha256_of(staging / f)}  {f}\n" for f in (*FILES, "manifest.json")),
            encoding="utf-8",
        )
        for f in staging.iterdir():
            f.chmod(0o444)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Release(target, name, digest, manifest)


def verify(release: Path) -> list[str]:
    """Files of a release whose checksum no longer matches SHA256SUMS (empty: intact)."""
    sums = (release / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    bad = []
    for line in sums:
        digest, name = line.split("  ", 1)
        if not (release / name).exists() or sha256_of(release / name) != digest:
            bad.append(name)
    return bad


def serve_command(
    release: Path,
    *,
    host: str = "0.0.0.0",
    port: int = 8001,
    allow_sql: bool = True,
    project_templates: bool = True,
) -> list[str]:
    """The Datasette command line that serves a release read-only, as the Dockerfile runs it.

    With the plugins installed by this project, datasette-hashed-urls serves the database at
    /registry-<first 7 of its hash>/ with `Cache-Control: max-age=31536000, public` (the old
    /registry/... URLs redirect there) and datasette-gzip compresses the answers.
    `project_templates`: our accessible templates, charts and CSS (off for the manifest's
    command, which someone with Datasette alone can run)."""
    settings = {**PUBLIC_SETTINGS, "default_allow_sql": "on" if allow_sql else "off"}
    ours = [
        "--plugins-dir",  # CSV neutralised for spreadsheets, as on the site
        str(DATASETTE_PLUGINS),
        "--template-dir",
        str(DATASETTE_TEMPLATES),
        "--static",
        f"{DATASETTE_STATIC_MOUNT}:{DATASETTE_STATIC}",
    ]
    return [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        "-i",
        str(release / DB_NAME),
        "--inspect-file",
        str(release / "inspect-data.json"),
        "-m",
        str(release / "metadata.json"),
        *(ours if project_templates else []),
        "--cors",
        "--host",
        host,
        "--port",
        str(port),
        *(part for key, value in settings.items() for part in ("--setting", key, str(value))),
    ]


def exec_serve(release: Path, **options) -> None:
    """Replace this process with Datasette serving the release (os.execv: signals reach it)."""
    command = serve_command(release, **options)
    os.execv(command[0], command)
