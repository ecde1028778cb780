"""What must never happen to a registrant: a reminder or confirmation for a place given up or a
session called off, a reminder after the session started, the meeting link or an invitation
while only waiting (or a calendar update or cancellation for a seat they never held), mail to an
address anyone typed without a check, a double click counted twice against the visitor's limit,
and a request lost when the database is unreachable."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from admissions import spool
from admissions.models import ActivityKind, Dispatch, HoldReason, Lead, LeadKind, Purpose
from admissions.services import Screening, sweep_unfinished_follow_ups
from infosessions import services
from infosessions.models import Registration
from tests.admissions.test_spool import database_unreachable
from tests.infosessions.factories import (
    InfoSessionFactory,
    RegistrationFactory,
    VirtualSessionFactory,
)
from tests.infosessions.test_pages import registration_form

pytestmark = pytest.mark.django_db


def soon_session(factory=InfoSessionFactory, **fields):
    starts_at = (timezone.now() + timedelta(hours=3)).replace(microsecond=0)
    return factory(starts_at=starts_at, ends_at=starts_at + timedelta(hours=1), **fields)


@pytest.fixture
def broker_down(monkeypatch):
    """Messages are made but their delivery task is lost (a worker killed, Redis restarting)."""
    monkeypatch.setattr("infosessions.services.publish_quickly", lambda task, *args: False)
    return monkeypatch


def sweep_later(at, django_capture_on_commit_callbacks):
    with (
        time_machine.travel(at, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sweep_unfinished_follow_ups()


def test_a_reminder_made_before_the_session_is_called_off_is_never_sent(
    register, broker_down, django_capture_on_commit_callbacks
):
    session = soon_session()
    register(session, email="robin@example.org")
    hour_before = session.starts_at - timedelta(hours=1)
    with time_machine.travel(hour_before, tick=False):
        services.send_due_reminders()
    broker_down.undo()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_session(session.pk)
    sweep_later(hour_before + timedelta(minutes=5), django_capture_on_commit_callbacks)

    subjects = [message.subject for message in mail.outbox]
    assert len(subjects) == 1 and subjects[0].startswith("Cancelled")
    reminder = Dispatch.objects.get(purpose=Purpose.SESSION_REMINDER)
    assert (reminder.sent_at, reminder.given_up_at is not None) == (None, True)


def test_messages_not_yet_sent_about_a_place_given_up_are_never_sent(
    register, broker_down, django_capture_on_commit_callbacks
):
    session = soon_session()
    registration = register(session, email="robin@example.org")  # its confirmation, not sent
    broker_down.undo()

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(registration.pk)
    sweep_later(timezone.now() + timedelta(minutes=5), django_capture_on_commit_callbacks)

    to_them = [m.subject for m in mail.outbox if m.to == ["robin@example.org"]]
    assert len(to_them) == 1 and to_them[0].endswith("is given up")
    assert Dispatch.objects.get(purpose=Purpose.SESSION_CONFIRMATION).sent_at is None


def test_a_reminder_still_failing_when_the_session_starts_is_given_up_not_sent_late(
    register, broker_down, django_capture_on_commit_callbacks
):
    session = soon_session()
    register(session, email="robin@example.org")
    with time_machine.travel(session.starts_at - timedelta(hours=1), tick=False):
        services.send_due_reminders()
    broker_down.undo()
    mail.outbox.clear()

    sweep_later(session.starts_at + timedelta(minutes=1), django_capture_on_commit_callbacks)

    assert mail.outbox == []
    assert Dispatch.objects.get(purpose=Purpose.SESSION_REMINDER).given_up_at is not None


def test_someone_waiting_gets_neither_the_meeting_link_nor_an_invitation(register):
    session = VirtualSessionFactory(capacity=1)
    register(session, email="holder@example.org")

    register(session, email="waiting@example.org")

    (waiting,) = [m for m in mail.outbox if m.to == ["waiting@example.org"]]
    assert "meet.example.org" not in waiting.body
    assert waiting.attachments == []
    (holder,) = [m for m in mail.outbox if m.to == ["holder@example.org"]]
    assert "meet.example.org" in holder.body and holder.attachments


def test_a_registration_held_for_review_takes_no_seat_and_mails_no_one(register):
    session = InfoSessionFactory(capacity=1)

    with pytest.raises(services.NotRegisteredError) as not_registered:
        register(session, screening=Screening(held_reason=HoldReason.FLOOD))

    assert not_registered.value.held
    assert not Registration.objects.exists()
    assert not [m for m in mail.outbox if m.to == ["robin@example.org"]]
    lead = Lead.objects.get()
    assert (lead.kind, lead.held_reason) == (LeadKind.INFO_SESSION, HoldReason.FLOOD)


def test_the_page_tells_someone_held_for_review_that_admissions_will_confirm(monkeypatch):
    monkeypatch.setattr(
        "admissions.screening.screen",
        lambda *a, **k: Screening(held_reason=HoldReason.ADDRESS_LIMIT),
    )
    session = InfoSessionFactory()
    visitor = Client()

    response = visitor.post(session.get_absolute_url(), registration_form())

    thanks = visitor.get(response["Location"]).content.decode()
    assert "will contact you to confirm it" in thanks


def test_one_address_takes_a_few_places_a_day_then_is_asked_to_call(register):
    for _ in range(services.MAX_REGISTRATIONS_PER_ADDRESS_PER_DAY):
        register(InfoSessionFactory(), email="robin@example.org")

    with pytest.raises(services.TooManyRegistrationsError):
        register(InfoSessionFactory(), email="robin@example.org")

    assert Registration.objects.count() == services.MAX_REGISTRATIONS_PER_ADDRESS_PER_DAY


def test_a_registration_sent_while_the_database_is_unreachable_is_kept_for_admissions(settings):
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL=redis://… for the spool (CI sets it)")
    session = InfoSessionFactory()
    form = registration_form()

    with database_unreachable():
        response = Client().post(session.get_absolute_url(), form)

    assert response.status_code == 503
    assert "We have your details" in response.content.decode()
    assert spool.waiting_count() == 1
    spool.drain()
    lead = Lead.objects.get()
    assert (lead.kind, lead.email) == (LeadKind.INFO_SESSION, "robin.avery@example.org")


def test_without_the_database_or_the_spool_the_person_is_told_to_try_again_or_call(settings):
    settings.INTAKE_SPOOL_REDIS_URL = None
    session = InfoSessionFactory()

    with database_unreachable():
        response = Client().post(session.get_absolute_url(), registration_form())

    assert response.status_code == 503
    html = response.content.decode()
    assert "Please try again" in html and 'href="tel:' in html


def test_the_cancel_link_of_a_session_called_off_sends_nothing_more(
    register, django_capture_on_commit_callbacks
):
    from tests.infosessions.test_pages import _path

    session = InfoSessionFactory()
    registration = register(session)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_session(session.pk)
    mail.outbox.clear()

    response = Client().post(_path(services.cancel_link(registration)))

    assert "already cancelled" in response.content.decode()
    assert mail.outbox == []


def test_a_session_called_off_leaves_the_list_at_once(django_capture_on_commit_callbacks):
    InfoSessionFactory(title="Held as planned")
    session = InfoSessionFactory(title="Called off tonight")
    Client().get("/info-sessions/")
    assert Client().get("/info-sessions/")["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_session(session.pk)

    html = Client().get("/info-sessions/").content.decode()
    assert "Held as planned" in html and "Called off tonight" not in html


# --- A calendar only for someone with a seat ---------------------------------------------------


@pytest.fixture
def holder_and_waiting(register):
    """A full online session: one seat held, one person on its waiting list."""
    session = VirtualSessionFactory(capacity=1)
    holder = register(session, email="holder@example.org")
    waiting = register(session, email="waiting@example.org")
    mail.outbox.clear()
    return session, holder, waiting


def only_message_to(address: str):
    (message,) = [m for m in mail.outbox if m.to == [address]]
    return message


def test_a_change_promises_a_calendar_update_only_to_someone_with_a_seat(
    holder_and_waiting, django_capture_on_commit_callbacks
):
    session, _, _ = holder_and_waiting
    session.starts_at += timedelta(hours=1)
    session.ends_at += timedelta(hours=1)
    session.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.session_changed(session, {"starts_at", "ends_at"})

    waiting = only_message_to("waiting@example.org")
    assert waiting.subject.startswith("Changed")
    assert "calendar" not in waiting.body and waiting.attachments == []
    holder = only_message_to("holder@example.org")
    assert "updates your calendar" in holder.body
    assert Calendar.from_ical(holder.attachments[0][1])["METHOD"] == "REQUEST"


def test_a_new_meeting_link_is_no_news_to_someone_waiting_who_has_none(
    holder_and_waiting, django_capture_on_commit_callbacks
):
    session, _, _ = holder_and_waiting
    session.meeting_url = "https://meet.example.org/new-room"
    session.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.session_changed(session, {"meeting_url"})

    assert [m.to for m in mail.outbox] == [["holder@example.org"]]
    assert "https://meet.example.org/new-room" in mail.outbox[0].body


def test_a_session_called_off_removes_it_only_from_the_calendars_of_those_who_had_a_seat(
    holder_and_waiting, django_capture_on_commit_callbacks
):
    session, _, _ = holder_and_waiting

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_session(session.pk)

    waiting = only_message_to("waiting@example.org")
    assert waiting.subject.startswith("Cancelled")
    assert "calendar" not in waiting.body and waiting.attachments == []
    holder = only_message_to("holder@example.org")
    assert "removes it from your calendar" in holder.body
    assert Calendar.from_ical(holder.attachments[0][1])["METHOD"] == "CANCEL"


def test_leaving_the_waiting_list_sends_no_calendar_cancellation(
    holder_and_waiting, django_capture_on_commit_callbacks
):
    _, _, waiting = holder_and_waiting

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(waiting.pk)

    given_up = only_message_to("waiting@example.org")
    assert given_up.subject.endswith("is given up")
    assert "calendar" not in given_up.body and given_up.attachments == []
    assert mail.outbox == [given_up]  # and the seat holder hears nothing


def test_a_place_given_up_online_is_not_told_a_link_comes_with_it(
    holder_and_waiting, django_capture_on_commit_callbacks
):
    _, holder, waiting = holder_and_waiting

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(holder.pk)
        services.cancel_registration(waiting.pk)

    for address in ("holder@example.org", "waiting@example.org"):
        given_up = only_message_to(address).body
        assert "Online." in given_up
        assert "comes with your place" not in given_up and "meet." not in given_up


def test_leaving_the_waiting_list_by_the_link_frees_no_seat_and_says_so(holder_and_waiting):
    _, _, waiting = holder_and_waiting
    path = urlsplit(services.cancel_link(waiting)).path

    page = Client().post(path).content.decode()

    assert "you are off the waiting list" in page
    assert "someone on the waiting list can come instead" not in page


# --- A double click -----------------------------------------------------------------------------


def test_double_clicked_registrations_count_once_each_against_the_visitor_s_limit():
    from admissions.screening import ADDRESS_LIMIT

    visitor = Client()
    sessions = InfoSessionFactory.create_batch(ADDRESS_LIMIT.limit)

    for n, session in enumerate(sessions):
        form = registration_form(email=f"person{n}@example.org")  # one showing of the form
        sent = [visitor.post(session.get_absolute_url(), form) for _ in range(2)]
        assert [response.status_code for response in sent] == [302, 302]

    assert Registration.objects.count() == ADDRESS_LIMIT.limit
    assert not Lead.objects.held_for_review().exists()


def test_the_second_click_is_answered_as_the_first(django_capture_on_commit_callbacks):
    session = InfoSessionFactory(capacity=1)
    RegistrationFactory(session=session)  # the last seat is taken
    form = registration_form()
    answers = []

    for _ in range(2):
        visitor = Client()
        with django_capture_on_commit_callbacks(execute=True):
            response = visitor.post(session.get_absolute_url(), form)
        answers.append(visitor.get(response["Location"]).content.decode())

    assert all("You are on the waiting list" in answer for answer in answers)
    assert Registration.objects.filter(email="robin.avery@example.org").count() == 1
    assert len([m for m in mail.outbox if m.to == ["robin.avery@example.org"]]) == 1


def test_a_request_held_for_review_and_sent_again_is_screened_and_noted_once(monkeypatch):
    screened = []

    def screen(*args, **kwargs):
        screened.append(1)
        return Screening(held_reason=HoldReason.ADDRESS_LIMIT)

    monkeypatch.setattr("admissions.screening.screen", screen)
    session = InfoSessionFactory()
    form = registration_form()
    answers = []

    for _ in range(2):
        visitor = Client()
        response = visitor.post(session.get_absolute_url(), form)
        answers.append(visitor.get(response["Location"]).content.decode())

    assert all("will contact you to confirm it" in answer for answer in answers)
    assert len(screened) == 1
    lead = Lead.objects.get()
    assert lead.activities.filter(kind=ActivityKind.INFO_SESSION).count() == 1
    assert not Registration.objects.exists()
