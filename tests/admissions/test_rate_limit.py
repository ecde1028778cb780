"""At most five consultation requests per visitor address in ten minutes."""

import pytest
from django.core import mail

from admissions.models import Lead
from tests.admissions.conftest import form_data

pytestmark = pytest.mark.django_db


def send(post_form, n: int, **extra) -> list[int]:
    return [post_form(form_data(), **extra).status_code for _ in range(n)]


def test_the_sixth_request_in_ten_minutes_gets_a_friendly_429_with_the_phone(post_form):
    assert send(post_form, 5) == [302] * 5

    response = post_form(form_data())

    assert response.status_code == 429
    html = response.content.decode()
    assert "Please call us instead" in html
    assert 'href="tel:+16175550143"' in html
    assert Lead.objects.count() == 5
    assert not any("#6" in message.subject for message in mail.outbox)


def test_the_limit_resets_after_ten_minutes(post_form, time_machine):
    time_machine.move_to("2026-11-24 10:00:00 +00:00")
    send(post_form, 5)
    assert post_form(form_data()).status_code == 429

    time_machine.move_to("2026-11-24 10:10:01 +00:00")

    assert post_form(form_data()).status_code == 302


def test_behind_the_proxy_each_visitor_has_a_limit_of_their_own(post_form, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    send(post_form, 5, HTTP_X_FORWARDED_FOR="203.0.113.7", REMOTE_ADDR="10.0.0.2")

    assert post_form(form_data(), HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    assert post_form(form_data(), HTTP_X_FORWARDED_FOR="198.51.100.23").status_code == 302


def test_a_visitor_cannot_dodge_the_limit_by_writing_their_own_forwarded_for(post_form, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    send(post_form, 5, HTTP_X_FORWARDED_FOR="203.0.113.7")

    # The proxy appends the real address; whatever the client put before it is ignored.
    forged = post_form(form_data(), HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.7")

    assert forged.status_code == 429


def test_invalid_submissions_do_not_use_up_the_limit(post_form):
    for _ in range(6):
        post_form(form_data(phone="12"))

    assert post_form(form_data()).status_code == 302


def test_if_the_proxy_sends_no_forwarded_for_visitors_are_not_lumped_together(post_form, settings):
    # Misconfigured proxy: every request would come from its address and share one limit.
    settings.TRUSTED_PROXY_COUNT = 1

    assert send(post_form, 7) == [302] * 7
