"""The demo content, loaded for a transactional test in milliseconds instead of a third of a second.

Browser tests run on a transactional database, emptied after every test, and each needs the demo
content: the first test of a process runs `seed_demo` and keeps a copy of every table's rows
(tests/table_rows.py); later tests get the copy back. The copy is remade each day, since the
demo's information sessions are dated from today.
"""

from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from tests.table_rows import TableRows

_copy: tuple | None = None  # (the day it was made, TableRows)


def load_demo_content() -> None:
    """What `seed_demo` makes, on a database as the migrations left it."""
    global _copy
    if _copy is not None and _copy[0] == timezone.localdate():
        _copy[1].put_back()
        return
    call_command("seed_demo", stdout=StringIO())
    _copy = (timezone.localdate(), TableRows.of_the_database())
