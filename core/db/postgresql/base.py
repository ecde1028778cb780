"""Django's PostgreSQL backend, made to fail fast while the database is unreachable.

A managed PostgreSQL failover takes 30–60 s. Without this, every request waits for libpq to give
up on connecting, and a few visitors tie up every web worker. With it, a process tries the
database at most once every CIRCUIT_OPEN_SECONDS while it is down, that one request waiting at
most connect_timeout; every other request fails at once and gets the 503 page
(core.views.server_error).
"""

from django.db.backends.postgresql.base import Database
from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLDatabaseWrapper

from core.db.circuit_breaker import CircuitBreaker, CircuitBreakers

# libpq connection options, unless OPTIONS (or the DATABASE_URL's query string) sets them.
CONNECTION_DEFAULTS = {
    # Seconds to wait for a silent server; 2 is libpq's minimum (it raises 1 to 2).
    "connect_timeout": 2,
    # A connection kept between requests (CONN_MAX_AGE) whose server vanished is found dead about
    # 12 s after it went quiet (10 s idle, then probes cut short by tcp_user_timeout), so a later
    # request's health check fails at once instead of waiting.
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 2,
    "keepalives_count": 3,
    # Milliseconds sent data may stay unacknowledged before the kernel drops the connection: a
    # query to a vanished server fails after 2 s, not after ~15 minutes of retransmissions. A
    # slow query is unaffected (the server's kernel acknowledges it at once).
    "tcp_user_timeout": 2000,
}

# After a failed connection attempt, connect attempts fail at once for this long; then one is let
# through again. Short next to a 30–60 s failover, so the site is back within seconds of the
# database; long enough that each process waits out at most one timeout every few seconds.
CIRCUIT_OPEN_SECONDS = 5.0

# Per process, one breaker per database alias, shared by the process's threads (each thread has
# its own DatabaseWrapper).
_circuit_breakers = CircuitBreakers(lambda: CircuitBreaker(open_seconds=CIRCUIT_OPEN_SECONDS))


def circuit_breaker(alias: str) -> CircuitBreaker:
    return _circuit_breakers[alias]


def reset_circuit_breakers() -> None:
    """Forget every failure; for tests, which must not inherit another test's outage."""
    _circuit_breakers.clear()


class DatabaseWrapper(PostgreSQLDatabaseWrapper):
    def get_connection_params(self):
        return {**CONNECTION_DEFAULTS, **super().get_connection_params()}

    def connect(self):
        breaker = circuit_breaker(self.alias)
        if not breaker.allow_attempt():
            # The driver's own error type, so Django wraps it as it would a refused connection.
            raise Database.OperationalError(
                f"Not connecting to the database ({self.alias!r}) for another "
                f"{breaker.seconds_until_retry():.1f} s: the last attempt failed."
            )
        try:
            super().connect()
        except Database.OperationalError:
            breaker.record_failure()
            raise
        breaker.record_success()
