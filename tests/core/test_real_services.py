"""CI runs the suite against the PostgreSQL and Redis the site is deployed on.

Elsewhere these skip, saying what they need; under CI=true a skip is a failure.
"""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from resilience.celery import app as celery_app


@pytest.mark.django_db
def test_the_database_is_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL=postgres://… (CI sets it)")

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        (version,) = cursor.fetchone()

    assert int(version) >= 130000


def test_the_cache_is_redis():
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL=redis://… (CI sets it)")

    cache.set("real-services-check", "stored", timeout=5)

    assert cache.get("real-services-check") == "stored"


def test_celery_takes_its_configuration_from_the_django_settings():
    assert celery_app.conf.broker_url == (settings.REDIS_URL or "memory://")
    assert celery_app.conf.task_always_eager is settings.CELERY_TASK_ALWAYS_EAGER
    assert celery_app.conf.task_acks_late is True
