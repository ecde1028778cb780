"""Changes, cancellations and what registrants and staff are told:

- the thank-you page says nothing it does not know (reloaded, or opened directly);
- calling a session off closes its places: counted nowhere as registered or waiting, nor against
  an address's daily limit;
- the lead's timeline hears of a seat from the waiting list, a change and a cancellation;
- a form sent once the session was called off or started is told so plainly, without the form;
- attendance is never marked for a place given up or at a session called off;
- the confirmation and the thank-you page promise only the reminders that will be sent;
- a session in person has no meeting link, and a change to it is no news;
- an update says what changed;
- a new start in the past is refused in admin;
- someone registered who sends the form again gets their confirmation again, at most every ten
  minutes, and the page says the same whatever the case.
"""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from admissions.dashboard import figures_for
from admissions.models import ActivityKind, Dispatch, Lead, Purpose
from infosessions import services
from infosessions.models import CancelledBecause, Format, InfoSession, Registration, Status
from tests.admissions.factories import AdmissionsStaffFactory, MarketingFactory, SupervisorFactory
from tests.infosessions.factories import (
    InfoSessionFactory,
    RegistrationFactory,
    VirtualSessionFactory,
)
from tests.infosessions.test_admin import (
    ADD_SESSION,
    REGISTRATIONS,
    SESSIONS,
    action,
    admin_as,
    held_earlier,
    said,
    session_form,
    session_page,
)
from tests.infosessions.test_pages import registration_form

pytestmark = pytest.mark.django_db


def messages_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def details(email="robin@example.org", first_name="Robin"):
    return services.RegistrationDetails(
        first_name=first_name,
        last_name="Avery",
        email=email,
        phone=None,
        consent_given=True,
    )


def info_session_notes(lead: Lead) -> list[str]:
    return [
        activity.note
        for activity in lead.activities.filter(kind=ActivityKind.INFO_SESSION).order_by("pk")
    ]


def starting_in(**delta):
    starts_at = (timezone.now() + timedelta(**delta)).replace(microsecond=0)
    return {"starts_at": starts_at, "ends_at": starts_at + timedelta(hours=1)}


# --- The thank-you page says nothing it does not know ---------------------------------------------


def test_the_thank_you_page_reloaded_after_a_waiting_list_answer_does_not_say_registered(
    django_capture_on_commit_callbacks,
):
    session = InfoSessionFactory(capacity=1)
    RegistrationFactory(session=session)
    visitor = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post(session.get_absolute_url(), registration_form())

    first = visitor.get(response["Location"]).content.decode()
    reloaded = visitor.get(response["Location"]).content.decode()

    assert "You are on the waiting list" in first
    assert "You are registered" not in reloaded and "waiting list" not in reloaded
    assert "If you have just registered, the e-mail we sent you says where you stand" in reloaded
    assert 'href="/info-sessions/"' in reloaded


def test_the_thank_you_page_opened_directly_says_nothing_of_a_registration():
    response = Client().get("/info-sessions/thanks/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "You are registered" not in html and "We have your request" not in html
    assert "confirmation" not in html
    assert 'href="/info-sessions/"' in html


# --- Calling a session off closes its places ------------------------------------------------------


@pytest.fixture
def called_off(register, django_capture_on_commit_callbacks):
    """A full session, one seat held and one person waiting, then called off."""
    session = InfoSessionFactory(capacity=1, title="Evening IOP: what to expect")
    holder = register(session, email="holder@example.org")
    waiting = register(session, email="waiting@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_session(session.pk)
    session.refresh_from_db()
    holder.refresh_from_db()
    waiting.refresh_from_db()
    return session, holder, waiting


def test_calling_a_session_off_closes_every_place_at_it_with_its_reason(called_off):
    session, holder, waiting = called_off

    for registration in (holder, waiting):
        assert registration.status == Status.CANCELLED
        assert registration.cancelled_because == CancelledBecause.SESSION_CANCELLED
        assert registration.cancelled_at == session.cancelled_at
        assert registration.status_label == "Cancelled (session cancelled)"
    assert not session.registrations.active().exists()


def test_a_place_given_up_by_its_registrant_says_so(register):
    registration = register(InfoSessionFactory())

    services.cancel_registration(registration.pk)

    registration.refresh_from_db()
    assert registration.cancelled_because == CancelledBecause.GIVEN_UP
    assert registration.status_label == "Cancelled (given up)"


def test_the_people_told_of_a_session_called_off_keep_their_calendar_right(called_off):
    _, holder, waiting = called_off

    (to_holder,) = messages_to(holder.email)[-1:]
    (to_waiting,) = messages_to(waiting.email)[-1:]

    assert to_holder.subject.startswith("Cancelled") and to_waiting.subject.startswith("Cancelled")
    assert to_holder.attachments[0][2] == "text/calendar; method=CANCEL"
    assert to_waiting.attachments == []


def test_places_at_a_session_called_off_are_not_listed_as_registered_or_waiting(called_off):
    session, _, _ = called_off
    staff = admin_as(AdmissionsStaffFactory())

    registered = staff.get(REGISTRATIONS, {"status__exact": Status.REGISTERED})
    waiting = staff.get(REGISTRATIONS, {"status__exact": Status.WAITLISTED})
    page = staff.get(session_page(session)).content.decode()

    assert list(registered.context["cl"].result_list) == []
    assert list(waiting.context["cl"].result_list) == []
    assert page.count("Cancelled (session cancelled)") == 2
    assert "On the waiting list" not in page and ">Registered<" not in page


def test_the_export_says_the_places_were_closed_with_the_session(called_off):
    session, _, _ = called_off
    supervisor = admin_as(SupervisorFactory())

    response = action(supervisor, SESSIONS, "export_registrations", [session])

    text = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    statuses = [row["Status"] for row in csv.DictReader(io.StringIO(text))]
    assert statuses == ["Cancelled (session cancelled)"] * 2


def test_the_dashboard_counts_places_at_a_session_called_off_as_given_up(called_off):
    today = timezone.localdate()

    sessions = figures_for(today, today, timezone.now()).info_sessions

    assert (sessions.registrations, sessions.cancelled, sessions.waitlisted) == (2, 2, 0)


def test_places_at_sessions_called_off_do_not_count_against_the_daily_limit(
    register, django_capture_on_commit_callbacks
):
    for _ in range(services.MAX_REGISTRATIONS_PER_ADDRESS_PER_DAY):
        session = InfoSessionFactory()
        register(session, email="robin@example.org")
        with django_capture_on_commit_callbacks(execute=True):
            services.cancel_session(session.pk)

    again = register(InfoSessionFactory(), email="robin@example.org")

    assert again.status == Status.REGISTERED


def test_a_place_at_a_session_called_off_is_never_counted_whatever_its_status_says(register):
    # As a place closed before calling a session off closed them could read.
    for _ in range(services.MAX_REGISTRATIONS_PER_ADDRESS_PER_DAY):
        RegistrationFactory(
            session=InfoSessionFactory(cancelled_at=timezone.now()), email="robin@example.org"
        )

    again = register(InfoSessionFactory(), email="robin@example.org")

    assert again.status == Status.REGISTERED


# --- The lead's timeline --------------------------------------------------------------------------


def test_a_seat_from_the_waiting_list_is_on_the_lead_s_timeline(
    register, django_capture_on_commit_callbacks
):
    session = InfoSessionFactory(capacity=1)
    holder = register(session, email="holder@example.org")
    waiting = register(session, email="waiting@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(holder.pk)

    assert info_session_notes(waiting.lead) == [
        f"On the waiting list: {session}",
        f"Given a seat from the waiting list: {session}",
    ]


def test_a_change_of_time_or_link_is_on_the_timeline_of_each_lead_told(
    register, django_capture_on_commit_callbacks
):
    session = VirtualSessionFactory(capacity=1)
    holder = register(session, email="holder@example.org")
    waiting = register(session, email="waiting@example.org")
    session.starts_at += timedelta(days=1)
    session.ends_at += timedelta(days=1)
    session.meeting_url = "https://meet.example.org/another-room"
    session.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.session_changed(session, {"starts_at", "ends_at", "meeting_url"})

    for registration in (holder, waiting):
        assert info_session_notes(registration.lead)[-1] == (
            f"Session changed (time and meeting link), told by e-mail: {session}"
        )


def test_a_change_nobody_is_told_of_is_not_on_the_timeline(register):
    session = InfoSessionFactory()
    registration = register(session)
    session.title = "A clearer title"
    session.save()

    services.session_changed(session, {"title"})

    assert len(info_session_notes(registration.lead)) == 1  # "Registered: …"


def test_a_session_called_off_is_on_the_timeline_of_each_lead(called_off):
    session, holder, waiting = called_off

    for registration in (holder, waiting):
        assert info_session_notes(registration.lead)[-1] == (
            f"Session cancelled, told by e-mail: {session}"
        )


def test_the_timeline_notes_name_the_session_never_the_person(called_off):
    _, holder, _ = called_off

    for note in info_session_notes(holder.lead):
        assert "Robin" not in note and "Avery" not in note and "@" not in note


# --- A form sent once registration closed ---------------------------------------------------------


def test_a_form_sent_after_the_session_was_called_off_says_so_without_the_form(
    django_capture_on_commit_callbacks,
):
    session = InfoSessionFactory(capacity=1)
    RegistrationFactory(session=session)  # full: the page offered the waiting list
    visitor = Client()
    visitor.get(session.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_session(session.pk)

    response = visitor.post(
        session.get_absolute_url(), registration_form(first_name="Quinlan", phone="6175550123")
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert "This session has been cancelled." in html
    assert "This session is full" not in html and "Join the waiting list" not in html
    assert 'id="registration-form"' not in html
    assert "Quinlan" not in html and "robin.avery@example.org" not in html
    assert 'href="/info-sessions/"' in html
    assert not Lead.objects.exists()
    assert Registration.objects.count() == 1


def test_a_form_sent_after_the_session_started_says_it_has_started():
    session = InfoSessionFactory(**starting_in(minutes=30))

    with time_machine.travel(session.starts_at + timedelta(minutes=1)):
        response = Client().post(session.get_absolute_url(), registration_form())

    html = response.content.decode()
    assert response.status_code == 409
    assert "This session has already started." in html
    assert 'id="registration-form"' not in html and "seats left" not in html
    assert not Lead.objects.exists()


def test_a_session_called_off_while_the_form_was_being_sent_is_said_so(monkeypatch):
    from admissions import screening

    session = InfoSessionFactory()
    screen = screening.screen

    def called_off_meanwhile(*args, **kwargs):
        services.cancel_session(session.pk)
        return screen(*args, **kwargs)

    monkeypatch.setattr(screening, "screen", called_off_meanwhile)

    response = Client().post(session.get_absolute_url(), registration_form(first_name="Quinlan"))

    html = response.content.decode()
    assert response.status_code == 409
    assert "This session has been cancelled." in html
    assert 'id="registration-form"' not in html and "Quinlan" not in html
    assert not Lead.objects.exists()


# --- Attendance -----------------------------------------------------------------------------------


def test_attendance_is_not_marked_for_a_place_given_up(register):
    session = InfoSessionFactory()
    registration = register(session)
    services.cancel_registration(registration.pk)
    held_earlier(session)

    with pytest.raises(services.PlaceNotHeldError):
        services.mark_attendance(registration.pk, attended=True, by=None)

    registration.refresh_from_db()
    assert registration.attended is None


def test_attendance_is_not_marked_at_a_session_called_off(called_off):
    session, holder, _ = called_off

    with (
        time_machine.travel(session.starts_at + timedelta(minutes=30)),
        pytest.raises(services.PlaceNotHeldError),
    ):
        services.mark_attendance(holder.pk, attended=True, by=None)


def test_staff_marking_attendance_are_told_which_places_were_left_unmarked_and_why(register):
    session = InfoSessionFactory()
    came = register(session, email="came@example.org")
    gave_up = register(session, email="gave.up@example.org")
    services.cancel_registration(gave_up.pk)
    held_earlier(session)
    staff = admin_as(AdmissionsStaffFactory())

    response = action(staff, REGISTRATIONS, "mark_attended", [came, gave_up])

    came.refresh_from_db()
    gave_up.refresh_from_db()
    assert (came.attended, gave_up.attended) == (True, None)
    messages = said(response)
    assert "1 registration was given up, or its session called off: left unmarked." in messages
    assert "Marked 1 registration: attended." in messages


def test_the_dashboard_never_counts_more_attendees_than_places_held(register):
    session = InfoSessionFactory(capacity=3)
    places = [register(session, email=f"person{n}@example.org") for n in range(3)]
    services.cancel_registration(places[0].pk)
    held_earlier(session)
    staff = admin_as(AdmissionsStaffFactory())

    action(staff, REGISTRATIONS, "mark_attended", places)

    today = timezone.localdate()
    figures = figures_for(today, today, timezone.now()).info_sessions
    assert (figures.attended, figures.seats_taken) == (2, 2)


# --- Only the reminders that will be sent are promised --------------------------------------------


def confirmation_and_thanks(session, django_capture_on_commit_callbacks) -> tuple[str, str]:
    visitor = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post(session.get_absolute_url(), registration_form())
    (confirmation,) = messages_to("robin.avery@example.org")
    return confirmation.body, visitor.get(response["Location"]).content.decode()


def test_a_place_taken_days_ahead_is_promised_both_reminders(django_capture_on_commit_callbacks):
    session = InfoSessionFactory(**starting_in(days=3))

    for text in confirmation_and_thanks(session, django_capture_on_commit_callbacks):
        assert "We will remind you the day before and an hour before." in text


def test_a_place_taken_after_the_day_before_reminder_was_due_is_promised_the_hour_before_alone(
    django_capture_on_commit_callbacks,
):
    session = InfoSessionFactory(**starting_in(hours=5))

    for text in confirmation_and_thanks(session, django_capture_on_commit_callbacks):
        assert "We will remind you an hour before." in text
        assert "the day before" not in text

    with (
        time_machine.travel(session.starts_at - timedelta(hours=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.send_due_reminders() == 1  # the one promised is sent


def test_a_place_taken_in_the_last_hour_is_promised_no_reminder(
    django_capture_on_commit_callbacks,
):
    session = InfoSessionFactory(**starting_in(minutes=40))

    for text in confirmation_and_thanks(session, django_capture_on_commit_callbacks):
        assert "remind you" not in text


def test_the_reminders_promised_are_those_send_due_reminders_makes(register):
    session = InfoSessionFactory(**starting_in(hours=30))
    registration = register(session)
    day_before = services.reminder_due_at(session, services.DAY_BEFORE)
    hour_before = services.reminder_due_at(session, services.HOUR_BEFORE)

    assert services.reminders_to_come(registration) == [services.DAY_BEFORE, services.HOUR_BEFORE]
    registration.created_at = day_before
    assert services.reminders_to_come(registration) == [services.HOUR_BEFORE]
    registration.promoted_at = hour_before
    assert services.reminders_to_come(registration) == []


def test_a_confirmation_sent_again_promises_only_the_reminders_still_to_come(
    register, django_capture_on_commit_callbacks
):
    session = InfoSessionFactory(**starting_in(days=3))
    register(session, email="robin@example.org")
    mail.outbox.clear()

    with (
        time_machine.travel(session.starts_at - timedelta(hours=3)),
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(services.AlreadyRegisteredError),
    ):
        services.register(session.pk, details())

    (again,) = mail.outbox
    assert "We will remind you an hour before." in again.body
    assert "the day before" not in again.body


# --- A session in person has no meeting link ------------------------------------------------------


def test_a_meeting_link_on_a_session_in_person_is_refused_with_a_clear_message():
    session = InfoSessionFactory.build(
        format=Format.IN_PERSON, meeting_url="https://meet.example.org/room"
    )

    with pytest.raises(ValidationError) as refused:
        session.clean()

    assert refused.value.message_dict["meeting_url"] == [
        "A session in person has no meeting link: remove the link, or make the session online."
    ]


def test_admin_refuses_a_meeting_link_on_a_session_in_person():
    session = InfoSessionFactory()
    marketing = admin_as(MarketingFactory())

    response = marketing.post(
        session_page(session), session_form(session, meeting_url="https://meet.example.org/room")
    )

    assert response.status_code == 200
    assert "A session in person has no meeting link" in response.content.decode()
    session.refresh_from_db()
    assert session.meeting_url == ""


def test_a_change_to_the_link_of_a_session_in_person_is_no_news(
    register, django_capture_on_commit_callbacks
):
    # A link stored before it was refused, then removed.
    session = InfoSessionFactory()
    InfoSession.objects.filter(pk=session.pk).update(meeting_url="https://meet.example.org/room")
    session.refresh_from_db()
    registration = register(session, email="robin@example.org")
    mail.outbox.clear()
    marketing = admin_as(MarketingFactory())

    with django_capture_on_commit_callbacks(execute=True):
        response = marketing.post(session_page(session), session_form(session, meeting_url=""))

    assert response.status_code == 302, response.context["adminform"].errors
    session.refresh_from_db()
    assert (session.meeting_url, session.sequence) == ("", 0)
    assert not messages_to("robin@example.org")
    assert not any("told of the change" in message for message in said(response))
    assert len(info_session_notes(registration.lead)) == 1


def test_a_change_to_the_link_of_an_online_session_is_still_news(
    register, django_capture_on_commit_callbacks
):
    session = VirtualSessionFactory()
    register(session, email="robin@example.org")
    mail.outbox.clear()
    marketing = admin_as(MarketingFactory())

    with django_capture_on_commit_callbacks(execute=True):
        marketing.post(
            session_page(session),
            session_form(session, meeting_url="https://meet.example.org/another-room"),
        )

    (update,) = messages_to("robin@example.org")
    assert update.subject.startswith("Changed")


# --- An update says what changed ------------------------------------------------------------------


def test_an_update_gives_the_new_time_and_the_earlier_one(
    register, django_capture_on_commit_callbacks
):
    starts = timezone.localtime().replace(hour=18, minute=0, second=0, microsecond=0)
    session = InfoSessionFactory(
        starts_at=starts + timedelta(days=3), ends_at=starts + timedelta(days=3, hours=1)
    )
    register(session, email="robin@example.org")
    mail.outbox.clear()
    marketing = admin_as(MarketingFactory())
    before = timezone.localtime(session.starts_at)
    later = before + timedelta(days=1, hours=1)

    with django_capture_on_commit_callbacks(execute=True):
        marketing.post(
            session_page(session),
            session_form(
                session,
                starts_at_0=f"{later:%Y-%m-%d}",
                starts_at_1=f"{later:%H:%M:%S}",
                ends_at_0=f"{later:%Y-%m-%d}",
                ends_at_1=f"{later + timedelta(hours=1):%H:%M:%S}",
            ),
        )

    (update,) = messages_to("robin@example.org")
    zone = f"{later:%Z}"
    assert (
        f"Your session has a new time: {later:%A, %B} {later.day}, {later.year}, 7:00 PM to "
        f"8:00 PM ({zone})." in update.body
    )
    assert (
        f"It was {before:%A, %B} {before.day}, {before.year}, 6:00 PM to 7:00 PM "
        f"({before:%Z})." in update.body
    )
    assert "Something about your session has changed" not in update.body


def test_an_update_says_the_link_changed(register, django_capture_on_commit_callbacks):
    session = VirtualSessionFactory(capacity=1)
    register(session, email="holder@example.org")
    register(session, email="waiting@example.org")
    mail.outbox.clear()
    session.meeting_url = "https://meet.example.org/another-room"
    session.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.session_changed(session, {"meeting_url"})

    (to_holder,) = messages_to("holder@example.org")
    assert "The link to join your session has changed: use the new one below." in to_holder.body
    assert "another-room" in to_holder.body
    assert "new time" not in to_holder.body
    assert messages_to("waiting@example.org") == []  # the link comes with a seat


# --- A start in the past is refused in admin ------------------------------------------------------


def test_a_new_session_starting_in_the_past_is_refused():
    marketing = admin_as(MarketingFactory())
    yesterday = timezone.localtime() - timedelta(days=1)

    response = marketing.post(
        ADD_SESSION,
        session_form(
            starts_at_0=f"{yesterday:%Y-%m-%d}",
            starts_at_1="18:00",
            ends_at_0=f"{yesterday:%Y-%m-%d}",
            ends_at_1="19:00",
        ),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["starts_at"] == [
        "This start is in the past: choose a date and time to come."
    ]
    assert not InfoSession.objects.exists()


def test_moving_a_session_s_start_into_the_past_is_refused():
    session = InfoSessionFactory()
    marketing = admin_as(MarketingFactory())
    yesterday = timezone.localtime() - timedelta(days=1)

    response = marketing.post(
        session_page(session),
        session_form(session, starts_at_0=f"{yesterday:%Y-%m-%d}", ends_at_0=""),
    )

    assert response.status_code == 200
    assert "This start is in the past" in response.content.decode()


def test_a_session_held_already_is_still_edited_without_touching_its_start():
    session = InfoSessionFactory()
    held_earlier(session)
    session.refresh_from_db()
    marketing = admin_as(MarketingFactory())

    response = marketing.post(session_page(session), session_form(session, title="Clearer"))

    assert response.status_code == 302, response.context["adminform"].errors
    session.refresh_from_db()
    assert session.title == "Clearer"


# --- Registering again with the same address ------------------------------------------------------


def test_registering_again_sends_the_confirmation_again_to_that_address_alone(
    register, django_capture_on_commit_callbacks
):
    session = InfoSessionFactory()
    register(session, email="robin@example.org")
    mail.outbox.clear()

    with (
        time_machine.travel(timezone.now() + timedelta(minutes=11)),
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(services.AlreadyRegisteredError) as already,
    ):
        services.register(session.pk, details("ROBIN@example.org", first_name="Mallory"))

    assert already.value.sent_again
    (again,) = mail.outbox
    assert again.to == ["robin@example.org"]
    assert "is confirmed" in again.subject
    assert "Hello Robin," in again.body and "Mallory" not in again.body
    assert again.attachments[0][2] == "text/calendar; method=REQUEST"
    assert Registration.objects.count() == 1
    assert Lead.objects.count() == 1  # the second sending is not stored as a lead either


def test_someone_waiting_who_registers_again_is_told_again_they_wait(
    register, django_capture_on_commit_callbacks
):
    session = InfoSessionFactory(capacity=1)
    register(session, email="holder@example.org")
    register(session, email="robin@example.org")
    mail.outbox.clear()

    with (
        time_machine.travel(timezone.now() + timedelta(minutes=11)),
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(services.AlreadyRegisteredError),
    ):
        services.register(session.pk, details("robin@example.org"))

    (again,) = mail.outbox
    assert again.to == ["robin@example.org"] and "waiting list" in again.subject


def test_the_confirmation_is_sent_again_at_most_every_ten_minutes(
    register, django_capture_on_commit_callbacks
):
    session = InfoSessionFactory()
    first = register(session, email="robin@example.org")
    start = first.created_at

    def register_again(minutes_later: float) -> bool:
        with (
            time_machine.travel(start + timedelta(minutes=minutes_later), tick=False),
            django_capture_on_commit_callbacks(execute=True),
            pytest.raises(services.AlreadyRegisteredError) as already,
        ):
            services.register(session.pk, details())
        return already.value.sent_again

    sent = [register_again(minutes) for minutes in (1, 5, 9.9, 10.5, 12, 15, 20.6, 21)]

    assert sent == [False, False, False, True, False, False, True, False]
    confirmations = Dispatch.objects.filter(purpose=Purpose.SESSION_CONFIRMATION)
    assert confirmations.count() == 3
    assert len(messages_to("robin@example.org")) == 3


def test_nothing_is_sent_again_while_the_first_confirmation_is_still_on_its_way(
    register, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("infosessions.services.publish_quickly", lambda task, *args: False)
    session = InfoSessionFactory()
    register(session, email="robin@example.org")  # made, not sent: the mail server is down

    with (
        time_machine.travel(timezone.now() + timedelta(minutes=30)),
        pytest.raises(services.AlreadyRegisteredError) as already,
    ):
        services.register(session.pk, details())

    assert not already.value.sent_again
    assert Dispatch.objects.filter(purpose=Purpose.SESSION_CONFIRMATION).count() == 1


def test_the_page_answers_the_same_whether_or_not_the_confirmation_went_again(
    django_capture_on_commit_callbacks,
):
    session = InfoSessionFactory()
    RegistrationFactory(session=session, email="robin.avery@example.org")  # confirmed long ago

    def thanks_after_sending() -> str:
        visitor = Client()
        with django_capture_on_commit_callbacks(execute=True):
            response = visitor.post(session.get_absolute_url(), registration_form())
        return visitor.get(response["Location"]).content.decode()

    sent_again = thanks_after_sending()
    not_sent_again = thanks_after_sending()  # within ten minutes of the first

    assert len(messages_to("robin.avery@example.org")) == 1
    assert sent_again == not_sent_again
    assert "<h1>Thank you. We have your request.</h1>" in sent_again
