import json

import pytest

from tests.python_process import run_python

# Nothing listens on port 1, so connections are refused at once: a real outage, not a mock.
UNREACHABLE_DATABASE = "postgres://postgres@127.0.0.1:1/resilience"
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


@pytest.mark.django_db
def test_healthz_reports_database_and_cache(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_broken_cache_degrades_but_does_not_fail_the_health_check(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.KeptClientRedisCache",
            "LOCATION": UNREACHABLE_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "error"}


def test_with_the_database_unreachable_healthz_is_503_and_pages_show_the_503_page():
    # A separate process, so its database connection really points at a dead address.
    script = """
import json, django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
health = client.get("/healthz")
page = client.get("/privacy/")
print(json.dumps({
    "health": [health.status_code, health.json()],
    "page": [page.status_code, page.content.decode()],
}))
"""
    env = {
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": UNREACHABLE_DATABASE,
        "LOG_LEVEL": "CRITICAL",
    }
    process = run_python("-c", script, env=env)
    assert process.returncode == 0, process.stderr
    result = json.loads(process.stdout)

    assert result["health"] == [503, {"status": "error", "database": "error", "cache": "ok"}]
    status, html = result["page"]
    assert status == 503
    assert "We’re having trouble showing this page" in html
    assert 'href="tel:+16175550143"' in html
    assert 'href="tel:988"' in html
