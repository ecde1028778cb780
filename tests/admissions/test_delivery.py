"""Delivering a message: at least once, never twice because of a retry or a second task, with a
stable Message-ID so that mail systems collapse the copy a killed process may leave behind."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import OperationalError
from django.db.models import QuerySet
from django.utils import timezone

from admissions import notifications
from admissions.models import Dispatch, Purpose
from admissions.notifications import Delivery, deliver

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispatch(settings):
    return notifications.dispatch_once(
        "test:1",
        purpose=Purpose.NEW_LEAD,
        channel="email",
        recipient="casey@resilience.example",
        render=lambda: ("New consultation request #1", "Open it in admin"),
    )


def test_a_dispatch_is_sent_once_however_often_it_is_delivered(dispatch):
    assert deliver(dispatch.pk) is Delivery.SENT
    assert deliver(dispatch.pk) is Delivery.NOT_CLAIMED

    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == dispatch.message_id


def test_a_dispatch_another_task_is_sending_is_left_alone(dispatch):
    Dispatch.objects.filter(pk=dispatch.pk).update(
        claimed_until=timezone.now() + timedelta(minutes=2)
    )

    assert deliver(dispatch.pk) is Delivery.NOT_CLAIMED
    assert mail.outbox == []


def test_a_claim_left_by_a_killed_worker_expires_and_the_copy_keeps_the_message_id(
    dispatch, time_machine
):
    # A worker claimed it and was SIGKILLed mid-send: nobody knows whether the message left.
    Dispatch.objects.filter(pk=dispatch.pk).update(
        claimed_until=timezone.now() + notifications.CLAIM_LEASE, attempts=1
    )
    assert deliver(dispatch.pk) is Delivery.NOT_CLAIMED

    time_machine.move_to(timezone.now() + notifications.CLAIM_LEASE + timedelta(seconds=1))

    assert deliver(dispatch.pk) is Delivery.SENT
    assert mail.outbox[0].extra_headers["Message-ID"] == dispatch.message_id
    assert Dispatch.objects.get(pk=dispatch.pk).attempts == 2


@pytest.mark.django_db(transaction=True)  # as on a worker: each statement commits on its own
def test_a_database_error_just_after_sending_does_not_send_it_again(dispatch, monkeypatch):
    # Reproduced: sent_at was saved outside the try; a database error after a successful send
    # made the retry send it again.
    real_update = QuerySet.update
    failures = iter([OperationalError("server closed the connection unexpectedly")])

    def update_failing_once_when_recording_the_send(queryset, **values):
        if "sent_at" in values and (error := next(failures, None)):
            raise error
        return real_update(queryset, **values)

    monkeypatch.setattr(QuerySet, "update", update_failing_once_when_recording_the_send)
    monkeypatch.setattr(notifications.time, "sleep", lambda seconds: None)

    assert deliver(dispatch.pk) is Delivery.SENT

    assert Dispatch.objects.get(pk=dispatch.pk).sent_at is not None
    assert deliver(dispatch.pk) is Delivery.NOT_CLAIMED
    assert len(mail.outbox) == 1


def test_if_the_send_cannot_be_recorded_at_all_the_cache_remembers_it(
    dispatch, monkeypatch, time_machine
):
    real_update = QuerySet.update

    def update_never_recording_a_send(queryset, **values):
        if "sent_at" in values:
            raise OperationalError("the database is gone")
        return real_update(queryset, **values)

    monkeypatch.setattr(QuerySet, "update", update_never_recording_a_send)
    monkeypatch.setattr(notifications.time, "sleep", lambda seconds: None)
    assert deliver(dispatch.pk) is Delivery.SENT
    monkeypatch.setattr(QuerySet, "update", real_update)  # the database is back

    # The claim runs out; the retry finds the mark and records the send instead of resending.
    time_machine.move_to(timezone.now() + notifications.CLAIM_LEASE + timedelta(seconds=1))
    assert deliver(dispatch.pk) is Delivery.SENT

    assert len(mail.outbox) == 1
    assert Dispatch.objects.get(pk=dispatch.pk).sent_at is not None


def test_a_failure_is_recorded_with_a_growing_wait_before_the_next_try(dispatch, settings):
    settings.EMAIL_BACKEND = "tests.admissions.flaky_email.AlwaysFailBackend"

    waits = []
    for _ in range(3):
        assert deliver(dispatch.pk) is Delivery.FAILED
        failed = Dispatch.objects.get(pk=dispatch.pk)
        waits.append(round((failed.next_attempt_at - timezone.now()).total_seconds()))

    assert waits == [10, 20, 40]
    assert failed.claimed_until is None and failed.sent_at is None


def test_a_dispatch_failing_for_a_week_is_given_up(dispatch, settings, time_machine):
    settings.EMAIL_BACKEND = "tests.admissions.flaky_email.AlwaysFailBackend"
    time_machine.move_to(timezone.now() + notifications.GIVE_UP_AFTER + timedelta(minutes=1))

    assert deliver(dispatch.pk) is Delivery.GIVEN_UP
    assert Dispatch.objects.get(pk=dispatch.pk).given_up_at is not None
