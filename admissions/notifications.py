"""Recording and sending notifications about leads, each at most once.

A Notification row is created per (lead, purpose, round, channel, recipient) under a unique
constraint, then claimed with a row lock while it is sent: a retried or duplicated task finds
it sent, or being sent, and moves on.
"""

import functools
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.timesince import timesince

from admissions.channels import (
    Audience,
    PermanentDeliveryError,
    StaffMessage,
    channel_named,
    send_email,
    staff_channels,
)
from admissions.models import Lead, Notification, Purpose
from core.center import Center
from core.seo import absolute_url

logger = logging.getLogger(__name__)

# A second request from the same person this soon gets no second acknowledgment: it would only
# repeat itself, and it keeps the form from being used to send mail to someone else's inbox.
ACKNOWLEDGMENT_QUIET_PERIOD = timedelta(days=1)


def staff_message(lead: Lead, purpose: str, round_: int, now: datetime) -> StaffMessage:
    # Only these values reach the templates, so no personal or health detail can slip into a
    # message: number, priority, age, and the admin link where staff sign in to see the rest.
    context = {
        "number": lead.pk,
        "urgent": lead.is_urgent,
        "age": timesince(lead.created_at, now),
        "received_at": timezone.localtime(lead.created_at),
        "round": round_,
        "admin_link": absolute_url(lead.admin_url()),
    }
    subject = render_to_string(f"admissions/email/{purpose}_subject.txt", context)
    body = render_to_string(f"admissions/email/{purpose}.txt", context)
    return StaffMessage(subject=" ".join(subject.split()), body=body)


def notify_staff(lead: Lead, purpose: str, audience: Audience, *, round_: int = 0) -> int:
    """Tell the audience about the lead on every staff channel; return how many sends failed."""
    now = timezone.now()
    for channel in staff_channels():
        for recipient in channel.recipients(audience):
            Notification.objects.get_or_create(
                lead=lead, purpose=purpose, round=round_, channel=channel.name, recipient=recipient
            )
    # Rendered only if something is still to be sent: escalation runs every minute.
    message = functools.cache(lambda: staff_message(lead, purpose, round_, now))
    return _deliver_pending(
        lead.notifications.filter(purpose=purpose, round=round_),
        lambda notification: channel_named(notification.channel).send(
            notification.recipient, message()
        ),
    )


def acknowledge_requester(lead: Lead) -> int:
    """E-mail the requester that we have their request, if they gave an address."""
    if not lead.email or _acknowledged_recently(lead):
        return 0
    Notification.objects.get_or_create(
        lead=lead, purpose=Purpose.ACKNOWLEDGMENT, round=0, channel="email", recipient=lead.email
    )
    return _deliver_pending(
        lead.notifications.filter(purpose=Purpose.ACKNOWLEDGMENT),
        lambda notification: send_email(notification.recipient, *_acknowledgment()),
    )


@functools.cache
def _acknowledgment_for(center: Center) -> tuple[str, str]:
    # Nothing they told us is echoed back: the mailbox may not be theirs alone.
    subject = render_to_string("admissions/email/acknowledgment_subject.txt", {"center": center})
    body = render_to_string("admissions/email/acknowledgment.txt", {"center": center})
    return " ".join(subject.split()), body


def _acknowledgment() -> tuple[str, str]:
    return _acknowledgment_for(Center.from_settings())


def _acknowledged_recently(lead: Lead) -> bool:
    earlier = lead.duplicate_of
    return (
        earlier is not None and lead.created_at - earlier.created_at < ACKNOWLEDGMENT_QUIET_PERIOD
    )


def _deliver_pending(notifications, send: Callable[[Notification], None]) -> int:
    """Send each pending notification once; return how many failed and are worth retrying."""
    failures = 0
    for notification_id in notifications.pending().values_list("pk", flat=True):
        with transaction.atomic():
            # Locked while sending; another worker on the same lead skips it rather than waits,
            # and it stays pending (so unfinished) until whoever holds it has sent it.
            notification = (
                Notification.objects.select_for_update(skip_locked=True)
                .pending()
                .filter(pk=notification_id)
                .first()
            )
            if notification is None:
                continue
            notification.attempts += 1
            try:
                send(notification)
            except SoftTimeLimitExceeded:
                raise
            except PermanentDeliveryError as error:
                notification.given_up_at = timezone.now()
                notification.last_error = str(error)[:500]
                notification.save(update_fields=["attempts", "given_up_at", "last_error"])
                logger.error(
                    "Gave up on notification #%s (lead #%s): recipient refused",
                    notification.pk,
                    notification.lead_id,
                )
                continue
            except Exception as error:  # any other failure of any channel: retry later
                failures += 1
                notification.last_error = f"{type(error).__name__}: {error}"[:500]
                notification.save(update_fields=["attempts", "last_error"])
                logger.warning(
                    "Could not send notification #%s (lead #%s, %s)",
                    notification.pk,
                    notification.lead_id,
                    notification.channel,
                )
                continue
            notification.sent_at = timezone.now()
            notification.last_error = ""
            notification.save(update_fields=["attempts", "sent_at", "last_error"])
    return failures
