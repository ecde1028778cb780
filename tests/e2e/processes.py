"""Child processes for the end-to-end tests: free ports, processes with log files, waiting.

Every process runs in a process group of its own, so one signal reaches it and its children
(gunicorn's workers, Celery's pool), and writes stdout and stderr to one log file.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

LOG_TAIL_LINES = 40
T = TypeVar("T")


class WaitTimeoutError(AssertionError):
    """Something a test waited for did not happen in time; the message says what, and shows logs."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (the kernel picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(
    condition: Callable[[], T],
    *,
    timeout: float,
    waiting_for: str,
    interval: float = 0.1,
    details: Callable[[], str] | None = None,
) -> T:
    """Poll `condition` until it returns something truthy, and return that.

    Raises WaitTimeoutError naming `waiting_for`, followed by `details()` (for instance log tails).
    """
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            message = f"Timed out after {timeout:g} s waiting for {waiting_for}"
            if details is not None:
                message += "\n" + details()
            raise WaitTimeoutError(message)
        time.sleep(interval)


def eventually(condition: Callable[[], object], *, timeout: float, interval: float = 0.5) -> bool:
    """Whether `condition` became true within `timeout` seconds (polled every `interval`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return bool(condition())


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(errors="replace")
    except FileNotFoundError:
        return "(no log file)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"


class _Watchdog:
    """A tiny separate process that SIGKILLs our process groups if this pytest process dies.

    Fixture finalizers stop everything normally; this covers pytest itself being killed, when no
    finalizer runs. It learns groups through a pipe and acts when the pipe closes.
    """

    _SCRIPT = (
        "import os, signal, sys\n"
        "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "groups = set()\n"
        "for line in sys.stdin:\n"
        "    verb, group = line.split()\n"
        "    (groups.add if verb == '+' else groups.discard)(int(group))\n"
        "for group in groups:\n"
        "    try:\n"
        "        os.killpg(group, signal.SIGKILL)\n"
        "    except OSError:\n"
        "        pass\n"
    )

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None

    def _tell(self, line: str) -> None:
        with self._lock:
            if self._process is None:
                self._process = subprocess.Popen(
                    [sys.executable, "-c", self._SCRIPT],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.DEVNULL,
                    start_new_session=True,  # a Ctrl-C in the terminal must not kill it first
                    text=True,
                )
                atexit.register(self._process.stdin.close)
            try:
                self._process.stdin.write(line + "\n")
                self._process.stdin.flush()
            except (BrokenPipeError, ValueError):
                pass  # the watchdog is gone; finalizers still stop everything

    def watch(self, group: int) -> None:
        self._tell(f"+ {group}")

    def forget(self, group: int) -> None:
        self._tell(f"- {group}")


_watchdog = _Watchdog()
_running: set[ManagedProcess] = set()


@atexit.register
def _kill_leftovers() -> None:
    for process in list(_running):
        process.kill()


class ManagedProcess:
    """One command in its own process group, logging to `log_path`."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        env: dict[str, str],
        log_path: Path,
        cwd: Path | None = None,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.env = env
        self.log_path = log_path
        self.cwd = cwd
        self.popen: subprocess.Popen | None = None
        self.started_at: float | None = None
        # Set when the harness (or a test, through it) killed or stopped it on purpose.
        self.stopped_on_purpose = False

    def start(self) -> ManagedProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            log.write(f"$ {shlex.join(self.argv)}\n".encode())
            log.flush()
            self.popen = subprocess.Popen(
                self.argv,
                env=self.env,
                cwd=self.cwd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.started_at = time.monotonic()
        _running.add(self)
        _watchdog.watch(self.pid)
        return self

    @property
    def pid(self) -> int:
        assert self.popen is not None, f"{self.name} was never started"
        return self.popen.pid

    @property
    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    @property
    def returncode(self) -> int | None:
        return None if self.popen is None else self.popen.poll()

    @property
    def died_unexpectedly(self) -> bool:
        return self.popen is not None and not self.alive and not self.stopped_on_purpose

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def describe(self, lines: int = LOG_TAIL_LINES) -> str:
        if self.popen is None:
            state = "never started"
        elif self.alive:
            state = f"pid {self.pid}, running"
        else:
            state = f"pid {self.pid}, exited with {self.returncode}"
        return (
            f"--- {self.name} ({state}); last {lines} lines of {self.log_path} ---\n"
            f"{log_tail(self.log_path, lines)}"
        )

    def wait_for_log(self, pattern: str, *, timeout: float, after: int = 0) -> re.Match:
        """Wait until the log matches `pattern` (a regex) past offset `after`; fail fast if the
        process exits meanwhile."""
        regex = re.compile(pattern)

        def matched():
            found = regex.search(self.log_text(), after)
            if found is None and not self.alive:
                raise WaitTimeoutError(
                    f"{self.name} exited (code {self.returncode}) before its log showed "
                    f"{pattern!r}\n{self.describe()}"
                )
            return found

        return wait_until(
            matched,
            timeout=timeout,
            waiting_for=f"{self.name} to log {pattern!r}",
            details=self.describe,
        )

    def _signal_group(self, signum: int) -> None:
        # ProcessLookupError: the whole group is gone already.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signum)

    def kill(self) -> None:
        """SIGKILL the process and every child in its group, at once."""
        if self.popen is None:
            return
        self.stopped_on_purpose = True
        self._signal_group(signal.SIGKILL)
        self.popen.wait()
        self._forget()

    def request_stop(self) -> None:
        """SIGTERM the group without waiting (see `terminate`)."""
        if self.alive:
            self.stopped_on_purpose = True
            self._signal_group(signal.SIGTERM)

    def terminate(self, grace: float = 5.0) -> None:
        """SIGTERM the group, then SIGKILL it if anything is still running after `grace` s."""
        if self.popen is None:
            return
        self.stopped_on_purpose = True
        if self.alive:
            self._signal_group(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=grace)
        # Children may outlive their leader: the group is killed either way.
        self._signal_group(signal.SIGKILL)
        self.popen.wait()
        self._forget()

    def _forget(self) -> None:
        _running.discard(self)
        _watchdog.forget(self.pid)
