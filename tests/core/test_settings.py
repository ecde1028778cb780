"""Settings are read from the environment at start-up; bad values stop the process clearly.

Each case starts a fresh Python process, because settings are read once per process.
"""

import json
import subprocess

import pytest
from cryptography.fernet import Fernet

from tests.python_process import run_python

PRODUCTION_ENV = {
    "SECRET_KEY": "a-long-random-production-like-secret-key-for-this-test-0123456789",
    "SITE_URL": "https://www.resilience.example",
    "ADMISSIONS_INBOX_EMAIL": "admissions@resilience.example",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
}


def start_django(env: dict[str, str], *, print_settings: tuple[str, ...] = ()):
    """Start Django with exactly this environment; return the process and the named settings."""
    script = (
        "import json, django\n"
        "from django.conf import settings\n"
        "django.setup()\n"
        f"print(json.dumps({{name: getattr(settings, name) for name in {print_settings!r}}},"
        " default=str))\n"
    )
    process = run_python("-c", script, env={"DJANGO_SETTINGS_MODULE": "resilience.settings", **env})
    values = json.loads(process.stdout) if process.returncode == 0 else None
    return process, values


def test_production_refuses_to_start_without_a_secret_key():
    process, _ = start_django({"SITE_URL": "https://www.resilience.example"})
    assert process.returncode != 0
    assert "SECRET_KEY is not set" in process.stderr
    assert "set DEBUG=true" in process.stderr


def test_production_refuses_to_start_without_the_admissions_inbox():
    env = {
        name: value for name, value in PRODUCTION_ENV.items() if name != "ADMISSIONS_INBOX_EMAIL"
    }

    process, _ = start_django(env)

    assert process.returncode != 0
    assert "ADMISSIONS_INBOX_EMAIL is not set" in process.stderr


def test_local_development_runs_with_nothing_set_but_debug():
    process, values = start_django(
        {"DEBUG": "true"},
        print_settings=("SECRET_KEY", "DATABASES", "CACHES", "CELERY_TASK_ALWAYS_EAGER"),
    )
    assert process.returncode == 0, process.stderr
    assert values["SECRET_KEY"].startswith("django-insecure-")
    assert values["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert "LocMemCache" in values["CACHES"]["default"]["BACKEND"]
    assert values["CELERY_TASK_ALWAYS_EAGER"] is True


def test_redis_url_switches_on_the_shared_cache_and_real_workers():
    process, values = start_django(
        {**PRODUCTION_ENV, "REDIS_URL": "redis://cache.internal:6379/0"},
        print_settings=("CACHES", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER"),
    )
    assert process.returncode == 0, process.stderr
    assert values["CACHES"]["default"]["BACKEND"] == "core.cache.KeptClientRedisCache"
    assert values["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/0"
    assert values["CELERY_BROKER_URL"] == "redis://cache.internal:6379/0"
    assert values["CELERY_TASK_ALWAYS_EAGER"] is False


def test_database_url_selects_postgresql_through_the_fail_fast_backend():
    process, values = start_django(
        {**PRODUCTION_ENV, "DATABASE_URL": "postgres://app:pw@db.internal:5432/resilience"},
        print_settings=("DATABASES",),
    )
    assert process.returncode == 0, process.stderr
    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "core.db.postgresql"
    assert (database["HOST"], database["NAME"]) == ("db.internal", "resilience")


def test_production_defaults_are_strict():
    process, values = start_django(
        PRODUCTION_ENV,
        print_settings=(
            "DEBUG",
            "ALLOWED_HOSTS",
            "SECURE_SSL_REDIRECT",
            "SECURE_HSTS_SECONDS",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
        ),
    )
    assert process.returncode == 0, process.stderr
    assert values == {
        "DEBUG": False,
        "ALLOWED_HOSTS": ["www.resilience.example"],
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
    }


def test_ssl_redirect_can_be_switched_off_to_benchmark_over_plain_http():
    process, values = start_django(
        {**PRODUCTION_ENV, "SECURE_SSL_REDIRECT": "false"},
        print_settings=("SECURE_SSL_REDIRECT",),
    )
    assert process.returncode == 0, process.stderr
    assert values["SECURE_SSL_REDIRECT"] is False


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG='maybe' is not a boolean"),
        ("DATABASE_URL", "mysqlx://root:hunter2@db/app", "DATABASE_URL is not a database URL"),
        ("REDIS_URL", "localhost:6379", "REDIS_URL is not a valid URL"),
        ("ADMISSIONS_PHONE", "555-CALL-NOW", "ADMISSIONS_PHONE='555-CALL-NOW' is not a valid"),
        ("ADMIN_URL", "/admin", "ADMIN_URL='/admin' must be a path"),
        ("SITE_URL", "www.resilience.example", "SITE_URL is not a valid URL"),
        ("EMAIL_PORT", "smtp", "EMAIL_PORT='smtp' is not a whole number"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL='LOUD' is not a level"),
        ("CENTER_TIME_ZONE", "Boston", "CENTER_TIME_ZONE='Boston' is not a time zone"),
    ],
)
def test_a_malformed_value_stops_start_up_with_a_message_naming_it(variable, value, message):
    process, _ = start_django({**PRODUCTION_ENV, variable: value})
    assert process.returncode != 0
    assert message in process.stderr
    assert "hunter2" not in process.stderr


def test_the_center_s_time_zone_is_new_york_unless_set():
    _, default = start_django({"DEBUG": "true"}, print_settings=("TIME_ZONE",))
    _, chicago = start_django(
        {"DEBUG": "true", "CENTER_TIME_ZONE": "America/Chicago"}, print_settings=("TIME_ZONE",)
    )

    assert default["TIME_ZONE"] == "America/New_York"
    assert chicago["TIME_ZONE"] == "America/Chicago"


def deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=env)


def test_the_deploy_checklist_passes_with_production_settings():
    process = deploy_check(PRODUCTION_ENV)

    assert process.returncode == 0, process.stdout + process.stderr


def run_without_redis(*args: str) -> subprocess.CompletedProcess:
    env = {name: value for name, value in PRODUCTION_ENV.items() if name != "REDIS_URL"}
    return run_python(*args, env=env)


def test_production_without_redis_is_refused_not_warned_about():
    process = run_without_redis("manage.py", "check")

    assert process.returncode != 0
    assert "core.E001" in process.stderr


def test_the_web_server_refuses_to_start_in_production_without_redis():
    process = run_without_redis("-c", "import resilience.wsgi")

    assert process.returncode != 0
    assert "REDIS_URL is not set and DEBUG is off" in process.stderr
