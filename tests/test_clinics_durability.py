"""Receipts survive a live server, other processes and a `kill -9`: the clinics database is only
ever touched through SQLite.

Closing any descriptor a process holds on a SQLite file drops every POSIX lock that process holds
on it; the next process to close its connection then believes it is alone, checkpoints and
deletes the `-wal` and `-shm` files the server is still writing to, and later receipts vanish.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from db.clinics import clinics_path
from tests.clinic_site import registry_with
from tests.conftest import PEOPLE, free_port

ROSTER = "Name,College,Licence number\nAlice Roberts,CPTA,20001\nJean Robert,CPTA,20002\n"


def start_server(db: Path, port: int) -> subprocess.Popen:
    # Every answer a new receipt: this test counts them (reuse is tested in test_limits.py).
    env = {**os.environ, "REGISTRY_OFFLINE": "1", "REGISTRY_LIMIT_RECEIPT_WINDOW": "0"}
    env.pop("REGISTRY_CLINICS_DB", None)
    log = db.with_name(f"server-{port}.log")
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "registry", "serve", "--db", str(db), "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/sources", timeout=2)
            return server
        except httpx.TransportError:
            if server.poll() is not None:
                raise RuntimeError(log.read_text(errors="replace")) from None
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the server did not start")


def other_process_reads(path: Path) -> set[str]:
    """Receipt ids as a separate process sees them (it opens, reads and closes the file)."""
    code = (
        "import sqlite3, sys, json; c = sqlite3.connect(sys.argv[1]); "
        "print(json.dumps([r[0] for r in c.execute('select id from receipts')])); c.close()"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    )
    return set(json.loads(out.stdout))


def cli_verify(db: Path, roster: Path) -> set[str]:
    # Every answer a new receipt: this test counts them (reuse is tested in test_limits.py).
    env = {**os.environ, "REGISTRY_OFFLINE": "1", "REGISTRY_LIMIT_RECEIPT_WINDOW": "0"}
    env.pop("REGISTRY_CLINICS_DB", None)
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "registry",
            "verify",
            str(roster),
            "--db",
            str(db),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return {row["receipt_id"] for row in json.loads(out.stdout)["rows"] if row.get("receipt_id")}


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX locks")
def test_receipts_survive_the_server_other_processes_and_kill_9(tmp_path):
    db = tmp_path / "registry.db"
    registry_with(db, (PEOPLE, "cpta")).close()
    roster = tmp_path / "staff.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    clinics = clinics_path(db)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(db, port)
    ids: set[str] = set()
    try:
        for round_ in range(3):
            # The server's long-lived connection writes a receipt...
            one = httpx.get(
                f"{base}/api/verify", params={"regulator": "cpta", "registration_number": "20001"}
            )
            assert one.status_code == 200, one.text
            ids.add(one.json()["receipt"]["id"])
            # ...a roster upload opens the clinics database again inside the server...
            many = httpx.post(
                f"{base}/api/verify?format=json",
                content=ROSTER,
                headers={"content-type": "text/csv"},
            )
            assert many.status_code == 200, many.text
            ids |= {r["receipt_id"] for r in many.json()["rows"]}
            # ...other processes open and close it meanwhile...
            ids |= cli_verify(db, roster)
            assert other_process_reads(clinics) >= ids, f"round {round_}"
            # ...and the server keeps writing afterwards, where everyone can read it.
            after = httpx.get(
                f"{base}/api/verify", params={"regulator": "cpta", "registration_number": "20003"}
            )
            ids.add(after.json()["receipt"]["id"])
            assert other_process_reads(clinics) >= ids, f"round {round_}, after"
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait()
    check = sqlite3.connect(clinics)
    assert check.execute("pragma integrity_check").fetchone() == ("ok",)
    check.close()
    assert other_process_reads(clinics) >= ids
    port = free_port()
    server = start_server(db, port)
    try:
        for receipt_id in ids:
            got = httpx.get(f"http://127.0.0.1:{port}/api/receipts/{receipt_id}")
            assert got.status_code == 200, (receipt_id, got.text)
    finally:
        server.terminate()
        server.wait()
    assert len(ids) == 3 * (1 + 2 + 2 + 1)
