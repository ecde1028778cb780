"""Registering for a session: a seat while seats are left, then the waiting list; one place per
e-mail address; the registration is a lead through the admissions intake; the confirmation
carries a calendar invitation."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from admissions.models import ActivityKind, Dispatch, Lead, LeadKind, Purpose
from admissions.services import Screening
from infosessions import services
from infosessions.models import Status
from tests.infosessions.conftest import INBOX
from tests.infosessions.factories import InfoSessionFactory, RegistrationFactory
from tests.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db


def messages_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def test_a_registration_takes_a_seat_and_is_a_lead_through_the_intake(register):
    program = ProgramFactory(slug="evening-iop")
    session = InfoSessionFactory(program=program, capacity=2)

    registration = register(session, email="Robin.Avery@Example.org")

    assert registration.status == Status.REGISTERED
    assert registration.email == "robin.avery@example.org"
    lead = registration.lead
    lead.refresh_from_db()
    assert lead.kind == LeadKind.INFO_SESSION
    assert lead.program == program
    assert lead.followed_up_at is not None  # routed, and staff told
    assert lead.activities.filter(kind=ActivityKind.INFO_SESSION).exists()
    assert session.seats_left() == 1
    (staff_message,) = messages_to(INBOX)
    assert "information session registration" in staff_message.subject.lower()
    assert "Robin" not in staff_message.body and "avery" not in staff_message.body.lower()


def test_the_confirmation_carries_an_invitation_and_names_no_treatment_in_its_subject(register):
    session = InfoSessionFactory(title="Evening IOP: what to expect")

    registration = register(session)

    (confirmation,) = messages_to("robin@example.org")
    assert "confirmed" in confirmation.subject
    assert "IOP" not in confirmation.subject and "treatment" not in confirmation.subject.lower()
    assert "Evening IOP: what to expect" in confirmation.body
    token = re.search(r"/info-sessions/cancel/([^/\s]+)/", confirmation.body)[1]
    assert services.registration_for_cancel_token(token) == registration
    (name, content, mimetype), *_ = confirmation.attachments
    assert (name, mimetype) == ("invitation.ics", "text/calendar; method=REQUEST")
    part = next(p for p in confirmation.message().walk() if p.get_content_type() == "text/calendar")
    assert part.get_param("method") == "REQUEST"
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert "Evening IOP: what to expect" in event["DESCRIPTION"]


def test_the_first_e_mail_of_a_place_tells_a_stranger_what_to_do_and_that_the_link_asks_first(
    register,
):
    # Mail scanners open links: the cancel link shows a page that asks, it gives nothing up.
    session = InfoSessionFactory(capacity=1)
    register(session, email="seat@example.org")
    register(session, email="waiting@example.org")

    for address in ("seat@example.org", "waiting@example.org"):
        (message,) = messages_to(address)
        assert "Did not sign up for this? You can ignore this e-mail" in message.body
        assert "Open this link and confirm to give up your place" in message.body
        assert "one click" not in message.body


def test_no_acknowledgment_besides_the_confirmation(register):
    register(InfoSessionFactory())

    subjects = [message.subject for message in messages_to("robin@example.org")]
    assert len(subjects) == 1
    assert not any("We received your request" in subject for subject in subjects)


def test_when_the_seats_are_taken_the_next_person_waits_on_the_list_and_is_told(register):
    session = InfoSessionFactory(capacity=1)
    register(session, email="first@example.org")

    second = register(session, email="second@example.org")

    assert second.status == Status.WAITLISTED
    (message,) = messages_to("second@example.org")
    assert "waiting list" in message.subject
    assert session.seats_left() == 0


def test_the_same_e_mail_cannot_register_twice_for_one_session(register):
    session = InfoSessionFactory()
    register(session, email="robin@example.org")

    with pytest.raises(services.AlreadyRegisteredError):
        register(session, email="ROBIN@example.org")

    assert session.registrations.count() == 1


def test_a_place_given_up_may_be_taken_again(register):
    session = InfoSessionFactory()
    first = register(session)
    services.cancel_registration(first.pk)

    again = register(session)

    assert again.status == Status.REGISTERED


def test_the_same_form_sent_twice_is_one_registration(register):
    session = InfoSessionFactory()

    first = register(session, form_nonce="double-click")
    second = register(session, form_nonce="double-click")

    assert first.pk == second.pk
    assert len(messages_to("robin@example.org")) == 1


def unpublished(session):
    session.published = False
    session.save()


def started(session):
    session.starts_at = timezone.now() - timedelta(minutes=5)
    session.ends_at = session.starts_at + timedelta(hours=1)
    session.save()


def cancelled(session):
    services.cancel_session(session.pk)


@pytest.mark.parametrize("close", [unpublished, started, cancelled])
def test_a_session_not_open_takes_no_registration(register, close):
    session = InfoSessionFactory()
    close(session)

    with pytest.raises(services.RegistrationClosedError):
        register(session)

    assert not session.registrations.exists()


def test_a_registration_that_looks_automated_is_a_lead_for_the_desk_but_takes_no_seat(register):
    session = InfoSessionFactory(capacity=1)

    with pytest.raises(services.NotRegisteredError):
        register(session, screening=Screening(bot_signals=("honeypot",)))

    assert session.seats_left() == 1
    assert not messages_to("robin@example.org")
    assert Lead.objects.get().kind == LeadKind.INFO_SESSION


def test_giving_a_place_up_frees_it_for_the_first_on_the_waiting_list_who_is_told(
    register, django_capture_on_commit_callbacks
):
    session = InfoSessionFactory(capacity=1)
    holder = register(session, email="holder@example.org")
    first_waiting = register(session, email="first@example.org")
    register(session, email="second@example.org")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(holder.pk)
        services.cancel_registration(holder.pk)  # a second click changes nothing

    first_waiting.refresh_from_db()
    assert first_waiting.status == Status.REGISTERED
    assert first_waiting.promoted_at is not None
    assert session.registrations.get(email="second@example.org").status == Status.WAITLISTED
    (seat_opened,) = messages_to("first@example.org")
    assert "opened" in seat_opened.subject
    (given_up,) = messages_to("holder@example.org")
    assert Calendar.from_ical(given_up.attachments[0][1])["METHOD"] == "CANCEL"
    assert given_up.attachments[0][2] == "text/calendar; method=CANCEL"
    assert not messages_to("second@example.org")


def test_more_seats_go_to_the_waiting_list(register):
    session = InfoSessionFactory(capacity=1)
    register(session, email="holder@example.org")
    waiting = register(session, email="waiting@example.org")

    session.capacity = 2
    session.save()
    services.session_changed(session, {"capacity"})

    waiting.refresh_from_db()
    assert waiting.status == Status.REGISTERED


def test_registrant_messages_are_sent_once_each(register):
    session = InfoSessionFactory()
    registration = register(session)
    services._tell(registration, Purpose.SESSION_CONFIRMATION)

    assert Dispatch.objects.filter(purpose=Purpose.SESSION_CONFIRMATION).count() == 1
    assert RegistrationFactory._meta.model.objects.count() == 1


def test_a_session_that_has_started_is_not_called_off(register):
    session = InfoSessionFactory(starts_at=timezone.now() + timedelta(minutes=10))
    register(session)

    with time_machine.travel(session.starts_at + timedelta(minutes=1)):
        told = services.cancel_session(session.pk)

    session.refresh_from_db()
    assert (told, session.cancelled_at) == (0, None)


def test_attendance_is_marked_once_the_session_has_started(register):
    session = InfoSessionFactory(starts_at=timezone.now() + timedelta(minutes=10))
    registration = register(session)

    before = services.mark_attendance(registration.pk, attended=True, by=None)
    with time_machine.travel(session.starts_at + timedelta(minutes=30)):
        during = services.mark_attendance(registration.pk, attended=True, by=None)

    registration.refresh_from_db()
    assert (before, during, registration.attended) == (False, True, True)


def test_a_link_changed_before_the_confirmation_went_out_is_in_the_confirmation_sent(
    django_capture_on_commit_callbacks,
):
    from admissions.notifications import deliver
    from tests.infosessions.factories import VirtualSessionFactory

    session = VirtualSessionFactory(meeting_url="https://meet.example.org/old-room")
    details = services.RegistrationDetails(
        first_name="Robin",
        last_name="Avery",
        email="robin@example.org",
        phone=None,
        consent_given=True,
    )
    with django_capture_on_commit_callbacks():  # stored; the mail server is down for now
        services.register(session.pk, details)
    type(session).objects.filter(pk=session.pk).update(
        meeting_url="https://meet.example.org/new-room"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.session_changed(session, {"meeting_url"})
    for dispatch in Dispatch.objects.pending():  # the mail server is back: the sweep
        deliver(dispatch.pk)

    (message,) = messages_to("robin@example.org")
    assert "is confirmed" in message.subject
    assert "new-room" in message.body and "old-room" not in message.body
    old, new = Dispatch.objects.filter(purpose=Purpose.SESSION_CONFIRMATION).order_by("pk")
    assert old.given_up_at is not None and new.sent_at is not None


def test_seats_cut_below_the_places_taken_move_nobody_and_give_no_seat_until_back_under(
    register, django_capture_on_commit_callbacks
):
    session = InfoSessionFactory(capacity=3)
    holders = [register(session, email=f"holder{n}@example.org") for n in range(3)]
    waiting = register(session, email="waiting@example.org")
    mail.outbox.clear()

    session.capacity = 1
    session.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.session_changed(session, {"capacity"})
        services.cancel_registration(holders[0].pk)  # still one over the seats
    newcomer = register(session, email="newcomer@example.org")

    assert [h.status for h in session.registrations.filter(email__startswith="holder")] == [
        Status.CANCELLED,
        Status.REGISTERED,
        Status.REGISTERED,
    ]
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITLISTED
    assert not messages_to("waiting@example.org")
    assert newcomer.status == Status.WAITLISTED
