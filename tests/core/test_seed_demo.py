import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_seeding_twice_changes_nothing(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    after_first = row_counts()

    call_command("seed_demo", stdout=io.StringIO())

    assert row_counts() == after_first


def test_the_demo_admin_exists_only_for_local_development(settings):
    settings.DEBUG = False
    call_command("seed_demo", stdout=io.StringIO())
    assert not get_user_model().objects.filter(username="admin").exists()

    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    assert get_user_model().objects.get(username="admin").is_superuser
