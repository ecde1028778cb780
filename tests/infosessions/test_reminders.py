"""Reminders the day before (the same time of day, in the center's time zone) and an hour before:
made by whichever beat run finds them due, never twice, never for a cancelled place or session."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from admissions.models import Dispatch, LeadKind, Purpose
from infosessions import services
from infosessions.models import Status
from tests.admissions.factories import LeadFactory
from tests.infosessions.factories import InfoSessionFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

BOSTON = ZoneInfo("America/New_York")
UTC = ZoneInfo("UTC")


def session_at(local: datetime, **fields):
    starts_at = local.replace(tzinfo=BOSTON)
    return InfoSessionFactory(starts_at=starts_at, ends_at=starts_at + timedelta(hours=1), **fields)


def registered(session, **fields):
    return RegistrationFactory(
        session=session, created_at=session.starts_at - timedelta(days=5), **fields
    )


def reminders(run_at: datetime, django_capture_on_commit_callbacks) -> list:
    before = len(mail.outbox)
    with (
        time_machine.travel(run_at, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.send_due_reminders()
    return mail.outbox[before:]


def test_the_day_before_reminder_keeps_the_local_time_across_the_end_of_daylight_saving(
    django_capture_on_commit_callbacks,
):
    # Clocks go back at 2 am on Sunday, November 1, 2026: 6 pm Sunday is 23:00 UTC, and 6 pm
    # Saturday was 22:00 UTC, 25 hours earlier.
    session = session_at(datetime(2026, 11, 1, 18, 0))
    registered(session, email="robin@example.org")

    assert services.reminder_due_at(session, services.DAY_BEFORE) == datetime(
        2026, 10, 31, 22, 0, tzinfo=UTC
    )
    assert not reminders(
        datetime(2026, 10, 31, 21, 59, tzinfo=UTC), django_capture_on_commit_callbacks
    )
    (reminder,) = reminders(
        datetime(2026, 10, 31, 22, 0, tzinfo=UTC), django_capture_on_commit_callbacks
    )
    assert reminder.to == ["robin@example.org"]
    assert "tomorrow at 6:00 PM" in reminder.subject


def test_the_day_before_reminder_across_the_start_of_daylight_saving_is_23_hours_early():
    # Clocks go forward at 2 am on Sunday, March 14, 2027.
    session = session_at(datetime(2027, 3, 14, 10, 0))

    due = services.reminder_due_at(session, services.DAY_BEFORE)

    # (In UTC: Python subtracts two times of one zone by their clocks.)
    assert session.starts_at.astimezone(UTC) - due.astimezone(UTC) == timedelta(hours=23)
    assert due.astimezone(BOSTON).hour == 10


def test_the_hour_before_reminder_is_an_hour_before_and_each_is_sent_once(
    django_capture_on_commit_callbacks,
):
    session = session_at(datetime(2026, 12, 10, 18, 0))
    registered(session, email="robin@example.org")
    hour_before = session.starts_at - timedelta(hours=1)

    first = reminders(hour_before, django_capture_on_commit_callbacks)
    again = reminders(hour_before + timedelta(minutes=1), django_capture_on_commit_callbacks)

    assert [message.subject for message in first] == ["Reminder: in an hour, at 6:00 PM"]
    assert again == []
    assert Dispatch.objects.filter(purpose=Purpose.SESSION_REMINDER).count() == 1


def test_no_reminder_for_a_place_given_up_a_waiting_place_or_a_cancelled_session(
    django_capture_on_commit_callbacks,
):
    session = session_at(datetime(2026, 12, 10, 18, 0))
    registered(session, email="gave-up@example.org", status=Status.CANCELLED)
    registered(session, email="waiting@example.org", status=Status.WAITLISTED)
    called_off = session_at(datetime(2026, 12, 10, 18, 0))
    registered(called_off, email="called-off@example.org")
    services.cancel_session(called_off.pk)

    assert not reminders(
        session.starts_at - timedelta(minutes=30), django_capture_on_commit_callbacks
    )


def test_someone_who_registered_after_a_reminder_was_due_does_not_get_it(
    django_capture_on_commit_callbacks,
):
    session = session_at(datetime(2026, 12, 10, 18, 0))
    RegistrationFactory(session=session, created_at=session.starts_at - timedelta(hours=3))

    sent = reminders(session.starts_at - timedelta(hours=20), django_capture_on_commit_callbacks)

    assert sent == []


def test_a_reminder_missed_for_hours_is_left_out_rather_than_sent_late(
    django_capture_on_commit_callbacks,
):
    session = session_at(datetime(2026, 12, 10, 18, 0))
    registered(session)
    day_before = services.reminder_due_at(session, services.DAY_BEFORE)

    assert not reminders(day_before + timedelta(hours=7), django_capture_on_commit_callbacks)


def test_the_beat_schedule_runs_the_reminders_every_minute(settings):
    (entry,) = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "infosessions.tasks.send_session_reminders"
    ]
    assert entry["schedule"] <= 60


def test_a_reminder_whose_delivery_was_lost_with_a_worker_is_sent_by_the_sweep(
    django_capture_on_commit_callbacks, monkeypatch
):
    from admissions.services import sweep_unfinished_follow_ups

    starts_at = (timezone.now() + timedelta(hours=3)).replace(microsecond=0)
    session = InfoSessionFactory(starts_at=starts_at, ends_at=starts_at + timedelta(hours=1))
    registered(session, email="robin@example.org")
    hour_before = session.starts_at - timedelta(hours=1)
    # The broker takes nothing (a worker killed, Redis restarting): the message is made, not sent.
    monkeypatch.setattr("infosessions.services.publish_quickly", lambda task, *args: False)
    assert not reminders(hour_before, django_capture_on_commit_callbacks)
    monkeypatch.undo()

    with (
        time_machine.travel(hour_before + timedelta(minutes=2), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sweep_unfinished_follow_ups()

    assert [message.to for message in mail.outbox] == [["robin@example.org"]]
    assert reminders(hour_before + timedelta(minutes=3), django_capture_on_commit_callbacks) == []


# --- Changes made while the reminders are being made ---------------------------------------------


@pytest.fixture
def changed_once_read(monkeypatch):
    """Runs `change` on the session right after the reminder run has read it: what a cancel or
    an edit committed by another process at that moment does."""

    def arrange(change):
        read_due = services._reminder_now

        def then_changed(session, now):
            which = read_due(session, now)
            change(session)
            return which

        monkeypatch.setattr(services, "_reminder_now", then_changed)

    return arrange


def test_a_session_called_off_while_reminders_are_made_gets_no_reminder(
    django_capture_on_commit_callbacks, changed_once_read
):
    session = session_at(datetime(2026, 12, 10, 18, 0))
    registered(session, email="robin@example.org")
    changed_once_read(lambda session: services.cancel_session(session.pk))

    sent = reminders(
        datetime(2026, 12, 10, 17, 0, tzinfo=BOSTON), django_capture_on_commit_callbacks
    )

    assert [message.subject for message in sent if "reminder" in message.subject.lower()] == []
    assert not Dispatch.objects.filter(purpose=Purpose.SESSION_REMINDER).exists()


def test_a_session_moved_while_reminders_are_made_gets_no_reminder_for_the_old_time(
    django_capture_on_commit_callbacks, changed_once_read
):
    session = session_at(datetime(2026, 12, 10, 18, 0))
    registered(session)
    changed_once_read(
        lambda session: (
            type(session)
            .objects.filter(pk=session.pk)
            .update(
                starts_at=session.starts_at + timedelta(days=1),
                ends_at=session.ends_at + timedelta(days=1),
            )
        )
    )

    reminders(datetime(2026, 12, 10, 17, 0, tzinfo=BOSTON), django_capture_on_commit_callbacks)

    assert not Dispatch.objects.filter(purpose=Purpose.SESSION_REMINDER).exists()


def test_a_reminder_says_the_meeting_link_as_it_is_when_made(
    django_capture_on_commit_callbacks, changed_once_read
):
    session = session_at(
        datetime(2026, 12, 10, 18, 0),
        format="virtual",
        place=None,
        meeting_url="https://meet.example.org/old-room",
    )
    registered(session)
    changed_once_read(
        lambda session: (
            type(session)
            .objects.filter(pk=session.pk)
            .update(meeting_url="https://meet.example.org/new-room")
        )
    )

    (reminder,) = reminders(
        datetime(2026, 12, 10, 17, 0, tzinfo=BOSTON), django_capture_on_commit_callbacks
    )

    assert "new-room" in reminder.body and "old-room" not in reminder.body


def test_a_reminder_given_up_by_a_move_is_made_again_when_the_session_moves_back(
    django_capture_on_commit_callbacks,
):
    session = session_at(datetime(2026, 12, 10, 18, 0))
    registered(session, email="robin@example.org", lead=LeadFactory(kind=LeadKind.INFO_SESSION))
    hour_before = session.starts_at - timedelta(hours=1)
    with time_machine.travel(hour_before, tick=False), django_capture_on_commit_callbacks():
        services.send_due_reminders()  # made, not sent yet (the mail server is slow)
    original_start = session.starts_at

    for starts_at in (original_start + timedelta(days=1), original_start):
        type(session).objects.filter(pk=session.pk).update(
            starts_at=starts_at, ends_at=starts_at + timedelta(hours=1)
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.session_changed(session, {"starts_at"})

    sent = reminders(hour_before + timedelta(minutes=5), django_capture_on_commit_callbacks)

    assert [message.subject for message in sent] == ["Reminder: in an hour, at 6:00 PM"]


def test_a_change_after_the_reminder_was_sent_sends_an_update_not_a_second_reminder(
    django_capture_on_commit_callbacks,
):
    session = session_at(datetime(2026, 12, 10, 18, 0), place=None, format="virtual")
    registered(session, email="robin@example.org")
    hour_before = session.starts_at - timedelta(hours=1)
    assert len(reminders(hour_before, django_capture_on_commit_callbacks)) == 1

    type(session).objects.filter(pk=session.pk).update(meeting_url="https://meet.example.org/b")
    with django_capture_on_commit_callbacks(execute=True):
        services.session_changed(session, {"meeting_url"})
    later = reminders(hour_before + timedelta(minutes=10), django_capture_on_commit_callbacks)

    assert [message.subject for message in later] == []
    assert Dispatch.objects.filter(purpose=Purpose.SESSION_REMINDER).count() == 1


# --- A session moved after a reminder was sent ------------------------------------------------


def move(session, later: timedelta, at: datetime, django_capture_on_commit_callbacks) -> list:
    """Admin moves the session `later`, at the time `at`: the messages that sends."""
    before = len(mail.outbox)
    with (
        time_machine.travel(at, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        type(session).objects.filter(pk=session.pk).update(
            starts_at=session.starts_at + later, ends_at=session.ends_at + later
        )
        services.session_changed(session, {"starts_at", "ends_at"})
    session.refresh_from_db()
    return mail.outbox[before:]


@pytest.mark.parametrize(
    ("which", "later", "new_time"),
    [
        (services.DAY_BEFORE, timedelta(hours=1), "7:00 PM"),
        (services.HOUR_BEFORE, timedelta(minutes=30), "6:30 PM"),
    ],
)
def test_a_session_moved_a_little_after_a_reminder_is_not_reminded_of_again(
    django_capture_on_commit_callbacks, which, later, new_time
):
    session = session_at(datetime(2026, 12, 10, 18, 0))
    registered(session, email="robin@example.org")
    due = services.reminder_due_at(session, which)
    (reminder,) = reminders(due, django_capture_on_commit_callbacks)

    (update,) = move(session, later, due + timedelta(minutes=5), django_capture_on_commit_callbacks)
    new_due = services.reminder_due_at(session, which)
    again = [
        *reminders(new_due, django_capture_on_commit_callbacks),
        *reminders(new_due + timedelta(minutes=9), django_capture_on_commit_callbacks),
    ]

    assert "6:00 PM" in reminder.subject
    assert update.subject.startswith("Changed:") and new_time in update.body
    assert again == []


@pytest.mark.parametrize(
    ("which", "later"),
    [
        (services.DAY_BEFORE, timedelta(days=1)),
        (services.DAY_BEFORE, timedelta(weeks=1)),
        (services.HOUR_BEFORE, timedelta(days=2)),
    ],
)
def test_a_session_moved_by_days_after_a_reminder_gets_its_reminders_for_the_new_date(
    django_capture_on_commit_callbacks, which, later
):
    session = session_at(datetime(2026, 12, 10, 18, 0))
    registered(session, email="robin@example.org")
    due = services.reminder_due_at(session, which)
    assert len(reminders(due, django_capture_on_commit_callbacks)) == 1

    move(session, later, due + timedelta(minutes=5), django_capture_on_commit_callbacks)
    sent = [
        *reminders(
            services.reminder_due_at(session, services.DAY_BEFORE),
            django_capture_on_commit_callbacks,
        ),
        *reminders(
            services.reminder_due_at(session, services.HOUR_BEFORE),
            django_capture_on_commit_callbacks,
        ),
    ]

    assert [message.subject for message in sent] == [
        "Reminder: tomorrow at 6:00 PM",
        "Reminder: in an hour, at 6:00 PM",
    ]


# --- A place given shortly before -------------------------------------------------------------


def promoted_at(moment: datetime, django_capture_on_commit_callbacks):
    """A full session: the one seat is given up at `moment`, and the first waiting gets it."""
    session = session_at(datetime(2026, 12, 10, 18, 0), capacity=1)
    holder = registered(session, email="holder@example.org")
    registered(session, email="waiting@example.org", status=Status.WAITLISTED)
    with (
        time_machine.travel(moment, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.cancel_registration(holder.pk)
    return session


def subjects_to(address: str) -> list[str]:
    return [message.subject for message in mail.outbox if address in message.to]


def test_a_place_given_in_the_last_hour_gets_no_hour_before_reminder(
    django_capture_on_commit_callbacks,
):
    session = promoted_at(
        datetime(2026, 12, 10, 17, 20, tzinfo=BOSTON), django_capture_on_commit_callbacks
    )

    reminders(session.starts_at - timedelta(minutes=39), django_capture_on_commit_callbacks)

    # The message giving the place says when the session is.
    assert subjects_to("waiting@example.org") == ["A place opened for you on Thursday, December 10"]


def test_a_place_given_after_the_day_before_reminder_was_due_gets_only_the_hour_before_one(
    django_capture_on_commit_callbacks,
):
    session = promoted_at(
        datetime(2026, 12, 9, 20, 0, tzinfo=BOSTON), django_capture_on_commit_callbacks
    )

    reminders(datetime(2026, 12, 9, 20, 1, tzinfo=BOSTON), django_capture_on_commit_callbacks)
    reminders(session.starts_at - timedelta(hours=1), django_capture_on_commit_callbacks)

    assert subjects_to("waiting@example.org") == [
        "A place opened for you on Thursday, December 10",
        "Reminder: in an hour, at 6:00 PM",
    ]
