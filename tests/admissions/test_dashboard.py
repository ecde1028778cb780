"""The supervisors' dashboard: its figures on known data sets worked out by hand (leads, and the
information sessions), who may see it, the period chooser, a fixed number of queries, charts with
tables, and no personal details."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth.context_processors import PermWrapper
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from admissions.dashboard import (
    DAYTIME,
    NIGHTS,
    WEEKENDS,
    InfoSessionFigures,
    Share,
    figures_for,
    format_duration,
    format_percent,
    percentile,
    time_of_week,
)
from admissions.models import CloseOutcome, HoldReason, LeadKind, Priority, Status
from infosessions.models import Status as RegistrationStatus
from tests.admissions.factories import (
    AdmissionsStaffFactory,
    LeadFactory,
    MarketingFactory,
    StaffFactory,
    SupervisorFactory,
)
from tests.factories import SuperuserFactory
from tests.infosessions.factories import (
    InfoSessionFactory,
    RegistrationFactory,
    VirtualSessionFactory,
)
from tests.programs.factories import ProgramFactory
from tests.staff_sign_in import sign_in

pytestmark = pytest.mark.django_db

CENTER = ZoneInfo("America/New_York")
# "Now" in most tests: Wednesday, June 11, 2025, 2 p.m. in Massachusetts (EDT, UTC-4).
NOW = datetime(2025, 6, 11, 14, 0, tzinfo=CENTER)
# The week before: Monday June 2 to Sunday June 8, both included.
LAST_WEEK = (date(2025, 6, 2), date(2025, 6, 8))


def url(**params) -> str:
    base = reverse("admin:admissions_lead_dashboard")
    return base + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def local(month, day, hour, minute=0, year=2025) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=CENTER)


def lead(received: datetime, contacted_after: float | None = None, **fields):
    """A lead received at `received`, first contacted `contacted_after` minutes later (or never)."""
    contacted = None if contacted_after is None else received + timedelta(minutes=contacted_after)
    return LeadFactory(created_at=received, contacted_at=contacted, **fields)


def spam(received: datetime, **fields):
    return lead(received, status=Status.CLOSED, close_outcome=CloseOutcome.SUSPECTED_SPAM, **fields)


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def supervisor(client, now):
    user = SupervisorFactory(first_name="Dana", last_name="Chief")
    sign_in(client, user)
    return client


def page(client, **params) -> str:
    response = client.get(url(**params))
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_center_time_zone_is_massachusetts():
    assert settings.TIME_ZONE == "America/New_York"


# --- Definitions -------------------------------------------------------------------------------


def test_percentiles_interpolate_linearly_between_the_nearest_values():
    minutes = [timedelta(minutes=m) for m in (1, 2, 3, 4)]
    # Position (n - 1) · p from 0: the median of 4 values sits at 1.5, halfway between 2 and 3
    # (nearest rank would say 2); the 90th percentile at 2.7, i.e. 3 + 0.7 · (4 - 3).
    assert percentile(minutes, 0.5) == timedelta(minutes=2.5)
    assert percentile(minutes, 0.9) == timedelta(minutes=3.7)
    assert percentile(minutes[:1], 0.9) == timedelta(minutes=1)
    assert percentile([], 0.5) is None


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (local(6, 9, 8, 0), DAYTIME),  # Monday 8:00 a.m.: daytime starts
        (local(6, 9, 7, 59), NIGHTS),  # Monday 7:59 a.m.
        (local(6, 13, 19, 59), DAYTIME),  # Friday 7:59 p.m.
        (local(6, 13, 20, 0), NIGHTS),  # Friday 8:00 p.m.: night starts
        (local(6, 14, 12, 0), WEEKENDS),  # Saturday noon
        (local(6, 15, 3, 0), WEEKENDS),  # Sunday 3 a.m.: weekend, not night
        (local(6, 16, 0, 30), NIGHTS),  # Monday 0:30 a.m.
        # The day after clocks went forward (EDT, UTC-4): 8:30 a.m. is 12:30 UTC, which a
        # fixed UTC-5 offset would wrongly read as 7:30 a.m., a night.
        (local(3, 10, 8, 30), DAYTIME),
    ],
)
def test_time_of_week_is_read_in_the_center_time_zone(received, expected):
    assert time_of_week(received.astimezone(ZoneInfo("UTC"))) == expected


def test_numbers_as_shown():
    assert format_percent(20.0) == "20%"
    assert format_percent(200 / 3) == "66.7%"
    assert format_percent(None) == "–"
    assert format_duration(timedelta(minutes=52, seconds=30)) == "52 min 30 s"
    assert format_duration(timedelta(minutes=125)) == "2 h 5 min"
    assert format_duration(timedelta(days=3, hours=4, minutes=9)) == "3 d 4 h"
    assert format_duration(None) == "–"


# --- Speed to first contact --------------------------------------------------------------------


@pytest.fixture
def speed_leads():
    """Ten pipeline leads received Monday June 2 to Sunday June 8, first contacted after 2, 4, 6,
    10, 14, 20, 45 and 70 minutes, and two never; plus leads that must not count."""
    # Weekday daytime (Mon–Fri, 8 a.m.–8 p.m.): 2, 14, 45 minutes and one never.
    lead(local(6, 3, 8, 0), 2)  # Tuesday 8:00 a.m. (daytime starts)
    lead(local(6, 4, 13, 0), 14)
    lead(local(6, 5, 19, 59), 45)  # Thursday 7:59 p.m.
    lead(local(6, 6, 10, 0))
    # Nights (Mon–Fri, 8 p.m.–8 a.m.): 4, 20, 70 minutes and one never.
    lead(local(6, 3, 2, 0), 4)
    lead(local(6, 5, 21, 30), 20)
    lead(local(6, 2, 7, 59), 70)  # Monday 7:59 a.m., the first day of the period
    lead(local(6, 6, 20, 0))  # Friday 8:00 p.m. (night starts)
    # Weekends: 6 and 10 minutes.
    lead(local(6, 7, 3, 0), 6)  # Saturday 3 a.m.: a weekend, though at night
    lead(local(6, 8, 23, 0), 10)  # Sunday 11 p.m. local, Monday 3 a.m. UTC: still in the period

    # Not in the pipeline: held for review, and closed as suspected spam.
    lead(local(6, 4, 12, 0), 1, held_reason=HoldReason.FLOOD)
    spam(local(6, 4, 12, 5))
    # Outside the period by local days (one would be inside if days were counted in UTC).
    lead(local(6, 1, 23, 59), 1)  # Sunday June 1, 11:59 p.m. local = June 2 in UTC
    lead(local(6, 9, 0, 0), 1)  # Monday June 9, midnight


def test_speed_to_first_contact_on_known_leads(now, speed_leads):
    every, daytime, nights, weekends = figures_for(*LAST_WEEK, now).speed

    # All ten: eight contacted, sorted 2, 4, 6, 10, 14, 20, 45, 70 minutes.
    assert (every.label, every.leads, every.contacted, every.not_contacted) == ("All", 10, 8, 2)
    # Median: position (8 - 1) · 0.5 = 3.5, halfway between the 4th and 5th: (10 + 14) / 2.
    assert every.median == timedelta(minutes=12)
    # 90th percentile: position 7 · 0.9 = 6.3, i.e. 45 + 0.3 · (70 - 45) = 52.5 minutes.
    assert every.p90 == timedelta(minutes=52, seconds=30)
    # Within 5: 2, 4. Within 15: 2, 4, 6, 10, 14. Within 60: those and 20, 45. Of all ten: the
    # two never contacted count as not contacted in time.
    assert [w.share for w in every.within] == [Share(2, 10), Share(5, 10), Share(7, 10)]
    assert [w.minutes for w in every.within] == [5, 15, 60]

    # Weekday daytime: 2, 14, 45 and one never. Median 14; 90th: position 2 · 0.9 = 1.8, i.e.
    # 14 + 0.8 · (45 - 14) = 38.8 minutes.
    assert (daytime.label, daytime.leads, daytime.contacted) == ("Weekday daytime", 4, 3)
    assert daytime.median == timedelta(minutes=14)
    assert daytime.p90 == timedelta(minutes=38, seconds=48)
    assert [w.share for w in daytime.within] == [Share(1, 4), Share(2, 4), Share(3, 4)]

    # Nights: 4, 20, 70 and one never. Median 20; 90th: 20 + 0.8 · (70 - 20) = 60 minutes.
    assert (nights.label, nights.leads, nights.contacted) == ("Nights", 4, 3)
    assert nights.median == timedelta(minutes=20)
    assert nights.p90 == timedelta(minutes=60)
    assert [w.share for w in nights.within] == [Share(1, 4), Share(1, 4), Share(2, 4)]

    # Weekends: 6 and 10. Median 8; 90th: position 0.9, i.e. 6 + 0.9 · (10 - 6) = 9.6 minutes.
    assert (weekends.label, weekends.leads, weekends.contacted) == ("Weekends", 2, 2)
    assert weekends.median == timedelta(minutes=8)
    assert weekends.p90 == timedelta(minutes=9, seconds=36)
    assert [w.share for w in weekends.within] == [Share(0, 2), Share(2, 2), Share(2, 2)]


def test_a_lead_still_waiting_counts_once_its_minutes_are_up(now):
    lead(now - timedelta(minutes=30), 3)
    lead(now - timedelta(minutes=10))  # waiting 10 minutes: too late for 5, not yet for 15 or 60
    lead(now - timedelta(minutes=90))  # waiting 90 minutes: too late for all three

    every = figures_for(now.date(), now.date(), now).speed[0]

    assert (every.leads, every.contacted, every.median) == (3, 1, timedelta(minutes=3))
    assert [w.share for w in every.within] == [Share(1, 3), Share(1, 2), Share(1, 2)]


def test_no_leads_no_figures(now):
    figures = figures_for(*LAST_WEEK, now)

    assert figures.speed[0].median is None and figures.speed[0].p90 is None
    assert figures.speed[0].within[0].share.percent is None
    assert figures.conversion_total.admitted == Share(0, 0)
    assert figures.overdue == [] and figures.overdue_count == 0


def test_the_page_shows_the_speed_figures_and_says_how_they_are_counted(supervisor, speed_leads):
    html = page(supervisor, start="2025-06-02", end="2025-06-08")

    speed = table(html, "dash-speed")
    assert '<th scope="col" class="dash-num">Weekday daytime</th>' in speed
    assert '<th scope="col" class="dash-num">Nights</th>' in speed
    assert '<th scope="col" class="dash-num">Weekends</th>' in speed
    assert row(speed, "Median time to first contact") == ["12 min", "14 min", "20 min", "8 min"]
    assert row(speed, "90th percentile time to first contact") == [
        "52 min 30 s",
        "38 min 48 s",
        "1 h",
        "9 min 36 s",
    ]
    assert row(speed, "Contacted within 5 minutes") == [
        "20% (2 of 10)",
        "25% (1 of 4)",
        "25% (1 of 4)",
        "0% (0 of 2)",
    ]
    assert row(speed, "Contacted within 60 minutes")[0] == "70% (7 of 10)"
    assert row(speed, "Not contacted (yet)") == ["2", "1", "1", "0"]
    # The definitions, on the page.
    assert "linear interpolation" in html
    assert "held for review and those closed as suspected spam are left out" in html
    assert "are left out of the median and the 90th percentile, but count in" in html
    assert "8 p.m. to 8 a.m." in html and "Saturday and Sunday" in html


# --- Today and this week -----------------------------------------------------------------------


def test_leads_today_and_this_week_by_status_program_and_source(now):
    residential = ProgramFactory(name="Residential")
    outpatient = ProgramFactory(name="Outpatient")
    # Today (Wednesday June 11, since midnight local).
    lead(local(6, 11, 0, 30), 5, status=Status.CONTACTED, program=outpatient, source="direct")
    lead(local(6, 11, 9, 0), program=residential, source="google")
    lead(local(6, 11, 10, 0), held_reason=HoldReason.FLOOD)  # no program, no source
    # This week, not today (since Monday June 9 at midnight).
    lead(local(6, 9, 0, 0), 3, status=Status.ADMITTED, program=residential, source="google")
    # 11:30 p.m. Tuesday is Wednesday 3:30 a.m. in UTC: this week, but not today.
    lead(local(6, 10, 23, 30), program=outpatient, source="facebook")
    spam(local(6, 9, 12, 0), source="direct")
    # Last week: Sunday 11:59 p.m.
    lead(local(6, 8, 23, 59), program=residential, source="google")

    figures = figures_for(*LAST_WEEK, now)

    assert figures.week_start == local(6, 9, 0, 0)
    assert figures.today_start == local(6, 11, 0, 0)
    assert [(r.label, r.today, r.this_week) for r in figures.received_by_status] == [
        ("New", 1, 2),
        ("Contact attempted", 0, 0),
        ("Contacted", 1, 1),
        ("Insurance verification", 0, 0),
        ("Assessment scheduled", 0, 0),
        ("Admitted", 0, 1),
        ("Held for review", 1, 1),
        ("Closed", 0, 0),
        ("Closed: suspected spam", 0, 1),
    ]
    # Most this week first, then most today, then by name.
    assert [(r.label, r.today, r.this_week) for r in figures.received_by_program] == [
        ("Not sure yet", 1, 2),
        ("Outpatient", 1, 2),
        ("Residential", 1, 2),
    ]
    assert [(r.label, r.today, r.this_week) for r in figures.received_by_source] == [
        ("direct", 1, 2),
        ("google", 1, 2),
        ("Not recorded", 1, 1),
        ("facebook", 0, 1),
    ]
    assert (figures.received_total.today, figures.received_total.this_week) == (3, 6)


def test_the_page_shows_today_and_this_week_with_charts_and_tables(supervisor):
    LeadFactory(created_at=local(6, 11, 9, 0), source="google")
    LeadFactory(created_at=local(6, 10, 9, 0), source="google")

    html = page(supervisor)

    by_source = table(html, "dash-received-source")
    assert row(by_source, "google") == ["1", "2"]
    assert row(by_source, "All leads") == ["1", "2"]
    chart = figure(html, "chart-received-source")
    assert "google: 2" in chart
    # The only bar is the longest: the whole width.
    assert 'width="100.00%"' in chart


# --- Conversion --------------------------------------------------------------------------------


def test_conversion_by_program_and_source(now):
    residential = ProgramFactory(name="Residential")
    outpatient = ProgramFactory(name="Outpatient")
    received = local(6, 4, 12, 0)
    for status in (Status.ADMITTED, Status.CONTACTED, Status.CLOSED):
        lead(received, 5, status=status, program=residential, source="google")
    lead(received, 5, status=Status.ADMITTED, program=residential, source="direct")
    lead(received, program=outpatient, source="google")
    lead(received, 5, status=Status.CLOSED, program=outpatient, source="google")
    lead(received, 5, status=Status.ADMITTED, source="direct")
    lead(received, source="direct")
    # Held for review, not yet looked at: counts (only suspected spam is left out).
    lead(received, held_reason=HoldReason.FLOOD)
    # Left out: suspected spam, and an admission received after the period.
    spam(received, program=residential, source="google")
    lead(local(6, 9, 9, 0), 5, status=Status.ADMITTED, program=residential, source="google")

    figures = figures_for(*LAST_WEEK, now)

    # Residential: 2 admitted of 4; not sure yet (no program): 1 of 3; outpatient: 0 of 2.
    assert [(c.label, c.admitted) for c in figures.conversion_by_program] == [
        ("Residential", Share(2, 4)),
        ("Not sure yet", Share(1, 3)),
        ("Outpatient", Share(0, 2)),
    ]
    # google: 1 of 3 residential + 0 of 2 outpatient; direct: 1 residential + 1 of 2 unsure;
    # the held lead has no source recorded.
    assert [(c.label, c.admitted) for c in figures.conversion_by_source] == [
        ("google", Share(1, 5)),
        ("direct", Share(2, 3)),
        ("Not recorded", Share(0, 1)),
    ]
    # 3 admitted of 9 leads.
    assert figures.conversion_total.admitted == Share(3, 9)
    assert figures.conversion_total.admitted.percent == pytest.approx(100 / 3)


def test_the_page_shows_conversion_counts_and_percentages(supervisor):
    residential = ProgramFactory(name="Residential")
    received = local(6, 4, 12, 0)
    lead(received, 5, status=Status.ADMITTED, program=residential, source="google")
    for _ in range(2):
        lead(received, 5, status=Status.CONTACTED, program=residential, source="google")

    html = page(supervisor, days=30)

    assert row(table(html, "dash-conversion-program"), "Residential") == ["3", "1", "33.3%"]
    assert row(table(html, "dash-conversion-source"), "google") == ["3", "1", "33.3%"]
    assert "Residential: 33.3% (1 of 3)" in figure(html, "chart-conversion-program")
    # A third of the chart's width.
    assert 'width="33.33%"' in figure(html, "chart-conversion-program")


# --- Information sessions ----------------------------------------------------------------------


def session(ends: datetime, factory=InfoSessionFactory, **fields):
    """A one-hour session ending at `ends`."""
    return factory(starts_at=ends - timedelta(hours=1), ends_at=ends, **fields)


def registration(at, made: datetime, lead_status=None, **fields):
    """A registration made at `made`; with a lead of kind "info session" in `lead_status`,
    contacted 5 minutes later (so not overdue)."""
    if lead_status is not None:
        fields["lead"] = lead(made, 5, kind=LeadKind.INFO_SESSION, status=lead_status)
    return RegistrationFactory(session=at, created_at=made, **fields)


@pytest.fixture
def info_sessions(now):
    """Two sessions held June 2–8 (one in person, one online), and around them sessions and
    registrations that fall outside one count or another."""
    waitlisted, cancelled = RegistrationStatus.WAITLISTED, RegistrationStatus.CANCELLED
    before = local(5, 30, 10, 0)
    # Held Wednesday June 4; everyone registered before the period.
    wednesday = session(local(6, 4, 19, 0))
    registration(wednesday, before, Status.ADMITTED, attended=True)
    registration(wednesday, before, Status.CONTACTED, attended=True)
    registration(wednesday, before, Status.CONTACTED, attended=False)
    registration(wednesday, before)  # attendance not marked yet
    registration(wednesday, before, status=cancelled)
    # Came from the waiting list: attended, without a seat.
    registration(wednesday, before, Status.ADMITTED, status=waitlisted, attended=True)
    # Held online on Sunday June 8, late in the evening; registered during the period.
    sunday = session(local(6, 8, 20, 30), factory=VirtualSessionFactory)
    registration(sunday, local(6, 3, 9, 0), Status.ADMITTED, attended=True)
    registration(sunday, local(6, 5, 9, 0))
    # Upcoming, on June 15: registrations made during the period, and just outside it.
    upcoming = session(local(6, 15, 19, 0))
    registration(upcoming, local(6, 6, 9, 0))
    registration(upcoming, local(6, 7, 9, 0), status=cancelled)
    registration(upcoming, local(6, 7, 10, 0), status=waitlisted)
    registration(upcoming, local(6, 1, 23, 30))  # June 2 in UTC, June 1 here
    registration(upcoming, local(6, 9, 0, 30))
    # Not held in the period: cancelled, never published, ended just before or just after.
    for not_held in (
        session(local(6, 5, 19, 0), cancelled_at=local(6, 1, 9, 0)),
        session(local(6, 5, 19, 0), published=False),
        session(local(6, 1, 23, 30)),
        session(local(6, 9, 0, 30)),
    ):
        registration(not_held, local(5, 20, 9, 0), Status.ADMITTED, attended=True)


def test_information_sessions_held_registrations_attendance_and_admissions(now, info_sessions):
    sessions = figures_for(*LAST_WEEK, now).info_sessions

    assert sessions == InfoSessionFigures(
        held=2,
        # Sunday's two and the upcoming session's three made in the period, one of them given
        # up, one still waiting.
        registrations=5,
        cancelled=1,
        waitlisted=1,
        # Four seats on Wednesday, two on Sunday; three came with a seat, one from the list.
        seats_taken=6,
        attended=4,
        not_marked=2,
        admitted=3,
    )
    assert sessions.attendance == Share(4, 6)
    assert sessions.attendees_admitted == Share(3, 4)


def test_a_session_not_over_yet_is_not_held(now):
    today = session(now + timedelta(minutes=30))
    registration(today, now - timedelta(hours=1), attended=True)

    sessions = figures_for(now.date(), now.date(), now).info_sessions

    assert (sessions.held, sessions.seats_taken, sessions.attended) == (0, 0, 0)
    assert sessions.registrations == 1


def test_an_attendee_admitted_through_a_later_request_of_theirs_counts(now):
    held = session(now - timedelta(hours=2))
    came = registration(held, now - timedelta(days=3), lead_status=Status.CONTACTED, attended=True)
    later = lead(now - timedelta(hours=1), 5, status=Status.ADMITTED)
    later.duplicate_of = came.lead
    later.save()

    sessions = figures_for(now.date(), now.date(), now).info_sessions

    assert (sessions.attended, sessions.admitted) == (1, 1)


@pytest.mark.parametrize("same", ["email", "phone"])
def test_an_attendee_admitted_through_a_request_made_long_after_counts(now, same):
    """Past the intake's 30 days for marking duplicates, or the second of several requests."""
    held = session(now - timedelta(days=60))
    came = registration(
        held,
        now - timedelta(days=65),
        lead_status=Status.CONTACTED,
        attended=True,
        phone="+16175550999",
    )
    lead(now - timedelta(days=20), 5, status=Status.CONTACTED)
    lead(now - timedelta(days=2), 5, status=Status.ADMITTED, **{same: getattr(came, same)})

    sessions = figures_for((now - timedelta(days=61)).date(), now.date(), now).info_sessions

    assert (sessions.attended, sessions.admitted) == (1, 1)


def test_someone_else_s_admission_or_one_from_before_they_registered_does_not_count(now):
    held = session(now - timedelta(hours=2))
    came = registration(
        held, now - timedelta(days=3), lead_status=Status.CONTACTED, attended=True, phone=""
    )
    lead(now - timedelta(days=40), 5, status=Status.ADMITTED, email=came.email)  # an old stay
    lead(now - timedelta(hours=1), 5, status=Status.ADMITTED, phone="")  # no phone: no match

    sessions = figures_for(now.date(), now.date(), now).info_sessions

    assert (sessions.attended, sessions.admitted) == (1, 0)


def test_no_information_sessions_no_figures(now):
    sessions = figures_for(*LAST_WEEK, now).info_sessions

    assert sessions == InfoSessionFigures(0, 0, 0, 0, 0, 0, 0, 0)
    assert sessions.attendance.percent is None


def test_the_page_shows_the_information_sessions(supervisor, info_sessions):
    html = page(supervisor, start="2025-06-02", end="2025-06-08")

    sessions = table(html, "dash-sessions")
    assert '<caption id="dash-sessions-caption">' in sessions
    assert '<th scope="col">Measure</th>' in sessions
    assert row(sessions, "Sessions held") == ["2", ""]
    assert row(sessions, "Registrations made") == ["5", ""]
    assert row(sessions, "Given up since") == ["1", "20% of 5 registrations made"]
    assert row(sessions, "Still on the waiting list") == ["1", "20% of 5 registrations made"]
    assert row(sessions, "Seats taken at the sessions held") == ["6", ""]
    assert row(sessions, "Attended") == ["4", "66.7% of 6 seats taken"]
    assert row(sessions, "Attendance not marked yet") == ["2", ""]
    assert row(sessions, "Attendees admitted") == ["3", "75% of 4 attendees"]
    heading = (
        'id="dash-sessions-heading">Information sessions: Mon June 2, 2025 to Sun June 8, 2025'
    )
    assert heading in html
    summary = re.sub(r"<[^>]+>", "", html[html.index("dash-sessions-heading") :])
    assert "2 sessions held: 4 attended, 3 of them admitted. 5 registrations made." in summary
    # Counts only: nobody registered is named.
    assert "Robin" not in html and "@example.org" not in html


def test_the_page_says_so_when_there_is_nothing_to_divide_by(supervisor):
    sessions = table(page(supervisor), "dash-sessions")

    assert row(sessions, "Sessions held") == ["0", ""]
    assert row(sessions, "Attended") == ["0", "–"]
    assert row(sessions, "Attendees admitted") == ["0", "–"]


# --- Overdue -----------------------------------------------------------------------------------


def test_the_overdue_list(now):
    casey = StaffFactory(first_name="Casey", last_name="Morgan")
    waiting_20 = lead(now - timedelta(minutes=20))
    urgent = lead(now - timedelta(minutes=16), priority=Priority.URGENT, assigned_to=casey)
    waiting_3h = lead(now - timedelta(hours=3))
    # Not overdue: within the 15 minutes, contacted, held, closed.
    lead(now - timedelta(minutes=10))
    lead(now - timedelta(minutes=40), 5)
    lead(now - timedelta(hours=1), held_reason=HoldReason.FLOOD)
    lead(now - timedelta(hours=2), status=Status.CLOSED, close_outcome=CloseOutcome.UNREACHABLE)

    figures = figures_for(*LAST_WEEK, now)

    # Urgent first, then the longest waiting.
    assert [o.reference for o in figures.overdue] == [
        urgent.reference,
        waiting_3h.reference,
        waiting_20.reference,
    ]
    assert figures.overdue_count == 3
    first = figures.overdue[0]
    assert (
        first.url
        == urgent.admin_url()
        == f"/{settings.ADMIN_URL}admissions/lead/{urgent.pk}/change/"
    )
    assert (first.waiting, first.is_urgent, first.assigned_to) == (
        timedelta(minutes=16),
        True,
        "Casey Morgan",
    )
    assert figures.overdue[1].assigned_to == ""


def test_the_page_links_each_overdue_lead(supervisor):
    overdue = lead(NOW - timedelta(hours=1, minutes=5), priority=Priority.URGENT)

    html = page(supervisor)

    overdue_table = table(html, "dash-overdue")
    assert f'<a href="{overdue.admin_url()}">{overdue.reference}</a>' in overdue_table
    assert row(overdue_table, overdue.reference) == [
        "Wed June 11, 12:55 PM",
        "1 h 5 min",
        "⚠ Urgent",
        "Nobody yet",
    ]
    assert "Overdue now: 1" in html


# --- Who may see it ----------------------------------------------------------------------------


@pytest.mark.parametrize("factory", [AdmissionsStaffFactory, MarketingFactory, StaffFactory])
def test_only_those_with_the_dashboard_permission_may_open_it(client, factory):
    sign_in(client, factory())

    assert client.get(url()).status_code == 403


@pytest.mark.parametrize("factory", [SupervisorFactory, SuperuserFactory])
def test_supervisors_may_open_it(client, factory):
    sign_in(client, factory())

    response = client.get(url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Admissions dashboard |" in html
    assert "<h1>Admissions dashboard</h1>" in html
    assert 'href="/' + settings.ADMIN_URL + 'admissions/lead/">Leads</a>' in html


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(url())

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_the_link_to_the_dashboard_is_for_supervisors_only(db):
    def link_for(user):
        return render_to_string(
            "admin/admissions/dashboard_link.html", {"perms": PermWrapper(user)}
        ).strip()

    dashboard = reverse("admin:admissions_lead_dashboard")
    assert link_for(SupervisorFactory()) == f'<li><a href="{dashboard}">Dashboard</a></li>'
    assert link_for(AdmissionsStaffFactory()) == ""
    assert link_for(MarketingFactory()) == ""


# --- The period --------------------------------------------------------------------------------


def chosen_period(client, **params):
    response = client.get(url(**params))
    assert response.status_code == 200
    figures = response.context["figures"]
    return figures.period_start, figures.period_end, response.content.decode()


def test_the_last_30_days_by_default(supervisor):
    start, end, html = chosen_period(supervisor)

    # Today and the 29 days before it.
    assert (start, end) == (date(2025, 5, 13), date(2025, 6, 11))
    assert '<a href="?days=30" aria-current="page" class="dash-current">Last 30 days</a>' in html
    assert "Tue May 13, 2025 to Wed June 11, 2025" in html
    assert "errornote" not in html


@pytest.mark.parametrize(("days", "start"), [(7, date(2025, 6, 5)), (90, date(2025, 3, 14))])
def test_the_last_7_or_90_days(supervisor, days, start):
    assert chosen_period(supervisor, days=days)[:2] == (start, date(2025, 6, 11))


def test_from_one_date_to_another(supervisor):
    start, end, html = chosen_period(supervisor, start="2025-06-02", end="2025-06-08")

    assert (start, end) == LAST_WEEK
    assert "7 days, first and last included" in html
    assert 'value="2025-06-02"' in html and 'value="2025-06-08"' in html
    assert "dash-current" not in html


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"start": "2025-06-10", "end": "2025-06-01"}, "end", "The last day must be on or after"),
        ({"start": "2025-06-01"}, "end", "Enter the last day too."),
        ({"end": "2025-06-01"}, "start", "Enter the first day too."),
        ({"start": "june", "end": "2025-06-08"}, "start", "Enter the first day as a date"),
        ({"start": "2025-06-01", "end": "2025-06-12"}, "end", "The last day cannot be after today"),
        ({"start": "2024-01-01", "end": "2025-06-08"}, "end", "Choose at most 366 days."),
        ({"days": "12"}, "days", "Choose the last 7, 30 or 90 days."),
    ],
)
def test_a_wrong_period_is_explained_and_the_last_30_days_are_shown(
    supervisor, params, field, message
):
    start, end, html = chosen_period(supervisor, **params)

    assert (start, end) == (date(2025, 5, 13), date(2025, 6, 11))
    summary = re.search(
        r'<div class="errornote" id="dash-period-errors" role="alert">.*?</div>', html, re.S
    )
    assert summary and message in summary.group()
    assert "the last 30 days are shown instead" in summary.group()
    if field != "days":
        # Next to the field too, tied to it for screen readers.
        assert f'<ul class="errorlist" id="id_{field}-errors"><li>{message}' in html
        assert f'aria-invalid="true" aria-describedby="id_{field}-errors"' in html


# --- Queries -----------------------------------------------------------------------------------


def make_leads(count: int, programs: int):
    made = [ProgramFactory() for _ in range(programs)]
    staff = [StaffFactory() for _ in range(3)]
    for n in range(count):
        lead(
            NOW - timedelta(hours=n * 7 + 1),
            None if n % 3 == 0 else n % 70,
            program=made[n % programs],
            source=f"source-{n % 9}",
            status=Status.ADMITTED if n % 4 == 0 else Status.NEW,
            assigned_to=staff[n % 3],
            priority=Priority.URGENT if n % 5 == 0 else Priority.NORMAL,
        )
    make_sessions(max(count // 5, 1))


def make_sessions(count: int):
    """`count` sessions held in the last 30 days, each with three registrations."""
    for n in range(count):
        held = session(NOW - timedelta(days=n + 1), factory=InfoSessionFactory)
        for k in range(3):
            registration(
                held,
                held.starts_at - timedelta(days=2),
                Status.ADMITTED if k == 0 else Status.CONTACTED,
                attended=[True, False, None][k],
            )


def queries(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured.captured_queries)


@pytest.mark.parametrize(("count", "programs"), [(5, 1), (50, 12)])
def test_the_figures_take_seven_queries_whatever_the_number_of_leads_or_sessions(
    now, count, programs
):
    make_leads(count, programs)  # and 1 or 10 information sessions

    # Received today/this week, speed times, conversion, overdue leads, overdue count,
    # information sessions held, their registrations.
    assert queries(lambda: figures_for(now.date() - timedelta(days=29), now.date(), now)) == 7


def test_the_page_takes_as_many_queries_for_50_leads_as_for_5(supervisor):
    make_leads(5, 1)
    page(supervisor)  # the first request may fill caches (content types, the session)
    few = queries(lambda: page(supervisor))

    make_leads(45, 12)
    many = queries(lambda: page(supervisor))

    assert many == few
    # One lead in three was never contacted: 17 of the 50 are overdue, all listed.
    assert len(table(page(supervisor), "dash-overdue").split("<tr>")) - 2 == 17


# --- What the page is made of ------------------------------------------------------------------


def test_the_page_holds_no_names_contact_details_or_messages(supervisor):
    details = {
        "first_name": "Zebediah",
        "last_name": "Quillfeather",
        "patient_first_name": "Marguerite",
        "phone": "+16175550199",
        "email": "zq.private@example.org",
        "message": "I relapsed after detox last spring",
        "insurance_carrier": "Harbor Health Plan",
        "insurance_member_id": "HHP998877",
    }
    lead(NOW - timedelta(hours=2), **details)  # overdue, and today
    lead(NOW - timedelta(days=3), 7, **{**details, "phone": "+16175550198"})

    html = page(supervisor)

    for value in [*details.values(), "555-0199", "5550199", "555-0198"]:
        assert value not in html


def test_charts_are_images_with_a_label_and_a_table_beside_them(supervisor, speed_leads):
    html = page(supervisor, start="2025-06-02", end="2025-06-08")

    charts = re.findall(r'<figure class="dash-chart" id="([\w-]+)">', html)
    assert charts == [
        "chart-received-status",
        "chart-received-program",
        "chart-received-source",
        "chart-speed",
        "chart-conversion-program",
        "chart-conversion-source",
    ]
    assert html.count('role="img" aria-label="') == 6
    assert html.count("the same numbers are in the table beside it") == 6
    # Each chart shares its box with a table with a caption and headers.
    pairs = re.findall(r'<div class="dash-pair[^"]*">(.*?)</table>', html, re.S)
    assert len(pairs) == 6
    for pair in pairs:
        assert "<svg" in pair and "<caption" in pair and 'scope="col"' in pair
        assert 'scope="row"' in pair
    # The speed chart: three bars per threshold, the series named in the text, not by colour.
    speed = figure(html, "chart-speed")
    assert "Contacted within 15 minutes" in speed
    assert "Weekday daytime: 50% (2 of 4)" in speed and "Weekends: 100% (2 of 2)" in speed
    assert speed.count('class="dash-bar dash-series-') == 9


def test_nothing_on_the_page_needs_inline_style_or_script(supervisor, speed_leads):
    response = supervisor.get(url())
    html = response.content.decode()

    policy = response["Content-Security-Policy"]
    assert "style-src 'self'" in policy and "unsafe-inline" not in policy
    assert "style=" not in html
    assert "<style" not in html
    content = html[html.index('<div class="dash">') :]
    assert "<script" not in content
    assert 'href="/static/admissions/dashboard.css"' in html


def test_the_stylesheet_is_served(client):
    response = client.get("/static/admissions/dashboard.css")

    assert response.status_code == 200
    assert b".dash-series-0" in b"".join(response.streaming_content)


# --- Helpers reading the page ------------------------------------------------------------------


def table(html: str, table_id: str) -> str:
    found = re.search(rf'<table class="dash-table" id="{table_id}">.*?</table>', html, re.S)
    assert found, f"no table {table_id}"
    return found.group()


def figure(html: str, figure_id: str) -> str:
    found = re.search(rf'<figure class="dash-chart" id="{figure_id}">.*?</figure>', html, re.S)
    assert found, f"no chart {figure_id}"
    return found.group()


def row(table_html: str, header: str) -> list[str]:
    """The cells of the row whose header reads `header`, as text."""
    for found in re.finditer(r"<tr>(.*?)</tr>", table_html, re.S):
        cells = re.findall(r"<t([hd])[^>]*>(.*?)</t[hd]>", found.group(1), re.S)
        texts = [" ".join(re.sub(r"<[^>]+>", "", text).split()) for _, text in cells]
        if texts and texts[0] == header:
            return texts[1:]
    raise AssertionError(f"no row {header!r}")
