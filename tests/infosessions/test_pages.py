"""/info-sessions/ lists upcoming published sessions by day; each session's page takes a
registration (or a place on the waiting list when full); program pages show their next
sessions; the meeting link is only ever in the registrant's e-mails; the cancel link frees
the seat, and a tampered or expired one does nothing."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from infosessions import services
from infosessions.models import Registration, Status
from tests.admissions.conftest import form_token_shown
from tests.infosessions.factories import (
    InfoSessionFactory,
    RegistrationFactory,
    VirtualSessionFactory,
)
from tests.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db

BOSTON = ZoneInfo("America/New_York")


def html_of(path: str) -> str:
    response = Client().get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def registration_form(**overrides) -> dict[str, str]:
    return {
        "first_name": "Robin",
        "last_name": "Avery",
        "email": "robin.avery@example.org",
        "phone": "",
        "consent": "on",
        "website": "",
        "form_token": form_token_shown(seconds_ago=60),
        **overrides,
    }


def days_from_now(days: int, hour: int = 18) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=BOSTON)


# --- The list ----------------------------------------------------------------------------------


def test_the_list_groups_upcoming_sessions_by_day_with_seats_left():
    InfoSessionFactory(title="Evening IOP", starts_at=days_from_now(2), capacity=10)
    InfoSessionFactory(title="PHP open house", starts_at=days_from_now(2, hour=10))
    full = InfoSessionFactory(title="Family night", starts_at=days_from_now(5), capacity=1)
    RegistrationFactory(session=full)

    html = html_of("/info-sessions/")

    assert html.index("PHP open house") < html.index("Evening IOP") < html.index("Family night")
    assert html.count('<h2 id="day-') == 2
    assert "10 seats left" in html
    assert "Full" in html


def test_past_unpublished_and_cancelled_sessions_are_not_listed():
    InfoSessionFactory(title="Already held", starts_at=timezone.now() - timedelta(hours=2))
    InfoSessionFactory(title="Not yet published", published=False)
    services.cancel_session(InfoSessionFactory(title="Called off").pk)
    InfoSessionFactory(title="Still to come")

    html = html_of("/info-sessions/")

    assert "Still to come" in html
    for hidden in ("Already held", "Not yet published", "Called off"):
        assert hidden not in html


def test_a_started_session_leaves_the_cached_list_and_program_page_within_the_bound(settings):
    program = ProgramFactory(slug="evening-iop")
    session = InfoSessionFactory(
        program=program, title="Tonight", starts_at=timezone.now() + timedelta(hours=1)
    )
    pages = ("/info-sessions/", "/programs/evening-iop/")
    with time_machine.travel(session.starts_at - timedelta(seconds=1), tick=False):
        for path in pages:
            assert "Tonight" in html_of(path), path
            assert Client().get(path)["X-Page-Cache"] == "hit", path  # kept, as served next

    bound = timedelta(seconds=settings.PAGE_CACHE_SECONDS)
    with time_machine.travel(session.starts_at + bound, tick=False):
        for path in pages:
            assert "Tonight" not in html_of(path), path


def test_the_meeting_link_is_never_on_a_public_page():
    session = VirtualSessionFactory(program=ProgramFactory(slug="evening-iop"))

    for path in (
        "/info-sessions/",
        "/info-sessions/next/",
        session.get_absolute_url(),
        "/programs/evening-iop/",
    ):
        assert "meet.example.org" not in html_of(path), path


def test_a_program_page_shows_its_next_sessions():
    program = ProgramFactory(slug="evening-iop")
    InfoSessionFactory(program=program, title="Evening IOP: meet the team")
    InfoSessionFactory(title="About another program")

    html = html_of("/programs/evening-iop/")

    assert "Evening IOP: meet the team" in html
    assert "About another program" not in html


def test_the_list_takes_a_fixed_number_of_queries(django_assert_num_queries, settings):
    settings.PAGE_CACHE_SECONDS = 0
    for session in InfoSessionFactory.create_batch(5):
        RegistrationFactory.create_batch(3, session=session)
    Client().get("/info-sessions/")

    with django_assert_num_queries(1):
        Client().get("/info-sessions/")


def test_the_list_is_kept_in_the_page_cache():
    InfoSessionFactory()
    Client().get("/info-sessions/")

    assert Client().get("/info-sessions/")["X-Page-Cache"] == "hit"


# --- Registering -------------------------------------------------------------------------------


def test_registering_on_the_session_page_takes_a_seat_and_says_so(
    django_capture_on_commit_callbacks,
):
    session = InfoSessionFactory(title="Evening IOP", capacity=5)
    visitor = Client()

    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post(session.get_absolute_url(), registration_form())

    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.status == Status.REGISTERED
    thanks = visitor.get(response["Location"]).content.decode()
    assert "You are registered" in thanks and "Evening IOP" in thanks
    assert "robin" not in response["Location"].lower()
    (confirmation,) = mail.outbox[-1:]
    assert confirmation.to == ["robin.avery@example.org"]


def test_a_full_session_offers_the_waiting_list_and_says_so_after(
    django_capture_on_commit_callbacks,
):
    session = InfoSessionFactory(capacity=1)
    RegistrationFactory(session=session)
    visitor = Client()

    page = visitor.get(session.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post(session.get_absolute_url(), registration_form())

    assert "This session is full" in page and "Join the waiting list" in page
    # No confirmation, calendar invitation or reminders are promised to someone only waiting.
    assert "you are on the waiting list, and again if a place opens for you" in page
    assert "the calendar invitation and the reminders go here" not in page
    assert Registration.objects.get(email="robin.avery@example.org").status == Status.WAITLISTED
    assert "You are on the waiting list" in visitor.get(response["Location"]).content.decode()


def test_mistakes_are_listed_at_the_top_and_nothing_is_stored():
    session = InfoSessionFactory()

    response = Client().post(
        session.get_absolute_url(),
        registration_form(first_name="", email="not-an-address", consent=""),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in html
    assert "Enter your first name." in html
    assert "Enter an e-mail address like name@example.com." in html
    assert not Registration.objects.exists()


def test_registering_twice_with_one_e_mail_keeps_one_place_and_tells_nobody_who_registered():
    session = InfoSessionFactory()
    RegistrationFactory(session=session, email="robin.avery@example.org", status=Status.WAITLISTED)
    visitor = Client()

    response = visitor.post(session.get_absolute_url(), registration_form())

    thanks = visitor.get(response["Location"]).content.decode()
    assert "Thank you." in thanks
    assert "registered" not in thanks.split("<h1>")[1].split("</h1>")[0]
    assert "waiting list" not in thanks
    assert Registration.objects.count() == 1
    assert not mail.outbox


def test_a_form_sent_faster_than_a_person_could_is_shown_again_and_stores_nothing():
    session = InfoSessionFactory()

    response = Client().post(
        session.get_absolute_url(), registration_form(form_token=form_token_shown(seconds_ago=0))
    )

    assert response.status_code == 200
    assert 'id="resend-notice"' in response.content.decode()
    assert not Registration.objects.exists()


def test_a_filled_honeypot_takes_no_seat_but_keeps_the_lead_for_the_desk():
    from admissions.models import Lead

    session = InfoSessionFactory(capacity=1)

    response = Client().post(session.get_absolute_url(), registration_form(website="spam.example"))

    assert response.status_code == 302
    assert not Registration.objects.exists()
    assert Lead.objects.count() == 1


@pytest.mark.parametrize("cause", ["address registered already", "looked automated"])
def test_a_request_answered_without_a_place_promises_no_e_mail_that_may_not_come(cause):
    session = InfoSessionFactory()
    form = registration_form()
    if cause == "address registered already":
        RegistrationFactory(session=session, email=form["email"])
    else:
        form["website"] = "spam.example"  # the honeypot: kept for the desk, nothing sent
    visitor = Client()

    response = visitor.post(session.get_absolute_url(), form)

    thanks = visitor.get(response["Location"]).content.decode()
    assert "<h1>Thank you. We have your request.</h1>" in thanks
    assert "No e-mail from us within a few minutes" in thanks and "Call admissions" in thanks
    assert "confirmation e-mail" not in thanks


def test_a_session_not_published_has_no_page():
    session = InfoSessionFactory(published=False)

    assert Client().get(session.get_absolute_url()).status_code == 404
    assert Client().post(session.get_absolute_url(), registration_form()).status_code == 404


def test_a_registration_sent_after_the_session_started_is_told_it_closed():
    session = InfoSessionFactory(starts_at=timezone.now() + timedelta(minutes=30))
    form = registration_form()

    with time_machine.travel(session.starts_at + timedelta(minutes=1)):
        response = Client().post(session.get_absolute_url(), form)

    assert response.status_code == 409
    assert "This session has already started." in response.content.decode()
    assert not Registration.objects.exists()


def test_the_session_page_is_never_stored_by_a_browser_or_proxy():
    response = Client().get(InfoSessionFactory().get_absolute_url())

    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_the_thank_you_and_cancel_pages_are_never_stored_or_kept():
    holder = RegistrationFactory()
    paths = ["/info-sessions/thanks/", _path(services.cancel_link(holder))]

    for path in paths:
        for response in (Client().get(path), Client().get(path)):
            assert "no-store" in response["Cache-Control"], path
            assert response.get("X-Page-Cache") != "hit", path


# --- The registrant's cancel link ----------------------------------------------------------------


def _path(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def test_the_cancel_link_asks_then_frees_the_seat_for_the_waiting_list(
    django_capture_on_commit_callbacks,
):
    session = InfoSessionFactory(capacity=1)
    holder = RegistrationFactory(session=session)
    waiting = RegistrationFactory(session=session, status=Status.WAITLISTED)
    path = _path(services.cancel_link(holder))

    page = Client().get(path)
    holder.refresh_from_db()
    assert holder.status == Status.REGISTERED  # opening the link (a mail scanner) changes nothing
    assert "Give up your place?" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        done = Client().post(path)

    assert "Your place is given up" in done.content.decode()
    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert holder.status == Status.CANCELLED
    assert waiting.status == Status.REGISTERED
    assert any(waiting.email in message.to for message in mail.outbox)


def test_a_tampered_cancel_link_does_nothing():
    holder = RegistrationFactory()
    path = _path(services.cancel_link(holder))
    token = path.rstrip("/").rsplit("/", 1)[1]
    forged = path.replace(token, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))

    response = Client().post(forged)

    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    holder.refresh_from_db()
    assert holder.status == Status.REGISTERED


def test_an_expired_cancel_link_does_nothing():
    holder = RegistrationFactory(
        session=InfoSessionFactory(starts_at=timezone.now() + timedelta(days=200))
    )
    path = _path(services.cancel_link(holder))

    with time_machine.travel(timezone.now() + services.CANCEL_LINK_MAX_AGE + timedelta(days=1)):
        response = Client().post(path)

    assert response.status_code == 400
    holder.refresh_from_db()
    assert holder.status == Status.REGISTERED


def test_after_the_session_has_started_the_link_changes_nothing():
    session = InfoSessionFactory(starts_at=timezone.now() + timedelta(hours=1))
    holder = RegistrationFactory(session=session)
    path = _path(services.cancel_link(holder))

    with time_machine.travel(session.starts_at + timedelta(minutes=5)):
        response = Client().post(path)

    assert "already started" in response.content.decode()
    holder.refresh_from_db()
    assert holder.status == Status.REGISTERED


# --- The invitation -----------------------------------------------------------------------------


def test_the_invitation_parses_back_with_the_center_s_time_zone_and_a_stable_uid():
    from infosessions.calendar import invitation

    session = VirtualSessionFactory(
        title="Partial hospitalization: a day in the program",
        starts_at=datetime(2026, 12, 10, 18, 0, tzinfo=BOSTON),
        ends_at=datetime(2026, 12, 10, 19, 0, tzinfo=BOSTON),
    )
    registration = RegistrationFactory(session=session, email="robin@example.org")

    first = Calendar.from_ical(invitation(session, registration))
    services.session_changed(session, {"meeting_url"})
    session.refresh_from_db()
    updated = Calendar.from_ical(invitation(session, registration))
    cancelled = Calendar.from_ical(invitation(session, registration, cancelled=True))

    event = first.walk("VEVENT")[0]
    assert first["METHOD"] == "REQUEST"
    assert event["DTSTART"].dt == datetime(2026, 12, 10, 18, 0, tzinfo=BOSTON)
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert first.walk("VTIMEZONE")[0]["TZID"] == "America/New_York"
    assert event["LOCATION"] == "https://meet.example.org/resilience-iop"
    # Seen on a shared calendar or a lock screen: the center, not the program.
    assert event["SUMMARY"] == "Information session, Resilience"
    assert "Partial hospitalization" in event["DESCRIPTION"]
    assert str(event["ATTENDEE"]) == "mailto:robin@example.org"
    assert [e["UID"] for e in (event, updated.walk("VEVENT")[0])] == [event["UID"]] * 2
    assert (event["SEQUENCE"], updated.walk("VEVENT")[0]["SEQUENCE"]) == (0, 1)
    assert cancelled["METHOD"] == "CANCEL"
    assert cancelled.walk("VEVENT")[0]["STATUS"] == "CANCELLED"
    assert cancelled.walk("VEVENT")[0]["UID"] == event["UID"]
    assert "meet.example.org" not in cancelled.to_ical().decode()


def test_giving_a_place_up_outranks_every_invitation_the_person_was_sent(
    django_capture_on_commit_callbacks,
):
    # A change of status is a significant revision (RFC 5545): a CANCEL with the SEQUENCE of the
    # last invitation may be ignored by their calendar, leaving the event in it.
    session = VirtualSessionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.register(
            session.pk,
            services.RegistrationDetails(
                first_name="Robin",
                last_name="Avery",
                email="robin@example.org",
                phone=None,
                consent_given=True,
            ),
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.session_changed(session, {"meeting_url"})
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(registration.pk)

    sent = [
        Calendar.from_ical(message.attachments[0][1])
        for message in mail.outbox
        if message.to == ["robin@example.org"]
    ]
    methods = [calendar["METHOD"] for calendar in sent]
    events = [calendar.walk("VEVENT")[0] for calendar in sent]
    assert methods == ["REQUEST", "REQUEST", "CANCEL"]  # confirmed, updated, given up
    assert len({event["UID"] for event in events}) == 1
    invited, updated, given_up = (event["SEQUENCE"] for event in events)
    assert invited < updated < given_up
    assert events[-1]["STATUS"] == "CANCELLED"


def test_a_place_taken_again_after_giving_it_up_is_a_new_calendar_event():
    from infosessions.calendar import event_uid

    session = InfoSessionFactory()
    given_up = RegistrationFactory(
        session=session, email="robin@example.org", status=Status.CANCELLED
    )
    again = RegistrationFactory(session=session, email="robin@example.org")

    assert event_uid(session, given_up) != event_uid(session, again)


def test_the_next_session_has_an_address_that_never_changes(django_capture_on_commit_callbacks):
    InfoSessionFactory(title="Later", starts_at=timezone.now() + timedelta(days=9))
    soonest = InfoSessionFactory(title="Soonest", starts_at=timezone.now() + timedelta(days=2))
    visitor = Client()

    page = visitor.get("/info-sessions/next/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        visitor.post(soonest.get_absolute_url(), registration_form())

    assert "<h1>Soonest</h1>" in page
    assert f'action="{soonest.get_absolute_url()}"' in page
    assert f'rel="canonical" href="http://testserver{soonest.get_absolute_url()}"' in page or (
        f'{soonest.get_absolute_url()}">' in page
    )
    assert Registration.objects.get().session == soonest


def test_without_sessions_the_next_session_address_leads_to_the_list():
    response = Client().get("/info-sessions/next/")

    assert response.status_code == 302
    assert response["Location"] == "/info-sessions/"


def test_the_blank_session_page_is_kept_for_everyone_with_each_visitor_s_own_tokens():
    session = InfoSessionFactory()
    Client().get(session.get_absolute_url())

    first, second = (
        Client().get(session.get_absolute_url()),
        Client().get(session.get_absolute_url()),
    )

    assert first["X-Page-Cache"] == "hit"
    tokens = [
        re.search(r'name="form_token" value="([^"]+)"', response.content.decode()).group(1)
        for response in (first, second)
    ]
    assert tokens[0] != tokens[1]
    assert "formtokenforthisvisitor" not in first.content.decode()
    assert "no-store" in first["Cache-Control"]


def test_during_a_flood_the_session_page_asks_for_the_proof_of_work(monkeypatch):
    monkeypatch.setattr("admissions.views.proof_of_work_required_lately", lambda request: True)
    monkeypatch.setattr("admissions.screening.proof_of_work_required", lambda *a, **k: True)
    session = InfoSessionFactory()

    shown = Client().get(session.get_absolute_url()).content.decode()
    again = Client().post(session.get_absolute_url(), registration_form(first_name="")).content

    for html in (shown, again.decode()):
        assert 'data-challenge-url="/get-help/challenge/"' in html


def test_a_started_session_s_page_is_gone_within_the_bound_under_any_address(settings):
    # Reproduced: the blank page, kept for 20 s, made a page under a new address (?page=1)
    # 18 s later, which was then kept 20 s more: a started session was open 38 s after.
    session = InfoSessionFactory()
    url = session.get_absolute_url()
    bound = timedelta(seconds=settings.PAGE_CACHE_SECONDS)
    with time_machine.travel(session.starts_at - timedelta(seconds=1), tick=False):
        Client().get(url)
    with time_machine.travel(session.starts_at + bound - timedelta(seconds=2), tick=False):
        assert Client().get(f"{url}?page=1").status_code == 200

    with time_machine.travel(session.starts_at + bound, tick=False):
        responses = [Client().get(address) for address in (url, f"{url}?page=1")]

    assert [response.status_code for response in responses] == [404, 404]
