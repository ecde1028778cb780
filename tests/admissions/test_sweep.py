"""The sweep re-queues leads whose follow-up never finished: a lost task, an outage, a failing
mail server."""

from datetime import timedelta

import pytest
from django.utils import timezone

from admissions import services
from tests.admissions.factories import LeadFactory

pytestmark = pytest.mark.django_db


def minutes_ago(minutes: int):
    return timezone.now() - timedelta(minutes=minutes)


def test_only_unfinished_leads_past_the_grace_period_are_queued_again(monkeypatch):
    queued = []
    monkeypatch.setattr(services, "queue_follow_up", queued.append)
    lost = LeadFactory(created_at=minutes_ago(5))
    LeadFactory(created_at=minutes_ago(1))  # its task may still be on its way
    LeadFactory(created_at=minutes_ago(5), followed_up_at=timezone.now())
    LeadFactory(created_at=minutes_ago(8 * 24 * 60))  # a week on, a person must look at it

    assert services.sweep_unfinished_follow_ups() == [lost.pk]
    assert queued == [lost.pk]


def test_a_swept_lead_is_followed_up_and_not_swept_again():
    lead = LeadFactory(created_at=minutes_ago(5))

    services.sweep_unfinished_follow_ups()  # tasks run in-process in tests

    lead.refresh_from_db()
    assert lead.followed_up_at is not None
    assert services.sweep_unfinished_follow_ups() == []
