"""The model forgets the form token and the notification's own delivery state (now a dispatch's),
but the columns stay for one release, made nullable: processes of the previous release still
running during a rolling deploy keep reading and writing them, and new rows need nothing in them.

A later release drops the columns (a migration with these RemoveFields as database operations).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("admissions", "0004_carry_over_deliveries")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterField(
                    model_name="notification",
                    name="attempts",
                    field=models.PositiveIntegerField(default=0, null=True),
                ),
                migrations.AlterField(
                    model_name="notification",
                    name="last_error",
                    field=models.CharField(blank=True, max_length=500, null=True),
                ),
            ],
            state_operations=[
                migrations.RemoveField(
                    model_name="lead",
                    name="submission_token",
                ),
                migrations.RemoveField(
                    model_name="notification",
                    name="attempts",
                ),
                migrations.RemoveField(
                    model_name="notification",
                    name="given_up_at",
                ),
                migrations.RemoveField(
                    model_name="notification",
                    name="last_error",
                ),
                migrations.RemoveField(
                    model_name="notification",
                    name="sent_at",
                ),
            ],
        ),
    ]
