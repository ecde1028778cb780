"""Information-session use cases: registering, giving a place up, changing or cancelling a
session, reminders and attendance. Views, admin and tasks call these; none needs a request.

Seats: a registration locks the session's row (SELECT … FOR UPDATE) and counts the seats taken
in the same transaction, so two people can never take the last seat; whoever comes second waits
on the list. Every registration is also a lead of kind "info session", stored by the admissions
intake (routing, staff notifications, the desk and its audit all apply).

Messages to the registrant are admissions dispatches with a stable key, made in the transaction
that calls for them and delivered once it commits: each is sent at most once (the key), and one
whose task is lost is sent by the admissions sweep.
"""

import functools
import logging
import operator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import get_text_list
from phonenumber_field.phonenumber import PhoneNumber

from admissions import services as intake
from admissions import triage
from admissions.models import ContactMethod, Dispatch, ForWhom, Lead, LeadKind, Purpose
from admissions.notifications import dispatch_once
from center.profile import current_center
from core.pagecache import forget_public_pages
from core.queueing import publish_quickly
from core.seo import absolute_url
from infosessions.calendar import invitation
from infosessions.models import CancelledBecause, Format, InfoSession, Registration, Status

logger = logging.getLogger(__name__)

# A change to any of these is news to the people registered: they get an update.
ANNOUNCED_FIELDS = frozenset({"starts_at", "ends_at", "format", "place", "meeting_url"})
# The registrant's cancel link works this long (and never once the session has started).
CANCEL_LINK_MAX_AGE = timedelta(days=400)
# More places than this for one e-mail address in a day, across sessions, and the form asks them
# to call: it must not become a way to have a treatment center mail a stranger over and over.
MAX_REGISTRATIONS_PER_ADDRESS_PER_DAY = 3
# Someone registered who sends the form again with the same address gets their confirmation (or
# waiting-list message) again, to that address, at most this often: the form must not become a
# way to fill someone's inbox either.
SEND_AGAIN_AT_MOST_EVERY = timedelta(minutes=10)
_CANCEL_SALT = "infosessions.cancel-registration"
# Reminders: the day before, at the same time of day in the center's time zone (so 23 or 25
# hours before across a daylight-saving change), and an hour before. One that could not be sent
# in its window (workers down for hours) is left out rather than sent late.
DAY_BEFORE = "day_before"
HOUR_BEFORE = "hour_before"
REMINDER_WINDOW = {DAY_BEFORE: timedelta(hours=6), HOUR_BEFORE: timedelta(minutes=50)}


@dataclass(frozen=True)
class RegistrationDetails:
    first_name: str
    last_name: str
    email: str
    phone: PhoneNumber | None
    consent_given: bool


class RegistrationClosedError(Exception):
    """The session is not open for registration (not published, cancelled or started)."""


class AlreadyRegisteredError(Exception):
    """This e-mail address already has a place (or a place on the list) at this session. Its
    first message was sent to that address again if it was not sent lately (`sent_again`)."""

    def __init__(self, *, sent_again: bool = False):
        super().__init__()
        self.sent_again = sent_again


class PlaceNotHeldError(Exception):
    """The place was given up, or its session called off: there is no attendance to mark."""


class NoEmailAddressError(Exception):
    """The lead has no e-mail address to send the confirmation and reminders to."""


class NotRegisteredError(Exception):
    """Stored as a lead for the desk, but no place taken and nothing sent: a bot signal closed it
    as suspected spam (`held` False), or it waits for review (a flood, an address over its
    limit, without a proof of work: `held` True), and admissions will be in touch."""

    def __init__(self, *, held: bool):
        super().__init__()
        self.held = held


class TooManyRegistrationsError(Exception):
    """This e-mail address took MAX_REGISTRATIONS_PER_ADDRESS_PER_DAY places today already."""


# --- Registering -----------------------------------------------------------------------------


def register(
    session_id: int,
    details: RegistrationDetails,
    *,
    attribution: dict[str, str] | None = None,
    form_nonce: str | None = None,
    screening: intake.Screening | None = None,
) -> Registration:
    """A seat if one is left, else a place on the waiting list; the lead in admissions; the
    confirmation (or waiting-list) e-mail once committed. Sent twice from the same form (a double
    click), the same registration is returned. An address already registered for the session
    raises AlreadyRegisteredError, its first message sent to it again (at most every
    SEND_AGAIN_AT_MOST_EVERY)."""
    request, intake_id = _intake_for(session_id, details, form_nonce)
    already_registered = None
    with transaction.atomic():
        session = (
            InfoSession.objects.select_for_update(of=("self",))
            .select_related("place", "program")
            .get(pk=session_id)
        )
        lead = intake.lead_already_received(intake_id)
        if lead and (same := session.registrations.active().filter(lead=lead).first()):
            return same
        if not session.is_open:
            raise RegistrationClosedError
        email = request.email.strip().lower()
        if existing := session.registrations.active().filter(email=email).first():
            # Raised once this block has committed the message made here.
            sent_again = _send_first_word_again(existing)
            already_registered = AlreadyRegisteredError(sent_again=sent_again)
            registration = None
        else:
            # Places still held today: one given up, or at a session called off, is not counted.
            recent = Registration.objects.active().filter(
                email=email,
                created_at__gte=timezone.now() - timedelta(days=1),
                session__cancelled_at__isnull=True,
            )
            if recent.count() >= MAX_REGISTRATIONS_PER_ADDRESS_PER_DAY:
                raise TooManyRegistrationsError
            lead = intake.receive_consultation_request(
                request,
                attribution=attribution,
                form_nonce=form_nonce,
                intake_id=intake_id,
                screening=screening,
            )
            if lead.in_pipeline:
                registration = _take_a_place(session, lead, email, details.phone)
            else:
                # Kept (committed below) for the desk, who can call; nobody is mailed unchecked.
                registration = None
                triage.log_info_session(
                    lead,
                    by=None,
                    note=f"Asked for a place, not given: {session}. Once checked, give one with "
                    "“Give a place” on the session's page.",
                )
    if already_registered is not None:
        raise already_registered
    if registration is None:
        raise NotRegisteredError(held=bool(lead.held_reason))
    logger.info(
        "Registration #%s for session #%s (%s)", registration.pk, session.pk, registration.status
    )
    return registration


def _send_first_word_again(registration: Registration) -> bool:
    """Someone registered sent the form again with the same address (their confirmation lost,
    say): the confirmation, or the waiting-list message, again, to the address registered (the
    one typed, so nothing reaches anyone else), unless a first message for this place was made in
    the last SEND_AGAIN_AT_MOST_EVERY or is still waiting to go. Call with the session's row
    locked. The page says the same whatever happens here. True if a message was made."""
    now = timezone.now()
    made = Dispatch.objects.filter(
        _keys_of(registration, _FIRST_WORD),
        Q(created_at__gte=now - SEND_AGAIN_AT_MOST_EVERY)
        | Q(sent_at__isnull=True, given_up_at__isnull=True),
        purpose__in=_FIRST_WORD,
    )
    if made.exists():
        return False
    purpose = (
        Purpose.SESSION_CONFIRMATION
        if registration.status == Status.REGISTERED
        else Purpose.SESSION_WAITLISTED
    )
    _tell(registration, purpose, key_suffix=f"again:{int(now.timestamp())}")
    logger.info("Registration #%s: its first message sent again", registration.pk)
    return True


def _keys_of(registration: Registration, purposes) -> Q:
    """The keys of this registration's messages of these purposes (see _key)."""
    return functools.reduce(
        operator.or_,
        (
            Q(key=_key(purpose, registration.pk))
            | Q(key__startswith=f"{purpose}:{registration.pk}:")
            for purpose in purposes
        ),
    )


def registration_sent_before(
    session_id: int, details: RegistrationDetails, *, form_nonce: str | None
) -> Registration | None:
    """The same form sent again (a double click, a page sent again): the place its first sending
    took, or NotRegisteredError as it was answered (kept for the desk). None for a form not
    received yet (or whose place was given up since: it is taken again, as new).

    For the view to ask before screening the request, so that sending it again does not count
    against the visitor's limit (as the consultation form does)."""
    _, intake_id = _intake_for(session_id, details, form_nonce)
    lead = intake.lead_already_received(intake_id)
    if lead is None:
        return None
    if same := Registration.objects.active().filter(session_id=session_id, lead=lead).first():
        return same
    if not lead.in_pipeline:
        raise NotRegisteredError(held=bool(lead.held_reason))
    return None


def _intake_for(
    session_id: int, details: RegistrationDetails, form_nonce: str | None
) -> tuple[intake.ConsultationRequest, str]:
    """The registration as the intake takes it, and its intake id (the same when sent again)."""
    program = (
        InfoSession.objects.filter(pk=session_id).values_list("program__slug", flat=True).first()
    )
    request = intake_request(details, program=program or "")
    return request, intake.intake_id_for(request, form_nonce)


def give_a_place(session_id: int, lead_id: int, *, by) -> Registration:
    """Staff give a place to someone they spoke with: a request kept for the desk to check
    (held, or looking automated), or taken while the database was down. A seat if one is left,
    else the waiting list; the confirmation goes to the lead's e-mail address. The form's
    checks hold but the per-address limit (staff know who they are talking to)."""
    with transaction.atomic():
        session = (
            InfoSession.objects.select_for_update(of=("self",))
            .select_related("place", "program")
            .get(pk=session_id)
        )
        lead = Lead.objects.get(pk=lead_id)
        if not session.is_open:
            raise RegistrationClosedError
        email = (lead.email or "").strip().lower()
        if not email:
            raise NoEmailAddressError
        if session.registrations.active().filter(Q(email=email) | Q(lead=lead)).exists():
            raise AlreadyRegisteredError
        registration = _take_a_place(session, lead, email, lead.phone, by=by)
    logger.info(
        "Registration #%s for session #%s given by staff (%s)",
        registration.pk,
        session.pk,
        registration.status,
    )
    return registration


def _take_a_place(session, lead, email: str, phone, *, by=None) -> Registration:
    """With the session's row locked: a seat if one is left, else the waiting list."""
    taken = session.registrations.filter(status=Status.REGISTERED).count()
    registration = Registration.objects.create(
        session=session,
        lead=lead,
        first_name=lead.first_name,
        last_name=lead.last_name,
        email=email,
        phone=phone or "",
        status=Status.REGISTERED if taken < session.capacity else Status.WAITLISTED,
    )
    triage.log_info_session(lead, by=by, note=f"{registration.get_status_display()}: {session}")
    _tell(
        registration,
        Purpose.SESSION_CONFIRMATION
        if registration.status == Status.REGISTERED
        else Purpose.SESSION_WAITLISTED,
    )
    return registration


def intake_request(
    details: RegistrationDetails, *, program: str = "", message: str = ""
) -> intake.ConsultationRequest:
    """The registration as the admissions intake takes it: a request of kind "info session"."""
    return intake.ConsultationRequest(
        kind=LeadKind.INFO_SESSION,
        for_whom=ForWhom.SELF,
        first_name=details.first_name,
        last_name=details.last_name,
        phone=details.phone,
        email=details.email,
        # Someone who gave a phone may be called back about the program; else e-mail only.
        preferred_contact=ContactMethod.CALL if details.phone else ContactMethod.EMAIL,
        consent_given=details.consent_given,
        program=program,
        message=message,
    )


# --- Giving a place up, and the waiting list ---------------------------------------------------


def cancel_link(registration: Registration) -> str:
    token = signing.dumps(registration.pk, salt=_CANCEL_SALT, compress=True)
    return absolute_url(reverse("infosessions:cancel", args=[token]))


def registration_for_cancel_token(token: str) -> Registration | None:
    """The registration a cancel link names, if the link is genuine and not expired."""
    try:
        pk = signing.loads(token, salt=_CANCEL_SALT, max_age=CANCEL_LINK_MAX_AGE)
    except signing.BadSignature:  # tampered with, or expired (SignatureExpired is one)
        return None
    if not isinstance(pk, int):
        return None
    return Registration.objects.select_related("session", "session__place").filter(pk=pk).first()


def cancel_registration(registration_id: int) -> Registration:
    """Give the place up (at the registrant's request); the first on the waiting list, if any,
    gets the seat and is told. Idempotent."""
    with transaction.atomic():
        session_id = Registration.objects.values_list("session_id", flat=True).get(
            pk=registration_id
        )
        session = InfoSession.objects.select_for_update(of=("self",)).get(pk=session_id)
        registration = Registration.objects.select_related("session").get(pk=registration_id)
        if registration.status == Status.CANCELLED:
            return registration
        had_a_seat = registration.status == Status.REGISTERED
        registration.status = Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.cancelled_because = CancelledBecause.GIVEN_UP
        registration.save(update_fields=["status", "cancelled_at", "cancelled_because"])
        _give_up_pending_messages([registration])
        if registration.lead_id:
            triage.log_info_session(
                registration.lead, by=None, note=f"Gave up their place: {session}"
            )
        _tell(registration, Purpose.REGISTRATION_CANCELLED, held_a_seat=had_a_seat)
        if had_a_seat:
            fill_free_seats(session)
    return registration


def fill_free_seats(session: InfoSession) -> list[Registration]:
    """Give free seats to the waiting list, first come first served. Call with the session's
    row locked (in the transaction that freed the seats)."""
    if not session.is_open:
        return []
    taken = session.registrations.filter(status=Status.REGISTERED).count()
    free = max(session.capacity - taken, 0)
    promoted = list(session.registrations.filter(status=Status.WAITLISTED)[:free])
    now = timezone.now()
    for registration in promoted:
        registration.status = Status.REGISTERED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        _tell(registration, Purpose.SESSION_SEAT_OPENED)
    triage.log_info_session_on_leads(
        _lead_ids(promoted), by=None, note=f"Given a seat from the waiting list: {session}"
    )
    return promoted


def _lead_ids(registrations) -> list[int]:
    return [registration.lead_id for registration in registrations if registration.lead_id]


# --- Changing and cancelling a session -------------------------------------------------------


@dataclass(frozen=True)
class SessionChange:
    """What changed that registrants are told of (ANNOUNCED_FIELDS), and the times before it
    (when known), for the update to say what changed: nothing about a person, nothing about
    their health."""

    fields: frozenset[str]
    earlier_starts_at: datetime | None = None
    earlier_ends_at: datetime | None = None

    @property
    def moved(self) -> bool:
        return bool({"starts_at", "ends_at"} & self.fields)

    def in_words(self) -> str:
        """For the lead's timeline: "time and meeting link"."""
        said = [
            words
            for words, fields in (
                ("time", {"starts_at", "ends_at"}),
                ("format", {"format"}),
                ("place", {"place"}),
                ("meeting link", {"meeting_url"}),
            )
            if fields & self.fields
        ]
        return get_text_list(said, "and")


def announced_changes(session: InfoSession, changed: set[str]) -> set[str]:
    """The changes to the session its registrants are told of: its time, format, place or link.
    The link of a session in person is in no message (and refused, see InfoSession.clean): a
    change to it alone is no news."""
    announced = set(changed) & ANNOUNCED_FIELDS
    if session.format == Format.IN_PERSON and "format" not in announced:
        announced.discard("meeting_url")
    return announced


def session_changed(
    session: InfoSession, changed: set[str], *, earlier: dict | None = None
) -> None:
    """After admin saved a change: registrants hear of a new time, place or link (with the
    invitation updated, SEQUENCE bumped), and what changed (`earlier`: the values before, from
    the form, to say the time it was); more seats go to the waiting list."""
    earlier = earlier or {}
    with transaction.atomic():
        session = InfoSession.objects.select_for_update(of=("self",)).get(pk=session.pk)
        announced = announced_changes(session, changed)
        if announced and session.cancelled_at is None:
            InfoSession.objects.filter(pk=session.pk).update(sequence=F("sequence") + 1)
            session.refresh_from_db()
            change = SessionChange(
                fields=frozenset(announced),
                earlier_starts_at=_earlier_time(earlier, "starts_at", session.starts_at),
                earlier_ends_at=_earlier_time(earlier, "ends_at", session.ends_at),
            )
            registrations = list(session.registrations.active())
            # Made with the old time, place or link, and not sent yet: never sent. Someone who
            # had not heard of their place yet gets that message, as the session is now;
            # everyone else an update. Reminders are made again for the new time.
            unsent = _pending_purposes(_give_up_pending_messages(registrations))
            told = []
            for registration in registrations:
                purpose = _what_to_tell_after_a_change(unsent.get(registration.pk, set()))
                if (
                    purpose == Purpose.SESSION_UPDATE
                    and registration.status == Status.WAITLISTED
                    and change.fields <= {"meeting_url"}
                ):
                    continue  # the link comes with a seat: someone waiting has no news
                _tell(registration, purpose, key_suffix=str(session.sequence), change=change)
                told.append(registration)
            triage.log_info_session_on_leads(
                _lead_ids(told),
                by=None,
                note=f"Session changed ({change.in_words()}), told by e-mail: {session}",
            )
        if "capacity" in changed or "published" in changed:
            fill_free_seats(session)


def _earlier_time(earlier: dict, field: str, now_value: datetime) -> datetime | None:
    value = earlier.get(field)
    return value if isinstance(value, datetime) and value != now_value else None


def cancel_session(session_id: int) -> int:
    """Call the session off: it leaves the site, and everyone registered or waiting is told
    (the calendars of those with a seat remove it). Returns how many are told. Idempotent; a
    session that has started is held, not called off."""
    with transaction.atomic():
        session = InfoSession.objects.select_for_update(of=("self",)).get(pk=session_id)
        if session.cancelled_at is not None or session.starts_at <= timezone.now():
            return 0
        InfoSession.objects.filter(pk=session.pk).update(
            cancelled_at=timezone.now(), sequence=F("sequence") + 1
        )
        session.refresh_from_db()
        registrations = list(session.registrations.active())
        _give_up_pending_messages(registrations)
        # Their places are closed with it: no longer counted as registered or waiting anywhere
        # (the session's page in admin, the list, the export, the dashboard, an address's limit).
        closed = {
            "status": Status.CANCELLED,
            "cancelled_at": session.cancelled_at,
            "cancelled_because": CancelledBecause.SESSION_CANCELLED,
        }
        Registration.objects.filter(pk__in=[r.pk for r in registrations]).update(**closed)
        for registration in registrations:
            had_a_seat = registration.status == Status.REGISTERED
            for name, value in closed.items():
                setattr(registration, name, value)
            _tell(registration, Purpose.SESSION_CANCELLED, held_a_seat=had_a_seat)
        triage.log_info_session_on_leads(
            _lead_ids(registrations), by=None, note=f"Session cancelled, told by e-mail: {session}"
        )
        # Saved with update(), which sends no signal: the pages that list it forget now.
        transaction.on_commit(forget_public_pages)
    return len(registrations)


def repeat_weekly(session: InfoSession, weeks: int) -> list[InfoSession]:
    """Copies of the session on the same weekday and local time for the next `weeks` weeks:
    separate sessions, each edited or cancelled on its own (6 pm stays 6 pm across a change of
    daylight-saving time)."""
    start = session.starts_at.astimezone(ZoneInfo(settings.TIME_ZONE))
    length = session.ends_at - session.starts_at
    copies = []
    for week in range(1, weeks + 1):
        # Arithmetic on an aware time keeps the wall clock; the zone gives the date's offset.
        starts_at = start + timedelta(weeks=week)
        copies.append(
            InfoSession(
                program=session.program,
                title=session.title,
                description=session.description,
                starts_at=starts_at,
                ends_at=starts_at + length,
                format=session.format,
                place=session.place,
                meeting_url=session.meeting_url,
                capacity=session.capacity,
                host=session.host,
                published=session.published,
            )
        )
    for copy in copies:
        copy.save()
    return copies


# --- Reminders -------------------------------------------------------------------------------


def reminder_due_at(session: InfoSession, which: str) -> datetime:
    if which == HOUR_BEFORE:
        return session.starts_at - timedelta(hours=1)
    # Arithmetic on an aware time keeps the wall clock; the zone gives that day's offset.
    return session.starts_at.astimezone(ZoneInfo(settings.TIME_ZONE)) - timedelta(days=1)


def send_due_reminders(now: datetime | None = None) -> int:
    """Queue every reminder now due (run every minute by beat; any run, on any worker, finds
    the same ones and makes each message once). Returns how many were made."""
    now = now or timezone.now()
    # Published or not: someone registered is reminded even if the session left the list.
    sessions = InfoSession.objects.filter(
        cancelled_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + timedelta(hours=26),
    ).select_related("place")
    made = 0
    for session in sessions:
        which = _reminder_now(session, now)
        if which is None:
            continue
        with transaction.atomic():
            current = _locked_if_unchanged(session)
            if current is None:
                continue
            moment = f"{which}:{int(current.starts_at.timestamp())}"
            due = reminder_due_at(current, which)
            # Read under the lock, as giving a place up takes it: only places still held, and
            # held before the reminder was due (the message giving a later one says when).
            registrations = list(
                current.registrations.filter(
                    Q(promoted_at__isnull=True) | Q(promoted_at__lt=due),
                    status=Status.REGISTERED,
                    created_at__lt=due,
                )
            )
            reminded = _reminded(registrations, current, which)
            for registration in registrations:
                if registration.pk in reminded:
                    continue
                # The SEQUENCE too: a reminder given up by a change is made again after it.
                suffix = f"{moment}:{current.sequence}"
                _tell(registration, Purpose.SESSION_REMINDER, key_suffix=suffix, which=which)
                made += 1
    return made


def _reminded(registrations: list[Registration], session: InfoSession, which: str) -> set[int]:
    """The registrations already reminded (this kind of reminder) recently enough for it to hold
    for the session's start now: sent, or made and not sent yet, at or after the start less one
    and a half times the reminder's lead. A session moved by an hour is then told by its update
    alone; one moved by a day or more gets this reminder again for its new date. Reminders given
    up never count."""
    prefixes = [f"{_key(Purpose.SESSION_REMINDER, r.pk, which)}:" for r in registrations]
    if not prefixes:
        return set()
    since = session.starts_at - 1.5 * (session.starts_at - reminder_due_at(session, which))
    # Keys are <purpose>:<registration>:<which>:<start>[:<sequence>] (see send_due_reminders).
    named = functools.reduce(operator.or_, (Q(key__startswith=prefix) for prefix in prefixes))
    made = Dispatch.objects.filter(
        named,
        Q(sent_at__gte=since) | Q(sent_at__isnull=True, created_at__gte=since),
        purpose=Purpose.SESSION_REMINDER,
        given_up_at__isnull=True,
    ).values_list("key", flat=True)
    return {_registration_in_key(key, Purpose.SESSION_REMINDER) for key in made}


def _locked_if_unchanged(session: InfoSession) -> InfoSession | None:
    """The session as it is now, its row locked as cancelling or changing it locks it, if it was
    not called off or moved since it was read. Reminders then say what it is now (its place and
    link)."""
    now = (
        InfoSession.objects.select_for_update(of=("self",))
        .select_related("place")
        .filter(pk=session.pk)
        .first()
    )
    if now is None or now.cancelled_at is not None or now.starts_at != session.starts_at:
        return None
    return now


def _reminder_now(session: InfoSession, now: datetime) -> str | None:
    """The reminder whose window this is, if any (an hour before outranks the day before)."""
    for which in (HOUR_BEFORE, DAY_BEFORE):
        due = reminder_due_at(session, which)
        if due <= now < due + REMINDER_WINDOW[which]:
            return which
    return None


# --- Attendance ------------------------------------------------------------------------------


def mark_attendance(registration_id: int, *, attended: bool, by) -> bool:
    """Record whether they came, on the registration and on the lead's timeline. Returns False
    when it was already marked so, or the session has not started yet. Raises PlaceNotHeldError
    for a place given up or at a session called off: nobody held it."""
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("session", "lead")
            .get(pk=registration_id)
        )
        if not holds_a_place(registration):
            raise PlaceNotHeldError
        if registration.attended is attended or registration.session.starts_at > timezone.now():
            return False
        registration.attended = attended
        registration.attendance_marked_at = timezone.now()
        registration.attendance_marked_by = by
        registration.save(
            update_fields=["attended", "attendance_marked_at", "attendance_marked_by"]
        )
        if registration.lead:
            what = "Attended" if attended else "Did not attend"
            triage.log_info_session(
                registration.lead, by=by, note=f"{what}: {registration.session}"
            )
    return True


def holds_a_place(registration: Registration) -> bool:
    """Not given up, and its session not called off: attendance can be marked."""
    return registration.status != Status.CANCELLED and registration.session.cancelled_at is None


# --- Messages to the registrant ----------------------------------------------------------------

_CANCELLING = {Purpose.SESSION_CANCELLED, Purpose.REGISTRATION_CANCELLED}


def _key(purpose: str, registration_id: int, suffix: str = "") -> str:
    return f"{purpose}:{registration_id}:{suffix}" if suffix else f"{purpose}:{registration_id}"


# Messages that mean nothing once the place is given up or the session called off.
_ABOUT_A_PLACE = {
    Purpose.SESSION_CONFIRMATION,
    Purpose.SESSION_WAITLISTED,
    Purpose.SESSION_SEAT_OPENED,
    Purpose.SESSION_REMINDER,
    Purpose.SESSION_UPDATE,
}


# The first word someone has of their place, in the order one supersedes another.
_FIRST_WORD = (
    Purpose.SESSION_SEAT_OPENED,
    Purpose.SESSION_CONFIRMATION,
    Purpose.SESSION_WAITLISTED,
)


def _what_to_tell_after_a_change(unsent_purposes: set[str]) -> str:
    return next((p for p in _FIRST_WORD if p in unsent_purposes), Purpose.SESSION_UPDATE)


def _pending_messages(registrations) -> dict[int, dict[int, str]]:
    """registration id → its messages about a place not sent yet (dispatch id → purpose).

    Found by the dispatch's key (see _key), not by its lead: one lead may hold places at
    several sessions (staff give each), and what happens to one place is no news about another.
    """
    emails = {registration.email for registration in registrations}
    ids = {registration.pk for registration in registrations}
    if not ids:
        return {}
    made = Dispatch.objects.pending().filter(purpose__in=_ABOUT_A_PLACE, recipient__in=emails)
    pending: dict[int, dict[int, str]] = {}
    for dispatch_id, key, purpose in made.values_list("pk", "key", "purpose"):
        registration_id = _registration_in_key(key, purpose)
        if registration_id in ids:
            pending.setdefault(registration_id, {})[dispatch_id] = purpose
    return pending


def _registration_in_key(key: str, purpose: str) -> int | None:
    """The registration a key made by _key names: <purpose>:<registration id>[:<suffix>]."""
    head, _, rest = key.partition(":")
    registration_id = rest.split(":", 1)[0]
    if head != purpose or not registration_id.isdigit():
        return None
    return int(registration_id)


def _pending_purposes(pending: dict[int, dict[int, str]]) -> dict[int, set[str]]:
    """registration id → the purposes of its messages about a place not sent yet."""
    return {registration_id: set(made.values()) for registration_id, made in pending.items()}


def _give_up_pending_messages(registrations) -> dict[int, dict[int, str]]:
    """Not yet sent, and no longer true: never sent. Returns what was pending (as
    _pending_messages)."""
    pending = _pending_messages(registrations)
    dispatch_ids = [dispatch_id for made in pending.values() for dispatch_id in made]
    if dispatch_ids:
        # Only those still pending: one sent meanwhile stays sent.
        Dispatch.objects.pending().filter(pk__in=dispatch_ids).update(
            given_up_at=timezone.now(), claimed_until=None, last_error="no longer true"
        )
    return pending


def _tell(
    registration: Registration,
    purpose: str,
    *,
    key_suffix: str = "",
    which: str = "",
    held_a_seat: bool | None = None,
    change: SessionChange | None = None,
) -> None:
    """Make the message (once for its key) and deliver it once the transaction commits."""
    from admissions.tasks import deliver_dispatch

    dispatch = dispatch_once(
        _key(purpose, registration.pk, key_suffix),
        purpose=purpose,
        channel="email",
        recipient=registration.email,
        lead_id=registration.lead_id,
        # Of no use once the session has started (a reminder retried for hours, say).
        send_by=registration.session.starts_at,
        render=partial(
            render_registrant_message,
            registration,
            purpose,
            which=which,
            held_a_seat=held_a_seat,
            change=change,
        ),
    )
    transaction.on_commit(partial(publish_quickly, deliver_dispatch, dispatch.pk), robust=True)


def render_registrant_message(
    registration: Registration,
    purpose: str,
    *,
    which: str = "",
    held_a_seat: bool | None = None,
    change: SessionChange | None = None,
) -> tuple[str, str, str]:
    """(subject, body, invitation). The subject names no treatment: the mailbox, or the lock
    screen it shows on, may not be theirs alone. The meeting link and the invitation go only to
    someone with a seat; the invitation that removes it, only to someone who held one (who was
    sent an invitation): someone who only waited has nothing in their calendar to remove.

    `held_a_seat`: whether the registration held a seat before this message (a place given up
    is cancelled by then); by default, whether it holds one now. `change`: for an update, what
    changed (see SessionChange)."""
    session = registration.session
    if held_a_seat is None:
        held_a_seat = registration.status == Status.REGISTERED
    has_seat = registration.status == Status.REGISTERED and purpose not in _CANCELLING
    if purpose in _CANCELLING:
        calendar = invitation(session, registration, cancelled=True) if held_a_seat else ""
    elif has_seat:
        calendar = invitation(session, registration)
    else:
        calendar = ""  # on the waiting list: nothing in their calendar yet
    context = {
        "has_seat": has_seat,
        "place_given_up": purpose in _CANCELLING,
        # The body speaks of the attached invitation only when there is one.
        "invitation_attached": bool(calendar),
        "center": current_center(),
        "registration": registration,
        "session": session,
        "starts": timezone.localtime(session.starts_at),
        "ends": timezone.localtime(session.ends_at),
        "which": which,
        # Only the reminders that will come (see send_due_reminders).
        "reminders": reminders_to_come(registration) if has_seat else [],
        **_change_context(session, change),
        "cancel_link": cancel_link(registration),
        "sessions_link": absolute_url(reverse("infosessions:list")),
        "time_zone": settings.TIME_ZONE,
    }
    # In the site's language, even from a beat task (where no language is active).
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"infosessions/email/{purpose}_subject.txt", context)
        body = render_to_string(f"infosessions/email/{purpose}.txt", context)
    return subject, body, calendar


def _change_context(session: InfoSession, change: SessionChange | None) -> dict:
    """What an update says changed: the new time and the one before, the format, the place or
    the link. Empty for any other message."""
    if change is None:
        return {}
    earlier_starts = earlier_ends = None
    if change.earlier_starts_at or change.earlier_ends_at:
        earlier_starts = timezone.localtime(change.earlier_starts_at or session.starts_at)
        earlier_ends = timezone.localtime(change.earlier_ends_at or session.ends_at)
    format_changed = "format" in change.fields
    return {
        "moved": change.moved,
        "earlier_starts": earlier_starts,
        "earlier_ends": earlier_ends,
        "format_changed": format_changed,
        "place_changed": (
            "place" in change.fields and not format_changed and not session.is_virtual
        ),
        "link_changed": (
            "meeting_url" in change.fields and not format_changed and session.is_virtual
        ),
    }


def reminders_to_come(registration: Registration, now: datetime | None = None) -> list[str]:
    """The reminders this seat will still get, as DAY_BEFORE, HOUR_BEFORE: those due after now,
    and after the seat was taken (send_due_reminders leaves out a reminder due before the place
    was taken or given)."""
    session = registration.session
    since = max(registration.promoted_at or registration.created_at, now or timezone.now())
    return [which for which in (DAY_BEFORE, HOUR_BEFORE) if since < reminder_due_at(session, which)]
