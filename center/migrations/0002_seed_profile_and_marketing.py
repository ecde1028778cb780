"""The center profile as the site showed it before it could be edited (name, phone and address
from settings, today's home page text), and Marketing's permission to edit all of it."""

from django.db import migrations

from admissions.roles import grant_app_to_marketing
from center import defaults


def seed_profile(apps, schema_editor):
    defaults.ensure_profile(
        apps.get_model("center", "CenterProfile"), apps.get_model("center", "Place")
    )


def grant_to_marketing(apps, schema_editor):
    grant_app_to_marketing(apps, schema_editor, "center")


class Migration(migrations.Migration):
    dependencies = [
        ("center", "0001_initial"),
        ("admissions", "0007_roles"),
    ]

    operations = [
        migrations.RunPython(seed_profile, migrations.RunPython.noop),
        migrations.RunPython(grant_to_marketing, migrations.RunPython.noop),
    ]
