"""End-to-end tests: the site's real processes (gunicorn, Celery worker and beat, as in the
Procfile) against a redis-server, a PostgreSQL database and an SMTP sink of each test's own.

Running them
    `make test` runs them with the rest of the suite whenever DATABASE_URL is a postgres:// URL
    and `redis-server` is on the PATH; otherwise they skip and say what they need (under CI=true,
    as in .ci/run, a skip is a failure). To run only them:

        DATABASE_URL=postgres://postgres@127.0.0.1:5432/resilience .venv/bin/pytest -m e2e -s

    (`make test PYTEST_ARGS="-m e2e -s"` does the same.) -s shows timings as they happen.
    When a test fails, the last lines of every process's log are printed; the full logs stay in
    pytest's temporary directory (the path is printed with them).

    They never touch the machine's own Redis; on the PostgreSQL server they only create and drop
    databases called resilience_e2e_<run>_* (a crashed run's are dropped by the next run).
    Every process is in a process group of its own, stopped after each test, and SIGKILLed by a
    watchdog should pytest itself be killed.

    A test's whole time, set-up included, counts against pytest-timeout's 120 s: mark longer
    tests with @pytest.mark.timeout(seconds).

Fixtures
    e2e_session     (session) what all tests share: .server (PostgresServer), a template
                    database migrated once, static files collected once, a SECRET_KEY.
    e2e_database    E2EDatabase, a fresh copy of the template: .url, .name, .scalar(sql),
                    .column(sql), .rows(sql), .execute(sql), .url_through(proxy).
    redis_server    RedisServer, started: .url, .port, .alive, .kill() (SIGKILL: all data
                    lost), .start() (same port again), .stop(), .client() (redis-py).
    smtp_sink       SmtpSink, started: .port, .messages(to=, subject=, answered=), .count(...),
                    .message_ids(...), .subjects(), .wait_for(n, to=, subject=, timeout=),
                    .clear(), .answer_delay, .held_answers.
    pg_proxy        TcpProxy to the PostgreSQL server, in "pass" mode: .set_mode("pass" |
                    "refuse" | "silent"), .pass_through(), .refuse(), .go_silent(). Only the
                    web process uses it: start_stack(web_database_url=
                    e2e_database.url_through(pg_proxy)); start in "pass", then switch.
    start_stack     start_stack(*, web=True, worker=True, beat=False, web_workers=2,
                    worker_concurrency=2, env=None, web_env=None, web_database_url=None,
                    timeout=30.0) -> Stack, started and ready, on this test's database, Redis
                    and sink; env adds variables for every process, web_env for the web only.
                    Stack: .base_url, .kill_worker(), .start_worker(), .start_beat(),
                    .kill_web(), .start_web(), .manage(*args), .assert_alive(), .logs().
    stack           start_stack() with the defaults: web and one worker, no beat.
    visitors        Visitors(stack.base_url) for `stack`: .fetch_form(), .fetch_forms(n),
                    .post_consultations(forms, concurrency=20, forwarded_for=None),
                    .post_consultation(form), .get(path), .get_many(path, n, concurrency).
                    With start_stack, use `with Visitors(stack.base_url) as visitors:` instead.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pytest

from tests.e2e.database import E2EDatabase, PostgresServer, is_postgres_url
from tests.e2e.processes import free_port
from tests.e2e.redis_server import RedisServer, redis_server_available
from tests.e2e.smtp_sink import SmtpSink
from tests.e2e.stack import ManageCommand, Stack, new_secret_key, site_env
from tests.e2e.tcp_proxy import TcpProxy
from tests.e2e.visitors import Visitors

_phase_reports = pytest.StashKey[dict]()


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in item.nodeid:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Remember each phase's outcome, so fixtures can show the logs when a test failed.
    report = yield
    item.stash.setdefault(_phase_reports, {})[report.when] = report
    return report


def _test_failed(request) -> bool:
    reports = request.node.stash.get(_phase_reports, {})
    return any(report.failed for report in reports.values())


@pytest.fixture(autouse=True)
def empty_cache():
    """The site's processes have caches of their own (their own Redis); this process's cache
    plays no part, so the suite-wide cache clearing is not needed (nor the shared Redis)."""


class E2ESession:
    """What all end-to-end tests of one pytest session share."""

    def __init__(self, server: PostgresServer, root: Path) -> None:
        self.server = server
        self.root = root
        self.template = f"{server.run_marker}_template"
        self.static_root = root / "static"
        self.media_root = root / "media"
        self.secret_key = new_secret_key()

    def env(self, database_url: str, **options) -> dict[str, str]:
        return site_env(
            database_url=database_url,
            secret_key=self.secret_key,
            static_root=self.static_root,
            media_root=self.media_root,
            **options,
        )

    def prepare(self) -> None:
        """Migrate the template database and collect static files, side by side."""
        began = time.monotonic()
        self.server.create_database(self.template)
        env = self.env(self.server.url_for(self.template))
        # System checks are the unit suite's and `make check`'s job; here they would only stop
        # every end-to-end test over, say, an admin option being edited.
        migrate = ManageCommand(
            "migrate", "--noinput", "--skip-checks", env=env, log_path=self.root / "migrate.log"
        )
        collectstatic = ManageCommand(
            "collectstatic",
            "--noinput",
            "--skip-checks",
            env=env,
            log_path=self.root / "collectstatic.log",
        )
        try:
            migrate.finish()
        finally:
            collectstatic.finish()
        print(
            f"\n[e2e] template database and static files ready in {time.monotonic() - began:.1f} s"
        )


@pytest.fixture(scope="session")
def e2e_session():
    database_url = os.environ.get("DATABASE_URL", "")
    needs = []
    if not is_postgres_url(database_url):
        needs.append("DATABASE_URL=postgres://… (a PostgreSQL server on which to create databases)")
    if not redis_server_available():
        needs.append("the redis-server binary on the PATH (apt-get install redis-server)")
    if needs:
        pytest.skip("end-to-end tests need " + " and ".join(needs))

    server = PostgresServer(database_url)
    server.open_session()
    with tempfile.TemporaryDirectory(prefix="resilience-e2e-") as root:
        session = E2ESession(server, Path(root))
        try:
            session.prepare()
            yield session
        finally:
            server.drop_database(session.template)
            server.close_session()


@pytest.fixture
def e2e_logs(tmp_path) -> Path:
    """Where this test's processes log (pytest keeps the last few runs' tmp_path)."""
    return tmp_path / "logs"


@pytest.fixture
def e2e_database(e2e_session):
    server = e2e_session.server
    name = server.new_database_name()
    server.create_database(name, template=e2e_session.template)
    yield E2EDatabase(server, name)
    server.drop_database(name)


@pytest.fixture
def redis_server(e2e_session, e2e_logs, request):
    redis = RedisServer(e2e_logs).start()
    yield redis
    if _test_failed(request):
        print("\n" + "\n".join(process.describe() for process in redis.processes))
    redis.stop()


@pytest.fixture
def smtp_sink():
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def pg_proxy(e2e_session):
    with TcpProxy(e2e_session.server.host, e2e_session.server.port) as proxy:
        yield proxy


@pytest.fixture
def start_stack(e2e_session, e2e_database, redis_server, smtp_sink, e2e_logs, request):
    stacks: list[Stack] = []

    def start(
        *,
        web: bool = True,
        worker: bool = True,
        beat: bool = False,
        web_workers: int = 2,
        worker_concurrency: int = 2,
        env: dict[str, str] | None = None,
        web_env: dict[str, str] | None = None,
        web_database_url: str | None = None,
        timeout: float = 30.0,
    ) -> Stack:
        """Start the site's processes against this test's database, Redis and SMTP sink.

        env: extra variables for every process; web_env: for the web process only, on top.
        web_database_url: the web process's DATABASE_URL, e.g. through pg_proxy.
        """
        web_port = free_port()
        stack_env = e2e_session.env(
            e2e_database.url,
            site_url=f"http://127.0.0.1:{web_port}",
            redis_url=redis_server.url,
            smtp_port=smtp_sink.port,
            extra=env,
        )
        web_only = {**({"DATABASE_URL": web_database_url} if web_database_url else {})}
        stack = Stack(
            env=stack_env,
            web_env={**web_only, **(web_env or {})},
            web_port=web_port,
            log_dir=e2e_logs / f"stack-{len(stacks) + 1}",
            web_workers=web_workers,
            worker_concurrency=worker_concurrency,
        )
        stacks.append(stack)
        stack.start(web=web, worker=worker, beat=beat, timeout=timeout)
        timings = ", ".join(
            f"{name} {seconds:.1f} s" for name, seconds in stack.startup_seconds.items()
        )
        print(f"\n[e2e] started in {timings}")
        return stack

    yield start

    dead = [process for stack in stacks for process in stack.unexpected_exits()]
    failed = _test_failed(request)
    if failed or dead:
        print("\n[e2e] logs of the site's processes:")
        for stack in stacks:
            print(stack.logs())
    for stack in stacks:
        stack.stop()
    if dead and not failed:
        pytest.fail(
            "exited during the test without being stopped: "
            + ", ".join(process.name for process in dead)
            + " (logs above)"
        )


@pytest.fixture
def stack(start_stack) -> Stack:
    return start_stack()


@pytest.fixture
def visitors(stack):
    with Visitors(stack.base_url) as visitors:
        yield visitors
