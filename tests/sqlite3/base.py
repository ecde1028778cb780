"""Django's SQLite backend, with the tests' flush: back to the rows the migrations made (see
tests/table_rows.py), content types and permissions left as they are."""

from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabaseWrapper
from django.db.backends.sqlite3.operations import DatabaseOperations

from tests.table_rows import FlushToTheMigratedRows


class TestsFlushOperations(FlushToTheMigratedRows, DatabaseOperations):
    pass


class DatabaseWrapper(SQLiteDatabaseWrapper):
    ops_class = TestsFlushOperations
