"""Re-encrypt every encrypted column with the first key of FIELD_ENCRYPTION_KEYS.

Part of a key rotation (README, "Encryption at rest"): put the new key first, deploy, run this,
then remove the old key. Also encrypts values stored in clear before a column was encrypted.
"""

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, router, transaction

from core.encryption import (
    TOKEN_PREFIX,
    EncryptedTextField,
    is_encrypted_with_current_key,
    reencrypt,
)

BATCH_SIZE = 500


@dataclass
class Column:
    """One encrypted column of one table."""

    model: type
    field: EncryptedTextField

    @property
    def label(self) -> str:
        return f"{self.model._meta.db_table}.{self.field.column}"


@dataclass
class Counts:
    current: int = 0  # already encrypted with the first key
    rotated: int = 0  # re-encrypted (or, with --dry-run, to be)
    in_clear: int = 0  # of which stored in clear until now
    unreadable: int = 0  # no key in FIELD_ENCRYPTION_KEYS decrypts it


def encrypted_columns() -> list[Column]:
    """Every concrete EncryptedTextField of every installed model, historical models included,
    once per table (a field inherited through multi-table inheritance lives in its parent's)."""
    columns = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy:
            continue
        for field in model._meta.local_concrete_fields:
            if isinstance(field, EncryptedTextField):
                columns.append(Column(model, field))
    return sorted(columns, key=lambda column: column.label)


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field (a lead's message and member ID, staff notes, and their "
        "history) with the first key of FIELD_ENCRYPTION_KEYS, including values still stored in "
        "clear. Safe to run repeatedly and while the site runs; run it after putting a new key "
        "first, before removing the old one."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only count the values that need re-encrypting; change nothing.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"Rows read and written per transaction (default {BATCH_SIZE}).",
        )

    def handle(self, *args, dry_run=False, batch_size=BATCH_SIZE, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        unreadable = 0
        for column in encrypted_columns():
            counts = self.rotate(column, dry_run=dry_run, batch_size=batch_size)
            unreadable += counts.unreadable
            verb = "to re-encrypt" if dry_run else "re-encrypted"
            line = (
                f"{column.label}: {counts.rotated} {verb} ({counts.in_clear} stored in clear), "
                f"{counts.current} already with the current key"
            )
            if counts.unreadable:
                line += f", {counts.unreadable} UNREADABLE with every key"
            self.stdout.write(line)
        if unreadable:
            raise CommandError(
                f"{unreadable} value(s) could not be decrypted with any key in "
                "FIELD_ENCRYPTION_KEYS: a key still in use was removed. Put it back (after the "
                "new one) and run this command again before removing it."
            )
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
        else:
            self.stdout.write(self.style.SUCCESS("Every encrypted value uses the current key."))

    def rotate(self, column: Column, *, dry_run: bool, batch_size: int) -> Counts:
        """Walk the table in primary-key order, a batch per transaction. Each row is written only
        if it still holds the value read (a row changed meanwhile was written with the current
        key anyway), so the site can keep running."""
        using = router.db_for_write(column.model)
        connection = connections[using]
        quote = connection.ops.quote_name
        table = quote(column.model._meta.db_table)
        pk = quote(column.model._meta.pk.column)
        value = quote(column.field.column)
        # Raw SQL: the ORM would decrypt on reading, and refuses comparing encrypted values.
        # Identifiers are quoted names from the models, never input.
        first = f"SELECT {pk}, {value} FROM {table} WHERE {value} <> ''"  # noqa: S608
        after = f"{first} AND {pk} > %s"
        order = f" ORDER BY {pk} LIMIT %s"
        update = f"UPDATE {table} SET {value} = %s WHERE {pk} = %s AND {value} = %s"  # noqa: S608
        counts = Counts()
        rows = []
        while True:
            with transaction.atomic(using=using), connection.cursor() as cursor:
                if rows:
                    cursor.execute(after + order, [rows[-1][0], batch_size])
                else:
                    cursor.execute(first + order, [batch_size])
                rows = cursor.fetchall()
                for row_pk, stored in rows:
                    if is_encrypted_with_current_key(stored):
                        counts.current += 1
                        continue
                    try:
                        new = reencrypt(stored)
                    except ImproperlyConfigured:
                        counts.unreadable += 1
                        continue
                    counts.rotated += 1
                    counts.in_clear += not stored.startswith(TOKEN_PREFIX)
                    if not dry_run:
                        cursor.execute(update, [new, row_pk, stored])
            if len(rows) < batch_size:
                return counts
