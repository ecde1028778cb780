"""The demo's information sessions: a few upcoming ones after every `seed_demo`, in person and
online, at sensible local hours; never made twice."""

import io
from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from infosessions import demo
from infosessions.models import Format, InfoSession

pytestmark = pytest.mark.django_db

CENTER = ZoneInfo("America/New_York")
# A Wednesday afternoon in Massachusetts.
WEDNESDAY = datetime(2025, 6, 11, 14, 0, tzinfo=CENTER)


def seed_demo() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def keys() -> Counter:
    return Counter(InfoSession.objects.values_list("title", "starts_at"))


def test_a_fresh_demo_has_upcoming_published_sessions_in_person_and_online(time_machine):
    time_machine.move_to(WEDNESDAY, tick=False)

    output = seed_demo()

    upcoming = list(InfoSession.objects.upcoming())
    assert 4 <= len(upcoming) <= 6
    assert len(upcoming) == InfoSession.objects.count()
    assert "Information sessions: 6 of 6 upcoming demo sessions created" in output
    assert {session.format for session in upcoming} == {Format.IN_PERSON, Format.VIRTUAL}
    # About different programs, one about the center as a whole; each a valid session.
    assert len({session.program_id for session in upcoming}) == len(demo.SESSIONS)
    assert any(session.program is None for session in upcoming)
    for session in upcoming:
        session.full_clean()
        assert session.published and session.cancelled_at is None
        assert session.host.slug in {planned.host for planned in demo.SESSIONS}
        if session.format == Format.IN_PERSON:
            assert session.place is not None and session.meeting_url == ""
        else:
            assert session.place is None
            assert session.meeting_url.startswith("https://meet.example.org/")


def test_the_sessions_are_in_the_next_three_weeks_at_daytime_or_evening_hours(time_machine):
    time_machine.move_to(WEDNESDAY, tick=False)

    seed_demo()

    now = timezone.now()
    for session in InfoSession.objects.all():
        assert now < session.starts_at < now + timedelta(weeks=3)
        starts = session.starts_at.astimezone(CENTER)
        ends = session.ends_at.astimezone(CENTER)
        assert time(9) <= starts.time() and ends.time() <= time(21), session
        assert starts.minute in (0, 30)
        assert timedelta(minutes=30) <= session.ends_at - session.starts_at <= timedelta(hours=2)
    # Spread over the three weeks, not all on one day.
    days = {session.starts_at.astimezone(CENTER).date() for session in InfoSession.objects.all()}
    assert len(days) >= 4


def test_local_hours_hold_across_a_change_of_daylight_saving_time(time_machine):
    # Tuesday, October 28, 2025: clocks go back on Sunday, November 2.
    time_machine.move_to(datetime(2025, 10, 28, 9, 0, tzinfo=CENTER), tick=False)

    seed_demo()

    introductions = InfoSession.objects.filter(title__startswith="Evening intensive outpatient")
    starts = sorted(session.starts_at.astimezone(CENTER) for session in introductions)
    # The first Tuesday after today (EDT, UTC-4), and two weeks later (EST, UTC-5): 6 pm both.
    assert [(start.date().isoformat(), start.time()) for start in starts] == [
        ("2025-11-04", time(18)),
        ("2025-11-18", time(18)),
    ]
    assert [start.utcoffset() for start in starts] == [timedelta(hours=-5)] * 2


def test_seeding_twice_the_same_day_makes_no_duplicates(time_machine):
    time_machine.move_to(WEDNESDAY, tick=False)
    seed_demo()
    first = keys()

    time_machine.move_to(WEDNESDAY + timedelta(hours=5), tick=False)
    output = seed_demo()

    assert keys() == first
    assert set(first.values()) == {1}
    assert "Information sessions: 0 of 6 upcoming demo sessions created" in output


def test_seeding_on_a_later_day_keeps_sessions_upcoming_without_duplicates(time_machine):
    time_machine.move_to(WEDNESDAY, tick=False)
    seed_demo()
    first = keys()

    # Ten days on, some of the first sessions are over; the page still has some to show.
    later = WEDNESDAY + timedelta(days=10)
    time_machine.move_to(later, tick=False)
    seed_demo()

    after = keys()
    assert set(after.values()) == {1}
    assert first.keys() <= after.keys()
    upcoming = list(InfoSession.objects.upcoming())
    assert len(upcoming) >= 4
    assert {session.format for session in upcoming} == {Format.IN_PERSON, Format.VIRTUAL}
    assert all(session.starts_at > later for session in upcoming)


def test_a_session_edited_in_admin_is_left_alone(time_machine):
    time_machine.move_to(WEDNESDAY, tick=False)
    seed_demo()
    edited = InfoSession.objects.first()
    edited.description = "Changed by marketing."
    edited.capacity = 5
    edited.save()

    seed_demo()

    edited.refresh_from_db()
    assert (edited.description, edited.capacity) == ("Changed by marketing.", 5)


def test_the_list_of_sessions_shows_them(client, time_machine):
    time_machine.move_to(WEDNESDAY, tick=False)
    seed_demo()

    response = client.get("/info-sessions/")

    assert response.status_code == 200
    html = response.content.decode()
    for planned in demo.SESSIONS:
        assert planned.title in html
    # The link to join is for those registered only.
    assert "meet.example.org" not in html
