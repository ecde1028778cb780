"""Indexes for the desk's list and search at a hundred thousand leads (measured by bench/desk.py).

The name indexes match what Django sends for `istartswith` on PostgreSQL,
`UPPER("col"::text) LIKE UPPER('jor%')`, with text_pattern_ops so LIKE can use them whatever the
database's collation. They are PostgreSQL's own (SQLite has no operator classes), so they are
made here rather than in the model's Meta, and made CONCURRENTLY: the table is not locked while
a large one is indexed during a deploy.
"""

from django.db import migrations, models

NAME_COLUMNS = ["first_name", "last_name", "patient_first_name"]


def create_name_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in NAME_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS lead_{column}_prefix "
            f"ON admissions_lead (UPPER({column}::text) text_pattern_ops)"
        )


def drop_name_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in NAME_COLUMNS:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS lead_{column}_prefix")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("admissions", "0007_roles"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="lead",
            index=models.Index(
                condition=models.Q(("status__in", ["closed", "admitted"]), _negated=True),
                fields=["created_at"],
                name="lead_open",
            ),
        ),
        migrations.RunPython(create_name_indexes, drop_name_indexes),
    ]
