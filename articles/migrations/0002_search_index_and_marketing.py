"""PostgreSQL's full-text index of articles, and Marketing's permission to edit articles, their
categories, the image library, old addresses and tags."""

from django.db import migrations

from admissions.roles import grant_app_to_marketing


def create_search_index(apps, schema_editor):
    # PostgreSQL's own: SQLite searches without one (articles.search).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS article_search_vector "
            "ON articles_article USING gin (search_vector)"
        )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS article_search_vector")


def grant_to_marketing(apps, schema_editor):
    grant_app_to_marketing(apps, schema_editor, "articles")
    grant_app_to_marketing(apps, schema_editor, "taggit")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("admissions", "0007_roles"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.RunPython(create_search_index, drop_search_index),
        migrations.RunPython(grant_to_marketing, migrations.RunPython.noop),
    ]
