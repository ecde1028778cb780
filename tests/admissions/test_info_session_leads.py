"""A registration for an information session is a warm lead, not someone waiting for an urgent
call-back: it is never in the supervisors' escalations of consultation requests, and it is
overdue (on the desk, its filter, the dashboard and the daily digest) only after its own, longer
deadline, ADMISSIONS_INFO_SESSION_FOLLOW_UP_HOURS. A consultation request keeps its 15 minutes,
also when the person was given a place at a session too."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from admissions import services
from admissions.dashboard import figures_for
from admissions.models import Lead, LeadKind, Notification, Purpose
from tests.admissions.factories import LeadFactory, SupervisorFactory
from tests.infosessions.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

INBOX = "admissions@resilience.example"
LEADS = f"/{settings.ADMIN_URL}admissions/lead/"


@pytest.fixture
def deadlines(settings, time_machine):
    settings.ADMISSIONS_SLA_MINUTES = 15
    settings.ADMISSIONS_ESCALATION_REPEAT_MINUTES = 10
    settings.ADMISSIONS_ESCALATION_MAX_ROUNDS = 4
    settings.ADMISSIONS_INFO_SESSION_FOLLOW_UP_HOURS = 24
    settings.ADMISSIONS_INBOX_EMAIL = INBOX
    time_machine.move_to("2026-11-24 02:00 -05:00", tick=False)
    SupervisorFactory(email="chief@resilience.example")


def registration_lead(**fields) -> Lead:
    return LeadFactory(kind=LeadKind.INFO_SESSION, **fields)


def escalations_after(time_machine, since, minutes) -> list[str]:
    time_machine.move_to(since + timedelta(minutes=minutes), tick=False)
    mail.outbox.clear()
    assert services.escalate_overdue_leads() == 0
    return [f"{m.to[0]}: {m.subject}" for m in mail.outbox]


def ago(**delta):
    return timezone.now() - timedelta(**delta)


# --- Escalations -------------------------------------------------------------------------------


def test_the_default_deadline_for_a_registration_is_a_day():
    assert settings.ADMISSIONS_INFO_SESSION_FOLLOW_UP_HOURS == 24


def test_a_registration_is_never_escalated_as_an_urgent_consultation_request(
    time_machine, deadlines
):
    registration = registration_lead()

    for minutes in (15, 25, 35, 45, 55, 24 * 60 + 1, 48 * 60):
        assert escalations_after(time_machine, registration.created_at, minutes) == [], minutes

    assert not Notification.objects.filter(purpose=Purpose.ESCALATION).exists()


def test_a_late_consultation_request_is_escalated_alone_beside_late_registrations(
    time_machine, deadlines
):
    consultation = LeadFactory()
    registration_lead(created_at=consultation.created_at)
    registration_lead(created_at=consultation.created_at - timedelta(minutes=5))

    sent = escalations_after(time_machine, consultation.created_at, 15)

    assert sent == [
        "chief@resilience.example: Not contacted yet: consultation request "
        f"{consultation.reference} (15 minutes)"
    ]


def test_a_consultation_request_whose_person_was_also_given_a_place_keeps_the_consultation_rule(
    time_machine, deadlines
):
    consultation = LeadFactory()
    RegistrationFactory(lead=consultation, email=consultation.email)

    sent = escalations_after(time_machine, consultation.created_at, 15)

    assert sent == [
        "chief@resilience.example: Not contacted yet: consultation request "
        f"{consultation.reference} (15 minutes)"
    ]
    assert consultation.is_overdue(consultation.created_at + timedelta(minutes=16))


# --- Overdue: the desk, its filter, the dashboard ------------------------------------------------


def test_a_registration_is_overdue_only_after_its_own_deadline(deadlines):
    within_the_day = registration_lead(created_at=ago(hours=23))
    past_the_day = registration_lead(created_at=ago(hours=25))
    consultation = LeadFactory(created_at=ago(minutes=16))

    overdue = Lead.objects.overdue(timezone.now())

    assert set(overdue) == {past_the_day, consultation}
    assert [lead.is_overdue() for lead in (within_the_day, past_the_day, consultation)] == [
        False,
        True,
        True,
    ]


def test_the_deadline_of_a_registration_is_read_from_the_setting(settings, deadlines):
    lead = registration_lead(created_at=ago(hours=25))
    settings.ADMISSIONS_INFO_SESSION_FOLLOW_UP_HOURS = 48

    assert not lead.is_overdue()
    assert not Lead.objects.overdue(timezone.now()).exists()


def test_the_desk_marks_a_registration_overdue_only_after_its_own_deadline(desk, settings):
    settings.ADMISSIONS_INFO_SESSION_FOLLOW_UP_HOURS = 24
    registration_lead(created_at=ago(minutes=30))
    late = registration_lead(created_at=ago(hours=25))

    html = desk.get(LEADS).content.decode()
    filtered = desk.get(LEADS, {"overdue": "yes"}).context["cl"].result_list

    assert html.count("desk-flag-overdue") == 1
    assert list(filtered) == [late]


def test_the_desk_pins_a_registration_among_the_overdue_only_after_its_own_deadline(desk, settings):
    settings.ADMISSIONS_INFO_SESSION_FOLLOW_UP_HOURS = 24
    registration = registration_lead(created_at=ago(hours=2))
    late_consultation = LeadFactory(created_at=ago(minutes=30))
    new_consultation = LeadFactory(created_at=ago(minutes=5))

    rows = list(desk.get(LEADS).context["cl"].result_list)

    # Overdue first, then those still waiting, the longest waiting first.
    assert rows == [late_consultation, registration, new_consultation]


def test_the_dashboard_counts_a_registration_overdue_only_after_its_own_deadline(deadlines):
    now = timezone.now()
    registration_lead(created_at=now - timedelta(hours=2))
    late = registration_lead(created_at=now - timedelta(hours=30))

    figures = figures_for(now.date(), now.date(), now)

    assert figures.overdue_count == 1
    assert [o.reference for o in figures.overdue] == [late.reference]


# --- The daily digest --------------------------------------------------------------------------


def daily_digest_at(time_machine, moment) -> list[str]:
    time_machine.move_to(moment, tick=False)
    mail.outbox.clear()
    services.send_daily_digest()
    return [f"{m.to[0]}: {m.subject}" for m in mail.outbox]


def test_the_daily_digest_lists_a_registration_once_past_its_own_deadline(time_machine, deadlines):
    registration = registration_lead()  # received at 2 a.m.

    assert daily_digest_at(time_machine, "2026-11-24 08:00 -05:00") == []  # 6 hours
    sent = daily_digest_at(time_machine, "2026-11-25 08:00 -05:00")  # 30 hours

    assert sent == [
        "chief@resilience.example: Admissions daily digest: 1 request still not contacted"
    ]
    assert registration.reference in mail.outbox[0].body
