"""The calendar invitation (.ics) sent with a registration's confirmation, reminders, updates
and cancellation: one event, the same UID across all of them, SEQUENCE bumped by each change, in
the center's time zone (with its VTIMEZONE, so every calendar shows the right local time)."""

from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from infosessions.models import InfoSession

PRODUCT_ID = "-//Resilience//Information sessions//EN"


def event_uid(session: InfoSession) -> str:
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"info-session-{session.uid}@{domain}"


def invitation(session: InfoSession, *, cancelled: bool = False) -> str:
    """The session as an iCalendar file; `cancelled` for a session called off or a place
    given up (calendars then remove the event)."""
    center_time = ZoneInfo(settings.TIME_ZONE)
    event = Event()
    event.add("uid", event_uid(session))
    event.add("sequence", session.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at.astimezone(center_time))
    event.add("dtend", session.ends_at.astimezone(center_time))
    event.add("summary", session.title)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if session.is_virtual:
        event.add("location", session.meeting_url)
        event.add("url", session.meeting_url)
        event.add("description", f"{session.description}\n\nJoin: {session.meeting_url}")
    else:
        if session.place:
            place = session.place
            event.add(
                "location",
                f"{place.name}, {place.street_address}, {place.city}, {place.state} "
                f"{place.postal_code}",
            )
        event.add("description", session.description)

    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()
