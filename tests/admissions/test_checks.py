from django.core.checks import run_checks


def test_a_mistyped_notification_channel_stops_the_site_from_starting(settings):
    settings.ADMISSIONS_STAFF_CHANNELS = ["admissions.channels.SmsChanel"]

    assert [error.id for error in run_checks()] == ["admissions.E001"]


def test_the_configured_channels_pass(settings):
    assert run_checks() == []
