"""The calendar invitation (.ics) sent to someone with a seat: with the confirmation, a seat
opened, the reminders and each update, and (to remove it) when the place is given up or the
session called off.

One event per registration: its UID the same across every message about that place, SEQUENCE
the session's (bumped by each change, and by calling it off; one more than the session's when
the place alone is given up, as a change of status is a significant revision that calendars may
ignore at an unchanged SEQUENCE), times in the center's time zone with its VTIMEZONE, and
the center as organizer and the registrant as attendee, so that mail programs offer to add it and
apply updates and cancellations to the event already in the calendar. Its title names the center,
not the program: a calendar, like a lock screen, may be seen by others; the program is in the
description.
"""

from email.utils import parseaddr
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from center.profile import current_center
from infosessions.models import InfoSession, Registration

PRODUCT_ID = "-//Resilience//Information sessions//EN"


def event_uid(session: InfoSession, registration: Registration) -> str:
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"info-session-{session.uid}-{registration.pk}@{domain}"


def invitation(session: InfoSession, registration: Registration, *, cancelled: bool = False) -> str:
    """The place as an iCalendar file; `cancelled` to remove it from their calendar."""
    sequence = session.sequence
    if cancelled and session.cancelled_at is None:
        # The place given up, the session going on: no change bumped the session's SEQUENCE,
        # so one more than the last invitation they were sent (the session's).
        sequence += 1
    center = current_center()
    center_time = ZoneInfo(settings.TIME_ZONE)
    event = Event()
    event.add("uid", event_uid(session, registration))
    event.add("sequence", sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at.astimezone(center_time))
    event.add("dtend", session.ends_at.astimezone(center_time))
    event.add("summary", _("Information session, %(center)s") % {"center": center.name})
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    description = f"{session.title}\n\n{session.description}"
    if session.is_virtual and not cancelled:
        event.add("location", session.meeting_url)
        event.add("url", session.meeting_url)
        description += "\n\n" + _("Join: %(link)s") % {"link": session.meeting_url}
    elif session.place:
        place = session.place
        event.add(
            "location",
            f"{place.name}, {place.street_address}, {place.city}, {place.state} "
            f"{place.postal_code}",
        )
    event.add("description", description)
    organizer = vCalAddress(f"mailto:{parseaddr(settings.ACKNOWLEDGMENT_FROM_EMAIL)[1]}")
    organizer.params["cn"] = vText(center.name)
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{registration.email}")
    attendee.params["cn"] = vText(registration.name)
    attendee.params["partstat"] = vText("ACCEPTED")
    attendee.params["rsvp"] = vText("FALSE")
    event.add("attendee", attendee, encode=0)

    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()
