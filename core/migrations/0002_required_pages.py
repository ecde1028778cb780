"""Creates the privacy notice and accessibility statement that every page's footer links to."""

from django.db import migrations

from core.required_pages import ensure_required_pages


def create_required_pages(apps, schema_editor):
    ensure_required_pages(apps.get_model("core", "SitePage"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_required_pages, migrations.RunPython.noop)]
