"""The center profile as the site showed it before it could be edited (name, phone and address
from settings, today's home page text), and Marketing's permission to edit all of it."""

from django.db import migrations

from admissions.roles import grant_app_to_marketing
from center import defaults


def seed_profile(apps, schema_editor):
    defaults.ensure_profile(
        apps.get_model("center", "CenterProfile"), apps.get_model("center", "Place")
    )


def move_pages_off_the_new_addresses(apps, schema_editor):
    # A page marketing made at /about/ or /insurance/ would be hidden by the new pages there:
    # it moves to /about-old/ (say), to be merged into the new page or deleted.
    SitePage = apps.get_model("core", "SitePage")
    for slug in ("about", "insurance"):
        SitePage.objects.filter(slug=slug).update(slug=f"{slug}-old")


def grant_to_marketing(apps, schema_editor):
    grant_app_to_marketing(apps, schema_editor, "center")


class Migration(migrations.Migration):
    dependencies = [
        ("center", "0001_initial"),
        ("admissions", "0007_roles"),
        ("core", "0003_required_pages_final_text"),
    ]

    operations = [
        migrations.RunPython(seed_profile, migrations.RunPython.noop),
        migrations.RunPython(move_pages_off_the_new_addresses, migrations.RunPython.noop),
        migrations.RunPython(grant_to_marketing, migrations.RunPython.noop),
    ]
