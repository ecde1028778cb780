"""Retention: leads closed longer than LEAD_RETENTION_DAYS are anonymised.

What identifies the person, or says what they told us, is removed: names, contact details, the
message, insurance details, the free-text parts of the visit's attribution, the urgent words, whom
they were referred to, staff notes, the requester's address on the acknowledgment sent to them,
and every earlier version of the lead in its history. What the dashboard counts and times is kept:
when it came in, its status and outcome, priority, program, source, how they heard about us, who
handled it and when, call attempts. The lead keeps its reference, which the audit trail quotes.

Each lead is anonymised in a transaction of its own, recorded in the audit trail. Run hourly by
admissions.tasks.anonymise_expired_leads, a bounded batch at a time; safe to run twice at once
(a lead locked by one run is skipped by the other) and again (an anonymised lead is not expired).

Search terms recorded in the audit trail (they may be names) are forgotten after the same period;
the events themselves stay.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from admissions import audit
from admissions.models import Activity, AuditAction, AuditEvent, Dispatch, Lead
from admissions.notifications import PUBLIC_PURPOSES

logger = logging.getLogger(__name__)

BATCH = 500

# Emptied on the lead. `phone` is a required PhoneNumberField, but the column is a NOT NULL
# varchar that takes "" (read back as ""): no placeholder number that could one day be dialled.
# The names are required by forms only; the desk shows anonymised leads as such.
PERSONAL_FIELDS = [
    "first_name",
    "last_name",
    "patient_first_name",
    "phone",
    "phone_extension",
    "email",
    "message",
    "insurance_carrier",
    "insurance_member_id",
    "insurance_group_number",
    "insurance_subscriber",
    "landing_page",
    "referrer",
    "utm_term",
    "utm_content",
    "urgent_terms",
    "referred_to",
]

# Audit events whose detail holds what someone typed to find or export leads.
AUDIT_ACTIONS_WITH_SEARCH_TERMS = [AuditAction.SEARCH, AuditAction.EXPORT]

CHANGE_REASON = "Anonymised: retention period ended"


def anonymise_expired_leads(now: datetime | None = None, batch: int = BATCH) -> int:
    """Anonymise up to `batch` leads whose retention period has ended; return how many.

    Leads left over (more than `batch`, or locked by another run) wait for the next run.
    """
    now = now or timezone.now()
    expired = Lead.objects.retention_expired(now)
    lead_ids = list(expired.order_by("closed_at", "pk").values_list("pk", flat=True)[:batch])
    anonymised = sum(anonymise_lead(lead_id, now) for lead_id in lead_ids)
    forgotten = forget_old_search_terms(now)
    waiting = expired.count()
    if anonymised or forgotten or waiting:
        # Counts only: nothing about any person.
        logger.info(
            "Retention: %s lead(s) anonymised, %s old search term(s) forgotten, "
            "%s expired lead(s) left for the next run",
            anonymised,
            forgotten,
            waiting,
        )
    return anonymised


def anonymise_lead(lead_id: int, now: datetime) -> bool:
    """Anonymise one lead if it is still expired and nobody else is at it; True if done."""
    with transaction.atomic():
        lead = (
            Lead.objects.retention_expired(now)
            .select_for_update(skip_locked=True)
            # Not read (an old key may be gone by now): overwritten below.
            .defer("message", "insurance_member_id")
            .filter(pk=lead_id)
            .first()
        )
        if lead is None:  # reopened, done meanwhile, or being done by another run
            return False

        for name in PERSONAL_FIELDS:
            setattr(lead, name, "")
        lead.anonymised_at = now

        Activity.objects.filter(lead=lead).exclude(note="").update(note="")
        _forget_acknowledgment_address(lead, now)
        _forget_registrations(lead)

        # Every earlier version holds the names: the history keeps one version, this one.
        lead.history.all().delete()
        lead._change_reason = CHANGE_REASON
        lead._history_user = None
        lead.save()

        audit.record_anonymised(lead)
    return True


def _forget_acknowledgment_address(lead: Lead, now: datetime) -> None:
    """Messages to the requester (the acknowledgment; a registrant's confirmation, reminders and
    the rest) name their address, as recipient and in the key, and a registrant's name in the
    text. Staff messages name staff only and are kept as they are."""
    notifications = lead.notifications.filter(purpose__in=PUBLIC_PURPOSES)
    dispatches = Dispatch.objects.filter(
        Q(lead=lead) | Q(notifications__lead=lead), purpose__in=PUBLIC_PURPOSES
    )
    dispatch_ids = set(dispatches.values_list("pk", flat=True))
    notifications.exclude(recipient="").update(recipient="")
    # Not sent a year on: it never will be (and has no address left to go to).
    Dispatch.objects.filter(pk__in=dispatch_ids).pending().update(given_up_at=now)
    for dispatch_id in dispatch_ids:
        Dispatch.objects.filter(pk=dispatch_id).update(
            recipient="",
            key=f"anonymised:{dispatch_id}",
            body="",
            calendar="",
            last_error="",
        )


def _forget_registrations(lead: Lead) -> None:
    """Their places at information sessions name them too: kept as counts, without the person."""
    for registration in lead.registrations.all():
        registration.first_name = registration.last_name = registration.phone = ""
        # Unique per session among places not given up: one of its own, and undeliverable.
        registration.email = f"anonymised-{registration.pk}@invalid"
        registration.save(update_fields=["first_name", "last_name", "email", "phone"])


def forget_old_search_terms(now: datetime) -> int:
    """Empty what was searched for (or exported with) more than LEAD_RETENTION_DAYS ago."""
    kept = timedelta(days=settings.LEAD_RETENTION_DAYS)
    return (
        AuditEvent.objects.filter(action__in=AUDIT_ACTIONS_WITH_SEARCH_TERMS, at__lt=now - kept)
        .exclude(detail="")
        .update(detail="")
    )
