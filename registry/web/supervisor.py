"""Several worker processes, each accepting connections on a listening socket of its own.

uvicorn's supervisor gives every worker the same listening socket. Whichever worker wakes first
accepts every connection waiting (libuv accepts until none is left), so a client that opens
its keep-alive connections at once (a proxy's pool, a load tester) can have them all on one
worker, and the other cores stay idle for as long as those connections last. Measured with
wrk's 32 connections on two workers: all 32 on one worker in 4 of 8 runs, at half the
throughput (BENCHMARKS.md, session 29).

Here each worker listens on a socket of its own, all bound to the same address with
SO_REUSEPORT, and the kernel spreads new connections across them (by a hash of each
connection's addresses and ports). The supervisor keeps every socket open, so a connection
that arrives while its worker restarts waits in that socket's queue for the new worker rather
than being refused. Linux spreads connections this way; elsewhere (no SO_REUSEPORT, or one that
does not balance) the workers share one socket, as uvicorn's do.

Linux lets only processes of the same user share a port so.

Everything else is uvicorn's supervisor (health checks, restarts, signals): only the socket each
worker is started with differs.
"""

from __future__ import annotations

import logging
import socket
import sys

from uvicorn.config import STARTUP_FAILURE, Config
from uvicorn.supervisors.multiprocess import Multiprocess, Process

logger = logging.getLogger("uvicorn.error")


def balanced() -> bool:
    """Whether the kernel spreads connections across sockets bound with SO_REUSEPORT (Linux)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def listening_socket(config: Config) -> socket.socket:
    """A socket listening on the configured host and port, sharing them with the other
    workers' (SO_REUSEPORT). A bind that fails stops the server, as uvicorn's does."""
    family = socket.AF_INET6 if config.host and ":" in config.host else socket.AF_INET
    sock = socket.socket(family=family)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((config.host, config.port))
    except OSError as e:
        sock.close()
        logger.error(e)
        sys.exit(STARTUP_FAILURE)
    # Listening from the start: a connection the kernel gives to a worker still starting waits
    # for it, rather than every early connection going to the first worker up.
    sock.listen(config.backlog)
    sock.set_inheritable(True)
    return sock


class Supervisor(Multiprocess):
    """uvicorn's supervisor, worker i listening on `sockets[i]` alone."""

    def __init__(self, config: Config, sockets: list[socket.socket]) -> None:
        assert len(sockets) == config.workers, "one socket per worker"
        super().__init__(config, sockets)

    def _start(self, index: int) -> Process:
        process = Process(self.config, [self.sockets[index]])
        process.start()
        return process

    def init_processes(self) -> None:
        self.processes = [self._start(i) for i in range(self.processes_num)]

    # As uvicorn's (0.54), each new worker given the socket of the one it replaces.
    def keep_subprocess_alive(self) -> None:
        if self.should_exit.is_set():
            return
        for idx, process in enumerate(self.processes):
            if process.is_alive(timeout=self.config.timeout_worker_healthcheck):
                continue
            process.kill()  # hung: kill it
            process.join()
            if process.exitcode == STARTUP_FAILURE:
                # Failed before serving (the app or the socket is broken): a restart would too.
                logger.error(f"Child process [{process.pid}] failed to start, stopping.")
                self.should_exit.set()
                return
            if self.should_exit.is_set():
                return
            logger.info(f"Child process [{process.pid}] died")
            self.processes[idx] = self._start(idx)

    def restart_all(self) -> None:
        """Each worker replaced in turn, its replacement serving before the old one stops."""
        for idx, old_process in enumerate(self.processes):
            if self.should_exit.is_set():
                return
            new_process = self._start(idx)
            timeout = self.config.timeout_worker_healthcheck
            if not new_process.wait_until_ready(timeout, self.should_exit):
                new_process.kill()
                new_process.join()
                if not self.should_exit.is_set():
                    logger.error(
                        f"New child process [{new_process.pid}] was not ready in time; "
                        f"keeping worker [{old_process.pid}] and aborting the restart."
                    )
                return
            old_process.terminate()
            old_process.join()
            self.processes[idx] = new_process

    def handle_ttin(self) -> None:
        logger.info("Received SIGTTIN, increasing the number of processes.")
        self.sockets.append(listening_socket(self.config))
        self.processes_num += 1
        self.processes.append(self._start(len(self.processes)))

    def handle_ttou(self) -> None:
        logger.info("Received SIGTTOU, decreasing number of processes.")
        if self.processes_num <= 1:
            logger.info("Already one process: the number of processes cannot decrease.")
            return
        self.processes_num -= 1
        process = self.processes.pop()
        process.terminate()
        process.join()
        self.sockets.pop().close()


def run(config: Config) -> None:
    """Serve `config.app` (an import string) with `config.workers` processes until a signal
    stops them."""
    if balanced():
        sockets = [listening_socket(config) for _ in range(config.workers)]
        supervisor: Multiprocess = Supervisor(config, sockets)
    else:
        sockets = [config.bind_socket()]
        supervisor = Multiprocess(config, sockets)
    try:
        supervisor.run()
    except KeyboardInterrupt:
        pass
    finally:
        for sock in sockets:
            sock.close()
