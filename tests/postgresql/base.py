"""The site's PostgreSQL backend (core.db.postgresql), with the tests' flush: back to the rows the
migrations made, fast (see tests/table_rows.py).

Every transactional test (the browser tests, among others) ends with `flush`. Django's flush on
PostgreSQL is one TRUNCATE of every table, which costs about 0.3 s on our ~50 small tables
whatever they hold (each table gets new files); DELETE of a few rows costs milliseconds, and in
one transaction the order does not matter, since Django makes foreign keys DEFERRABLE INITIALLY
DEFERRED. A flush that must reset sequences still truncates (DELETE cannot restart them).

At the end of the run the test database is dropped WITH (FORCE): a connection that some test's
thread left open (closed only when the garbage collector gets to it) must not leave it behind on
the machine's shared server.
"""

from django.db.backends.postgresql.creation import DatabaseCreation
from django.db.backends.postgresql.operations import DatabaseOperations

from core.db.postgresql.base import DatabaseWrapper as SiteDatabaseWrapper
from tests.table_rows import NEVER_EMPTIED, FlushToTheMigratedRows


class TestsFlushOperations(FlushToTheMigratedRows, DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return super().sql_flush(
                style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        return [
            f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};"
            for table in tables
            if table not in NEVER_EMPTIED
        ]


class TestsDatabaseCreation(DatabaseCreation):
    def _destroy_test_db(self, test_database_name, verbosity):
        self.connection.close_pool()  # as Django's own does first
        name = self.connection.ops.quote_name(test_database_name)
        with self._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE {name} WITH (FORCE)")


class DatabaseWrapper(SiteDatabaseWrapper):
    ops_class = TestsFlushOperations
    creation_class = TestsDatabaseCreation
