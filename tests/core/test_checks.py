from cryptography.fernet import Fernet
from django.core.checks import run_checks


def test_production_without_redis_is_a_configuration_error(settings):
    settings.DEBUG, settings.REDIS_URL = False, None
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    assert [error.id for error in run_checks()] == ["core.E001"]


def test_production_without_its_own_encryption_keys_is_a_configuration_error(settings):
    settings.DEBUG, settings.REDIS_URL = False, "redis://cache.internal:6379/0"
    settings.FIELD_ENCRYPTION_KEYS = []

    assert [error.id for error in run_checks()] == ["core.E002"]


def test_development_needs_no_redis(settings):
    settings.DEBUG, settings.REDIS_URL = True, None

    assert run_checks() == []
