"""Sessions in admin: Marketing plans, repeats, moves and cancels them and registrants are told;
Marketing never sees who registered; admissions staff mark who came (on the lead's timeline);
supervisors export the registrations, and the export is recorded."""

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from admissions.models import ActivityKind, AuditAction, AuditEvent
from infosessions.models import Format, InfoSession, Registration, Status
from tests.admissions.factories import (
    AdmissionsStaffFactory,
    LeadFactory,
    MarketingFactory,
    SupervisorFactory,
)
from tests.center.factories import PersonFactory, PlaceFactory
from tests.factories import SuperuserFactory
from tests.infosessions.factories import (
    InfoSessionFactory,
    RegistrationFactory,
    VirtualSessionFactory,
)
from tests.staff_sign_in import sign_in

pytestmark = pytest.mark.django_db

BOSTON = ZoneInfo("America/New_York")
SESSIONS = reverse("admin:infosessions_infosession_changelist")
ADD_SESSION = reverse("admin:infosessions_infosession_add")
REGISTRATIONS = reverse("admin:infosessions_registration_changelist")


def admin_as(user) -> Client:
    """A browser of its own, signed in to admin (password and second factor) as `user`."""
    client = Client()
    sign_in(client, user)
    client.user = user
    return client


def session_page(session) -> str:
    return reverse("admin:infosessions_infosession_change", args=[session.pk])


def session_form(session=None, **overrides) -> dict:
    """What the session form sends: `session` as it stands, or a new one, with `overrides`."""
    if session is None:
        data = {
            "title": "Evening IOP: what to expect",
            "program": "",
            "description": "How the evening program works, and your questions answered.",
            "starts_at_0": "",
            "starts_at_1": "",
            "ends_at_0": "",
            "ends_at_1": "",
            "format": Format.IN_PERSON,
            "place": PlaceFactory().pk,
            "meeting_url": "",
            "capacity": "12",
            "host": PersonFactory().pk,
            "published": "on",
        }
    else:
        starts = timezone.localtime(session.starts_at)
        ends = timezone.localtime(session.ends_at)
        data = {
            "title": session.title,
            "program": session.program_id or "",
            "description": session.description,
            "starts_at_0": f"{starts:%Y-%m-%d}",
            "starts_at_1": f"{starts:%H:%M:%S}",
            "ends_at_0": f"{ends:%Y-%m-%d}",
            "ends_at_1": f"{ends:%H:%M:%S}",
            "format": session.format,
            "place": session.place_id or "",
            "meeting_url": session.meeting_url,
            "capacity": str(session.capacity),
            "host": session.host_id,
            "published": "on" if session.published else "",
        }
    return {**data, **overrides}


def action(client, url: str, name: str, objects, **extra):
    return client.post(
        url, {"action": name, "_selected_action": [obj.pk for obj in objects], **extra}
    )


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def messages_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def invitation_event(message):
    (name, content, mimetype), *_ = message.attachments
    calendar = Calendar.from_ical(content)
    assert (name, mimetype) == ("invitation.ics", f"text/calendar; method={calendar['METHOD']}")
    return calendar, calendar.walk("VEVENT")[0]


def held_earlier(session) -> None:
    """The session took place two hours ago (registering was only open before it)."""
    starts_at = timezone.now() - timedelta(hours=2)
    InfoSession.objects.filter(pk=session.pk).update(
        starts_at=starts_at, ends_at=starts_at + timedelta(hours=1)
    )


def exported(response) -> list[dict[str, str]]:
    assert response["Content-Type"] == "text/csv"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


# --- Planning sessions ------------------------------------------------------------------------


def test_marketing_adds_a_session_repeated_weekly_at_the_same_local_time_across_the_clock_change():
    # Clocks go back on Sunday, November 1, 2026: 6 pm is 22:00 UTC before, 23:00 UTC after.
    with time_machine.travel(datetime(2026, 10, 1, 14, 0, tzinfo=UTC), tick=False):
        marketing = admin_as(MarketingFactory())

        response = marketing.post(
            ADD_SESSION,
            session_form(
                starts_at_0="2026-10-27",
                starts_at_1="18:00",
                ends_at_0="2026-10-27",
                ends_at_1="19:00",
                repeat_weeks="2",
            ),
        )

    assert response.status_code == 302, response.context["adminform"].errors
    sessions = list(InfoSession.objects.order_by("starts_at"))
    assert [session.starts_at for session in sessions] == [
        datetime(2026, 10, 27, 22, 0, tzinfo=UTC),
        datetime(2026, 11, 3, 23, 0, tzinfo=UTC),
        datetime(2026, 11, 10, 23, 0, tzinfo=UTC),
    ]
    for session in sessions:
        local = session.starts_at.astimezone(BOSTON)
        assert (local.weekday(), local.hour, local.minute) == (1, 18, 0)  # Tuesdays, 6 pm
        assert session.ends_at - session.starts_at == timedelta(hours=1)
        assert session.title == "Evening IOP: what to expect" and session.published
    assert len({session.uid for session in sessions}) == 3  # three sessions, not one
    assert any(
        "Made 2 copies" in message and "Tue Nov 10, 2026 6:00 PM" in message
        for message in said(response)
    )


def test_a_session_is_repeated_for_at_most_twelve_more_weeks():
    marketing = admin_as(MarketingFactory())
    start = timezone.localtime() + timedelta(days=7)

    response = marketing.post(
        ADD_SESSION,
        session_form(
            starts_at_0=f"{start:%Y-%m-%d}",
            starts_at_1="18:00",
            ends_at_0=f"{start:%Y-%m-%d}",
            ends_at_1="19:00",
            repeat_weeks="13",
        ),
    )

    assert response.status_code == 200
    assert "repeat_weeks" in response.context["adminform"].form.errors
    assert not InfoSession.objects.exists()


def test_the_list_shows_upcoming_sessions_with_their_local_start_and_seats_taken():
    start = datetime(2026, 10, 27, 18, 0, tzinfo=BOSTON)
    with time_machine.travel(datetime(2026, 10, 1, 14, 0, tzinfo=UTC), tick=False):
        marketing = admin_as(MarketingFactory())
        session = InfoSessionFactory(starts_at=start, capacity=2)
        RegistrationFactory.create_batch(2, session=session)
        RegistrationFactory(session=session, status=Status.WAITLISTED)
        RegistrationFactory(session=session, status=Status.CANCELLED)
        past = InfoSessionFactory(starts_at=datetime(2026, 9, 1, 18, 0, tzinfo=BOSTON))

        response = marketing.get(SESSIONS)
        past_response = marketing.get(SESSIONS, {"when": "past"})

    assert list(response.context["cl"].result_list) == [session]
    assert list(past_response.context["cl"].result_list) == [past]
    html = response.content.decode()
    assert "Tue Oct 27, 2026 6:00 PM" in html
    assert "2 / 2, 1 waiting" in html


# --- Who sees registrations -------------------------------------------------------------------


def test_marketing_edits_sessions_but_never_sees_who_registered():
    session = InfoSessionFactory()
    RegistrationFactory(session=session, first_name="Robin", email="robin.private@example.org")
    marketing = admin_as(MarketingFactory())

    page = marketing.get(session_page(session))
    registrations = marketing.get(REGISTRATIONS)

    assert page.status_code == 200
    html = page.content.decode()
    assert "robin.private@example.org" not in html and "Robin" not in html
    assert "1 / 12" in html  # how many seats are taken, no more
    assert registrations.status_code == 403


def test_admissions_staff_see_who_registered_on_the_session_page():
    session = InfoSessionFactory()
    RegistrationFactory(session=session, email="robin.private@example.org")
    staff = admin_as(AdmissionsStaffFactory())

    html = staff.get(session_page(session)).content.decode()

    assert "robin.private@example.org" in html


def test_registrations_are_read_only_and_never_added_or_deleted_in_admin_even_by_a_superuser():
    registration = RegistrationFactory()
    superuser = admin_as(SuperuserFactory())
    page = reverse("admin:infosessions_registration_change", args=[registration.pk])

    response = superuser.get(page)
    superuser.post(page, {"email": "someone.else@example.org", "attended": "true"})

    assert response.status_code == 200
    assert 'name="email"' not in response.content.decode()
    registration.refresh_from_db()
    assert registration.email.startswith("robin") and registration.attended is None
    assert superuser.get(reverse("admin:infosessions_registration_add")).status_code == 403
    delete = reverse("admin:infosessions_registration_delete", args=[registration.pk])
    assert superuser.get(delete).status_code == 403


# --- Who looked at registrations: recorded in the audit log -------------------------------------


def registrant_views() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditAction.VIEW_REGISTRATIONS).order_by("pk"))


def test_opening_a_session_page_with_its_registrations_is_recorded():
    session = InfoSessionFactory(title="Evening IOP: what to expect")
    RegistrationFactory.create_batch(2, session=session)
    RegistrationFactory(session=session, status=Status.CANCELLED)  # shown too, as cancelled
    RegistrationFactory(session=InfoSessionFactory())
    staff = admin_as(AdmissionsStaffFactory())

    response = staff.get(session_page(session))

    assert response.status_code == 200
    (event,) = registrant_views()
    assert event.user == staff.user and event.username == staff.user.get_username()
    assert event.detail == f"session #{session.pk}: Evening IOP: what to expect"
    assert event.result_count == 3
    assert event.lead_id is None


def test_marketing_opening_a_session_page_records_nothing():
    session = InfoSessionFactory()
    RegistrationFactory(session=session)
    marketing = admin_as(MarketingFactory())

    assert marketing.get(session_page(session)).status_code == 200
    assert marketing.get(SESSIONS).status_code == 200

    assert not AuditEvent.objects.exists()


def test_saving_a_session_page_is_not_recorded_as_a_view():
    session = InfoSessionFactory()
    registration = RegistrationFactory(session=session)
    supervisor = admin_as(SupervisorFactory())
    inline = {  # the read-only registrations' management form, as the page sends it
        "registrations-TOTAL_FORMS": "1",
        "registrations-INITIAL_FORMS": "1",
        "registrations-0-id": registration.pk,
        "registrations-0-session": session.pk,
    }

    response = supervisor.post(
        session_page(session), session_form(session, title="Clearer", **inline)
    )

    assert response.status_code == 302, response.context["adminform"].errors
    assert registrant_views() == []


def test_showing_the_list_of_registrations_is_recorded_with_its_filter():
    session = InfoSessionFactory(title="Evening IOP: what to expect")
    RegistrationFactory.create_batch(2, session=session)
    RegistrationFactory(session=InfoSessionFactory(title="Day program"))
    staff = admin_as(AdmissionsStaffFactory())

    everyone = staff.get(REGISTRATIONS)
    filtered = staff.get(REGISTRATIONS, {"session__id__exact": session.pk})

    assert everyone.status_code == filtered.status_code == 200
    unfiltered_event, filtered_event = registrant_views()
    assert unfiltered_event.user == staff.user
    assert unfiltered_event.result_count == 3
    assert "no filter" in unfiltered_event.detail
    assert filtered_event.result_count == 2
    assert f"session: {session}" in filtered_event.detail
    assert "Day program" not in filtered_event.detail


def test_the_list_of_registrations_records_the_rows_on_the_page_shown(monkeypatch):
    from infosessions.admin import RegistrationAdmin

    monkeypatch.setattr(RegistrationAdmin, "list_per_page", 2)
    RegistrationFactory.create_batch(3, session=InfoSessionFactory())
    staff = admin_as(AdmissionsStaffFactory())

    staff.get(REGISTRATIONS)
    staff.get(REGISTRATIONS, {"p": 2})

    first, second = registrant_views()
    assert (first.result_count, second.result_count) == (2, 1)
    assert "page 2 of 2" in second.detail


def test_opening_a_registration_is_recorded_with_its_lead(register):
    registration = register(InfoSessionFactory())
    staff = admin_as(AdmissionsStaffFactory())
    page = reverse("admin:infosessions_registration_change", args=[registration.pk])

    assert staff.get(page).status_code == 200

    (event,) = registrant_views()
    assert event.user == staff.user and event.result_count == 1
    assert event.lead_id == registration.lead_id is not None
    assert event.lead_reference == (registration.lead.reference or "")
    assert f"registration #{registration.pk}" in event.detail
    assert f"lead #{registration.lead_id}" in event.detail


# --- Attendance ---------------------------------------------------------------------------------


def test_staff_mark_who_attended_and_the_lead_timeline_says_so(register):
    session = InfoSessionFactory(title="Evening IOP: what to expect")
    came = register(session, email="came@example.org")
    stayed_home = register(session, email="stayed.home@example.org")
    held_earlier(session)
    staff = admin_as(AdmissionsStaffFactory())

    action(staff, REGISTRATIONS, "mark_attended", [came])
    action(staff, REGISTRATIONS, "mark_did_not_attend", [stayed_home])

    came.refresh_from_db()
    stayed_home.refresh_from_db()
    assert came.attended is True and came.attendance_marked_by == staff.user
    assert stayed_home.attended is False
    activity = came.lead.activities.filter(kind=ActivityKind.INFO_SESSION).latest("created_at")
    assert activity.note.startswith("Attended: Evening IOP: what to expect")
    assert activity.author == staff.user


def test_attendance_is_not_marked_for_a_session_that_has_not_started():
    registration = RegistrationFactory(session=InfoSessionFactory())
    staff = admin_as(AdmissionsStaffFactory())

    response = action(staff, REGISTRATIONS, "mark_attended", [registration])

    registration.refresh_from_db()
    assert registration.attended is None
    assert any("not started yet" in message for message in said(response))


def test_the_registration_list_links_to_the_lead_for_staff(register):
    registration = register(InfoSessionFactory())
    staff = admin_as(AdmissionsStaffFactory())

    html = staff.get(REGISTRATIONS).content.decode()

    assert f'href="{registration.lead.admin_url()}"' in html


# --- Export -------------------------------------------------------------------------------------


def test_supervisors_export_registrations_as_csv_and_the_export_is_recorded():
    start = datetime(2026, 10, 27, 18, 0, tzinfo=BOSTON)
    session = InfoSessionFactory(title="Evening IOP: what to expect", starts_at=start)
    RegistrationFactory(
        session=session,
        first_name="=HYPERLINK(1)",
        last_name="Avery",
        email="robin@example.org",
        phone="+16175550188",
        attended=True,
    )
    supervisor = admin_as(SupervisorFactory())

    response = action(supervisor, REGISTRATIONS, "export_csv", Registration.objects.all())

    assert exported(response) == [
        {
            "Session": "Evening IOP: what to expect",
            "Starts": "2026-10-27T18:00:00-04:00",
            "First name": "'=HYPERLINK(1)",  # text in a spreadsheet, never a formula
            "Last name": "Avery",
            "E-mail": "robin@example.org",
            "Phone": "'+16175550188",  # as the lead export writes it
            "Status": "Registered",
            "Attended": "Yes",
        }
    ]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.user == supervisor.user and event.result_count == 1
    assert "Evening IOP: what to expect" in event.detail


def test_supervisors_export_the_registrations_of_the_sessions_they_select():
    chosen = InfoSessionFactory()
    RegistrationFactory.create_batch(2, session=chosen)
    RegistrationFactory(session=InfoSessionFactory(), email="other.session@example.org")
    supervisor = admin_as(SupervisorFactory())

    response = action(supervisor, SESSIONS, "export_registrations", [chosen])

    rows = exported(response)
    assert len(rows) == 2 and {row["Session"] for row in rows} == {chosen.title}
    assert AuditEvent.objects.get(action=AuditAction.EXPORT).result_count == 2


def test_staff_without_the_export_permission_cannot_export():
    registration = RegistrationFactory()
    staff = admin_as(AdmissionsStaffFactory())

    offered = dict(staff.get(REGISTRATIONS).context["action_form"].fields["action"].choices)
    response = action(staff, REGISTRATIONS, "export_csv", [registration])

    assert "export_csv" not in offered and "mark_attended" in offered
    assert response.status_code == 302  # back to the list: "No action selected"
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


# --- Changing and cancelling sessions -----------------------------------------------------------


def test_moving_a_session_sends_its_registrants_an_update_with_the_invitation_sequence_bumped(
    register, django_capture_on_commit_callbacks
):
    starts_at = timezone.localtime().replace(hour=18, minute=0, second=0, microsecond=0)
    session = InfoSessionFactory(starts_at=starts_at + timedelta(days=3))
    register(session, email="robin@example.org")
    marketing = admin_as(MarketingFactory())
    later = timezone.localtime(session.starts_at) + timedelta(days=1)

    with django_capture_on_commit_callbacks(execute=True):
        response = marketing.post(
            session_page(session),
            session_form(
                session,
                starts_at_0=f"{later:%Y-%m-%d}",
                ends_at_0=f"{later + timedelta(hours=1):%Y-%m-%d}",
            ),
        )

    assert response.status_code == 302, response.context["adminform"].errors
    (update,) = [m for m in messages_to("robin@example.org") if m.subject.startswith("Changed")]
    _, event = invitation_event(update)
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == later
    session.refresh_from_db()
    assert session.sequence == 1


def test_a_change_registrants_need_not_hear_of_sends_them_nothing(
    register, django_capture_on_commit_callbacks
):
    session = InfoSessionFactory()
    register(session, email="robin@example.org")
    marketing = admin_as(MarketingFactory())

    with django_capture_on_commit_callbacks(execute=True):
        marketing.post(session_page(session), session_form(session, title="A clearer title"))

    session.refresh_from_db()
    assert session.title == "A clearer title" and session.sequence == 0
    assert not [m for m in messages_to("robin@example.org") if m.subject.startswith("Changed")]


def test_more_seats_go_to_the_waiting_list(register, django_capture_on_commit_callbacks):
    session = InfoSessionFactory(capacity=1)
    register(session, email="first@example.org")
    waiting = register(session, email="waiting@example.org")
    marketing = admin_as(MarketingFactory())

    with django_capture_on_commit_callbacks(execute=True):
        marketing.post(session_page(session), session_form(session, capacity="2"))

    waiting.refresh_from_db()
    assert waiting.status == Status.REGISTERED


def test_cancelling_sessions_asks_first_then_tells_everyone_registered_or_waiting(
    register, django_capture_on_commit_callbacks
):
    session = VirtualSessionFactory(capacity=1)
    register(session, email="robin@example.org")
    register(session, email="waiting@example.org")
    marketing = admin_as(MarketingFactory())

    asked = action(marketing, SESSIONS, "cancel_sessions", [session])
    with django_capture_on_commit_callbacks(execute=True):
        done = action(marketing, SESSIONS, "cancel_sessions", [session], confirmed="yes")

    assert "2 people will be told" in asked.content.decode()
    session.refresh_from_db()
    assert session.cancelled_at is not None
    (cancellation,) = [
        m for m in messages_to("robin@example.org") if m.subject.startswith("Cancelled")
    ]
    calendar, event = invitation_event(cancellation)
    assert calendar["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED"
    # Someone only waiting has nothing in their calendar to remove.
    (told,) = [m for m in messages_to("waiting@example.org") if m.subject.startswith("Cancelled")]
    assert told.attachments == []
    assert any("2 people registered or waiting are told" in message for message in said(done))


def test_the_cancel_button_on_a_session_page_asks_then_cancels(
    register, django_capture_on_commit_callbacks
):
    session = InfoSessionFactory()
    register(session, email="robin@example.org")
    marketing = admin_as(MarketingFactory())
    cancel = reverse("admin:infosessions_infosession_cancel", args=[session.pk])

    assert f'href="{cancel}"' in marketing.get(session_page(session)).content.decode()
    assert "1 person will be told" in marketing.get(cancel).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = marketing.post(cancel, {"confirmed": "yes"})

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.cancelled_at is not None
    assert [m for m in messages_to("robin@example.org") if m.subject.startswith("Cancelled")]


UNPUBLISH_REFUSED = (
    "People are registered for this session: cancel it instead (they will be told), rather than "
    "taking it off the site."
)


@pytest.mark.parametrize("status", [Status.REGISTERED, Status.WAITLISTED])
def test_a_session_people_are_registered_for_is_not_taken_off_the_site(status):
    session = InfoSessionFactory(published=True)
    RegistrationFactory(session=session, status=status)
    marketing = admin_as(MarketingFactory())

    response = marketing.post(session_page(session), session_form(session, published=""))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["published"] == [UNPUBLISH_REFUSED]
    assert UNPUBLISH_REFUSED in response.content.decode()
    session.refresh_from_db()
    assert session.published


def test_a_session_nobody_is_still_registered_for_is_taken_off_the_site():
    session = InfoSessionFactory(published=True)
    RegistrationFactory(session=session, status=Status.CANCELLED)
    marketing = admin_as(MarketingFactory())

    response = marketing.post(session_page(session), session_form(session, published=""))

    assert response.status_code == 302, response.context["adminform"].errors
    session.refresh_from_db()
    assert not session.published


def test_an_unpublished_session_with_registrations_is_still_edited():
    session = InfoSessionFactory(published=False)
    RegistrationFactory(session=session)
    marketing = admin_as(MarketingFactory())

    response = marketing.post(session_page(session), session_form(session, title="Clearer"))

    assert response.status_code == 302, response.context["adminform"].errors
    session.refresh_from_db()
    assert session.title == "Clearer" and not session.published


def test_the_cancel_confirmation_counts_registrations_in_one_query():
    sessions = InfoSessionFactory.create_batch(3)
    for session, count in zip(sessions, [0, 1, 2], strict=True):
        RegistrationFactory.create_batch(count, session=session)
    RegistrationFactory(session=sessions[0], status=Status.CANCELLED)
    RegistrationFactory(session=sessions[1], status=Status.WAITLISTED)
    marketing = admin_as(MarketingFactory())
    action(marketing, SESSIONS, "cancel_sessions", sessions[:1])  # warm up: session, permissions

    with CaptureQueriesContext(connection) as one:
        action(marketing, SESSIONS, "cancel_sessions", sessions[:1])
    with CaptureQueriesContext(connection) as three:
        asked = action(marketing, SESSIONS, "cancel_sessions", sessions)

    assert len(three) == len(one)
    html = asked.content.decode()
    assert [session.told for session in asked.context["sessions"]] == [0, 2, 2]
    assert "4 people will be told" in html


def test_a_cancelled_session_is_no_longer_changed():
    session = InfoSessionFactory(cancelled_at=timezone.now())
    marketing = admin_as(MarketingFactory())

    marketing.post(session_page(session), session_form(session, title="Back on"))

    session.refresh_from_db()
    assert session.title != "Back on"


@pytest.mark.parametrize("who", [MarketingFactory, SupervisorFactory])
def test_a_past_version_of_a_session_is_read_in_its_history_never_sent_back(
    who, django_capture_on_commit_callbacks
):
    # Reproduced: the form of a past version, sent back, brought a cancelled session back with
    # its registrations, or moved one back without telling anyone and lowered its SEQUENCE.
    session = InfoSessionFactory(title="Evening IOP")
    RegistrationFactory(session=session)
    first = session.history.earliest()
    marketing = admin_as(MarketingFactory())
    with django_capture_on_commit_callbacks(execute=True):
        marketing.post(session_page(session), session_form(session, title="Evening IOP, moved"))
        action(marketing, SESSIONS, "cancel_sessions", [session], confirmed="yes")
    session.refresh_from_db()
    editor = admin_as(who())
    assert session.cancelled_at is not None
    history_page = reverse("admin:infosessions_infosession_history", args=[session.pk])
    version_form = reverse(
        "admin:infosessions_infosession_simple_history", args=[session.pk, first.pk]
    )

    shown = editor.get(history_page)
    sent = editor.post(version_form, session_form(first.instance))

    assert shown.status_code == 200 and "Evening IOP" in shown.content.decode()
    assert version_form not in shown.content.decode()
    assert sent.status_code == 403
    kept = InfoSession.objects.get(pk=session.pk)
    assert (kept.title, kept.cancelled_at) == ("Evening IOP, moved", session.cancelled_at)


def test_sessions_are_cancelled_not_deleted():
    session = InfoSessionFactory()
    RegistrationFactory(session=session)
    delete = reverse("admin:infosessions_infosession_delete", args=[session.pk])

    supervisor = admin_as(SupervisorFactory())
    superuser = admin_as(SuperuserFactory())

    assert supervisor.get(delete).status_code == 403
    assert superuser.get(delete).status_code == 403  # people registered: cancel it instead
    assert InfoSession.objects.filter(pk=session.pk).exists()


# --- Giving a place to someone the desk spoke with ----------------------------------------------


def give_a_place_page(session) -> str:
    return reverse("admin:infosessions_infosession_give_a_place", args=[session.pk])


def test_staff_give_a_place_to_a_held_request_and_the_person_is_told(
    django_capture_on_commit_callbacks,
):
    session = InfoSessionFactory(capacity=1)
    lead = LeadFactory(email="robin.held@example.org", held_reason="flood")
    staff = admin_as(AdmissionsStaffFactory())

    assert "Give a place" in staff.get(session_page(session)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(give_a_place_page(session), {"reference": lead.reference.lower()})

    assert response.status_code == 302 and response["Location"] == session_page(session)
    registration = Registration.objects.get(session=session)
    assert (registration.lead, registration.status) == (lead, Status.REGISTERED)
    (confirmation,) = messages_to("robin.held@example.org")
    assert "is confirmed" in confirmation.subject
    activity = lead.activities.get(kind=ActivityKind.INFO_SESSION)
    assert activity.author == staff.user


def test_a_place_given_when_the_session_is_full_is_on_the_waiting_list():
    session = InfoSessionFactory(capacity=1)
    RegistrationFactory(session=session)
    lead = LeadFactory()

    response = admin_as(AdmissionsStaffFactory()).post(
        give_a_place_page(session), {"reference": lead.reference}, follow=True
    )

    assert "is on the waiting list (the session is full)" in response.content.decode()
    assert Registration.objects.get(lead=lead).status == Status.WAITLISTED


@pytest.mark.parametrize(
    ("arrange", "error"),
    [
        (lambda lead, session: None, None),
        (
            lambda lead, session: RegistrationFactory(session=session, email=lead.email),
            "They already have a place",
        ),
        (
            lambda lead, session: type(lead).objects.filter(pk=lead.pk).update(email=""),
            "This lead has no e-mail address",
        ),
    ],
    ids=["unknown reference", "already registered", "no e-mail address"],
)
def test_giving_a_place_says_what_is_wrong_and_takes_nothing(arrange, error):
    session = InfoSessionFactory()
    lead = LeadFactory()
    arrange(lead, session)
    reference = lead.reference if error else "ZZZZ-ZZZZ"
    before = Registration.objects.count()

    response = admin_as(AdmissionsStaffFactory()).post(
        give_a_place_page(session), {"reference": reference}
    )

    assert response.status_code == 200
    assert (error or "No lead has this reference") in response.content.decode()
    assert Registration.objects.count() == before


def test_marketing_cannot_give_places_and_sees_no_button():
    session = InfoSessionFactory()
    lead = LeadFactory()
    marketing = admin_as(MarketingFactory())

    assert "Give a place" not in marketing.get(session_page(session)).content.decode()
    response = marketing.post(give_a_place_page(session), {"reference": lead.reference})

    assert response.status_code == 403
    assert not Registration.objects.exists()


def test_no_place_is_given_at_a_session_that_has_started():
    session = InfoSessionFactory()
    lead = LeadFactory()
    InfoSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(minutes=5)
    )

    response = admin_as(AdmissionsStaffFactory()).post(
        give_a_place_page(session), {"reference": lead.reference}
    )

    assert "This session has started or been called off." in response.content.decode()
    assert not Registration.objects.exists()
