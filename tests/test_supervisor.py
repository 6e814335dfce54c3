"""`registry serve --workers N`: each worker accepts on a listening socket of its own, so that
connections a client opens at once are spread across the workers (registry/web/supervisor.py).

Served here: a tiny app that answers with its worker's process id (tests/supervised_app.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from registry.web import supervisor
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not supervisor.balanced(), reason="SO_REUSEPORT balances on Linux")


def serve(port: int, workers: int) -> subprocess.Popen:
    code = (
        "import uvicorn\n"
        "from registry.web import supervisor\n"
        f"supervisor.run(uvicorn.Config('tests.supervised_app:app', port={port}, "
        f"workers={workers}, log_level='warning', timeout_worker_healthcheck=10))\n"
    )
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


def listening(port: int) -> int:
    """How many sockets listen on 127.0.0.1:`port` (/proc/net/tcp: state 0A is LISTEN)."""
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1].endswith(f":{port:04X}") and fields[3] == "0A":
            count += 1
    return count


def pids_at_once(port: int, connections: int) -> Counter:
    """The worker that answers each of `connections` connections opened at the same moment."""
    answers: list[int] = []
    ready = threading.Barrier(connections)

    def one() -> None:
        with httpx.Client(timeout=30) as client:
            ready.wait()
            answers.append(int(client.get(f"http://127.0.0.1:{port}/").text))

    threads = [threading.Thread(target=one) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Counter(answers)


@pytest.fixture
def served():
    port = free_port()
    process = serve(port, 2)
    try:
        # Every worker up: new connections spread, and one given to a worker still starting
        # waits for it.
        deadline = time.monotonic() + 60
        seen: set[int] = set()
        while len(seen) < 2 and time.monotonic() < deadline:
            try:
                seen.add(int(httpx.get(f"http://127.0.0.1:{port}/", timeout=30).text))
            except httpx.TransportError:
                assert process.poll() is None, "the supervisor stopped"
                time.sleep(0.1)
        assert len(seen) == 2, "both workers answer"
        yield port, process
    finally:
        stop(process)


def test_each_worker_listens_on_a_socket_of_its_own(served):
    port, _ = served
    # uvicorn's own supervisor gives both workers one socket: there would be one.
    assert listening(port) == 2


def test_connections_opened_at_once_reach_every_worker(served):
    port, _ = served
    for _ in range(3):
        spread = pids_at_once(port, 32)
        assert len(spread) == 2, spread
        # Spread by the kernel's hash of each connection: 16 each on average, and 27 or more
        # on one worker about once in 50,000 tries.
        assert max(spread.values()) <= 26, spread


def test_connections_opened_while_a_worker_is_busy_still_reach_it(served):
    """With one socket for both, the worker that is free would accept all 32 connections, and
    keep them; with a socket each, the busy worker's share waits for it."""
    port, _ = served
    busy = threading.Thread(target=httpx.get, args=(f"http://127.0.0.1:{port}/busy",))
    busy.start()
    time.sleep(0.3)
    spread = pids_at_once(port, 32)
    busy.join()
    assert len(spread) == 2, spread
    assert max(spread.values()) <= 26, spread


def test_a_worker_that_dies_is_replaced_on_its_socket(served):
    port, _ = served
    victim = max(pids_at_once(port, 16))
    os.kill(victim, signal.SIGKILL)
    # Connections the kernel gives to the dead worker's socket wait for its replacement.
    deadline = time.monotonic() + 60
    spread: Counter = Counter()
    while time.monotonic() < deadline:
        spread = pids_at_once(port, 16)
        if len(spread) == 2 and victim not in spread:
            break
        time.sleep(0.5)
    assert victim not in spread and len(spread) == 2, spread
    assert listening(port) == 2


def test_a_second_server_on_a_port_the_workers_share_is_refused():
    """Sockets bound with SO_REUSEPORT would let a second server of the same user share the
    port, and the kernel split the connections between the two: `registry serve` checks the
    port with a plain bind first, which a port in use refuses."""
    import click
    import uvicorn

    from registry.cli import _check_port

    port = free_port()
    sock = supervisor.listening_socket(uvicorn.Config("tests.supervised_app:app", port=port))
    try:
        with pytest.raises(click.UsageError, match=f"port {port} on 127.0.0.1 is in use"):
            _check_port("127.0.0.1", port)
    finally:
        sock.close()
    _check_port("127.0.0.1", port)  # free again
