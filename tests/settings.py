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
TEST_REDIS_CACHE_DB = int(os.environ.get("TEST_REDIS_CACHE_DB", "15"))
TEST_REDIS_BROKER_DB = int(os.environ.get("TEST_REDIS_BROKER_DB", "14"))
if REDIS_URL:  # noqa: F405
    CACHES["default"]["LOCATION"] = INTAKE_SPOOL_REDIS_URL = (  # noqa: F405
        urlsplit(REDIS_URL)._replace(path=f"/{TEST_REDIS_CACHE_DB}").geturl()  # noqa: F405
    )
