"""While the database is unreachable (a failover takes 30–60 s), every page answers 503 at once.

The page is the site's calm page with the 24/7 phone, rendered without the database, whichever
code met the outage (a view, a middleware, a context processor); errors in queries or code stay
500. The PostgreSQL backend (core.db.postgresql) fails fast: a circuit breaker per process, and
libpq timeouts of seconds, so that a person never waits on a dead database.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psycopg2
import pytest
from django.db import DatabaseError, OperationalError, connections
from django.db.utils import load_backend
from django.test import Client

from core.db.circuit_breaker import CircuitBreaker
from core.db.outage import is_database_unreachable
from core.db.postgresql import base as fail_fast_postgresql
from tests.python_process import run_python
from tests.silent_server import silent_server as silent_tcp_server

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PHONE_LINK = 'href="tel:+16175550143"'
CRISIS_LINE_LINK = 'href="tel:988"'
SITE_FOOTER = '<a href="/privacy/">Privacy notice</a>'
OUTAGE_HEADING = "We’re having trouble showing this page"
REFUSING_PORT = 1  # nothing listens on port 1: connections are refused at once
CONNECT_TIMEOUT = fail_fast_postgresql.CONNECTION_DEFAULTS["connect_timeout"]


def assert_outage_page(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert OUTAGE_HEADING in html
    assert PHONE_LINK in html
    assert CRISIS_LINE_LINK in html
    assert SITE_FOOTER in html


def browser() -> Client:
    return Client(raise_request_exception=False)


@pytest.fixture(autouse=True)
def no_outage_left_over():
    """Each test starts and ends with every breaker closed: no outage leaks between tests."""
    fail_fast_postgresql.reset_circuit_breakers()
    yield
    fail_fast_postgresql.reset_circuit_breakers()


@pytest.fixture
def silent_server():
    """A hung or black-holed database server."""
    with silent_tcp_server() as server:
        yield server


def postgresql_at(port: int, alias: str):
    """A connection of our backend to a server on 127.0.0.1:`port`, as a second database alias."""
    server = {"HOST": "127.0.0.1", "PORT": str(port), "NAME": "resilience", "USER": "postgres"}
    # configure_settings fills in the keys a settings dict has by default; it insists on a default.
    configured = connections.configure_settings(
        {"default": {}, alias: {"ENGINE": "core.db.postgresql", **server}}
    )
    return load_backend("core.db.postgresql").DatabaseWrapper(configured[alias], alias)


def timed_connection_attempt(database) -> tuple[float, DatabaseError]:
    started = time.monotonic()
    with pytest.raises(OperationalError) as raised:
        database.ensure_connection()
    return time.monotonic() - started, raised.value


# --- The 503 page ------------------------------------------------------------------------------


@pytest.mark.urls("tests.core.urls_that_fail")
@pytest.mark.parametrize("path", ["/database-refused/", "/database-lost/"])
def test_a_refused_or_lost_connection_in_a_view_gets_the_503_page(path):
    # No django_db mark: the page must render without the database.
    assert_outage_page(browser().get(path))


@pytest.mark.parametrize("position", ["outermost", "innermost"])
def test_a_refused_connection_in_a_middleware_gets_the_503_page(settings, position):
    failing = "tests.core.urls_that_fail.RefusedConnectionMiddleware"
    settings.MIDDLEWARE = (
        [failing, *settings.MIDDLEWARE]
        if position == "outermost"
        else [*settings.MIDDLEWARE, failing]
    )

    assert_outage_page(browser().get("/programs/"))


@pytest.mark.django_db
def test_a_refused_connection_in_a_context_processor_gets_the_503_page(settings):
    [templates] = settings.TEMPLATES
    processors = [
        *templates["OPTIONS"]["context_processors"],
        "tests.core.urls_that_fail.refused_connection_context_processor",
    ]
    settings.TEMPLATES = [
        {**templates, "OPTIONS": {**templates["OPTIONS"], "context_processors": processors}}
    ]

    assert_outage_page(browser().get("/"))


@pytest.mark.urls("tests.core.urls_that_fail")
def test_someone_who_sent_a_form_during_the_outage_is_told_it_may_not_have_arrived():
    response = browser().post("/database-refused/", {"message": "I need help"})

    assert_outage_page(response)
    assert "What you just sent may not have reached us." in response.content.decode()


@pytest.mark.urls("tests.core.urls_that_fail")
@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/missing-table/", marks=pytest.mark.django_db, id="missing table"),
        pytest.param("/syntax-error/", id="ProgrammingError"),
        pytest.param("/duplicate-row/", id="IntegrityError"),
    ],
)
def test_errors_in_queries_or_code_stay_500(path):
    response = browser().get(path)

    assert response.status_code == 500
    assert "Retry-After" not in response
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert PHONE_LINK in html


# --- The circuit breaker -----------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_closed_breaker_lets_every_attempt_through():
    breaker = CircuitBreaker(open_seconds=5, clock=FakeClock())

    assert [breaker.allow_attempt() for _ in range(3)] == [True, True, True]


def test_after_a_failure_the_breaker_refuses_attempts_for_the_open_period():
    clock = FakeClock()
    breaker = CircuitBreaker(open_seconds=5, clock=clock)

    breaker.record_failure()
    clock.now += 4.9

    assert not breaker.allow_attempt()
    assert breaker.seconds_until_retry() == pytest.approx(0.1)


def test_after_the_open_period_one_attempt_is_let_through_and_the_others_still_fail_fast():
    clock = FakeClock()
    breaker = CircuitBreaker(open_seconds=5, clock=clock)
    breaker.record_failure()
    clock.now += 5

    assert breaker.allow_attempt()
    assert not breaker.allow_attempt()  # while the trial attempt is under way


def test_a_successful_trial_closes_the_breaker_and_a_failed_one_opens_it_again():
    clock = FakeClock()
    breaker = CircuitBreaker(open_seconds=5, clock=clock)
    breaker.record_failure()
    clock.now += 5
    breaker.allow_attempt()

    breaker.record_failure()
    assert not breaker.allow_attempt()

    clock.now += 5
    breaker.allow_attempt()
    breaker.record_success()
    assert not breaker.is_open
    assert breaker.allow_attempt()


# --- The PostgreSQL backend against real sockets (needs psycopg2, not a server) -----------------


def test_against_a_silent_server_the_first_attempt_waits_out_connect_timeout_then_fails_fast(
    silent_server, django_db_blocker, monkeypatch
):
    monkeypatch.setattr(fail_fast_postgresql, "CIRCUIT_OPEN_SECONDS", 0.5)
    database = postgresql_at(silent_server.port, alias="silent")

    with django_db_blocker.unblock():
        first, error = timed_connection_attempt(database)
        second, _ = timed_connection_attempt(database)
        connections_tried_while_open = len(silent_server.connections)
        time.sleep(0.6)  # the open period is over
        third, _ = timed_connection_attempt(database)

    assert CONNECT_TIMEOUT - 0.5 < first < CONNECT_TIMEOUT + 1.5
    assert is_database_unreachable(error)
    assert second < 0.1
    assert connections_tried_while_open == 1
    assert CONNECT_TIMEOUT - 0.5 < third < CONNECT_TIMEOUT + 1.5
    assert len(silent_server.connections) == 2


def test_against_a_refusing_server_every_attempt_fails_fast_and_the_breaker_spares_the_retries(
    django_db_blocker,
):
    database = postgresql_at(REFUSING_PORT, alias="refusing")

    with django_db_blocker.unblock():
        first, refused = timed_connection_attempt(database)
        second, spared = timed_connection_attempt(database)

    assert first < 0.5
    assert "Connection refused" in str(refused)
    assert second < 0.1
    assert "the last attempt failed" in str(spared)
    assert is_database_unreachable(refused)
    assert is_database_unreachable(spared)


def test_each_database_alias_has_a_breaker_of_its_own(django_db_blocker):
    with django_db_blocker.unblock():
        timed_connection_attempt(postgresql_at(REFUSING_PORT, alias="down"))
        _, error = timed_connection_attempt(postgresql_at(REFUSING_PORT, alias="other"))

    assert "Connection refused" in str(error)  # really tried, not stopped by "down"'s breaker


def test_the_database_url_selects_the_fail_fast_backend_and_sqlite_stays_the_default():
    script = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    engines = {}
    for name, url in {"postgres": "postgres://u@db.internal/x", "default": None}.items():
        env = {"DJANGO_SETTINGS_MODULE": "resilience.settings", "DEBUG": "true"}
        if url:
            env["DATABASE_URL"] = url
        process = run_python("-c", script, env=env, check=True)
        engines[name] = process.stdout.strip()

    assert engines == {"postgres": "core.db.postgresql", "default": "django.db.backends.sqlite3"}


# --- The whole site with its database down, in a process of its own ---------------------------

SITE_WITH_ITS_DATABASE_DOWN = """
import json, time, django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
visits = []
for path in ["/", "/programs/", "/healthz"]:
    started = time.monotonic()
    response = client.get(path)
    visits.append({
        "path": path,
        "seconds": time.monotonic() - started,
        "status": response.status_code,
        "retry_after": response.get("Retry-After"),
        "body": response.content.decode(),
    })
print(json.dumps(visits))
"""


def visit_with_the_database_at(database_url: str) -> dict[str, dict]:
    process = run_python(
        "-c",
        SITE_WITH_ITS_DATABASE_DOWN,
        env={
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "ALLOWED_HOSTS": "testserver",
            "DATABASE_URL": database_url,
            "LOG_LEVEL": "CRITICAL",
        },
    )
    assert process.returncode == 0, process.stderr
    return {visit["path"]: visit for visit in json.loads(process.stdout)}


@pytest.mark.parametrize("server", ["refusing", "silent"])
def test_with_the_database_down_pages_answer_503_within_seconds_and_healthz_reports_it(
    server, request
):
    port = REFUSING_PORT if server == "refusing" else request.getfixturevalue("silent_server").port

    visits = visit_with_the_database_at(f"postgres://postgres@127.0.0.1:{port}/resilience")

    home, programs, health = visits["/"], visits["/programs/"], visits["/healthz"]
    for page in (home, programs):
        assert page["status"] == 503
        assert page["retry_after"] == "30"
        assert OUTAGE_HEADING in page["body"]
        assert PHONE_LINK in page["body"]
        assert CRISIS_LINE_LINK in page["body"]
    assert home["seconds"] < CONNECT_TIMEOUT + 1.5  # only the first visit waits, and not long
    assert programs["seconds"] < 0.5
    assert health["status"] == 503
    assert json.loads(health["body"]) == {"status": "error", "database": "error", "cache": "ok"}


# The site's WSGI application, built as resilience/wsgi.py builds it but without its start-up
# check, which refuses DEBUG off without Redis: these tests run without Redis.
SITE_WSGI_APPLICATION = "django.core.wsgi:get_wsgi_application()"


def test_ten_visitors_on_two_gunicorn_workers_all_get_the_503_page_within_five_seconds(
    silent_server, tmp_path
):
    port = free_port()
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(PROJECT_ROOT),
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{silent_server.port}/resilience",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",  # sync workers, as gunicorn.conf.py configures them
        "LOG_LEVEL": "CRITICAL",
    }
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "wb") as log:
        gunicorn = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                SITE_WSGI_APPLICATION,
                "--config",
                "gunicorn.conf.py",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_until_serving(f"{base_url}/robots.txt", log_path)
        paths = ["/", "/programs/"] * 5

        with ThreadPoolExecutor(max_workers=len(paths)) as visitors:
            visits = list(visitors.map(lambda path: timed_get(base_url + path), paths))
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(timeout=30)

    for status, seconds, html in visits:
        assert status == 503
        assert seconds < 5
        assert PHONE_LINK in html


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(url: str, log_path: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"gunicorn did not start:\n{log_path.read_text(errors='replace')[-3000:]}")


def timed_get(url: str) -> tuple[int, float, str]:
    started = time.monotonic()
    response = httpx.get(url, timeout=30)
    return response.status_code, time.monotonic() - started, response.text


# --- Against a real PostgreSQL server ----------------------------------------------------------


@pytest.fixture
def postgresql(db):
    """The test database's connection, on a real PostgreSQL server; CI runs these tests."""
    if connections["default"].vendor != "postgresql":
        pytest.skip("needs DATABASE_URL=postgres://… (CI sets it)")
    return connections["default"]


def test_connections_use_the_fail_fast_libpq_options(postgresql):
    database = postgresql
    database.ensure_connection()

    parameters = database.connection.get_dsn_parameters()
    with socket.socket(fileno=os.dup(database.connection.fileno())) as connected:
        user_timeout_ms = connected.getsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT)
        keepalive = connected.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE)

    assert parameters["connect_timeout"] == "2"
    assert parameters["keepalives"] == "1"
    assert parameters["tcp_user_timeout"] == "2000"
    assert (user_timeout_ms, keepalive) == (2000, 1)  # what the kernel enforces


def test_once_the_database_answers_again_the_breaker_closes(postgresql, monkeypatch):
    monkeypatch.setattr(fail_fast_postgresql, "CIRCUIT_OPEN_SECONDS", 0.2)
    database = load_backend("core.db.postgresql").DatabaseWrapper(
        postgresql.settings_dict, "recovering"
    )
    breaker = fail_fast_postgresql.circuit_breaker("recovering")
    breaker.record_failure()  # as after a failover's refused connections
    time.sleep(0.3)

    database.ensure_connection()
    database.close()

    assert not breaker.is_open


def test_a_connection_ended_by_a_server_shutdown_counts_as_unreachable(postgresql):
    # What a failover does to open connections: "terminating connection due to administrator
    # command" (SQLSTATE 57P01).
    database = load_backend("core.db.postgresql").DatabaseWrapper(
        postgresql.settings_dict, "terminated"
    )
    with database.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        [pid] = cursor.fetchone()
    with postgresql.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])

    with pytest.raises(DatabaseError) as raised, database.cursor() as cursor:
        cursor.execute("SELECT 1")
    database.close()

    assert is_database_unreachable(raised.value)


def test_a_statement_timeout_is_not_an_outage(postgresql):
    with pytest.raises(OperationalError) as raised, postgresql.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = '10ms'")
        cursor.execute("SELECT pg_sleep(1)")

    assert isinstance(raised.value.__cause__, psycopg2.errors.QueryCanceled)
    assert not is_database_unreachable(raised.value)
