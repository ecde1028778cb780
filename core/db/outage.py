"""Which database errors mean "the database is unreachable" rather than "this code is wrong"."""

from django.db import InterfaceError, OperationalError

# Errors after which a request is kept elsewhere (admissions.spool) rather than refused: broader
# than is_database_unreachable, since a deadlock or a timed-out statement must not lose it either.
DATABASE_UNREACHABLE = (OperationalError, InterfaceError)

# SQLSTATEs of a connection that failed or was cut, as in a failover: connection exceptions
# (class 08), and the server shutting down, crashing or not yet accepting connections.
CONNECTION_EXCEPTION_CLASS = "08"
SERVER_GOING_AWAY_OR_STARTING = {"57P01", "57P02", "57P03"}


def is_database_unreachable(error: BaseException | None) -> bool:
    """True for a refused, timed-out or lost connection; False for errors in queries or code.

    Django raises the driver's error as its own OperationalError or InterfaceError, with the
    driver's error as the cause. PostgreSQL's errors carry a SQLSTATE, except those libpq raises
    itself (refused, timed out, server closed the connection), which carry none.
    """
    if not isinstance(error, OperationalError | InterfaceError):
        return False
    driver_error = error.__cause__
    if driver_error is None:
        # Raised as is, not wrapped from a driver's error: nothing points at a query.
        return True
    if not hasattr(driver_error, "pgcode") and not hasattr(driver_error, "sqlstate"):
        # SQLite (a local file) and other drivers without SQLSTATEs: a broken query, not an outage.
        return False
    # psycopg2 names it pgcode, psycopg 3 sqlstate.
    sqlstate = getattr(driver_error, "pgcode", None) or getattr(driver_error, "sqlstate", None)
    return (
        sqlstate is None
        or sqlstate.startswith(CONNECTION_EXCEPTION_CLASS)
        or sqlstate in SERVER_GOING_AWAY_OR_STARTING
    )
