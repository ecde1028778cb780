"""The sweep queues again what was lost: a follow-up whose task vanished with the broker or a
killed worker, and any message nobody is sending or retrying. It leaves alone what is merely
waiting its turn."""

from datetime import timedelta
from itertools import pairwise

import pytest
from django.utils import timezone

from admissions import services, triage
from admissions.models import CloseOutcome, Dispatch, HoldReason, Lead, Purpose
from tests.admissions.factories import LeadFactory

pytestmark = pytest.mark.django_db


def minutes_ago(minutes: int):
    return timezone.now() - timedelta(minutes=minutes)


@pytest.fixture
def queued(monkeypatch):
    published = []

    def publish(task, *args):
        published.append((task.name.rsplit(".", 1)[-1], *args))
        return True

    monkeypatch.setattr(services, "publish_quickly", publish)
    return published


def test_only_unfinished_leads_past_the_grace_period_are_queued_again(queued):
    lost = LeadFactory(created_at=minutes_ago(5))
    LeadFactory(created_at=timezone.now() - timedelta(seconds=30))  # its task may be on its way
    LeadFactory(created_at=minutes_ago(5), followed_up_at=timezone.now())
    LeadFactory(  # tried for a week: a person must look at it
        created_at=minutes_ago(8 * 24 * 60), follow_up_attempted_at=minutes_ago(60)
    )

    assert services.sweep_unfinished_follow_ups() == [lost.pk]
    assert queued == [("follow_up_lead", lost.pk)]


def test_held_and_spam_requests_are_not_followed_up_by_the_sweep(queued):
    LeadFactory(created_at=minutes_ago(5), held_reason=HoldReason.FLOOD)
    LeadFactory(
        created_at=minutes_ago(5), status="closed", close_outcome=CloseOutcome.SUSPECTED_SPAM
    )

    assert services.sweep_unfinished_follow_ups() == []


def test_a_swept_lead_is_followed_up_and_not_swept_again():
    lead = LeadFactory(created_at=minutes_ago(5))

    services.sweep_unfinished_follow_ups()  # tasks run in-process in tests

    lead.refresh_from_db()
    assert lead.followed_up_at is not None
    assert services.sweep_unfinished_follow_ups() == []


def test_while_workers_are_down_a_queued_follow_up_is_queued_again_less_and_less_often(
    queued, time_machine
):
    # Reproduced: the sweep re-queued the same not-yet-started follow-up every minute.
    lead = LeadFactory(created_at=minutes_ago(3))
    queued_at_minute = []
    for minute in range(30):  # half an hour without workers, one sweep a minute
        if services.sweep_unfinished_follow_ups():
            queued_at_minute.append(minute)
            queued_at = Lead.objects.get(pk=lead.pk).follow_up_queued_at
            assert timezone.now() - queued_at < timedelta(seconds=5)
        time_machine.move_to(timezone.now() + timedelta(minutes=1))

    gaps = [later - earlier for earlier, later in pairwise(queued_at_minute)]
    assert len(queued_at_minute) <= 8  # not 30
    assert gaps == sorted(gaps) and gaps[-1] >= 5


def test_a_queued_follow_up_that_never_started_is_queued_again_once_stale(queued, time_machine):
    # The broker restarted without persistence and the task was lost with it.
    lead = LeadFactory(created_at=minutes_ago(3))
    services.sweep_unfinished_follow_ups()

    time_machine.move_to(timezone.now() + services.FOLLOW_UP_REQUEUE_SHORTEST * 2)

    assert services.sweep_unfinished_follow_ups() == [lead.pk]
    assert len(queued) == 2


def test_the_wait_before_queueing_again_grows_with_the_lead_s_age(queued, time_machine):
    lead = LeadFactory(created_at=minutes_ago(60))
    services.sweep_unfinished_follow_ups()

    due = Lead.objects.get(pk=lead.pk).follow_up_due_by - timezone.now()

    assert timedelta(minutes=29) < due <= services.FOLLOW_UP_REQUEUE_LONGEST


def test_a_follow_up_killed_while_running_is_queued_again_within_minutes(queued, time_machine):
    lead = LeadFactory(created_at=minutes_ago(1))
    Lead.objects.filter(pk=lead.pk).update(
        follow_up_attempted_at=timezone.now(),
        follow_up_due_by=timezone.now() + services.FOLLOW_UP_RUN_LEASE,
    )
    assert services.sweep_unfinished_follow_ups() == []

    time_machine.move_to(timezone.now() + services.FOLLOW_UP_RUN_LEASE + timedelta(seconds=1))

    assert services.sweep_unfinished_follow_ups() == [lead.pk]


def test_a_follow_up_waiting_for_its_own_retry_is_left_alone_until_then(
    settings, queued, time_machine
):
    settings.EMAIL_BACKEND = "tests.admissions.flaky_email.AlwaysFailBackend"
    lead = LeadFactory(created_at=minutes_ago(5))
    with pytest.raises(services.NotificationsNotSentError):
        services.follow_up_lead(lead.pk)
    services.expect_follow_up_retry(lead.pk, 600)  # what the task does before retrying

    time_machine.move_to(timezone.now() + timedelta(minutes=10))
    assert services.sweep_unfinished_follow_ups() == []
    time_machine.move_to(timezone.now() + timedelta(minutes=3))  # the retry never came
    assert services.sweep_unfinished_follow_ups() == [lead.pk]


def test_a_message_nobody_is_sending_is_queued_again(queued, time_machine):
    lead = LeadFactory(created_at=minutes_ago(10), followed_up_at=timezone.now())
    stuck = Dispatch.objects.create(
        purpose=Purpose.ACKNOWLEDGMENT,
        channel="email",
        recipient="sam@example.org",
        key="acknowledgment:sam@example.org:2026-11-25",
        lead=lead,
        subject="We received your request",
        body="…",
        message_id="<a@resilience.example>",
        created_at=minutes_ago(10),
    )

    services.sweep_unfinished_follow_ups()
    services.sweep_unfinished_follow_ups()  # a minute later: not queued twice

    assert queued == [("deliver_dispatch", stuck.pk)]


def test_a_request_released_from_review_after_a_week_is_still_followed_up(queued, admin_user):
    lead = LeadFactory(created_at=minutes_ago(8 * 24 * 60), held_reason=HoldReason.FLOOD)
    triage.release_held_lead(lead, by=admin_user)  # its on-commit queueing was lost

    Lead.objects.filter(pk=lead.pk).update(follow_up_due_by=minutes_ago(1))

    assert services.sweep_unfinished_follow_ups() == [lead.pk]
