"""Round-the-clock routing: who is on call, and round robin among them."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from admissions import services, triage
from admissions.models import Weekday
from admissions.routing import on_call_staff
from tests.admissions.factories import (
    AdmissionsStaffFactory,
    LeadFactory,
    OnCallShiftFactory,
    StaffFactory,
    SupervisorFactory,
    WeeklyOnCallShiftFactory,
)

pytestmark = pytest.mark.django_db

BOSTON = ZoneInfo("America/New_York")


def routed(count: int = 1) -> list:
    leads = [LeadFactory() for _ in range(count)]
    return [services.route_lead(lead).assigned_to for lead in leads]


def test_new_leads_go_round_robin_among_staff_on_call():
    alex = OnCallShiftFactory(staff_member__username="alex").staff_member
    blair = OnCallShiftFactory(staff_member__username="blair").staff_member

    assert routed(4) == [alex, blair, alex, blair]


def test_whoever_was_assigned_longest_ago_is_next():
    alex = OnCallShiftFactory(staff_member__username="alex").staff_member
    blair = OnCallShiftFactory(staff_member__username="blair").staff_member
    LeadFactory(assigned_to=blair, assigned_at=timezone.now() - timedelta(hours=3))
    LeadFactory(assigned_to=alex, assigned_at=timezone.now() - timedelta(minutes=5))

    assert routed(2) == [blair, alex]


def test_a_lead_is_routed_once():
    OnCallShiftFactory(staff_member__username="alex")
    lead = LeadFactory()
    first = services.route_lead(lead).assigned_to
    OnCallShiftFactory(staff_member__username="blair")

    assert services.route_lead(lead).assigned_to == first


def test_shifts_that_ended_or_have_not_started_do_not_count():
    now = timezone.now()
    OnCallShiftFactory(starts_at=now - timedelta(hours=9), ends_at=now - timedelta(hours=1))
    OnCallShiftFactory(starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=9))

    assert on_call_staff(now) == []


def test_inactive_staff_are_never_on_call():
    OnCallShiftFactory(staff_member__is_active=False)

    assert on_call_staff(timezone.now()) == []


@pytest.mark.parametrize(
    ("local_moment", "on_call"),
    [
        (datetime(2026, 11, 23, 21, 59), False),  # Monday, before the shift
        (datetime(2026, 11, 23, 22, 0), True),  # Monday, the shift starts
        (datetime(2026, 11, 24, 3, 0), True),  # Tuesday, past midnight
        (datetime(2026, 11, 24, 6, 0), False),  # Tuesday, the shift has ended
        (datetime(2026, 11, 30, 23, 30), True),  # the next Monday: it repeats weekly
    ],
)
def test_a_weekly_overnight_shift(local_moment, on_call):
    shift = WeeklyOnCallShiftFactory(
        weekday=Weekday.MONDAY, starts_at=time(22, 0), ends_at=time(6, 0)
    )

    staff = on_call_staff(local_moment.replace(tzinfo=BOSTON))

    assert (shift.staff_member in staff) is on_call


def test_a_weekly_day_shift():
    shift = WeeklyOnCallShiftFactory(
        weekday=Weekday.SATURDAY, starts_at=time(8, 0), ends_at=time(16, 0)
    )

    assert shift.covers(datetime(2026, 11, 28, 8, 0, tzinfo=BOSTON))
    assert not shift.covers(datetime(2026, 11, 28, 16, 0, tzinfo=BOSTON))
    assert not shift.covers(datetime(2026, 11, 29, 9, 0, tzinfo=BOSTON))


def test_with_nobody_on_call_a_lead_stays_unassigned_and_the_inbox_and_supervisors_hear(
    settings,
):
    settings.ADMISSIONS_INBOX_EMAIL = "admissions@resilience.example"
    SupervisorFactory(email="chief@resilience.example")
    StaffFactory(email="off-duty@resilience.example")
    lead = LeadFactory()

    services.follow_up_lead(lead.pk)

    lead.refresh_from_db()
    assert lead.assigned_to is None
    assert sorted(m.to[0] for m in mail.outbox if "New consultation" in m.subject) == [
        "admissions@resilience.example",
        "chief@resilience.example",
    ]


def test_an_urgent_lead_reaches_everyone_on_call_and_the_supervisors_at_once(settings):
    settings.ADMISSIONS_INBOX_EMAIL = "admissions@resilience.example"
    OnCallShiftFactory(staff_member__email="alex@resilience.example")
    OnCallShiftFactory(staff_member__email="blair@resilience.example")
    SupervisorFactory(email="chief@resilience.example")
    lead = LeadFactory(priority="urgent")

    services.follow_up_lead(lead.pk)

    urgent = [m for m in mail.outbox if m.subject.startswith("URGENT: New consultation request")]
    assert sorted(m.to[0] for m in urgent) == [
        "admissions@resilience.example",
        "alex@resilience.example",
        "blair@resilience.example",
        "chief@resilience.example",
    ]


def test_a_shift_reads_in_the_center_s_time():
    # Reproduced: a 6 p.m. shift in Boston read "23:00" (UTC) in admin.
    shift = OnCallShiftFactory(
        staff_member__username="alex",
        starts_at=datetime(2026, 11, 24, 18, 0, tzinfo=BOSTON),
        ends_at=datetime(2026, 11, 25, 8, 0, tzinfo=BOSTON),
    )

    assert str(shift) == "alex on call from 2026-11-24 18:00"


def test_routing_leaves_a_lead_someone_already_took_on_the_desk():
    OnCallShiftFactory()  # somebody else is on call
    casey = AdmissionsStaffFactory()
    lead = LeadFactory()
    triage.assign_lead(lead, to=casey, by=casey)  # before the routing task ran (a slow worker)

    routed = services.route_lead(lead)

    assert routed.assigned_to == casey and routed.routed_at is not None
