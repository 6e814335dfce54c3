"""Runs sources into the database: crawl to a staging file, check it, then apply it atomically.

The crawl can take hours at a polite pace, so it never holds the database: records are staged on
disk, and only a complete, sane run is applied, in one short transaction.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import pickle
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx
from sqlite_utils import Database

from db import db_file
from db.archive import Archive, ArchiveMiss, entry
from db.load import (
    Counts,
    Rejected,
    apply_run,
    check_run_size,
    close_interrupted_runs,
    finish_run,
    start_run,
    sync_regulators,
)
from scrapers.adapter import crawl
from scrapers.http import FetchError, HttpPolicy, PoliteClient
from scrapers.records import LayoutChanged, Registration
from scrapers.sources import Settings, Source

log = logging.getLogger(__name__)


class RunFailed(Exception):
    """The run could not read the register completely; nothing was changed."""


@dataclass
class RunReport:
    source: str
    run_id: int
    outcome: str  # success | failed | rejected | skipped (another run of the source is going)
    message: str
    requests: int
    seconds: float
    counts: Counts = field(default_factory=Counts)
    errors: list[dict] = field(default_factory=list)
    not_modified: int = 0  # pages the server said were unchanged (304): not downloaded again

    def as_dict(self) -> dict:
        return {**asdict(self), "counts": asdict(self.counts)}


class Staging:
    """Records of a run in progress, pickled to a temporary file so memory stays flat."""

    def __init__(self):
        self.file = tempfile.TemporaryFile()
        self.count = 0

    def add(self, record: Registration) -> None:
        pickle.dump(record, self.file, protocol=pickle.HIGHEST_PROTOCOL)
        self.count += 1

    def records(self) -> Iterator[Registration]:
        self.file.seek(0)
        for _ in range(self.count):
            yield pickle.load(self.file)

    def close(self) -> None:
        self.file.close()


class SourceBusy(Exception):
    """Another process is importing this source into this database."""


@contextlib.contextmanager
def source_lock(db: Database, source: str) -> Iterator[None]:
    """One run of a source at a time per database, across processes. The lock is an OS file
    lock, so it is released when its process dies, however it dies."""
    path = db_file(db)
    folder = path.parent / "locks" if path else Path(tempfile.gettempdir())
    folder.mkdir(parents=True, exist_ok=True)
    lock_path = folder / f"{path.stem if path else 'memory'}.{source}.lock"
    with lock_path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SourceBusy(f"another import of {source} is running ({lock_path})") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run_source(
    db: Database,
    settings: Settings,
    source: Source,
    *,
    accept_shrink: bool = False,
    progress: Callable[[str], None] = lambda message: None,
    replay: int | None = None,
) -> RunReport:
    """Import one source; the report says what happened, and the run row in the database too.

    Every response is archived beside the database. With `replay`, the responses archived by that
    earlier run are served instead of the network (after a parser fix: `registry reparse`).
    Runs of one source never overlap; a run that another process left unfinished (killed,
    crashed) is marked failed, since its lock is free again.
    """
    try:
        with source_lock(db, source.key):
            close_interrupted_runs(db, source.key)
            return _run(db, settings, source, accept_shrink, progress, replay)
    except SourceBusy as e:
        return RunReport(source.key, 0, "skipped", str(e), 0, 0.0)


def archive_of(db: Database) -> Archive:
    """The evidence archive beside the database file."""
    path = db_file(db)
    if path is None:
        return Archive(Path(tempfile.mkdtemp()) / "archive")
    return Archive(path.parent / "archive" / path.stem)


class ReplayTransport(httpx.BaseTransport):
    """Answers each request with the response an archived run got for it, or fails loudly."""

    def __init__(self, archive: Archive, source: str, run_id: int):
        self.archive = archive
        self.run_id = run_id
        self.responses = {
            (e["method"], e["url"], e["request"]): e for e in archive.read_run(source, run_id)
        }

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.content.decode("ascii") if request.method == "POST" else ""
        found = self.responses.get((request.method, str(request.url), body))
        if found is None:
            raise ArchiveMiss(
                f"run {self.run_id} never fetched {request.method} {request.url} {body[:120]}; "
                "a fresh import is needed"
            )
        return httpx.Response(
            found["status"],
            content=self.archive.get(found["sha256"]),
            headers={"content-type": found["content_type"]},
            request=request,
        )


def _client(
    settings: Settings, source: Source, archive: Archive, replay: int | None, keep: Callable
) -> PoliteClient:
    if replay is not None:
        transport = ReplayTransport(archive, source.key, replay)
        policy = HttpPolicy(
            user_agent=settings.user_agent, spacing_seconds=0.0, max_retries=0, respect_robots=False
        )
        return PoliteClient(policy, transport=transport)
    policy = HttpPolicy(
        user_agent=settings.user_agent,
        spacing_seconds=source.spacing_seconds,
        backoff_seconds=source.backoff_seconds,
        max_retries=source.max_retries,
        timeout_seconds=source.timeout_seconds,
    )
    return PoliteClient(
        policy, on_response=keep, validators=archive.validators(source.key), stored=archive.get
    )


def _run(
    db: Database,
    settings: Settings,
    source: Source,
    accept_shrink: bool,
    progress: Callable[[str], None],
    replay: int | None,
) -> RunReport:
    sync_regulators(db, [source])
    archive = archive_of(db)
    fetched: list[dict] = []

    def keep(response) -> None:
        archive.put(response.content)
        fetched.append(entry(response))

    client = _client(settings, source, archive, replay, keep)  # raises ArchiveMiss first
    run_id = start_run(db, source.key)
    started = time.monotonic()
    errors: list[dict] = []
    notes: dict = {}
    counts = Counts()
    outcome = "failed"
    staging = Staging()
    try:
        module = source.adapter()
        if hasattr(module, "ADAPTER"):  # the one contract (scrapers/adapter.py)
            records = crawl(source, client, progress, errors, notes)
        else:  # an adapter not yet folded onto it
            records = module.crawl(source, client, progress, errors)
        for record in records:
            staging.add(record)
        if errors:
            raise RunFailed(
                f"{len(errors)} registrant(s) could not be read (first: "
                f"{errors[0]['error']}); nothing was changed"
            )
        check_run_size(
            db,
            source.key,
            staging.count,
            max_shrink=settings.max_shrink,
            accept_shrink=accept_shrink,
            note=source.shrink_note,
        )
        counts = apply_run(db, source.key, run_id, staging.records())
        outcome = "success"
        message = (
            f"{counts.records_seen} records: {counts.added} added, {counts.changed} changed, "
            f"{counts.unchanged} unchanged, {counts.removed} no longer on the register"
        )
    except Rejected as e:
        outcome, message = "rejected", str(e)
        counts.records_seen = staging.count
    except (RunFailed, FetchError, LayoutChanged, ArchiveMiss) as e:
        outcome, message = "failed", str(e)
        counts.records_seen = staging.count
    except KeyboardInterrupt:
        finish_run(
            db,
            run_id,
            "failed",
            "interrupted; nothing was changed",
            requests=client.requests_made,
            errors=errors,
            counts=asdict(counts),
        )
        raise
    except Exception as e:  # a bug must still end the run on record, never half-applied
        log.exception("import of %s failed unexpectedly", source.key)
        outcome, message = "failed", f"unexpected error: {type(e).__name__}: {e}"
    finally:
        client.close()
        staging.close()
        if fetched:
            archive.write_run(source.key, run_id, fetched)
            validators = client.validators_seen
            if outcome != "success":  # a partial run: keep what it did not get to
                validators = {**archive.validators(source.key), **validators}
            archive.keep_validators(source.key, validators)
            archive.prune(settings.archive_keep_days)
    if replay is not None and outcome == "success":
        message = f"reparsed from the archive of run {replay}: {message}"
    if client.not_modified:
        message += (
            f"; {client.not_modified} pages unchanged since the last run were not "
            "downloaded again (304)"
        )
    finish_run(
        db,
        run_id,
        outcome,
        message,
        requests=client.requests_made,
        errors=errors,
        counts={**asdict(counts), "not_modified": client.not_modified},
    )
    return RunReport(
        source.key,
        run_id,
        outcome,
        message,
        client.requests_made,
        round(time.monotonic() - started, 2),
        counts,
        errors,
        client.not_modified,
    )
