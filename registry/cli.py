"""The `registry` command: import registers, serve the site, run the demo, list sources."""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import shutil
import socket
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click

from db import DatabaseError, default_path, layout, open_db, reads
from db.load import sync_regulators
from registry.imports.choice import Purpose, SourceChoiceError, choose_sources
from registry.imports.importer import RunReport, run_source
from scrapers.sources import CONFIG_ENV, ConfigError, Settings, Source, load_settings

if TYPE_CHECKING:
    from registry.clinics.roster import CheckContext
    from registry.limits import Limits

DEMO_DB = layout.DEMO_DB


def _settings(config: str | None) -> Settings:
    try:
        return load_settings(config)
    except ConfigError as e:
        raise click.UsageError(str(e)) from None


def _chosen(settings: Settings, keys: tuple[str, ...], purpose: Purpose) -> list[Source]:
    """The sources a command acts on (registry.imports.choice), or a usage error saying why not."""
    try:
        return choose_sources(settings, keys, purpose)
    except SourceChoiceError as e:
        raise click.UsageError(str(e)) from None


def _progress():
    """A one-line progress display on a terminal; silence elsewhere (logs carry the rest)."""
    if not sys.stderr.isatty():
        return lambda message: None

    def show(message: str) -> None:
        click.echo(f"\r\033[K{message}", err=True, nl=False)

    return show


def _report(report: RunReport) -> None:
    if sys.stderr.isatty():
        click.echo("\r\033[K", err=True, nl=False)
    mark = {"success": "ok", "rejected": "REJECTED", "failed": "FAILED", "skipped": "SKIPPED"}[
        report.outcome
    ]
    click.echo(
        f"{report.source}: {mark} (run {report.run_id}, {report.requests} requests, "
        f"{report.seconds:.1f}s) {report.message}"
    )
    for error in report.errors[:5]:
        click.echo(f"  {error['url']}: {error['error']}", err=True)
    if len(report.errors) > 5:
        click.echo(f"  ... and {len(report.errors) - 5} more errors (see import_runs)", err=True)


def _open(path: Path):
    try:
        return open_db(path)
    except DatabaseError as e:
        raise click.UsageError(str(e)) from None


def _existing(db_path: Path | None) -> Path:
    """The database to read, which must exist; its schema is brought up to date."""
    path = db_path or default_path()
    if not path.exists():
        raise click.UsageError(f"no database at {path}; run `registry import` or `registry demo`")
    _open(path).close()
    return path


def _replica_db(db_path: Path | None) -> Path:
    """The database a read replica serves, which it never writes (not even to migrate it or to
    turn WAL on): it must exist and have this version's schema."""
    from sqlite_utils import Database

    from db.connections import read_only
    from db.migrations import migrations

    path = db_path or default_path()
    if not path.is_file():
        raise click.UsageError(f"no database at {path}; a replica serves a published release's")
    try:
        db = Database(read_only(path))
        try:
            pending = migrations.pending(db)
        finally:
            db.close()
    except sqlite3.Error as e:
        raise click.UsageError(f"cannot read the database at {path}: {e}") from None
    if pending:
        raise click.UsageError(
            f"the database at {path} has an older schema than this version ({len(pending)} "
            "migrations to apply) and a replica never writes: publish a release with this "
            "version (`registry publish`) and serve that"
        )
    return path


def _check_port(host: str, port: int) -> None:
    with socket.socket() as s:
        try:
            s.bind((host, port))
        except OSError:
            raise click.UsageError(
                f"port {port} on {host} is in use; choose another with --port"
            ) from None


def _serve(
    db_path: Path,
    host: str,
    port: int,
    allow_sql: bool = True,
    public_url: str | None = None,
    forwarded_allow_ips: str | None = None,
    config: str | None = None,
    workers: int | None = 1,
    replica: bool = False,
) -> None:
    import uvicorn

    from registry.gazetteer import warm
    from registry.settings import NO_SQL_ENV, PUBLIC_URL_ENV, SiteSettings
    from registry.web import supervisor
    from registry.web.app import REPLICA_ENV, create_app

    try:
        settings = SiteSettings.load(
            db_path, config, allow_sql=allow_sql, public_url=public_url or f"http://{host}:{port}"
        )
        workers = serve_workers(workers, settings.limits, replica=replica)
        if settings.limits.shared:
            settings.limits.check(settings.limits.store())
    except (ConfigError, ValueError) as e:
        raise click.UsageError(str(e)) from None
    _check_port(host, port)
    proxy: dict[str, Any] = {"proxy_headers": True, "forwarded_allow_ips": forwarded_allow_ips}
    options: dict[str, Any] = {"host": host, "port": port, "log_level": "warning"}
    options |= proxy if forwarded_allow_ips else {}
    where = "(search page, API /api/, Datasette /data/)"
    if replica:
        where = "(a read replica: search page, API /api/, Datasette /data/; no clinic routes)"
    if workers == 1:
        warm()  # the offline gazetteer behind "near a city", read while the server starts
        click.echo(f"Serving on http://{host}:{port}/  {where}")
        uvicorn.run(create_app(settings, replica=replica), **options)
        return
    # Each worker is a process of its own that builds the app from the environment
    # (registry.web.app:from_environment), with the settings given here.
    os.environ[layout.DB_ENV] = str(Path(db_path).resolve())
    os.environ[PUBLIC_URL_ENV] = settings.public_url
    os.environ[NO_SQL_ENV] = "0" if allow_sql else "1"
    os.environ[REPLICA_ENV] = "1" if replica else "0"
    if config:
        os.environ[CONFIG_ENV] = str(Path(config).resolve())
    click.echo(f"Serving on http://{host}:{port}/ with {workers} workers  {where}")
    # Each worker on a listening socket of its own, so that connections opened at once are
    # spread across them (registry/web/supervisor.py).
    supervisor.run(
        uvicorn.Config(
            "registry.web.app:from_environment",
            factory=True,
            workers=workers,
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
            **options,
        )
    )


# uvicorn kills a worker that does not answer its supervisor's ping within this time (its
# default, 5 s). Reading the gazetteer parses 60 MB of JSON in one call that holds Python's
# lock for 3 s on an idle machine and more on a busy one: the worker is alive, only busy.
WORKER_HEALTHCHECK_SECONDS = 60


def serve_workers(asked: int | None, limits: Limits, *, replica: bool = False) -> int:
    """How many worker processes serve: `asked`, else one per core. Each worker counting the
    rate limits on its own would multiply them, so several workers need a shared store
    (REGISTRY_LIMIT_STORAGE): asked for without one, they are refused in words; by default,
    one worker serves, with a note saying how to use every core. A replica has no limited
    routes (they are the primary's), so its workers need no store."""
    cores = os.cpu_count() or 1
    if replica:
        return asked or cores
    if asked is None:
        if cores > 1 and not limits.shared:
            click.echo(
                f"note: serving with 1 worker, not {cores} (one per core): the rate limits are "
                "counted in this process. Set REGISTRY_LIMIT_STORAGE=redis://HOST:6379/0 "
                "to serve with every core (docs/operating.md).",
                err=True,
            )
            return 1
        return cores
    if asked > 1 and not limits.shared:
        raise ValueError(
            f"--workers {asked} needs the rate limits in a store every worker shares: "
            "set REGISTRY_LIMIT_STORAGE=redis://HOST:6379/0 (docs/operating.md); in memory, "
            f"each worker would count on its own and every limit would be {asked} times higher"
        )
    return asked


config_option = click.option(
    "--config",
    type=click.Path(dir_okay=False),
    envvar=CONFIG_ENV,
    show_envvar=True,
    help="Operator config (TOML) adding or overriding sources.",
)
db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Database file [default: $REGISTRY_DB or db/registry.db].",
)
no_sql_option = click.option(
    "--no-sql",
    is_flag=True,
    envvar="REGISTRY_NO_SQL",
    show_envvar=True,
    help="Turn Datasette's arbitrary SQL off (saved queries still run).",
)
port_option = click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on.",
)


# What a full disk (or a failing one) looks like from Python and from SQLite.
_DISK_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EROFS}
_DISK_WORDS = ("disk i/o error", "database or disk is full", "readonly database")


def _disk_problem(error: BaseException) -> str | None:
    """A one-line message for a disk or database that cannot take a write, else None."""
    if isinstance(error, OSError) and error.errno in _DISK_ERRNOS:
        where = f" ({error.filename})" if error.filename else ""
        return (
            f"the disk refused a write{where}: {error.strerror or error}. Free some space (or "
            "check the disk and its permissions) and run the command again; what was committed "
            "before stays as it was"
        )
    if isinstance(error, sqlite3.OperationalError):
        text = str(error).lower()
        if any(words in text for words in _DISK_WORDS):
            return (
                f"the database could not be written ({error}): the disk is probably full or "
                "failing. Free some space (or check the disk) and run the command again; SQLite "
                "rolled the unfinished change back, and what was committed before stays as it was"
            )
        if "database is locked" in text:
            return (
                "the database is busy: another process held its write lock for too long. "
                "Run the command again when that process has finished"
            )
    return None


class _Commands(click.Group):
    """The command group, whose boundary turns a full disk or a busy database into a message."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (OSError, sqlite3.OperationalError) as e:
            message = _disk_problem(e)
            if message is None:
                raise
            raise click.ClickException(message) from None


@click.group(cls=_Commands)
@click.version_option(package_name="needling-registry")
@click.option("-v", "--verbose", is_flag=True, help="Log requests, back-offs and warnings.")
def cli(verbose: bool):
    """Needling Registry: who is authorized to needle, from regulators' public registers.

    \b
    Example:
        registry demo                  # sample registers -> database -> http://127.0.0.1:8000/
        registry import cpta           # the live Alberta register (needs internet)
    """
    logging.basicConfig(
        level=logging.INFO if verbose else logging.ERROR,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


@cli.command(name="import")
@click.argument("sources", nargs=-1)
@config_option
@db_option
@click.option(
    "--accept-shrink",
    is_flag=True,
    help="Apply a run even if it found far fewer people than the register had.",
)
@click.option(
    "--record",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also save every HTTP exchange to DIR/SOURCE.har (a cassette; docs/preflight.md).",
)
def import_(
    sources: tuple[str, ...],
    config: str | None,
    db_path: Path | None,
    accept_shrink: bool,
    record: Path | None,
):
    """Import registers into the database: all enabled sources, or the ones named.

    Reports per source; exits 1 if any source failed or was rejected (nothing of that source is
    changed then).

    \b
    Example:
        registry import cpta --config ops.toml --db db/registry.db
    """
    settings = _settings(config)
    chosen = _chosen(settings, sources, "import")
    db = _open(db_path or default_path())
    sync_regulators(db, settings.sources.values())
    failed = 0
    for source in chosen:
        report = run_source(
            db,
            settings,
            source,
            accept_shrink=accept_shrink,
            progress=_progress(),
            record=record / f"{source.key}.har" if record else None,
        )
        _report(report)
        failed += report.outcome != "success"
    if failed:
        sys.exit(1)


@cli.command()
@db_option
@config_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@port_option
@no_sql_option
@click.option(
    "--public-url",
    envvar="REGISTRY_PUBLIC_URL",
    show_envvar=True,
    help="The site's address as the public sees it, for feed links [default: http://HOST:PORT].",
)
@click.option(
    "--forwarded-allow-ips",
    default=None,
    help="Behind a reverse proxy: the proxy addresses whose X-Forwarded-For names the client "
    "(rate limits are per client) [default: uvicorn's, $FORWARDED_ALLOW_IPS or 127.0.0.1].",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    envvar="REGISTRY_WORKERS",
    show_envvar=True,
    help="Worker processes; more than one needs $REGISTRY_LIMIT_STORAGE, a shared store "
    "(docs/operating.md) [default: one per core with a shared store, else 1].",
)
@click.option(
    "--replica",
    is_flag=True,
    envvar="REGISTRY_REPLICA",
    show_envvar=True,
    help="A read replica over a copy of a release: pages, API and Datasette only; it never "
    "writes, and the clinic routes answer that the primary serves them (docs/operating.md).",
)
def serve(
    db_path: Path | None,
    config: str | None,
    host: str,
    port: int,
    no_sql: bool,
    public_url: str | None,
    forwarded_allow_ips: str | None,
    workers: int | None,
    replica: bool,
):
    """Serve the search API (/api), the pages (/) and Datasette (/data/) over one database.

    Settings are read once, at start: the sources' freshness limits from --config, rate limits
    and quotas from REGISTRY_LIMIT_* (docs/operating.md). Several workers count the rate limits
    in a shared store, REGISTRY_LIMIT_STORAGE=redis://HOST:6379/0.

    \b
    Example:
        registry serve --db db/registry.db --config operator.toml --port 8000 --no-sql \\
          --public-url https://registry.example.org --forwarded-allow-ips 127.0.0.1
        registry serve --replica --db releases/registry-2026-11-28-3f9c0a1b2c4d/registry.db
    """
    _serve(
        _replica_db(db_path) if replica else _existing(db_path),
        host,
        port,
        allow_sql=not no_sql,
        public_url=public_url,
        forwarded_allow_ips=forwarded_allow_ips,
        config=config,
        workers=workers,
        replica=replica,
    )


@cli.command()
@port_option
@click.option(
    "--count",
    type=click.IntRange(25, 20000),
    default=400,
    show_default=True,
    help="Synthetic registrants per sample register.",
)
@click.option("--no-serve", is_flag=True, help="Import the sample registers, then exit.")
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEMO_DB,
    show_default=True,
    help="Database file for the demo (recreated).",
)
def demo(port: int, count: int, no_serve: bool, db_path: Path):
    """Import the bundled sample registers over HTTP into a fresh database, then serve it.

    The sample registers are local emulators of each register platform holding synthetic
    people; they are declared with no request spacing, while live sources keep theirs. Each is
    imported as it stood in past months, each import dated then, and then as it stands today,
    so that the changes per month and the history pages have something to show.

    \b
    Example:
        registry demo --port 8000
    """
    from registry.imports.demo import import_months, start_samples, stop_samples

    if not no_serve:
        _check_port("127.0.0.1", port)
    settings = _settings(None)
    # The clinics database it serves goes too ($REGISTRY_CLINICS_DB when set): its watch lists
    # point into the old one.
    for path in (db_path, layout.clinics_db(db_path)):
        for file in layout.sqlite_files(path):
            file.unlink(missing_ok=True)
    # A fresh demo: the earlier demo's archived responses would only mislead (other ports).
    shutil.rmtree(layout.archive_dir(db_path), ignore_errors=True)
    samples = start_samples(settings.sources, count, history=True)
    try:
        db = _open(db_path)
        sync_regulators(db, settings.sources.values())  # the regulators we do not cover, too

        def run(settings: Settings, source: Source, at: str | None) -> RunReport:
            report = run_source(db, settings, source, progress=_progress(), at=at)
            _report(report)
            return report

        failed = import_months(settings, samples, run)
        db.close()
        if failed:
            sys.exit(1)
        if not no_serve:
            _serve(db_path, "127.0.0.1", port)
    finally:
        stop_samples(samples)


@cli.command()
@click.argument("source")
@config_option
@db_option
@click.option("--run", "run_id", type=int, help="Archived run to replay [default: the newest].")
@click.option("--accept-shrink", is_flag=True, help="As for import.")
@click.option(
    "--cassette",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Replay this HAR cassette (from --record) instead of the archive.",
)
def reparse(
    source: str,
    config: str | None,
    db_path: Path | None,
    run_id: int | None,
    accept_shrink: bool,
    cassette: Path | None,
):
    """Rebuild a source from its archived responses, with no network (after a parser fix).

    The responses a run fetched (or a cassette recorded with --record) are replayed to the
    adapter and the result is applied like any import: checked, atomic, recorded in
    import_runs, with its changes as events.

    \b
    Example:
        registry reparse cpta --run 12
        registry reparse cpta --cassette cassettes/cpta.har --db /tmp/try.db
    """
    from db.archive import ArchiveMiss
    from registry.imports.importer import archive_of

    settings = _settings(config)
    _chosen(settings, (source,), "read")
    db = _open(db_path or default_path())
    if cassette is not None:
        report = run_source(
            db,
            settings,
            settings.sources[source],
            accept_shrink=accept_shrink,
            progress=_progress(),
            cassette=cassette,
        )
        _report(report)
        if report.outcome != "success":
            sys.exit(1)
        return
    archived = archive_of(db).runs(source)
    if not archived:
        raise click.UsageError(f"no archived responses for {source}; run `registry import` first")
    if run_id is not None and run_id not in archived:
        raise click.UsageError(
            f"run {run_id} of {source} is not archived; archived runs: "
            f"{', '.join(map(str, archived[-10:]))}"
        )
    try:
        report = run_source(
            db,
            settings,
            settings.sources[source],
            accept_shrink=accept_shrink,
            progress=_progress(),
            replay=run_id or archived[-1],
        )
    except ArchiveMiss as e:
        raise click.UsageError(str(e)) from None
    _report(report)
    if report.outcome != "success":
        sys.exit(1)


@cli.command()
@config_option
@db_option
@click.option("--once", is_flag=True, help="Run what is due now, then exit (for cron or tests).")
def schedule(config: str | None, db_path: Path | None, once: bool):
    """Run each enabled source on its own interval, for months, unattended.

    Each source runs `interval_hours` after its last run (weekly by default; 6 hours after a
    failed or rejected one), plus a steady jitter, one at a time, never two runs of one source at
    once. Each run is logged to standard output and recorded in import_runs. After runs, watch
    lists' webhooks get what changed (as `registry watch deliver` does), in a thread of their
    own: a slow receiver never holds up an import. With --once, it waits for those deliveries
    (at most their time budget) before exiting.

    \b
    Example:
        registry schedule --config ops.toml --db db/registry.db
    """
    from db.clinics import clinics_path
    from registry.imports.schedule import NothingToSchedule, run_due

    settings = _settings(config)
    path = db_path or default_path()
    db = _open(path)
    sync_regulators(db, settings.sources.values())
    deliveries = _Deliveries(path, config)

    def after_runs() -> None:
        if clinics_path(path).exists():
            # Watch lists hear of what the runs changed (failed deliveries are retried next time).
            deliveries.request()

    try:
        run_due(
            db,
            settings,
            run=lambda source: _report(run_source(db, settings, source, progress=_progress())),
            after_runs=after_runs,
            nap=lambda seconds: _nap(seconds),
            echo=click.echo,
            once=once,
        )
    except NothingToSchedule as e:
        raise click.UsageError(str(e)) from None
    deliveries.wait()


def _nap(seconds: float) -> None:
    """The scheduler's sleep between runs (a seam for tests)."""
    time.sleep(seconds)


class _Deliveries:
    """The scheduler's webhook deliveries, in a thread of their own (one run at a time, and one
    more after it when runs ended meanwhile), so that imports never wait for a receiver."""

    def __init__(self, path: Path, config: str | None):
        self.path, self.config = path, config
        self._lock = threading.Lock()
        self._wanted = False
        self._thread: threading.Thread | None = None
        self._idle = threading.Event()
        self._idle.set()

    def request(self) -> None:
        with self._lock:
            self._wanted = True
            self._idle.clear()
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="webhook-deliveries", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._wanted:
                    self._thread = None
                    self._idle.set()
                    return
                self._wanted = False
            try:
                _deliver_webhooks(self.path, self.config)
            except Exception as e:  # noqa: BLE001 (reported; the next runs deliver again)
                click.echo(f"webhook deliveries failed: {type(e).__name__}: {e}", err=True)

    def wait(self, timeout: float | None = None) -> bool:
        """Until no delivery is running or wanted; False if `timeout` passed first."""
        return self._idle.wait(timeout)


@cli.command()
@config_option
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def sources(config: str | None, db_path: Path | None, as_json: bool):
    """List the declared sources, with their last import when the database has one.

    \b
    Example:
        registry sources --json
    """
    settings = _settings(config)
    path = db_path or default_path()
    runs: dict[str, str] = {}
    counts: dict[str, tuple[int, int]] = {}
    if path.exists():
        db = _open(path)
        for row in reads.last_successes(db).values():
            runs[row["regulator_id"]] = row["ended_at"]
            counts[row["regulator_id"]] = (row["on_register"] or 0, row["authorized"] or 0)
    rows = [
        {
            "source": s.key,
            "jurisdiction": s.jurisdiction,
            "regulator": s.regulator,
            "platform": s.platform,
            "needling": s.needling,
            "mechanism": s.mechanism,
            "wording": list(s.wording),
            "enabled": s.enabled,
            "spacing_seconds": s.spacing_seconds,
            "base_url": s.base_url,
            "terms_note": s.terms_note,
            "coverage": s.coverage,
            "coverage_note": s.coverage_note,
            "last_successful_import": runs.get(s.key),
            "on_register": counts.get(s.key, (0, 0))[0],
            "authorized": counts.get(s.key, (0, 0))[1],
        }
        for s in settings.sources.values()
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for r in rows:
        if r["coverage"] != "supported":
            click.echo(
                f"{r['source']:<10} {r['jurisdiction']:<6} {r['regulator']}: not yet "
                f"supported ({r['coverage_note']})"
            )
            continue
        state = "enabled" if r["enabled"] else "disabled"
        wording = "; ".join(cast(list[str], r["wording"])) or "-"
        click.echo(
            f"{r['source']:<10} {r['jurisdiction']:<6} {r['regulator']} [{r['platform']}, "
            f"{state}] needling {r['needling']} ({r['mechanism'] or '-'}: {wording}); "
            f"{r['on_register']} on the register, {r['authorized']} authorized; last import: "
            f"{r['last_successful_import'] or 'never'}"
        )


@cli.command()
@click.option("--check", is_flag=True, help="Exit 1 if a generated file is out of date.")
def metadata(check: bool):
    """Regenerate metadata.json, docs/data-dictionary.md and docs/regulators.md.

    Descriptions come from db/dictionary.py, saved queries from
    registry/releases/queries.py, terms and
    the regulators' table from the built-in source declarations (scrapers/sources.toml); the
    hand-written sections below docs/regulators.md's table are kept.

    \b
    Example:
        registry metadata --check
    """
    from registry.releases.metadata import ROOT, generated

    files = generated(load_settings().sources.values())
    stale = [
        path
        for path, text in files.items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    for path in stale:
        name = path.relative_to(ROOT)
        if check:
            click.echo(f"{name} is out of date; run `registry metadata`", err=True)
        else:
            path.write_text(files[path], encoding="utf-8")
            click.echo(f"wrote {name}")
    if check and stale:
        sys.exit(1)


@cli.command()
@db_option
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("releases"),
    show_default=True,
    help="Folder the release folder is created in.",
)
def publish(db_path: Path | None, out: Path):
    """Build an immutable release: the database named by its hash, with Datasette's inspect file,
    metadata and a manifest (sources, import runs, row counts, checksums).

    \b
    Example:
        registry publish --db db/registry.db --out releases
        registry serve-release releases/registry-2026-11-28-3f9c0a1b2c4d
    """
    from registry.releases.publish import PublishError
    from registry.releases.publish import publish as build_release

    try:
        release = build_release(db_path or default_path(), out)
    except PublishError as e:
        raise click.UsageError(str(e)) from None
    manifest = release.manifest
    click.echo(f"published {release.path}")
    click.echo(
        f"  {manifest['files']['registry.db']['bytes']:,} bytes, sha256 {release.sha256}; "
        + ", ".join(f"{name} {count:,}" for name, count in manifest["tables"].items())
    )
    if manifest["synthetic_sample"]:
        click.echo("  note: it holds synthetic sample registers (the demo), not real people")


@cli.command(name="serve-release")
@click.argument("release", type=click.Path(file_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8001, show_default=True, envvar="PORT"
)
@no_sql_option
@click.option("--print", "print_only", is_flag=True, help="Print the command, do not run it.")
def serve_release(release: Path, host: str, port: int, no_sql: bool, print_only: bool):
    """Serve a published release read-only with Datasette (`datasette -i`), with its inspect file,
    metadata and the public instance's limits. This is what the Dockerfile runs.

    \b
    Example:
        registry serve-release releases/registry-2026-11-28-3f9c0a1b2c4d --no-sql
    """
    from registry.releases.publish import exec_serve, serve_command, verify

    if not (release / "SHA256SUMS").is_file():
        raise click.UsageError(f"{release} is not a release folder (made by `registry publish`)")
    bad = verify(release)
    if bad:
        raise click.UsageError(f"{release} is damaged: checksum mismatch for {', '.join(bad)}")
    options: dict[str, Any] = {"host": host, "port": port, "allow_sql": not no_sql}
    if print_only:
        click.echo(" ".join(serve_command(release, **options)))
        return
    _check_port(host, port)
    click.echo(f"Serving {release.name} on http://{host}:{port}/ (read-only)")
    exec_serve(release, **options)


@contextlib.contextmanager
def _clinic_context(db_path: Path | None, config: str | None) -> Iterator[CheckContext]:
    """What the verify and watch commands need: the registry read-only, the clinics database,
    the sources' freshness limits; closed afterwards."""
    from registry.clinics.roster import CheckContext
    from registry.lookup.freshness import freshness_limits

    path = _existing(db_path)
    try:
        with CheckContext.opened(path, freshness_limits(_settings(config))) as context:
            yield context
    except DatabaseError as e:
        raise click.UsageError(str(e)) from None


@cli.command()
@click.argument("roster", type=click.File("rb"))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json"]),
    default="csv",
    show_default=True,
    help="Answer as your CSV with columns added, or as JSON.",
)
@click.option(
    "-o", "--output", type=click.File("w", encoding="utf-8"), default="-", help="Write here."
)
@config_option
@db_option
def verify(roster, fmt: str, output, config: str | None, db_path: Path | None):
    """Verify a roster (CSV): each row gets a verdict and a receipt id.

    The CSV needs a column for the regulator or province and one for the registration number;
    a name column adds a warning when the name does not match. Use - to read standard input.

    \b
    Example:
        registry verify staff.csv --format csv -o staff-verified.csv
    """
    from registry.clinics import roster as rosters

    try:
        with _clinic_context(db_path, config) as context:
            header, results = rosters.check_roster(context, roster.read(rosters.MAX_BYTES + 1))
    except rosters.RosterError as e:
        raise click.UsageError(str(e)) from None
    output.write(
        rosters.to_csv(header, results) if fmt == "csv" else rosters.to_json(results) + "\n"
    )
    summary = rosters.summary(results)
    counts = ", ".join(f"{k} {v}" for k, v in summary["by_verdict"].items())
    click.echo(
        f"{summary['rows']} rows, {summary['needing_attention']} needing attention "
        f"(listed first): {counts}",
        err=True,
    )


@cli.group()
def watch():
    """Watch lists: create one, deliver its webhook notices.

    \b
    Example:
        registry watch create --name "Bow River Physio" --registration cpta:20001
        registry watch deliver
    """


@watch.command(name="create")
@click.option("--name", help="The clinic's name for the list.")
@click.option("--webhook-url", help="POST signed notices here (http:// or https://).")
@click.option(
    "--registration",
    "registrations",
    multiple=True,
    metavar="REGULATOR:NUMBER",
    help="A registration to watch; repeat for more.",
)
@config_option
@db_option
def watch_create(
    name: str | None,
    webhook_url: str | None,
    registrations: tuple[str, ...],
    config: str | None,
    db_path: Path | None,
):
    """Create a watch list and print its token (shown once; only its hash is kept).

    \b
    Example:
        registry watch create --name "Bow River Physio" --registration cpta:20001 \\
            --webhook-url https://clinic.example/hooks/registry
    """
    from registry.clinics.egress import UnsafeURL, check_url
    from registry.clinics.watch import add_items, create_list

    if webhook_url:
        try:
            check_url(webhook_url)
        except UnsafeURL as e:
            raise click.UsageError(f"--webhook-url: {e}") from None
    entries = []
    for value in registrations:
        regulator, sep, number = value.partition(":")
        if not sep or not regulator or not number:
            raise click.UsageError(
                f"--registration {value!r}: use REGULATOR:NUMBER, e.g. cpta:20001"
            )
        entries.append({"regulator": regulator, "registration_number": number})
    with _clinic_context(db_path, config) as c:
        row, token = create_list(c.clinics, name, webhook_url)
        added, errors = add_items(c.registry, c.clinics, row["id"], entries, dict(c.freshness))
    click.echo(
        json.dumps(
            {
                "token": token,
                "webhook_secret": row["webhook_secret"],
                "added": added,
                "errors": errors,
            },
            indent=2,
            ensure_ascii=False,
        )
    )


@watch.command(name="deliver")
@click.option(
    "--attempts", type=click.IntRange(1, 20), default=5, show_default=True, help="Per batch."
)
@click.option(
    "--first-wait",
    type=click.FloatRange(0, 3600),
    default=2.0,
    show_default=True,
    help="Seconds before the first retry; doubling after.",
)
@click.option(
    "--budget",
    type=click.FloatRange(1, 86400),
    default=300.0,
    show_default=True,
    help="Seconds the whole run may take; what is left waits for the next run.",
)
@config_option
@db_option
def watch_deliver(
    attempts: int, first_wait: float, budget: float, config: str | None, db_path: Path | None
):
    """POST each watch list's undelivered notices to its webhook, signed, with retries.

    Run it after imports (e.g. `registry import && registry watch deliver`). Each POST ends
    within 30 s and the whole run within its budget; each batch is recorded as it ends. Exits 1
    when a delivery failed (those notices are tried again next time) or another delivery run
    over the database has not ended.

    \b
    Example:
        registry watch deliver --db db/registry.db
    """
    options = {"attempts": attempts, "first_wait": first_wait, "budget": budget}
    if not _deliver_webhooks(db_path, config, **options):
        sys.exit(1)


def _deliver_webhooks(db_path: Path | None, config: str | None, **options) -> bool:
    """Deliver every watch list's pending notices and report per list; False if one failed
    or another delivery run over the database has not ended (nothing is sent then)."""
    from registry.clinics.webhooks import DeliveryBusy, deliver, delivery_lock

    try:
        with delivery_lock(db_path or default_path()), _clinic_context(db_path, config) as c:
            outcomes = deliver(c.registry, c.clinics, dict(c.freshness), **options)
    except DeliveryBusy as e:
        click.echo(str(e), err=True)
        return False
    for o in outcomes:
        line = f"{o.list_id}: {o.delivered} delivered, {o.failed} failed ({o.attempts} attempts)"
        click.echo(line + (f": {o.errors[-1]}" if o.errors else ""))
    return not any(o.failed for o in outcomes)


@cli.command()
@click.argument("sources", nargs=-1)
@config_option
@click.option(
    "--record",
    type=click.Path(file_okay=False, path_type=Path),
    help="Save every exchange to DIR/SOURCE.har (a HAR cassette) to send back or replay.",
)
@click.option(
    "--replay",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Check against the cassettes in DIR (DIR/SOURCE.har) instead of the network.",
)
@click.option(
    "--budget",
    type=click.IntRange(3, 100),
    default=15,
    show_default=True,
    help="Most requests a source may make.",
)
def preflight(
    sources: tuple[str, ...],
    config: str | None,
    record: Path | None,
    replay: Path | None,
    budget: int,
):
    """Check that each adapter still reads its live register, before enabling or trusting it.

    Every supported source with a register address (disabled ones included) or the ones named:
    a few requests each, spaced politely, checking what the adapter relies on and printing
    what was seen (field labels, keys, authorization wording verbatim). Writes nothing to the
    database; exits 1 if any check failed.

    \b
    Example:
        registry preflight cpta cptbc --record cassettes/
    """
    from registry.imports.preflight import check_source, table

    settings = _settings(config)
    chosen = _chosen(settings, sources, "check")
    results = []
    for source in chosen:
        cassette = replay / f"{source.key}.har" if replay else None
        if cassette is not None and not cassette.exists():
            raise click.UsageError(f"no cassette {cassette}")
        result = check_source(settings, source, budget=budget, record=record, replay=cassette)
        click.echo(table([result]))
        results.append(result)
    if not all(r.ok for r in results):
        sys.exit(1)


@cli.command(name="cassette-anonymise")
@click.argument("source")
@click.argument("cassette", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@config_option
def cassette_anonymise(source: str, cassette: Path, out: Path, config: str | None):
    """Replace every person in a cassette with a synthetic one of the same shape.

    Names, registration numbers, ids, street addresses, postal codes, phones and clinic names
    that the source's adapter reads are replaced by words of the same shape and length (letters
    by letters, digits by digits) everywhere in the cassette; every other byte is kept, so the
    result can become a test fixture of the real layout without real people.

    \b
    Example:
        registry cassette-anonymise cpta cassettes/cpta.har tests/fixtures/cassettes/cpta.har
    """
    from registry.imports.preflight import anonymise_cassette
    from scrapers.cassette import CassetteError
    from scrapers.records import LayoutChanged

    settings = _settings(config)
    _chosen(settings, (source,), "read")
    try:
        people, exchanges = anonymise_cassette(settings, settings.sources[source], cassette, out)
    except (CassetteError, LayoutChanged) as e:
        raise click.UsageError(str(e)) from None
    click.echo(f"wrote {out}: {people} people replaced across {exchanges} exchanges")
