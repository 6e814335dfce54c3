"""Runs sources into the database: crawl to a staging file, check it, then apply it atomically.

The crawl can take hours at a polite pace, so it never holds the database: records are staged on
disk, and only a complete, sane run is applied, in one short transaction.
"""

from __future__ import annotations

import contextlib
import logging
import pickle
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx
from sqlite_utils import Database

from db import db_file, layout, os_lock
from db.archive import Archive, ArchiveMiss, entry
from db.load import (
    Counts,
    Rejected,
    applied,
    apply_run,
    bounded,
    check_run_size,
    close_interrupted_runs,
    finish_run,
    oversized,
    start_run,
    sync_regulators,
)
from db.reads import last_successes
from db.runs import STOPPED, STOPPED_AFTER_APPLYING, RunState
from registry.gazetteer import city_centre
from scrapers.adapter import crawl, expected_pace
from scrapers.cassette import CassetteError, CassetteTransport, Recorder
from scrapers.cassette import read as read_cassette
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
    lock_path = layout.lock_file(db_file(db), source)
    busy = f"another import of {source} is running ({lock_path})"
    with os_lock(lock_path, lambda: SourceBusy(busy)):
        yield


def run_source(
    db: Database,
    settings: Settings,
    source: Source,
    *,
    accept_shrink: bool = False,
    progress: Callable[[str], None] = lambda message: None,
    replay: int | None = None,
    cassette: Path | None = None,
    record: Path | None = None,
    at: str | None = None,
) -> RunReport:
    """Import one source; the report says what happened, and the run row in the database too.

    Every response is archived beside the database. With `replay`, the responses archived by that
    earlier run are served instead of the network (after a parser fix: `registry reparse`).
    With `cassette`, a HAR cassette's answers are served instead (scrapers/cassette.py); with
    `record`, every exchange is also saved to that HAR file. Runs of one source never overlap;
    a run that another process left unfinished (killed, crashed) is marked failed, since its
    lock is free again. `at` (ISO UTC) dates the run and its changes instead of the clock: the
    demo imports its sample registers as they stood in past months (registry/imports/demo.py); the
    archived responses keep the time they were really fetched.
    """
    try:
        with source_lock(db, source.key):
            close_interrupted_runs(db, source.key)
            return _run(db, settings, source, accept_shrink, progress, replay, cassette, record, at)
    except SourceBusy as e:
        return RunReport(source.key, 0, "skipped", str(e), 0, 0.0)


def archive_of(db: Database) -> Archive:
    """The evidence archive beside the database file."""
    return Archive(layout.archive_dir(db_file(db)))


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


def _frugality(requests: int, notes: dict) -> str:
    """Requests per registrant, against the floor no complete crawl can go under."""
    listed, floor = notes.get("listed"), notes.get("floor")
    if not listed:
        return ""
    text = f"{requests / listed:.2f} requests per registrant"
    if floor:
        text += f" ({requests / floor:.2f}x the floor of {floor})"
    return text


def _client(
    settings: Settings,
    source: Source,
    archive: Archive,
    replay: int | None,
    keep: Callable,
    cassette: Path | None = None,
    recorder: Recorder | None = None,
) -> PoliteClient:
    if cassette is not None:
        policy = HttpPolicy(user_agent=settings.user_agent, spacing_seconds=0.0, max_retries=0)
        return PoliteClient(policy, transport=CassetteTransport(read_cassette(cassette)))
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
        max_response_bytes=source.max_response_bytes,
        response_seconds=source.response_seconds,
        max_run_seconds=source.max_run_hours * 3600,
    )
    return PoliteClient(
        policy,
        on_response=keep,
        validators=archive.validators(source.key),
        stored=archive.get,
        on_exchange=recorder.add if recorder else None,
    )


def _run(
    db: Database,
    settings: Settings,
    source: Source,
    accept_shrink: bool,
    progress: Callable[[str], None],
    replay: int | None,
    cassette: Path | None = None,
    record_to: Path | None = None,
    at: str | None = None,
) -> RunReport:
    sync_regulators(db, [source])
    archive = archive_of(db)
    fetched: list[dict] = []

    def keep(response) -> None:
        archive.put(response.content)
        fetched.append(entry(response))

    recorder = Recorder() if record_to else None
    # raises ArchiveMiss or CassetteError first
    client = _client(settings, source, archive, replay, keep, cassette, recorder)
    run_id = start_run(db, source.key, at=at)
    started = time.monotonic()
    if replay is None and cassette is None:
        last = last_successes(db).get(source.key)
        progress(f"{source.key}: expected {expected_pace(source, last, client)}")
    errors: list[dict] = []
    notes: dict = {}
    counts = Counts()
    state = RunState.FAILED  # until the run says otherwise (db/runs.py has the states)
    staging = Staging()
    try:
        # Every platform has the one contract (scrapers/adapter.py): its module's ADAPTER.
        for record in crawl(source, client, progress, errors, notes):
            too_long = oversized(record)  # a register's text is bounded before it is stored
            if too_long:
                raise RunFailed(
                    f"{too_long}; the register sent an implausible record, nothing was changed"
                )
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
        counts = apply_run(
            db, source.key, run_id, staging.records(), now=at, ended_at=at, locate=city_centre
        )
        state = RunState.SUCCESS
        message = counts.summary()
    except Rejected as e:
        state, message = RunState.REJECTED, str(e)
        counts.records_seen = staging.count
    except (RunFailed, FetchError, LayoutChanged, ArchiveMiss, CassetteError) as e:
        state, message = RunState.FAILED, str(e)
        counts.records_seen = staging.count
    except KeyboardInterrupt:
        done = applied(db, run_id)
        if done is not None:  # interrupted after the data's commit: it stands
            finish_run(
                db,
                run_id,
                RunState.SUCCESS.outcome,
                f"{done}; {STOPPED_AFTER_APPLYING}",
                requests=client.requests_made,
                errors=errors,
            )
            raise
        finish_run(
            db,
            run_id,
            RunState.INTERRUPTED.outcome,
            STOPPED,
            requests=client.requests_made,
            errors=errors,
            counts=asdict(counts),
        )
        raise
    except Exception as e:  # a bug must still end the run on record, never half-applied
        log.exception("import of %s failed unexpectedly", source.key)
        state, message = RunState.FAILED, f"unexpected error: {type(e).__name__}: {e}"
        done = applied(db, run_id)
        if done is not None:  # after the data's commit: the run did change the data
            state, message = RunState.SUCCESS, f"{done}; then {message}"
    finally:
        client.close()
        staging.close()
        if recorder and record_to:
            recorder.save(record_to)
        if fetched:
            archive.write_run(source.key, run_id, fetched)
            validators = client.validators_seen
            if state is not RunState.SUCCESS:  # a partial run: keep what it did not get to
                validators = {**archive.validators(source.key), **validators}
            archive.keep_validators(source.key, validators)
            archive.prune(settings.archive_keep_days)
    outcome = state.outcome
    if replay is not None and state is RunState.SUCCESS:
        message = f"reparsed from the archive of run {replay}: {message}"
    if cassette is not None and state is RunState.SUCCESS:
        message = f"reparsed from the cassette {cassette.name}: {message}"
    frugality = _frugality(client.requests_made, notes)
    if frugality and state is RunState.SUCCESS:
        message += f"; {frugality}"
    unreachable = notes.get("unreachable", [])
    if unreachable:
        message += f"; not reachable through the register's search: {'; '.join(unreachable)}"
    warnings = notes.get("warnings", [])
    if warnings and state is RunState.SUCCESS:
        message += f"; {len(warnings)} warning(s) (first: {warnings[0]['warning']})"
    if client.not_modified:
        message += (
            f"; {client.not_modified} pages unchanged since the last run were not "
            "downloaded again (304)"
        )
    message = bounded(message)
    finish_run(
        db,
        run_id,
        outcome,
        message,
        requests=client.requests_made,
        errors=errors,
        counts={
            **asdict(counts),
            "not_modified": client.not_modified,
            "listed": notes.get("listed"),
            "request_floor": notes.get("floor"),
            "refusals": client.retries,
            "unreachable": "; ".join(unreachable) or None,
        },
        at=at,
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
