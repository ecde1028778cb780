"""Redis down (the broker and the cache): the request is stored, the page answers fast, and the
sweep sends the follow-up once Redis is back."""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from admissions import services
from admissions.models import Lead
from tests.admissions.broker import configure_broker, using_broker
from tests.silent_server import silent_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def silent_redis_url():
    with silent_server() as server:
        yield server.redis_url


@pytest.fixture(params=["refusing connections", "not answering"])
def redis_down(request, settings):
    if request.param == "refusing connections":
        url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    else:
        url = request.getfixturevalue("silent_redis_url")
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.KeptClientRedisCache",
            "LOCATION": url,
            "OPTIONS": settings.REDIS_CACHE_OPTIONS,
        }
    }
    with using_broker(url):
        yield


def redis_is_back():
    # Tasks run in-process again, as a worker would run them once it can reach Redis.
    configure_broker(task_always_eager=True)


def test_the_request_is_stored_and_the_page_answers_within_a_second(post_form, redis_down):
    started = time.monotonic()
    response = post_form()
    elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert response.url == "/get-help/thanks/"
    assert elapsed < 1.0, f"took {elapsed:.2f} s"
    lead = Lead.objects.get()
    assert lead.followed_up_at is None
    assert mail.outbox == []


def test_once_redis_is_back_the_sweep_sends_the_follow_up_exactly_once(
    post_form, redis_down, time_machine
):
    post_form()
    lead = Lead.objects.get()
    redis_is_back()

    assert services.sweep_unfinished_follow_ups() == []  # still within the grace period
    time_machine.move_to(timezone.now() + timedelta(minutes=3))
    assert services.sweep_unfinished_follow_ups() == [lead.pk]

    subjects = [message.subject for message in mail.outbox]
    assert subjects == [f"New consultation request {lead.reference}"]
    assert services.sweep_unfinished_follow_ups() == []
    assert len(mail.outbox) == 1


def test_the_desk_lists_leads_while_redis_is_down(post_form, desk, redis_down):
    post_form()
    lead = Lead.objects.get()

    response = desk.get(reverse("admin:admissions_lead_changelist"))

    assert response.status_code == 200
    assert lead.reference in response.content.decode()
