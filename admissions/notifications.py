"""Telling people about leads: staff messages, digests, alerts and the requester's acknowledgment.

Every message is a Dispatch, made once under a unique key and delivered by `deliver`, which claims
it before sending so that no retry or second task sends it again (see Dispatch for the promise).
Which leads each recipient has heard about is kept as Notification rows, unique per lead, purpose,
round, channel and recipient, so nobody is told about the same lead twice whatever runs twice.

No message holds a personal or health detail: lead references, priority, age and admin links.
"""

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from email.utils import parseaddr
from enum import Enum
from functools import partial
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, IntegrityError, close_old_connections, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.timesince import timesince

from admissions.channels import (
    Audience,
    EmailChannel,
    NotificationChannel,
    OutgoingMessage,
    PermanentDeliveryError,
    channel_named,
    message_facts,
    staff_channels,
)
from admissions.models import Dispatch, Lead, LeadKind, Notification, Purpose
from center.profile import current_center
from core.seo import absolute_url

logger = logging.getLogger(__name__)

# Longer than a send can take (one message; EMAIL_TIMEOUT bounds each step of it, and the task
# sending it is killed after 55 s): a claim older than this belongs to a sender that died, and
# the dispatch may be sent again. Short, because a message stuck behind it waits this long.
CLAIM_LEASE = timedelta(minutes=1)
# Waits between attempts at a failing dispatch: 10 s, 20 s, 40 s… up to 10 minutes.
RETRY_FIRST_WAIT = timedelta(seconds=10)
RETRY_LONGEST_WAIT = timedelta(minutes=10)
# After this long a dispatch that still fails is given up: a person must look at it.
GIVE_UP_AFTER = timedelta(days=7)
# An address refused (or given up) this recently is not tried for new messages: they go to the
# team inbox instead, so that an escalation always lands somewhere.
UNDELIVERABLE_FOR = timedelta(days=1)
# If recording a send fails, it is remembered in the cache this long so it is not sent again.
SENT_MARKER_TIMEOUT = int(GIVE_UP_AFTER.total_seconds())
STAFF_PURPOSES = {
    Purpose.NEW_LEAD,
    Purpose.ESCALATION,
    Purpose.DAILY_DIGEST,
    Purpose.FLOOD_ALERT,
}
# Messages to members of the public (the requester, a person registered for a session): sent
# from ACKNOWLEDGMENT_FROM_EMAIL, whose domain names no treatment center.
PUBLIC_PURPOSES = {
    Purpose.ACKNOWLEDGMENT,
    Purpose.SESSION_CONFIRMATION,
    Purpose.SESSION_WAITLISTED,
    Purpose.SESSION_SEAT_OPENED,
    Purpose.SESSION_REMINDER,
    Purpose.SESSION_UPDATE,
    Purpose.SESSION_CANCELLED,
    Purpose.REGISTRATION_CANCELLED,
}
# A digest lists at most this many leads, oldest first, and says how many more there are.
DIGEST_MAX_LEADS = 50


class Delivery(Enum):
    SENT = "sent"
    FAILED = "failed"  # worth another try
    GIVEN_UP = "given up"
    NOT_CLAIMED = "not claimed"  # sent already, given up, or being sent by someone else


# --- Who hears -------------------------------------------------------------------------------


def recipients_for(audience: Audience) -> list[tuple[NotificationChannel, str]]:
    """(channel, address) pairs for the audience, leaving out staff addresses that refused our
    messages recently (never the team inbox). With nobody left, the team inbox: every staff
    message must land."""
    inbox = team_inbox()
    undeliverable = set(
        Dispatch.objects.filter(
            refused=True,
            purpose__in=STAFF_PURPOSES,
            given_up_at__gte=timezone.now() - UNDELIVERABLE_FOR,
        ).values_list("channel", "recipient")
    ) - {(channel.name, recipient) for channel, recipient in inbox}
    pairs = [
        (channel, recipient)
        for channel in staff_channels()
        for recipient in channel.recipients(audience)
        if (channel.name, recipient) not in undeliverable
    ]
    return pairs or inbox


def team_inbox() -> list[tuple[NotificationChannel, str]]:
    channel = channel_named(EmailChannel.name)
    return [(channel, recipient) for recipient in channel.recipients(Audience(team_inbox=True))]


# --- Making dispatches -----------------------------------------------------------------------


def _message_id(purpose: str) -> str:
    if purpose in PUBLIC_PURPOSES:
        # The sender's own domain: the site's could name the treatment center in the headers.
        domain = parseaddr(settings.ACKNOWLEDGMENT_FROM_EMAIL)[1].rpartition("@")[2]
    else:
        domain = urlsplit(settings.SITE_URL).hostname
    return f"<{uuid.uuid4().hex}@{domain or 'localhost'}>"


def dispatch_once(
    key: str,
    *,
    purpose: str,
    channel: str,
    recipient: str,
    render: Callable[[], tuple[str, str] | tuple[str, str, str]],
    lead: Lead | None = None,
    lead_id: int | None = None,
    send_by: datetime | None = None,
) -> Dispatch:
    """The dispatch with this key, made (and its message rendered) only if it does not exist.
    `render` gives the subject and body, and may give an iCalendar attachment third."""
    if existing := Dispatch.objects.filter(key=key).first():
        return existing
    subject, body, *calendar = render()
    try:
        with transaction.atomic():
            return Dispatch.objects.create(
                key=key,
                purpose=purpose,
                channel=channel,
                recipient=recipient,
                lead=lead,
                **({"lead_id": lead_id} if lead is None and lead_id else {}),
                send_by=send_by,
                subject=" ".join(subject.split())[:300],
                body=body,
                calendar=calendar[0] if calendar else "",
                message_id=_message_id(purpose),
            )
    except IntegrityError:  # made by another task a moment ago
        return Dispatch.objects.get(key=key)


def _notify_once(lead: Lead, purpose: str, round_: int, channel: str, recipient: str) -> None:
    """Record that this recipient is to hear about the lead, in a message of its own."""
    notification, _ = Notification.objects.get_or_create(
        lead=lead, purpose=purpose, round=round_, channel=channel, recipient=recipient
    )
    if notification.dispatch_id:
        return
    dispatch = dispatch_once(
        f"{purpose}:{lead.pk}:{round_}:{channel}:{recipient}",
        purpose=purpose,
        channel=channel,
        recipient=recipient,
        lead=lead,
        render=lambda: render_lead_message(lead, purpose, round_),
    )
    Notification.objects.filter(pk=notification.pk, dispatch__isnull=True).update(dispatch=dispatch)


def render_message(template: str, context: dict) -> tuple[str, str]:
    """(subject, body) from admissions/email/<template>_subject.txt and <template>.txt."""
    return (
        render_to_string(f"admissions/email/{template}_subject.txt", context),
        render_to_string(f"admissions/email/{template}.txt", context),
    )


def render_lead_message(lead: Lead, purpose: str, round_: int) -> tuple[str, str]:
    # Only these values reach the templates, so no personal or health detail can slip into a
    # message: reference, priority, age, and the admin link where staff sign in to see the rest.
    context = {
        "reference": lead.reference or f"#{lead.pk}",
        "what": "Information session registration"
        if lead.kind == LeadKind.INFO_SESSION
        else "Consultation request",
        "urgent": lead.is_urgent,
        "age": timesince(lead.created_at, timezone.now()),
        "received_at": timezone.localtime(lead.created_at),
        "round": round_,
        "admin_link": absolute_url(lead.admin_url()),
    }
    return render_message(purpose, context)


# --- Staff messages about one lead -----------------------------------------------------------


def notify_staff(lead: Lead, purpose: str, audience: Audience, *, round_: int = 0) -> int:
    """Tell the audience about the lead, one message each; return how many sends failed.

    If every address refused for good, the team inbox is told instead.
    """
    for channel, recipient in recipients_for(audience):
        _notify_once(lead, purpose, round_, channel.name, recipient)
    failures = _deliver_for_lead(lead, purpose, round_)
    if _nobody_reachable(lead, purpose, round_):
        logger.error("Staff addresses refused lead #%s's %s; telling the inbox", lead.pk, purpose)
        for channel, recipient in team_inbox():
            _notify_once(lead, purpose, round_, channel.name, recipient)
        failures += _deliver_for_lead(lead, purpose, round_)
    return failures


def prepare_staff_messages(
    lead: Lead, purpose: str, audience: Audience, *, round_: int
) -> list[int]:
    """Record who is to hear about the lead and make their dispatches, without sending them: the
    caller queues them once its transaction commits (the sweep sends any it loses)."""
    for channel, recipient in recipients_for(audience):
        _notify_once(lead, purpose, round_, channel.name, recipient)
    return list(
        Dispatch.objects.pending()
        .filter(notifications__lead=lead, notifications__purpose=purpose)
        .filter(notifications__round=round_)
        .values_list("pk", flat=True)
        .distinct()
    )


def _deliver_for_lead(lead: Lead, purpose: str, round_: int) -> int:
    dispatch_ids = (
        Dispatch.objects.pending()
        .filter(notifications__lead=lead, notifications__purpose=purpose)
        .filter(notifications__round=round_)
        .values_list("pk", flat=True)
        .distinct()
    )
    return sum(deliver(pk) is Delivery.FAILED for pk in list(dispatch_ids))


def _nobody_reachable(lead: Lead, purpose: str, round_: int) -> bool:
    told = Notification.objects.filter(lead=lead, purpose=purpose, round=round_)
    return told.exists() and not told.filter(dispatch__given_up_at__isnull=True).exists()


# --- The requester ---------------------------------------------------------------------------


def acknowledge_requester(lead: Lead) -> int:
    """E-mail the requester that we have their request, if they asked to be reached by e-mail.

    At most one a day to any address, however many requests name it: the form must not become a
    way to send mail from a treatment center to a stranger's inbox. Return failures.
    """
    if not lead.wants_email_acknowledgment:
        return 0
    address = lead.email
    day = timezone.localdate(lead.created_at)
    dispatch = dispatch_once(
        f"{Purpose.ACKNOWLEDGMENT}:{address}:{day.isoformat()}",
        purpose=Purpose.ACKNOWLEDGMENT,
        channel=EmailChannel.name,
        recipient=address,
        lead=lead,
        render=partial(_acknowledgment, lead.reference),
    )
    Notification.objects.get_or_create(
        lead=lead,
        purpose=Purpose.ACKNOWLEDGMENT,
        round=0,
        channel=EmailChannel.name,
        recipient=address,
        defaults={"dispatch": dispatch},
    )
    return int(deliver(dispatch.pk) is Delivery.FAILED)


def _acknowledgment(reference: str | None) -> tuple[str, str]:
    # Nothing they told us is echoed back, and the subject and sender say nothing about
    # treatment: the mailbox, or the lock screen it shows on, may not be theirs alone. The
    # reference is ours, and lets them be found at once if they call.
    context = {"center": current_center(), "reference": reference}
    return render_message(Purpose.ACKNOWLEDGMENT, context)


# --- Digests and alerts ----------------------------------------------------------------------


def send_digests(
    purpose: str,
    leads_by_recipient: dict[tuple[NotificationChannel, str], list[tuple[Lead, int]]],
    render: Callable[[list[tuple[Lead, int]]], tuple[str, str]],
) -> int:
    """One message per recipient about the (lead, round) pairs they have not heard about yet;
    return failed sends. Safe to run at the same moment from two tasks: a pair is claimed by one
    digest only."""
    for (channel, recipient), pairs in leads_by_recipient.items():
        Notification.objects.bulk_create(
            [
                Notification(
                    lead=lead,
                    purpose=purpose,
                    round=round_,
                    channel=channel.name,
                    recipient=recipient,
                )
                for lead, round_ in pairs
            ],
            ignore_conflicts=True,
        )
        rounds = {lead.pk: round_ for lead, round_ in pairs}
        leads = {lead.pk: lead for lead, _ in pairs}
        with transaction.atomic():
            untold = list(
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(
                    purpose=purpose,
                    channel=channel.name,
                    recipient=recipient,
                    dispatch__isnull=True,
                    lead__in=list(leads),
                )
                .order_by("lead__created_at", "lead_id")
            )
            untold = [n for n in untold if rounds.get(n.lead_id) == n.round]
            if not untold:
                continue
            dispatch = dispatch_once(
                f"{purpose}:digest:{uuid.uuid4().hex}:{channel.name}:{recipient}",
                purpose=purpose,
                channel=channel.name,
                recipient=recipient,
                render=partial(render, [(leads[n.lead_id], n.round) for n in untold]),
            )
            Notification.objects.filter(pk__in=[n.pk for n in untold]).update(dispatch=dispatch)
    pending = Dispatch.objects.pending().filter(
        purpose=purpose, created_at__gte=timezone.now() - CLAIM_LEASE
    )
    return sum(deliver(pk) is Delivery.FAILED for pk in list(pending.values_list("pk", flat=True)))


def render_lead_list(
    template: str, leads: list[tuple[Lead, int]], extra: dict | None = None
) -> tuple[str, str]:
    now = timezone.now()
    items = [
        {
            "reference": lead.reference or f"#{lead.pk}",
            "urgent": lead.is_urgent,
            "held": lead.is_held,
            "age": timesince(lead.created_at, now),
            "received_at": timezone.localtime(lead.created_at),
            "round": round_,
            "admin_link": absolute_url(lead.admin_url()),
        }
        for lead, round_ in leads[:DIGEST_MAX_LEADS]
    ]
    context = {"leads": items, "count": len(leads), **(extra or {})}
    context["more"] = max(0, context["count"] - len(items))
    context["any_urgent"] = any(lead.is_urgent for lead, _ in leads)
    return render_message(template, context)


def send_once_to_each(
    key: str, purpose: str, audience: Audience, render: Callable[[], tuple[str, str]]
) -> int:
    """A message not about one lead (an alert, a daily digest), once per recipient for this key."""
    dispatch_ids = [
        dispatch_once(
            f"{key}:{channel.name}:{recipient}",
            purpose=purpose,
            channel=channel.name,
            recipient=recipient,
            render=render,
        ).pk
        for channel, recipient in recipients_for(audience)
    ]
    return sum(deliver(pk) is Delivery.FAILED for pk in dispatch_ids)


# --- Delivery --------------------------------------------------------------------------------


def deliver(dispatch_id: int) -> Delivery:
    """Send the dispatch unless it was sent, given up, or someone else is sending it now."""
    now = timezone.now()
    claimed = (
        Dispatch.objects.claimable(now)
        .filter(pk=dispatch_id)
        .update(claimed_until=now + CLAIM_LEASE, attempts=F("attempts") + 1)
    )
    if not claimed:
        return Delivery.NOT_CLAIMED
    dispatch = Dispatch.objects.get(pk=dispatch_id)
    if _sent_marker(dispatch.pk):
        # Sent last time, but the database could not record it then.
        _record_sent(dispatch)
        return Delivery.SENT
    if dispatch.created_at < now - GIVE_UP_AFTER:
        _give_up(dispatch, "still failing after days of retries", refused=False)
        return Delivery.GIVEN_UP
    if dispatch.send_by and dispatch.send_by <= now:
        _give_up(dispatch, "too late to be of use", refused=False)
        return Delivery.GIVEN_UP
    message = OutgoingMessage(
        subject=dispatch.subject,
        body=dispatch.body,
        message_id=dispatch.message_id,
        from_email=settings.ACKNOWLEDGMENT_FROM_EMAIL
        if dispatch.purpose in PUBLIC_PURPOSES
        else None,
        calendar=dispatch.calendar,
    )
    try:
        channel = channel_named(dispatch.channel)
        if channel.wants_facts:  # a channel sending data (a webhook) rather than the text
            message = replace(message, facts=message_facts(dispatch, now))
        channel.send(dispatch.recipient, message)
    except SoftTimeLimitExceeded:
        _record_failure(dispatch, "stopped by the task's time limit", now)
        raise
    except PermanentDeliveryError as error:
        _give_up(dispatch, str(error), refused=True)
        return Delivery.GIVEN_UP
    except Exception as error:  # any other failure of any channel: retry later
        _record_failure(dispatch, f"{type(error).__name__}: {error}", now)
        logger.warning(
            "Could not send dispatch #%s (%s, %s), attempt %s",
            dispatch.pk,
            dispatch.purpose,
            dispatch.channel,
            dispatch.attempts,
        )
        return Delivery.FAILED
    _record_sent(dispatch)
    return Delivery.SENT


def _record_sent(dispatch: Dispatch) -> None:
    """Record the send at once. The database may fail right now (a failover): try a few times,
    then leave a mark in the cache, so that the retry finds it sent instead of sending again."""
    for attempt in range(3):
        try:
            Dispatch.objects.filter(pk=dispatch.pk).update(
                sent_at=timezone.now(), claimed_until=None, last_error=""
            )
            return
        except DatabaseError:
            if transaction.get_connection().in_atomic_block:
                break  # the surrounding transaction is broken; only the cache can help now
            logger.warning("Could not record dispatch #%s as sent (try %s)", dispatch.pk, attempt)
            close_old_connections()
            time.sleep(0.5 * (attempt + 1))
    try:
        cache.set(_sent_marker_key(dispatch.pk), True, timeout=SENT_MARKER_TIMEOUT)
    except Exception:  # each cache backend raises its own errors
        logger.error("Dispatch #%s was sent but could not be recorded anywhere", dispatch.pk)
        raise
    logger.error("Dispatch #%s sent; recorded in the cache until the database is back", dispatch.pk)


def _sent_marker_key(dispatch_id: int) -> str:
    return f"admissions:dispatch-sent:{dispatch_id}"


def _sent_marker(dispatch_id: int) -> bool:
    try:
        return bool(cache.get(_sent_marker_key(dispatch_id)))
    except Exception:  # an unreachable cache holds no marks
        return False


def _record_failure(dispatch: Dispatch, error: str, now: datetime) -> None:
    next_attempt_at = now + retry_wait(dispatch.attempts)
    Dispatch.objects.filter(pk=dispatch.pk).update(
        claimed_until=None, last_error=error[:500], next_attempt_at=next_attempt_at
    )


def _give_up(dispatch: Dispatch, error: str, *, refused: bool) -> None:
    Dispatch.objects.filter(pk=dispatch.pk).update(
        given_up_at=timezone.now(), claimed_until=None, last_error=error[:500], refused=refused
    )
    logger.error(
        "Gave up on dispatch #%s (%s, %s): %s",
        dispatch.pk,
        dispatch.purpose,
        dispatch.channel,
        error,
    )
    if refused and dispatch.purpose in STAFF_PURPOSES:
        _report_undeliverable(dispatch, error)


def _report_undeliverable(dispatch: Dispatch, error: str) -> None:
    """Tell the team inbox that a staff address does not work, so someone fixes it."""
    inbox = team_inbox()
    if (dispatch.channel, dispatch.recipient) in {(c.name, r) for c, r in inbox}:
        logger.critical("The admissions inbox itself refused our messages: %s", error)
        return
    context = {
        "channel": dispatch.channel,
        "recipient": dispatch.recipient,
        "error": error,
        "users_link": absolute_url(f"/{settings.ADMIN_URL}auth/user/"),
    }
    for channel, recipient in inbox:
        delivery_problem = dispatch_once(
            f"{Purpose.DELIVERY_PROBLEM}:{dispatch.pk}:{channel.name}:{recipient}",
            purpose=Purpose.DELIVERY_PROBLEM,
            channel=channel.name,
            recipient=recipient,
            render=partial(render_message, Purpose.DELIVERY_PROBLEM, context),
        )
        deliver(delivery_problem.pk)


def retry_wait(attempts: int) -> timedelta:
    """10 s after the first failure, then twice as long each time, at most 10 minutes."""
    return min(RETRY_FIRST_WAIT * 2 ** max(attempts - 1, 0), RETRY_LONGEST_WAIT)


def stale_pending_dispatches(now: datetime, *, grace: timedelta):
    """Dispatches nobody is sending or retrying: their task was lost or gave up."""
    return (
        Dispatch.objects.claimable(now)
        .filter(created_at__lte=now - grace)
        .exclude(next_attempt_at__gt=now)
        .order_by("created_at")
    )
