"""The disk: a publish killed half-way leaves its staging folder, which the next publish removes
(never one a running publish is using), and a full or failing disk gives a one-line message at
the command line, not a traceback."""

from __future__ import annotations

import errno
import fcntl
import os
import sqlite3

import pytest
from click.testing import CliRunner

from db import db_file
from registry import cli as cli_module
from registry.cli import cli
from registry.releases.publish import PublishError, publish, verify
from tests.histories import three_runs


@pytest.fixture
def source(db):
    three_runs(db)
    return db_file(db)


def test_a_later_publish_removes_what_a_killed_one_left(source, tmp_path):
    out = tmp_path / "releases"
    left = out / ".publishing-k1ll3d"  # as `kill -9` during a publish leaves it
    left.mkdir(parents=True)
    (left / "registry.db").write_bytes(b"\0" * 100_000)
    (left / "registry.db").chmod(0o444)
    release = publish(source, out)
    assert not left.exists()
    assert sorted(p.name for p in out.iterdir()) == [release.name]
    assert verify(release.path) == []


def test_a_publish_in_progress_is_left_alone(source, tmp_path):
    out = tmp_path / "releases"
    working = out / ".publishing-running"
    working.mkdir(parents=True)
    fd = os.open(out, os.O_RDONLY)  # another publish holds the folder's lock
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with pytest.raises(PublishError, match="another publish is running into"):
            publish(source, out)
        assert working.exists()
    finally:
        os.close(fd)
    publish(source, out)  # once it has ended, its leftovers go
    assert not working.exists()


@pytest.mark.parametrize(
    "failure, words",
    [
        (sqlite3.OperationalError("disk I/O error"), "the database could not be written"),
        (sqlite3.OperationalError("database or disk is full"), "the disk is probably full"),
        (OSError(errno.ENOSPC, "No space left on device", "db/archive/x"), "No space left"),
        (sqlite3.OperationalError("database is locked"), "the database is busy"),
    ],
)
def test_a_full_disk_is_a_message_not_a_traceback(failure, words, tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise failure

    monkeypatch.setattr(cli_module, "run_source", full)
    result = CliRunner().invoke(
        cli, ["import", "nscp", "--db", str(tmp_path / "registry.db")], catch_exceptions=False
    )
    assert result.exit_code == 1
    assert words in result.output and "Traceback" not in result.output
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1


def test_other_errors_are_not_dressed_up_as_a_full_disk(tmp_path, monkeypatch):
    def bug(*args, **kwargs):
        raise sqlite3.OperationalError("no such table: nowhere")

    monkeypatch.setattr(cli_module, "run_source", bug)
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        CliRunner().invoke(
            cli, ["import", "nscp", "--db", str(tmp_path / "registry.db")], catch_exceptions=False
        )
