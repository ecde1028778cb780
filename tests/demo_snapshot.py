"""The demo content, loaded for a transactional test in milliseconds instead of a third of a second.

Browser tests run on a transactional database, emptied after every test, and each needs the demo
content. On PostgreSQL the first test of a process runs `seed_demo` and keeps every table's rows
as COPY gives them; later tests put those rows back with one COPY per table. Rows put back this
way bypass the models' save() and signals, which is why the cache is emptied before each test
(tests/conftest.py) and why the copy is remade each day (the demo's sessions are dated from
today). On SQLite, `seed_demo` runs every time.
"""

import io
from io import StringIO

from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

# Rows made from the models, never emptied between tests (tests/postgresql/base.py).
_NEVER_EMPTIED = {"django_content_type", "auth_permission"}


class _TableRows:
    def __init__(self, day, rows: dict[str, bytes]):
        self.day = day
        self.rows = rows

    @classmethod
    def copy_of_the_database(cls) -> "_TableRows":
        rows = {}
        with connection.cursor() as cursor:
            for table in _tables():
                out = io.BytesIO()
                cursor.copy_expert(f"COPY {connection.ops.quote_name(table)} TO STDOUT", out)
                rows[table] = out.getvalue()
        return cls(timezone.localdate(), rows)

    def put_back(self) -> None:
        """Make every table hold what it held when copied. In one transaction: foreign keys are
        checked at its end (Django makes them deferrable), so the order of tables is free."""
        with transaction.atomic(), connection.cursor() as cursor:
            for table in _tables():
                # Table names from the schema, not from anyone's input.
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for table, rows in self.rows.items():
                if rows:
                    cursor.copy_expert(
                        f"COPY {connection.ops.quote_name(table)} FROM STDIN", io.BytesIO(rows)
                    )


def _tables() -> list[str]:
    existing = connection.introspection.django_table_names(only_existing=True)
    return sorted(set(existing) - _NEVER_EMPTIED)


_copy: _TableRows | None = None


def load_demo_content() -> None:
    """What `seed_demo` makes, on an emptied transactional database."""
    global _copy
    if connection.vendor != "postgresql":
        call_command("seed_demo", stdout=StringIO())
        return
    if _copy is not None and _copy.day == timezone.localdate():
        _copy.put_back()
        return
    call_command("seed_demo", stdout=StringIO())
    _copy = _TableRows.copy_of_the_database()
