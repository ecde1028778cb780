"""Test settings: the real settings module, with test-only defaults and speed-ups.

Whatever the environment sets (CI sets DATABASE_URL and REDIS_URL) still wins.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-used-anywhere-else-0123456789abcdef")
# Tests, the test client and the live server speak plain HTTP.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_COOKIES", "false")

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
# Tests share Redis with a developer's running site: keep their keys apart.
for _cache in CACHES.values():  # noqa: F405
    _cache["KEY_PREFIX"] = "resilience-test"
