"""The site's PostgreSQL backend (core.db.postgresql), emptying tables with DELETE for the tests.

Every transactional test (the browser tests, among others) ends with `flush`. Django's flush on
PostgreSQL is one TRUNCATE of every table, which costs about 0.3 s on our ~50 small tables
whatever they hold: each table gets new files. DELETE of a few rows costs milliseconds, and in one
transaction the order does not matter, since Django makes foreign keys DEFERRABLE INITIALLY
DEFERRED. A flush that must reset sequences still truncates (DELETE cannot restart them).
"""

from django.db.backends.postgresql.operations import DatabaseOperations

from core.db.postgresql.base import DatabaseWrapper as SiteDatabaseWrapper

# Made from the models by post_migrate, which `flush` sends after emptying the tables: left as
# they are, post_migrate finds them complete in a few queries instead of making ~300 rows again.
KEPT_TABLES = {"django_content_type", "auth_permission"}


class FlushWithDeleteOperations(DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return super().sql_flush(
                style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        return [
            f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};"
            for table in tables
            if table not in KEPT_TABLES
        ]


class DatabaseWrapper(SiteDatabaseWrapper):
    ops_class = FlushWithDeleteOperations
