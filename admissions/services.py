"""Admissions use cases: receiving a consultation request and everything that follows it.

Views, admin actions and Celery tasks call these functions; none of them needs a request.
"""

import hashlib
import json
import logging
import random
import uuid
from collections import defaultdict
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from phonenumber_field.phonenumber import PhoneNumber

from admissions import flood
from admissions.attribution import ATTRIBUTION_FIELDS, cleaned, source_of
from admissions.channels import Audience
from admissions.consent import CONSENT_TEXT, CONSENT_VERSION
from admissions.models import (
    Activity,
    ActivityKind,
    BestTime,
    CloseOutcome,
    Dispatch,
    FloodEpisode,
    HoldReason,
    Lead,
    LeadKind,
    Notification,
    Payment,
    Priority,
    Purpose,
    Status,
    info_session_overdue_cutoff,
)
from admissions.notifications import (
    DIGEST_MAX_LEADS,
    Delivery,
    acknowledge_requester,
    deliver,
    notify_staff,
    recipients_for,
    render_lead_list,
    render_message,
    send_digests,
    send_once_to_each,
    stale_pending_dispatches,
)
from admissions.priority import urgent_terms
from admissions.routing import next_in_rotation, on_call_staff, supervisors
from core.db.outage import DATABASE_UNREACHABLE
from core.queueing import publish_quickly
from core.seo import absolute_url
from core.text import clean_text
from programs.models import Program

logger = logging.getLogger(__name__)

DUPLICATE_WINDOW = timedelta(days=30)
# One showing of the form may make this many leads: a request and two corrections of it. More is
# a script replaying the token.
MAX_LEADS_PER_FORM = 3
# These bound how soon a lost follow-up is found (with the sweep every 30 s, within about a
# minute and a half of a broker restart or a killed worker), against how often one that is only
# slow gets a second task (harmless: every message is claimed before it is sent).
# Time for the follow-up to be queued once the lead is committed, before the sweep steps in.
FOLLOW_UP_GRACE = timedelta(minutes=1)
# A started follow-up that has not finished or scheduled a retry after this long was killed
# (the task's hard time limit, tasks.FOLLOW_UP_TIME_LIMIT, is shorter).
FOLLOW_UP_RUN_LEASE = timedelta(minutes=1)
# A queued follow-up that has not started after this long may have been lost with the broker;
# the wait grows with the lead's age (half of it, at most the longest) so that an hour without
# workers does not fill the queue with copies.
FOLLOW_UP_REQUEUE_SHORTEST = timedelta(minutes=1)
FOLLOW_UP_REQUEUE_LONGEST = timedelta(minutes=30)
# Retries of a failing follow-up: 10 s, 20 s, 40 s… at most 10 minutes apart.
FOLLOW_UP_RETRY_FIRST = 10
FOLLOW_UP_RETRY_LONGEST = 600
# Past this, a lead whose follow-up still fails needs a person, not another retry; its
# escalations to supervisors go on regardless.
FOLLOW_UP_GIVE_UP_AFTER = timedelta(days=7)
SWEEP_BATCH = 500

TEXT_FIELDS = (
    "first_name",
    "last_name",
    "patient_first_name",
    "insurance_carrier",
    "insurance_member_id",
    "insurance_group_number",
)


@dataclass(frozen=True)
class ConsultationRequest:
    """A validated request for a consultation, from the website form or any other front door
    (a registration for an information session is one too, of its own kind)."""

    for_whom: str
    first_name: str
    last_name: str
    phone: PhoneNumber | None  # None only for a registration, which may give none
    preferred_contact: str
    consent_given: bool
    email: str = ""
    relationship: str = ""
    patient_first_name: str = ""
    best_time: str = BestTime.ANY
    program: str = ""  # a program's slug; looked up when the request is stored
    payment: str = Payment.NOT_SURE
    insurance_carrier: str = ""
    insurance_member_id: str = ""
    insurance_group_number: str = ""
    insurance_subscriber: str = ""
    message: str = ""
    referral_source: str = ""
    kind: str = LeadKind.CONSULTATION

    def as_data(self) -> dict:
        """Plain, JSON-ready values: the phone as E.164 with its extension apart."""
        data = asdict(self)
        data["phone"] = self.phone.as_e164 if self.phone else ""
        data["phone_extension"] = (self.phone.extension if self.phone else "") or ""
        return data

    @classmethod
    def from_data(cls, data: dict) -> "ConsultationRequest":
        data = dict(data)
        phone = PhoneNumber.from_string(number) if (number := data.pop("phone")) else None
        extension = data.pop("phone_extension", "") or None
        if phone:
            phone.extension = extension
        return cls(phone=phone, **data)


@dataclass(frozen=True)
class Screening:
    """What the front door noticed about how the request arrived."""

    # Why it must wait for a person's review before anyone is told (see HoldReason).
    held_reason: str = ""
    # Signs of a script (see BotSignal): stored, closed as suspected spam, never announced.
    bot_signals: tuple[str, ...] = field(default_factory=tuple)


class FormTokenUsedUpError(Exception):
    """This showing of the form has made as many leads as one person plausibly sends."""


class NotificationsNotSentError(Exception):
    """Some notifications failed; the task retries and sends only those."""


# --- Receiving -------------------------------------------------------------------------------


def intake_id_for(request: ConsultationRequest, form_nonce: str | None) -> str:
    """The same request sent again from the same form (a double click, a resent POST, a spooled
    copy) has the same id; a corrected one, or one from another form, has another."""
    if not form_nonce:
        return uuid.uuid4().hex
    data = request.as_data()
    data["email"] = data["email"].strip().lower()
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{form_nonce}\n{canonical}".encode()).hexdigest()


def lead_already_received(intake_id: str) -> Lead | None:
    # Asked on every request and almost always answered "no": the id alone, then the lead.
    pk = Lead.objects.filter(intake_id=intake_id).values_list("pk", flat=True).first()
    return Lead.objects.get(pk=pk) if pk else None


def receive_consultation_request(
    request: ConsultationRequest,
    *,
    attribution: dict[str, str] | None = None,
    form_nonce: str | None = None,
    intake_id: str | None = None,
    received_at: datetime | None = None,
    screening: Screening | None = None,
    reference: str | None = None,
) -> Lead:
    """Store the request as a lead, then queue its follow-up once the lead is committed.

    `reference` is the one already shown to the person, when the request was taken before it
    could be stored (the spool); otherwise the lead gets a new one.

    Storing comes first and depends on nothing but the database: a broker, mail server or worker
    being down delays the follow-up (the sweep catches up) but never loses the lead. The same
    request sent twice (same intake_id) returns the lead already made. A request that looks
    automated is stored too, held or closed as suspected spam, so a person can find a real one.

    Raises FormTokenUsedUpError when one showing of the form has already made MAX_LEADS_PER_FORM
    leads, and the database's errors when it cannot be reached (the caller spools the request).
    """
    if not request.consent_given:
        raise ValueError("A consultation request needs consent to be contacted.")
    screening = screening or Screening()
    intake_id = intake_id or intake_id_for(request, form_nonce)
    if existing := lead_already_received(intake_id):
        return existing

    now = received_at or timezone.now()
    fields = _stored_fields(request)
    program_slug = fields.pop("program")
    terms = urgent_terms(fields["message"])
    lead = Lead(
        **fields,
        **cleaned(attribution or {}),
        program=Program.objects.filter(slug=program_slug).first() if program_slug else None,
        created_at=now,
        priority=Priority.URGENT if terms else Priority.NORMAL,
        urgent_terms=", ".join(terms),
        consent_text=str(CONSENT_TEXT),
        consent_version=CONSENT_VERSION,
        consented_at=now,
        intake_id=intake_id,
        **({"reference": reference} if reference else {}),
        form_nonce=form_nonce or "",
        held_reason=screening.held_reason,
        bot_signals=", ".join(screening.bot_signals),
        follow_up_due_by=now + FOLLOW_UP_GRACE,
    )
    lead.source = source_of(utm_source=lead.utm_source, referrer=lead.referrer)
    if screening.bot_signals and terms:
        # Too risky to close unseen: held, and escalated to supervisors like any urgent lead.
        lead.held_reason = lead.held_reason or HoldReason.BOT_SIGNAL
    elif screening.bot_signals:
        lead.status, lead.close_outcome, lead.closed_at = (
            Status.CLOSED,
            CloseOutcome.SUSPECTED_SPAM,
            timezone.now(),
        )

    for _ in range(MAX_LEADS_PER_FORM + 1):
        if form_nonce:
            uses = _form_nonce_uses(form_nonce)
            if uses >= MAX_LEADS_PER_FORM:
                raise FormTokenUsedUpError
            lead.form_nonce_use = uses + 1
        try:
            with transaction.atomic():
                lead.duplicate_of_id = (
                    Lead.objects.recent_with_contact_details(
                        phone=lead.phone, email=lead.email, since=now - DUPLICATE_WINDOW
                    )
                    .order_by("-created_at")
                    .values_list("pk", flat=True)
                    .first()
                )
                _insert_keeping_the_request(lead)
                if lead.in_pipeline:
                    transaction.on_commit(partial(queue_follow_up, lead.pk), robust=True)
            break
        except IntegrityError:
            # The same request stored a moment ago by a concurrent POST (a double click)…
            if existing := lead_already_received(intake_id):
                return existing
            # …or a different one from the same form took this number: count again.
            if not form_nonce:
                raise
    else:
        raise FormTokenUsedUpError

    logger.info(
        "Received lead #%s (priority %s, held: %s, bot signals: %s)",
        lead.pk,
        lead.priority,
        lead.held_reason or "no",
        lead.bot_signals or "none",
    )
    flood.note_new_lead(now)
    return lead


def _stored_fields(request: ConsultationRequest) -> dict:
    fields = asdict(request)
    del fields["consent_given"]
    fields["phone"] = request.phone or ""
    fields["phone_extension"] = clean_text((request.phone and request.phone.extension) or "")[:20]
    fields["email"] = clean_text(request.email).strip().lower()
    for name in TEXT_FIELDS:
        fields[name] = clean_text(fields[name]).strip()
    fields["message"] = clean_text(request.message, multiline=True).strip()
    return fields


def _form_nonce_uses(form_nonce: str) -> int:
    return Lead.objects.filter(form_nonce=form_nonce).count()


def _insert_keeping_the_request(lead: Lead) -> None:
    """Insert the lead; if its attribution is what cannot be stored, store it without."""
    try:
        with transaction.atomic():
            lead.save(force_insert=True)
        return
    except (IntegrityError, *DATABASE_UNREACHABLE):
        raise
    except (DatabaseError, ValueError) as error:
        if not any(getattr(lead, name) for name in ATTRIBUTION_FIELDS):
            raise
        # The values are not logged: they came from whoever sent the request.
        logger.warning(
            "Storing a lead without its attribution, which could not be stored (%s)",
            type(error).__name__,
        )
    for name in ATTRIBUTION_FIELDS:
        setattr(lead, name, "")
    lead.source = "direct"
    with transaction.atomic():
        lead.save(force_insert=True)


# --- Following up ----------------------------------------------------------------------------


def queue_follow_up(lead_id: int) -> bool:
    """Hand the lead's follow-up to a worker, without raising or waiting on a broken broker.
    What is not queued here is queued by the sweep."""
    from admissions.tasks import follow_up_lead

    queued = publish_quickly(follow_up_lead, lead_id)
    if not queued:
        logger.warning("Follow-up of lead #%s not queued; the sweep will queue it", lead_id)
        return False
    now = timezone.now()
    lead = Lead.objects.filter(pk=lead_id, followed_up_at__isnull=True).only("created_at")
    if created_at := lead.values_list("created_at", flat=True).first():
        lead.update(follow_up_queued_at=now, follow_up_due_by=now + _requeue_wait(created_at, now))
    return True


def _requeue_wait(created_at: datetime, now: datetime) -> timedelta:
    return min(max((now - created_at) / 2, FOLLOW_UP_REQUEUE_SHORTEST), FOLLOW_UP_REQUEUE_LONGEST)


def follow_up_retry_wait(retries: int) -> int:
    """Seconds before the next try of a failing follow-up, with jitter so retries spread out."""
    longest = min(FOLLOW_UP_RETRY_FIRST * 2**retries, FOLLOW_UP_RETRY_LONGEST)
    return random.randint(longest // 2, longest)  # noqa: S311 - timing, not security


def expect_follow_up_retry(lead_id: int, seconds: int) -> None:
    """The follow-up retries by itself in `seconds`: the sweep waits for that, and a little more."""
    due = timezone.now() + timedelta(seconds=seconds) + FOLLOW_UP_RUN_LEASE
    # If the database is down too, the sweep finds it due earlier; a second try changes nothing.
    with suppress(*DATABASE_UNREACHABLE):
        Lead.objects.filter(pk=lead_id, followed_up_at__isnull=True).update(follow_up_due_by=due)


def follow_up_lead(lead_id: int) -> None:
    """Route the lead, tell the team, acknowledge the requester. Safe to run any number of
    times, also at the same moment: each message is sent once."""
    now = timezone.now()
    started = Lead.objects.filter(pk=lead_id).update(
        follow_up_attempted_at=now, follow_up_due_by=now + FOLLOW_UP_RUN_LEASE
    )
    if not started:
        return  # deleted since
    lead = Lead.objects.select_related("assigned_to").get(pk=lead_id)
    if not lead.in_pipeline:
        return  # held for review or closed: nobody is told unless someone releases it
    lead = route_lead(lead)
    failures = 0
    if lead.followed_up_at is None:
        failures += notify_staff(lead, Purpose.NEW_LEAD, _new_lead_audience(lead))
        _mark_followed_up_if_staff_told(lead)
    failures += acknowledge_requester(lead)
    if failures:
        raise NotificationsNotSentError(f"{failures} notification(s) for lead #{lead.pk} not sent")
    # Nothing failed that a retry could help, yet staff are not told (every address refused):
    # the sweep tries again, less and less often, rather than every minute.
    Lead.objects.filter(pk=lead.pk, followed_up_at__isnull=True).update(
        follow_up_due_by=timezone.now() + _requeue_wait(lead.created_at, timezone.now())
    )


def _mark_followed_up_if_staff_told(lead: Lead) -> None:
    # Told: at least one staff message delivered, and none pending (one another worker is
    # sending right now included: if that send fails, its retry must find the lead unfinished).
    told = Notification.objects.filter(lead=OuterRef("pk"), purpose=Purpose.NEW_LEAD)
    Lead.objects.filter(pk=lead.pk, followed_up_at__isnull=True).filter(
        Exists(told.delivered())
    ).exclude(Exists(told.pending())).update(followed_up_at=timezone.now())


def route_lead(lead: Lead) -> Lead:
    """Assign the lead round robin among staff on call now; unassigned if nobody is."""
    with transaction.atomic():
        lead = (
            Lead.objects.select_for_update(of=("self",))
            .select_related("assigned_to")
            .get(pk=lead.pk)
        )
        if lead.routed_at:
            return lead
        if lead.assigned_to_id:
            # Someone took it on the desk before routing ran (a slow or lost task): theirs.
            lead.routed_at = timezone.now()
            lead.save(update_fields=["routed_at"])
            return lead
        on_call = on_call_staff(timezone.now())
        if on_call:
            lead.assigned_to = next_in_rotation(on_call)
        # Taken after next_in_rotation has locked the staff rows: a lead routed at the same
        # moment by another worker is then always seen as the more recent assignment.
        now = timezone.now()
        lead.assigned_at = now if on_call else None
        lead.routed_at = now
        lead.save(update_fields=["assigned_to", "assigned_at", "routed_at"])
        if lead.assigned_to:
            Activity.objects.create(
                lead=lead, kind=ActivityKind.ASSIGNMENT, assigned_to=lead.assigned_to
            )
    if lead.assigned_to:
        logger.info("Lead #%s assigned to staff member %s", lead.pk, lead.assigned_to.pk)
    else:
        logger.warning("Lead #%s unassigned: nobody is on call", lead.pk)
    return lead


def _new_lead_audience(lead: Lead) -> Audience:
    if lead.is_urgent:
        return Audience(staff=[*on_call_staff(timezone.now()), *supervisors()], team_inbox=True)
    if lead.assigned_to:
        return Audience(staff=[lead.assigned_to], team_inbox=True)
    return Audience(staff=supervisors(), team_inbox=True)


# --- Escalations and digests -----------------------------------------------------------------


def _escalation_timing() -> tuple[timedelta, timedelta, timedelta]:
    """The SLA, the interval between reminders, and when the last reminder round ends."""
    sla = timedelta(minutes=settings.ADMISSIONS_SLA_MINUTES)
    interval = timedelta(minutes=settings.ADMISSIONS_ESCALATION_REPEAT_MINUTES)
    return sla, interval, sla + interval * settings.ADMISSIONS_ESCALATION_MAX_ROUNDS


def escalate_overdue_leads() -> int:
    """Tell supervisors about consultation requests nobody has contacted within the SLA, once
    per interval (registrations for an information session are not escalated: see
    LeadQuerySet.to_escalate).

    Round 1 goes out at the deadline, round 2 one interval later, and so on, up to
    ADMISSIONS_ESCALATION_MAX_ROUNDS; after that the lead is in the daily digest. Each person gets
    one message per run listing every lead due (oldest first), never one e-mail per lead. Returns
    the number of sends that failed.
    """
    now = timezone.now()
    sla, interval, last_round_ends = _escalation_timing()
    due = [
        (lead, 1 + (now - lead.created_at - sla) // interval)
        for lead in Lead.objects.to_escalate()
        .filter(created_at__lte=now - sla, created_at__gt=now - last_round_ends)
        .order_by("created_at", "pk")
    ]
    if not due:
        return 0
    audience = recipients_for(Audience(staff=supervisors()))
    by_recipient = {recipient: list(due) for recipient in audience}
    failures = send_digests(Purpose.ESCALATION, by_recipient, _render_escalation)
    # Every supervisor's address refused a lead's reminder for good: the inbox hears instead.
    unreached = _lead_rounds_nobody_was_told(due)
    if unreached:
        logger.error("Escalation of %s lead(s) reached nobody; telling the inbox", len(unreached))
        failures += send_digests(
            Purpose.ESCALATION,
            {recipient: unreached for recipient in recipients_for(Audience(team_inbox=True))},
            _render_escalation,
        )
    return failures


def _lead_rounds_nobody_was_told(due: list[tuple[Lead, int]]) -> list[tuple[Lead, int]]:
    rounds = {lead.pk: round_ for lead, round_ in due}
    told = defaultdict(bool)
    for lead_id, round_, dispatch_id, given_up in Notification.objects.filter(
        purpose=Purpose.ESCALATION, lead__in=list(rounds)
    ).values_list("lead_id", "round", "dispatch_id", "dispatch__given_up_at"):
        # Not yet in a digest (another run holds it) does not count as told.
        if rounds[lead_id] == round_:
            told[lead_id] |= dispatch_id is not None and given_up is None
    return [(lead, round_) for lead, round_ in due if not told[lead.pk]]


def _render_escalation(leads: list[tuple[Lead, int]]) -> tuple[str, str]:
    return render_lead_list("escalation", leads)


def send_daily_digest() -> int:
    """Once a day, from ADMISSIONS_DAILY_DIGEST_HOUR (the center's time), tell supervisors what
    still waits: leads past their last escalation round and requests held for review."""
    now = timezone.now()
    local = timezone.localtime(now)
    if local.hour < settings.ADMISSIONS_DAILY_DIGEST_HOUR:
        return 0
    last_round_ends = _escalation_timing()[2]
    # A consultation request once past its last escalation round; a registration for an
    # information session (never escalated) once past its own, longer deadline.
    waiting = Lead.objects.awaiting_contact().filter(
        (~Q(kind=LeadKind.INFO_SESSION) & Q(created_at__lte=now - last_round_ends))
        | Q(kind=LeadKind.INFO_SESSION, created_at__lt=info_session_overdue_cutoff(now))
    )
    waiting_count, held = waiting.count(), Lead.objects.held_for_review().count()
    if not waiting_count and not held:
        return 0
    waiting = list(waiting.order_by("created_at", "pk")[:DIGEST_MAX_LEADS])
    extra = {"count": waiting_count, "held": held, "held_link": _admin_list_link("held")}
    return send_once_to_each(
        f"{Purpose.DAILY_DIGEST}:{local.date().isoformat()}",
        Purpose.DAILY_DIGEST,
        Audience(staff=supervisors()),
        lambda: render_lead_list("daily_digest", [(lead, 0) for lead in waiting], extra),
    )


def report_set_aside_requests(count: int) -> int:
    """Requests kept during a database outage that could not be stored: the team must know at
    once (they are kept, encrypted, until an engineer puts them back)."""
    return send_once_to_each(
        f"{Purpose.INTAKE_PROBLEM}:{timezone.localdate().isoformat()}",
        Purpose.INTAKE_PROBLEM,
        Audience(staff=supervisors(), team_inbox=True),
        partial(render_message, Purpose.INTAKE_PROBLEM, {"count": count}),
    )


def alert_supervisors_of_flood(episode_id: int) -> int:
    """One alert per flood: requests are arriving faster than any real day brings them."""
    episode = FloodEpisode.objects.filter(pk=episode_id).first()
    if episode is None:
        return 0

    context = {
        "episode": episode,
        "started_at": timezone.localtime(episode.started_at),
        "threshold": settings.ADMISSIONS_FLOOD_LEADS,
        "window": settings.ADMISSIONS_FLOOD_WINDOW_MINUTES,
        "held_link": _admin_list_link("held"),
    }
    return send_once_to_each(
        f"{Purpose.FLOOD_ALERT}:{episode.pk}",
        Purpose.FLOOD_ALERT,
        Audience(staff=supervisors()),
        partial(render_message, Purpose.FLOOD_ALERT, context),
    )


def _admin_list_link(view: str) -> str:
    return absolute_url(reverse("admin:admissions_lead_changelist") + f"?review={view}")


# --- The sweep -------------------------------------------------------------------------------


def sweep_unfinished_follow_ups() -> list[int]:
    """Queue again what was lost or stopped: follow-ups whose task vanished with a broker or a
    killed worker, and messages nobody is sending or retrying any more (acknowledgments and
    digests included). Returns the lead ids queued."""
    from admissions.tasks import deliver_dispatch

    now = timezone.now()
    lead_ids = list(
        Lead.objects.follow_up_unfinished()
        # A lead released from review after days has never been tried: it is not given up.
        .filter(
            Q(created_at__gte=now - FOLLOW_UP_GIVE_UP_AFTER)
            | Q(follow_up_attempted_at__isnull=True)
        )
        .filter(
            Q(follow_up_due_by__lt=now)
            | Q(follow_up_due_by__isnull=True, created_at__lte=now - FOLLOW_UP_GRACE)
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for lead_id in lead_ids:
        queue_follow_up(lead_id)
    if lead_ids:
        logger.warning("Re-queued the follow-up of %s lead(s)", len(lead_ids))

    dispatch_ids = list(
        stale_pending_dispatches(now, grace=FOLLOW_UP_GRACE).values_list("pk", flat=True)[
            :SWEEP_BATCH
        ]
    )
    requeued = [pk for pk in dispatch_ids if publish_quickly(deliver_dispatch, pk)]
    if requeued:
        Dispatch.objects.filter(pk__in=requeued).update(
            next_attempt_at=now + FOLLOW_UP_REQUEUE_SHORTEST
        )
        logger.warning("Re-queued %s message(s) nobody was sending", len(requeued))
    return lead_ids


def deliver_dispatch(dispatch_id: int) -> bool:
    """Send one message again (from the sweep); False if it failed and is worth a retry."""
    return deliver(dispatch_id) is not Delivery.FAILED
