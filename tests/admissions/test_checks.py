import pytest
from cryptography.fernet import Fernet
from django.core.checks import run_checks


@pytest.fixture(autouse=True)
def production_with_redis(settings):
    settings.REDIS_URL = "redis://cache.internal:6379/0"
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]


def test_a_mistyped_notification_channel_stops_the_site_from_starting(settings):
    settings.ADMISSIONS_STAFF_CHANNELS = ["admissions.channels.SmsChanel"]

    assert [error.id for error in run_checks()] == ["admissions.E001"]


def test_the_configured_channels_pass(settings):
    assert run_checks() == []
