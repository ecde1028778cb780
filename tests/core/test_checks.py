from django.core.checks import run_checks


def test_production_without_redis_is_a_configuration_error(settings):
    settings.DEBUG, settings.REDIS_URL = False, None

    assert [error.id for error in run_checks()] == ["core.E001"]


def test_development_needs_no_redis(settings):
    settings.DEBUG, settings.REDIS_URL = True, None

    assert run_checks() == []
