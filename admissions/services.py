"""Admissions use cases: receiving a consultation request and everything that follows it.

Views, admin actions and Celery tasks call these functions; none of them needs a request.
"""

import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from functools import partial

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from phonenumber_field.phonenumber import PhoneNumber

from admissions.channels import Audience
from admissions.consent import CONSENT_TEXT, CONSENT_VERSION
from admissions.models import BestTime, Lead, Notification, Payment, Priority, Purpose, Status
from admissions.notifications import acknowledge_requester, notify_staff
from admissions.priority import urgent_terms
from admissions.routing import next_in_rotation, on_call_staff, supervisors
from core.queueing import publish_quickly
from programs.models import Program

logger = logging.getLogger(__name__)

DUPLICATE_WINDOW = timedelta(days=30)
# The normal path finishes in seconds; the sweep waits this long before assuming it was lost.
FOLLOW_UP_GRACE = timedelta(minutes=2)
# Longer than the task's longest retry countdown (tasks.follow_up_lead, retry_backoff_max): a
# follow-up not attempted for this long is no longer retrying by itself.
FOLLOW_UP_STALE_AFTER = timedelta(minutes=15)
# Past this, a lead whose notifications still fail needs a person, not another retry; its
# escalations to supervisors go on regardless.
FOLLOW_UP_GIVE_UP_AFTER = timedelta(days=7)


@dataclass(frozen=True)
class ConsultationRequest:
    """A validated request for a consultation, from the website form or any other front door."""

    for_whom: str
    first_name: str
    last_name: str
    phone: PhoneNumber
    preferred_contact: str
    consent_given: bool
    email: str = ""
    relationship: str = ""
    patient_first_name: str = ""
    best_time: str = BestTime.ANY
    program: Program | None = None
    payment: str = Payment.NOT_SURE
    insurance_carrier: str = ""
    insurance_member_id: str = ""
    insurance_group_number: str = ""
    insurance_subscriber: str = ""
    message: str = ""
    referral_source: str = ""


class NotificationsNotSentError(Exception):
    """Some notifications failed; the task retries and sends only those."""


def receive_consultation_request(
    request: ConsultationRequest,
    *,
    attribution: dict[str, str] | None = None,
    submission_token: str | None = None,
) -> Lead:
    """Store the request as a lead, then queue its follow-up once the lead is committed.

    Storing comes first and depends on nothing but the database: a broker, mail server or worker
    being down delays the follow-up (the sweep catches up) but never loses the lead.
    A repeated submission_token (a double click, a resent form) returns the lead already made.
    """
    if not request.consent_given:
        raise ValueError("A consultation request needs consent to be contacted.")
    fields = asdict(request)
    del fields["consent_given"]
    fields["email"] = request.email.strip().lower()
    if submission_token and (existing := _lead_for_token(submission_token)):
        if _same_request(existing, fields):
            return existing
        # The same form sent again with changes (a corrected phone number, say): a new lead,
        # which the duplicate check links to the first.
        submission_token = None

    now = timezone.now()
    terms = urgent_terms(request.message)
    lead = Lead(
        **fields,
        **(attribution or {}),
        created_at=now,
        priority=Priority.URGENT if terms else Priority.NORMAL,
        urgent_terms=", ".join(terms),
        consent_text=CONSENT_TEXT,
        consent_version=CONSENT_VERSION,
        consented_at=now,
        submission_token=submission_token,
    )
    try:
        with transaction.atomic():
            lead.duplicate_of = (
                Lead.objects.recent_with_contact_details(
                    phone=lead.phone, email=lead.email, since=now - DUPLICATE_WINDOW
                )
                .order_by("-created_at")
                .first()
            )
            lead.save()
            transaction.on_commit(partial(queue_follow_up, lead.pk), robust=True)
    except IntegrityError:
        # The same form sent twice at the same moment: the other request stored it.
        if submission_token and (existing := _lead_for_token(submission_token)):
            return existing
        raise
    logger.info("Received lead #%s (priority %s)", lead.pk, lead.priority)
    return lead


def _lead_for_token(token: str) -> Lead | None:
    return Lead.objects.filter(submission_token=token).first()


def _same_request(lead: Lead, fields: dict) -> bool:
    return all(getattr(lead, name) == value for name, value in fields.items())


def queue_follow_up(lead_id: int) -> bool:
    """Hand the lead's follow-up to a worker, without raising or waiting on a broken broker.
    What is not queued here is queued by the sweep."""
    from admissions.tasks import follow_up_lead

    queued = publish_quickly(follow_up_lead, lead_id)
    if not queued:
        logger.warning("Follow-up of lead #%s not queued; the sweep will queue it", lead_id)
    return queued


def follow_up_lead(lead_id: int) -> None:
    """Route the lead, tell the team, acknowledge the requester. Safe to run any number of
    times, also at the same moment: each notification is sent once."""
    if not Lead.objects.filter(pk=lead_id).update(follow_up_attempted_at=timezone.now()):
        return  # deleted since
    lead = route_lead(Lead(pk=lead_id))
    failures = 0
    if lead.followed_up_at is None:
        failures += notify_staff(lead, Purpose.NEW_LEAD, _new_lead_audience(lead))
        _mark_followed_up_if_staff_told(lead)
    failures += acknowledge_requester(lead)
    if failures:
        raise NotificationsNotSentError(f"{failures} notification(s) for lead #{lead.pk} not sent")


def _mark_followed_up_if_staff_told(lead: Lead) -> None:
    # Not while any staff notification is pending, including one another worker is sending
    # right now: if that send fails, its retry must still find the lead unfinished.
    pending = Notification.objects.pending().filter(lead=OuterRef("pk"), purpose=Purpose.NEW_LEAD)
    Lead.objects.filter(pk=lead.pk, followed_up_at__isnull=True).exclude(Exists(pending)).update(
        followed_up_at=timezone.now()
    )


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
        now = timezone.now()
        on_call = on_call_staff(now)
        if on_call:
            lead.assigned_to = next_in_rotation(on_call)
            lead.assigned_at = now
        lead.routed_at = now
        lead.save(update_fields=["assigned_to", "assigned_at", "routed_at"])
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


def escalate_overdue_leads() -> int:
    """Tell supervisors about leads nobody has contacted within the SLA, once per interval.

    Round 1 goes out at the deadline, round 2 one interval later, and so on; each round is sent
    once however often this runs. Returns the number of sends that failed.
    """
    now = timezone.now()
    sla = timedelta(minutes=settings.ADMISSIONS_SLA_MINUTES)
    interval = timedelta(minutes=settings.ADMISSIONS_ESCALATION_REPEAT_MINUTES)
    people = supervisors()
    failures = 0
    for lead in Lead.objects.awaiting_contact().filter(created_at__lte=now - sla):
        round_ = 1 + (now - lead.created_at - sla) // interval
        # With no supervisor set up, the team inbox hears instead: an escalation must land.
        audience = Audience(staff=people, team_inbox=not people)
        try:
            failures += notify_staff(lead, Purpose.ESCALATION, audience, round_=round_)
        except SoftTimeLimitExceeded:
            raise
        except Exception:  # one broken lead must not stop the others' escalations
            logger.exception("Could not escalate lead #%s", lead.pk)
            failures += 1
    return failures


def sweep_unfinished_follow_ups() -> list[int]:
    """Re-queue leads whose follow-up has not finished: a lost task, a broker outage, a mail
    server that kept failing. Returns the lead ids queued."""
    now = timezone.now()
    lead_ids = list(
        Lead.objects.follow_up_unfinished()
        .filter(
            created_at__lte=now - FOLLOW_UP_GRACE, created_at__gte=now - FOLLOW_UP_GIVE_UP_AFTER
        )
        # A follow-up that ran recently is still retrying on its own: don't start another.
        .filter(
            Q(follow_up_attempted_at__isnull=True)
            | Q(follow_up_attempted_at__lte=now - FOLLOW_UP_STALE_AFTER)
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
    for lead_id in lead_ids:
        queue_follow_up(lead_id)
    if lead_ids:
        logger.warning("Re-queued the follow-up of %s lead(s)", len(lead_ids))
    return lead_ids


def close_lead(lead: Lead, *, by) -> bool:
    """No call-back is needed (spam, a test, a request handled elsewhere): stop escalations."""
    updated = (
        Lead.objects.filter(pk=lead.pk).exclude(status=Status.CLOSED).update(status=Status.CLOSED)
    )
    if updated:
        logger.info("Lead #%s closed by staff member %s", lead.pk, by.pk)
    return bool(updated)


def record_contact(lead: Lead, *, by, at: datetime | None = None) -> bool:
    """Someone reached the person, which stops escalations. False if already recorded."""
    updated = Lead.objects.filter(pk=lead.pk, contacted_at__isnull=True).update(
        contacted_at=at or timezone.now(), contacted_by=by, status=Status.CONTACTED
    )
    return bool(updated)
