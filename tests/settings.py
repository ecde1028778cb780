"""Test settings: the real settings module, with test-only defaults and speed-ups.

Whatever the environment sets (CI sets DATABASE_URL and REDIS_URL) still wins.
"""

import os
from urllib.parse import urlsplit

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-used-anywhere-else-0123456789abcdef")
# Tests, the test client and the live server speak plain HTTP.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("ADMISSIONS_INBOX_EMAIL", "admissions@127.0.0.1")
# The test client and the live server are reached directly, without a proxy in front.
os.environ.setdefault("TRUSTED_PROXY_COUNT", "0")
# Admin as in production: a password and a second factor (tests/staff_sign_in.py signs staff in).
os.environ.setdefault("ADMIN_REQUIRE_2FA", "true")

from resilience.settings import *  # noqa: F403

# The same backends, with a flush that puts back what the migrations made, and fast
# (tests/table_rows.py).
DATABASES["default"]["ENGINE"] = {  # noqa: F405
    "core.db.postgresql": "tests.postgresql",
    "django.db.backends.sqlite3": "tests.sqlite3",
}[DATABASES["default"]["ENGINE"]]  # noqa: F405
if DATABASES["default"]["ENGINE"] == "tests.sqlite3":  # noqa: F405
    # In memory, as Django tests SQLite by default: said outright, because pytest-django knows
    # that default only by Django's own engine name, and would give each xdist worker a file.
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}  # noqa: F405

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The manifest storage needs collectstatic; tests serve static files from the finders.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files straight from the apps, as in development; no STATIC_ROOT to scan.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run in-process unless a test starts a real worker (tests/admissions/test_worker.py):
# nothing a test queues may linger in a shared Redis for some other worker to pick up.
CELERY_TASK_ALWAYS_EAGER = True
# Tests share Redis with a developer's running site: give them databases of their own, which the
# tests empty between tests (TEST_REDIS_CACHE_DB, default 15; TEST_REDIS_BROKER_DB, default 14).
# Each pytest-xdist worker (`make test` runs TEST_WORKERS of them) takes the pair two below the
# previous worker's: gw0 15 and 14, gw1 13 and 12, and so on.
_WORKER_NUMBER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
TEST_REDIS_CACHE_DB = int(os.environ.get("TEST_REDIS_CACHE_DB", "15")) - 2 * _WORKER_NUMBER
TEST_REDIS_BROKER_DB = int(os.environ.get("TEST_REDIS_BROKER_DB", "14")) - 2 * _WORKER_NUMBER
if min(TEST_REDIS_CACHE_DB, TEST_REDIS_BROKER_DB) < 1:  # 0 is the site's own
    raise ImproperlyConfigured(  # noqa: F405
        f"Too many test workers for Redis's databases: worker {_WORKER_NUMBER} would use "
        f"database {min(TEST_REDIS_CACHE_DB, TEST_REDIS_BROKER_DB)}. Run fewer (TEST_WORKERS)."
    )
if REDIS_URL:  # noqa: F405
    CACHES["default"]["LOCATION"] = INTAKE_SPOOL_REDIS_URL = (  # noqa: F405
        urlsplit(REDIS_URL)._replace(path=f"/{TEST_REDIS_CACHE_DB}").geturl()  # noqa: F405
    )
