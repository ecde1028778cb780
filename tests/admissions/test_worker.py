"""End to end: a form POST, through Redis and a real Celery worker, to the e-mails sent.

Needs PostgreSQL and Redis (CI provides both); the worker runs in a thread of this process.
"""

import time
from urllib.parse import urlsplit

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import connection

from admissions.models import Lead
from resilience.celery import app as celery_app
from tests.admissions.broker import empty_broker, using_broker
from tests.admissions.conftest import form_data


@pytest.fixture
def real_worker(settings):
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL=redis://… for a real broker (CI sets it)")
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs DATABASE_URL=postgres://… so the worker shares the database (CI sets it)"
        )
    # A Redis database of its own, emptied first: no stale task from elsewhere is run here.
    broker = (
        urlsplit(settings.REDIS_URL)._replace(path=f"/{settings.TEST_REDIS_BROKER_DB}").geturl()
    )
    with using_broker(broker):
        empty_broker()
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield


def wait_for(condition, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_posted_request_is_stored_and_e_mailed_by_the_worker(client, settings, real_worker):
    settings.ADMISSIONS_INBOX_EMAIL = "admissions@resilience.example"

    response = client.post("/get-help/", form_data(preferred_contact="email"))

    assert response.status_code == 302
    lead = Lead.objects.get()
    assert wait_for(lambda: len(mail.outbox) >= 2), "the worker sent no e-mail within 20 s"
    assert sorted(message.to[0] for message in mail.outbox) == [
        "admissions@resilience.example",
        "jordan.avery@example.org",
    ]
    assert wait_for(lambda: Lead.objects.get(pk=lead.pk).followed_up_at is not None)
