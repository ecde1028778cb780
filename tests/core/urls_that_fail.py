"""The site's URLs, plus pages that fail in the ways the error pages must survive."""

import psycopg2
import psycopg2.errors
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, InterfaceError, OperationalError, ProgrammingError, connection
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

# Django reads the error handlers from the root URLconf: the site's own.
from resilience.urls import handler400, handler403, handler404, handler500  # noqa: F401


def driver_error(django_error_class, driver_error):
    """A database error as Django raises it: its own class, caused by the driver's error."""
    error = django_error_class(*driver_error.args)
    error.__cause__ = driver_error
    return error


def connection_refused():
    return driver_error(
        OperationalError,
        psycopg2.OperationalError(
            'connection to server at "db.internal" (10.0.0.5), port 5432 failed: '
            "Connection refused\n\tIs the server running on that host and accepting TCP/IP "
            "connections?"
        ),
    )


def connection_lost():
    return driver_error(InterfaceError, psycopg2.InterfaceError("connection already closed"))


def fail(request):
    raise RuntimeError("Something broke while handling this request")


@csrf_exempt  # so that a POST reaches the view, as on a webhook
def forbidden(request):
    raise PermissionDenied


def database_refused(request):
    raise connection_refused()


def database_lost(request):
    raise connection_lost()


def query_on_a_missing_table(request):
    # A real error from whichever database the tests run on: a bug, not an outage.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table")


def query_with_a_syntax_error(request):
    raise driver_error(
        ProgrammingError, psycopg2.errors.SyntaxError('syntax error at or near "SELEC"')
    )


def duplicate_row(request):
    raise driver_error(
        IntegrityError,
        psycopg2.errors.UniqueViolation('duplicate key value violates unique constraint "x"'),
    )


def failing_context_processor(request):
    """Stands for a context processor that needs what may be broken: the session, the database."""
    raise RuntimeError("This context processor is broken")


def refused_connection_context_processor(request):
    raise connection_refused()


class RefusedConnectionMiddleware:
    """Fails as a middleware that reads the session or the user fails when the database is down."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise connection_refused()


urlpatterns = [
    path("fail/", fail),
    path("forbidden/", forbidden),
    path("database-refused/", database_refused),
    path("database-lost/", database_lost),
    path("missing-table/", query_on_a_missing_table),
    path("syntax-error/", query_with_a_syntax_error),
    path("duplicate-row/", duplicate_row),
    path("", include("resilience.urls")),
]
