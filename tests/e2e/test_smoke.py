"""Smoke test of the end-to-end harness: one consultation request, through gunicorn, Redis and a
Celery worker, to the admissions inbox."""

import time

import pytest

from tests.e2e.stack import ADMISSIONS_INBOX


@pytest.mark.e2e
def test_a_consultation_request_is_stored_and_announced_to_the_admissions_inbox(
    e2e_database, smtp_sink, visitors
):
    began = time.monotonic()
    form = visitors.fetch_form()
    visitors.wait_out_time_trap([form])

    (result,) = visitors.post_consultations([form])
    sent_at = time.monotonic()

    assert result.thanked, result
    assert e2e_database.scalar("SELECT count(*) FROM admissions_lead") == 1
    assert e2e_database.scalar("SELECT phone FROM admissions_lead") == result.phone
    (announcement,) = smtp_sink.wait_for(
        to=ADMISSIONS_INBOX, subject="New consultation request", timeout=30
    )
    print(
        f"\n[e2e] the inbox heard of the request {announcement.arrived_monotonic - sent_at:.2f} s"
        f" after it was sent ({time.monotonic() - began:.1f} s from fetching the form)"
    )
