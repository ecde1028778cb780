"""Copies of the test database's rows, put back in milliseconds.

Two uses:
- Transactional tests (browser tests among them) end with `flush`, which empties every table,
  the rows the data migrations made included (staff roles, required pages, the center's
  profile). pytest-xdist workers take each other's tests (`--dist worksteal`), so a test that
  expects those rows may run after such a flush; the test backends' flush (tests/postgresql,
  tests/sqlite3) puts back the copy taken once the migrations ran (tests/conftest.py).
- Browser tests need the demo content: `seed_demo` runs for the first one, and the later ones
  get a copy of its result (tests/demo_snapshot.py).

Rows put back bypass the models' save() and signals; the cache, which signals would have told,
is emptied before each test anyway (tests/conftest.py).
"""

import io

from django.db import connection, transaction

# Made from the models by post_migrate and never emptied by the test backends' flush.
NEVER_EMPTIED = frozenset({"django_content_type", "auth_permission"})


def emptied_tables() -> list[str]:
    existing = connection.introspection.django_table_names(only_existing=True)
    return sorted(set(existing) - NEVER_EMPTIED)


class TableRows:
    """Every emptied table's rows: COPY's text on PostgreSQL, tuples elsewhere."""

    def __init__(self, rows: dict[str, bytes | tuple[list[str], list[tuple]]]):
        self.rows = rows

    @classmethod
    def of_the_database(cls) -> "TableRows":
        rows = {}
        with connection.cursor() as cursor:
            for table in emptied_tables():
                name = connection.ops.quote_name(table)
                if connection.vendor == "postgresql":
                    out = io.BytesIO()
                    cursor.copy_expert(f"COPY {name} TO STDOUT", out)
                    rows[table] = out.getvalue()
                else:
                    cursor.execute(f"SELECT * FROM {name}")  # noqa: S608 (names from the schema)
                    columns = [column[0] for column in cursor.description]
                    rows[table] = (columns, cursor.fetchall())
        return cls(rows)

    def put_back(self) -> None:
        """Make every emptied table hold what it held when copied. In one transaction: foreign
        keys are checked at its end (Django makes them deferrable), so the order is free."""
        with transaction.atomic(), connection.cursor() as cursor:
            for table in emptied_tables():
                name = connection.ops.quote_name(table)
                cursor.execute(f"DELETE FROM {name}")  # noqa: S608 (names from the schema)
            self._insert(cursor)

    def put_into_emptied_tables(self) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            self._insert(cursor)

    def _insert(self, cursor) -> None:
        for table, rows in self.rows.items():
            name = connection.ops.quote_name(table)
            if isinstance(rows, bytes):
                if rows:
                    cursor.copy_expert(f"COPY {name} FROM STDIN", io.BytesIO(rows))
                continue
            columns, values = rows
            if values:
                quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO {name} ({quoted}) VALUES ({marks})",  # noqa: S608
                    values,
                )


class FlushToTheMigratedRows:
    """For a test backend's DatabaseOperations: `flush` leaves content types and permissions as
    they are, and ends with the rows the migrations made put back."""

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        emptied = [table for table in tables if table not in NEVER_EMPTIED]
        return super().sql_flush(
            style, emptied, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )

    def execute_sql_flush(self, sql_list):
        super().execute_sql_flush(sql_list)
        if migrated_database is not None:
            migrated_database.put_into_emptied_tables()


# What the migrations left, put back after each flush (tests/conftest.py sets it).
migrated_database: TableRows | None = None
