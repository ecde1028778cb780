"""The site's real processes, as the Procfile runs them: gunicorn, Celery worker(s), Celery beat."""

from __future__ import annotations

import os
import secrets
import signal
import string
import subprocess
import sys
import time
from pathlib import Path

import httpx
from cryptography.fernet import Fernet

from tests.e2e.processes import (
    LOG_TAIL_LINES,
    ManagedProcess,
    WaitTimeoutError,
    log_tail,
    wait_until,
)

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
ADMISSIONS_INBOX = "admissions@resilience.example"
# One key for the whole run: every process of a stack must read what the others wrote.
FIELD_ENCRYPTION_KEY = Fernet.generate_key().decode()
STARTUP_TIMEOUT = 30.0
# From the developer's environment only what any program needs; nothing that configures the site.
_PASSED_THROUGH = ("HOME", "LANG", "LC_ALL", "TMPDIR", "USER", "LOGNAME")


def new_secret_key() -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(50))


def site_env(
    *,
    database_url: str,
    secret_key: str,
    static_root: Path,
    media_root: Path,
    site_url: str = "http://127.0.0.1:8000",
    redis_url: str | None = None,
    smtp_port: int | None = None,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """The whole environment of a site process, built from scratch: production settings (DEBUG
    off) over plain local HTTP, mail to the sink, and `extra` on top (settings still to come)."""
    env = {name: os.environ[name] for name in _PASSED_THROUGH if name in os.environ}
    env.update(
        PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        PYTHONPATH=str(REPO),
        PYTHONUNBUFFERED="1",  # log lines reach the log files (and our waits) at once
        DJANGO_SETTINGS_MODULE="resilience.settings",
        DEBUG="false",
        SECRET_KEY=secret_key,
        # Production refuses to start without keys of its own for encryption at rest.
        FIELD_ENCRYPTION_KEYS=FIELD_ENCRYPTION_KEY,
        SITE_URL=site_url,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        SECURE_HSTS_SECONDS="0",
        DATABASE_URL=database_url,
        ADMISSIONS_INBOX_EMAIL=ADMISSIONS_INBOX,
        TRUSTED_PROXY_COUNT="1",
        FORWARDED_ALLOW_IPS="127.0.0.1",
        STATIC_ROOT=str(static_root),
        MEDIA_ROOT=str(media_root),
        LOG_LEVEL="INFO",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_USE_TLS="false",
    )
    if redis_url is not None:
        env["REDIS_URL"] = redis_url
    if smtp_port is not None:
        env["EMAIL_PORT"] = str(smtp_port)
    env.update(extra or {})
    return env


class ManageCommand:
    """`python manage.py <args>` running in the background, logging to `log_path`."""

    def __init__(
        self, *args: str, env: dict[str, str], log_path: Path, timeout: float = 120.0
    ) -> None:
        self.description = f"manage.py {' '.join(args)}"
        self.log_path = log_path
        self.timeout = timeout
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", *args],
                cwd=REPO,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.deadline = time.monotonic() + timeout

    def finish(self) -> str:
        """Wait for the end; its output, or AssertionError with it if it failed or hung."""
        try:
            self.process.wait(timeout=max(0.0, self.deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            raise AssertionError(
                f"{self.description} took over {self.timeout:g} s; last {LOG_TAIL_LINES} lines "
                f"of {self.log_path}:\n{log_tail(self.log_path)}"
            ) from None
        if self.process.returncode != 0:
            raise AssertionError(
                f"{self.description} failed (exit code {self.process.returncode}); last "
                f"{LOG_TAIL_LINES} lines of {self.log_path}:\n{log_tail(self.log_path)}"
            )
        return self.log_path.read_text(errors="replace")


class Stack:
    """gunicorn (web), Celery worker(s) and optionally beat, sharing one environment.

    The web process may get its own variables on top (`web_env`), for instance a DATABASE_URL
    through a TcpProxy. Every process logs to a file in `log_dir`.
    """

    def __init__(
        self,
        *,
        env: dict[str, str],
        web_port: int,
        log_dir: Path,
        web_env: dict[str, str] | None = None,
        web_workers: int = 2,
        worker_concurrency: int = 2,
    ) -> None:
        self.env = env
        self.web_env = {**env, **(web_env or {})}
        self.web_port = web_port
        self.log_dir = log_dir
        self.web_workers = web_workers
        self.worker_concurrency = worker_concurrency
        self.web: ManagedProcess | None = None
        self.worker: ManagedProcess | None = None  # the latest one started
        self.beat: ManagedProcess | None = None
        self.processes: list[ManagedProcess] = []
        self.startup_seconds: dict[str, float] = {}

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    # --- Starting --------------------------------------------------------------------------

    def start(
        self,
        *,
        web: bool = True,
        worker: bool = True,
        beat: bool = False,
        timeout: float = STARTUP_TIMEOUT,
    ) -> Stack:
        """Start the chosen processes side by side, then wait until each is ready."""
        began = time.monotonic()
        if web:
            self.start_web(wait=False)
        if worker:
            self.start_worker(wait=False)
        if beat:
            self.start_beat(wait=False)
        if web:
            self.wait_for_web(timeout=timeout)
        if worker:
            self.wait_for_worker(timeout=timeout)
        if beat:
            self.wait_for_beat(timeout=timeout)
        self.startup_seconds["stack"] = time.monotonic() - began
        return self

    def _spawn(self, name: str, argv: list[str], env: dict[str, str]) -> ManagedProcess:
        process = ManagedProcess(
            name, argv, env=env, cwd=REPO, log_path=self.log_dir / f"{name}.log"
        ).start()
        self.processes.append(process)
        return process

    def start_web(self, *, wait: bool = True, timeout: float = STARTUP_TIMEOUT) -> ManagedProcess:
        assert self.web is None or not self.web.alive, "the web process is already running"
        number = sum(process.name.startswith("web") for process in self.processes) + 1
        self.web = self._spawn(
            f"web-{number}",
            [
                str(VENV_BIN / "gunicorn"),
                "resilience.wsgi",
                "--config",
                "gunicorn.conf.py",
                # On the command line, these win over gunicorn.conf.py.
                "--bind",
                f"127.0.0.1:{self.web_port}",
                "--workers",
                str(self.web_workers),
                # Else every gunicorn on the machine shares ~/.gunicorn/gunicorn.ctl.
                "--no-control-socket",
            ],
            self.web_env,
        )
        if wait:
            self.wait_for_web(timeout=timeout)
        return self.web

    def start_worker(
        self,
        *,
        concurrency: int | None = None,
        wait: bool = True,
        timeout: float = STARTUP_TIMEOUT,
    ) -> ManagedProcess:
        """Start a (new) Celery worker; a name of its own tells its log lines from earlier ones'."""
        number = sum(process.name.startswith("worker") for process in self.processes) + 1
        self.worker = self._spawn(
            f"worker-{number}",
            [
                str(VENV_BIN / "celery"),
                "-A",
                "resilience",
                "worker",
                "--loglevel=INFO",
                f"--concurrency={concurrency or self.worker_concurrency}",
                f"--hostname=worker{number}@%h",
            ],
            self.env,
        )
        if wait:
            self.wait_for_worker(timeout=timeout)
        return self.worker

    def start_beat(self, *, wait: bool = True, timeout: float = STARTUP_TIMEOUT) -> ManagedProcess:
        assert self.beat is None or not self.beat.alive, "beat is already running: one at most"
        self.beat = self._spawn(
            "beat",
            [
                str(VENV_BIN / "celery"),
                "-A",
                "resilience",
                "beat",
                "--loglevel=INFO",
                f"--schedule={self.log_dir / 'celerybeat-schedule'}",
            ],
            self.env,
        )
        if wait:
            self.wait_for_beat(timeout=timeout)
        return self.beat

    # --- Waiting until ready ---------------------------------------------------------------

    def wait_for_web(self, *, timeout: float = STARTUP_TIMEOUT) -> None:
        """Until GET /healthz answers at all: 503 counts, since a test may have cut the
        database off on purpose."""
        web = self.web

        def answers() -> bool:
            if not web.alive:
                raise WaitTimeoutError(f"gunicorn exited while starting\n{self.logs()}")
            try:
                httpx.get(f"{self.base_url}/healthz", timeout=10)
            except httpx.HTTPError:
                return False
            return True

        wait_until(
            answers,
            timeout=timeout,
            interval=0.05,
            waiting_for=f"{web.name} to answer GET {self.base_url}/healthz",
            details=self.logs,
        )
        self.startup_seconds[web.name] = time.monotonic() - web.started_at

    def wait_for_worker(self, *, timeout: float = STARTUP_TIMEOUT) -> None:
        """Until the worker logs "ready": connected to the broker, its pool started."""
        worker = self.worker
        worker.wait_for_log(r"@\S+ ready\.", timeout=timeout)
        self.startup_seconds[worker.name] = time.monotonic() - worker.started_at

    def wait_for_beat(self, *, timeout: float = STARTUP_TIMEOUT) -> None:
        self.beat.wait_for_log(r"beat: Starting", timeout=timeout)
        self.startup_seconds["beat"] = time.monotonic() - self.beat.started_at

    # --- Faults ----------------------------------------------------------------------------

    def kill_worker(self) -> None:
        """SIGKILL the latest worker and its pool children at once: tasks in flight are lost
        mid-way, as when a machine dies."""
        assert self.worker is not None, "no worker was started"
        self.worker.kill()

    def kill_web(self) -> None:
        assert self.web is not None, "no web process was started"
        self.web.kill()

    # --- Other commands and state ----------------------------------------------------------

    def manage(self, *args: str, timeout: float = 120.0, web: bool = False) -> str:
        """Run `python manage.py <args>` with the worker's environment (or the web's); its
        output. For instance stack.manage("seed_demo")."""
        number = sum(1 for _ in self.log_dir.glob("manage-*.log")) + 1
        return ManageCommand(
            *args,
            env=self.web_env if web else self.env,
            log_path=self.log_dir / f"manage-{number}.log",
            timeout=timeout,
        ).finish()

    def unexpected_exits(self) -> list[ManagedProcess]:
        return [process for process in self.processes if process.died_unexpectedly]

    def assert_alive(self) -> None:
        """Fail, with their logs, if any process exited that nobody stopped."""
        dead = self.unexpected_exits()
        if dead:
            raise AssertionError(
                "exited unexpectedly: "
                + ", ".join(process.name for process in dead)
                + "\n"
                + "\n".join(process.describe() for process in dead)
            )

    def logs(self, lines: int = LOG_TAIL_LINES) -> str:
        return "\n".join(process.describe(lines) for process in self.processes)

    def stop(self, grace: float = 5.0) -> None:
        """Stop every process: SIGTERM to all at once, SIGKILL to whatever still runs after
        `grace` seconds. Check `unexpected_exits()` first: afterwards every exit was on purpose."""
        for process in self.processes:
            process.request_stop()
        deadline = time.monotonic() + grace
        for process in self.processes:
            process.terminate(grace=max(0.0, deadline - time.monotonic()))
