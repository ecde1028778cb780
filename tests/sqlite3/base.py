"""Django's SQLite backend, with the tests' flush: back to the rows the migrations made (see
tests/table_rows.py), content types and permissions left as they are."""

from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabaseWrapper
from django.db.backends.sqlite3.operations import DatabaseOperations

from tests.table_rows import NEVER_EMPTIED, put_back_the_migrated_rows


class TestsFlushOperations(DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        kept = [table for table in tables if table not in NEVER_EMPTIED]
        return super().sql_flush(
            style, kept, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )

    def execute_sql_flush(self, sql_list):
        super().execute_sql_flush(sql_list)
        put_back_the_migrated_rows()


class DatabaseWrapper(SQLiteDatabaseWrapper):
    ops_class = TestsFlushOperations
