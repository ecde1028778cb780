"""A redis-server of the test's own, on a free port, that a test may SIGKILL and start again."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

from tests.e2e.processes import ManagedProcess, free_port, wait_until

REDIS_SERVER = "redis-server"


def redis_server_available() -> bool:
    return shutil.which(REDIS_SERVER) is not None


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """`redis-server` with nothing persisted; `kill()` loses everything in it, like a crash."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.port = free_port()
        self.process: ManagedProcess | None = None
        self.processes: list[ManagedProcess] = []

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.alive

    def start(self, timeout: float = 10.0) -> RedisServer:
        """Start it (again) on the same port, and wait until it answers PING."""
        assert not self.alive, "redis-server is already running"
        first_start = not self.processes
        for _attempt in range(3):
            process = self.process = self._spawn()
            try:
                wait_until(
                    lambda process=process: _answers_ping(self.port) or not process.alive,
                    timeout=timeout,
                    waiting_for=f"redis-server to answer PING on port {self.port}",
                    details=process.describe,
                )
            except BaseException:
                process.kill()
                raise
            if process.alive:
                return self
            # A port picked at random may be taken by the time redis binds it; before anyone
            # has been given the URL, simply pick another.
            if not (first_start and "Address already in use" in process.log_text()):
                break
            self.port = free_port()
        raise AssertionError(f"redis-server did not start\n{self.process.describe()}")

    def _spawn(self) -> ManagedProcess:
        number = len(self.processes) + 1
        process = ManagedProcess(
            f"redis-server #{number} (port {self.port})",
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.log_dir),
            ],
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
            log_path=self.log_dir / f"redis-{number}.log",
        )
        self.processes.append(process)
        return process.start()

    def kill(self) -> None:
        """SIGKILL: connections drop at once and every key, queued task and spool entry is lost."""
        if self.process is not None:
            self.process.kill()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate(grace=2.0)

    def client(self):
        """A redis-py client, to look inside (spool entries, queue lengths)."""
        import redis

        return redis.Redis.from_url(self.url, socket_timeout=2, socket_connect_timeout=2)
