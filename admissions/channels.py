"""How admissions staff hear about leads. Channels are chosen by the ADMISSIONS_STAFF_CHANNELS
setting, so an SMS or chat-webhook channel can be added without touching the services.

Messages on every channel carry no personal or health details: only lead numbers and references,
priority, age and links to admin, where staff sign in to see the rest.
"""

from __future__ import annotations

import json
import re
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from smtplib import SMTPRecipientsRefused, SMTPResponseException

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from admissions import webhooks
from admissions.models import Dispatch, Lead, Notification, Purpose
from core.seo import absolute_url


class PermanentDeliveryError(Exception):
    """This recipient can never be reached this way (no such mailbox, say): don't retry."""


@dataclass(frozen=True)
class OutgoingMessage:
    subject: str
    body: str
    # The same on every attempt, so that mail systems see a re-sent copy as the same message.
    message_id: str
    from_email: str | None = None
    # What a channel that sends structured data (a webhook) needs besides the text, for the
    # channels that ask for it (`wants_facts`): see `message_facts`.
    facts: dict | None = field(default=None, compare=False)
    # An iCalendar attachment, sent as invitation.ics.
    calendar: str = ""


_CALENDAR_METHOD = re.compile(r"^METHOD:([A-Z]+)\r?$", re.MULTILINE)


def send_email(recipient: str, message: OutgoingMessage) -> None:
    email = EmailMessage(
        message.subject,
        message.body,
        message.from_email,
        to=[recipient],
        headers={"Message-ID": message.message_id},
    )
    if message.calendar:
        # RFC 6047: the method in the content type too, or some mail programs (Outlook) show a
        # file rather than an invitation, an update or a cancellation.
        method = _CALENDAR_METHOD.search(message.calendar)
        mimetype = f"text/calendar; method={method[1]}" if method else "text/calendar"
        email.attach("invitation.ics", message.calendar, mimetype)
    try:
        email.send()
    except SMTPRecipientsRefused as error:
        # Only the codes: the server's reply names the address, which may be a requester's.
        codes = sorted({code for code, _ in error.recipients.values()})
        raise PermanentDeliveryError(f"the mail server refused the address {codes}") from error
    except SMTPResponseException as error:
        if 500 <= error.smtp_code < 600:  # 5xx replies are final; 4xx ones are worth a retry
            raise PermanentDeliveryError(f"the mail server said {error.smtp_code}") from error
        raise


@dataclass(frozen=True)
class Audience:
    """Who should hear about something: staff members, and whether the team inbox should too."""

    staff: list = field(default_factory=list)
    team_inbox: bool = False


class NotificationChannel(ABC):
    # Stored on each Notification and Dispatch; keep it stable once messages have been sent.
    name: str
    # Whether `send` needs the message's facts (reference, priority, age, links) as data.
    wants_facts: bool = False

    @abstractmethod
    def recipients(self, audience: Audience) -> list[str]:
        """Addresses on this channel for the audience; duplicates and blanks removed."""

    @abstractmethod
    def send(self, recipient: str, message: OutgoingMessage) -> None:
        """Deliver the message or raise: PermanentDeliveryError if retrying cannot help, any
        other exception to be retried later. The caller records every failure."""


class EmailChannel(NotificationChannel):
    name = "email"

    def recipients(self, audience: Audience) -> list[str]:
        addresses = [settings.ADMISSIONS_INBOX_EMAIL] if audience.team_inbox else []
        addresses += [member.email for member in audience.staff if member.email]
        return list(dict.fromkeys(address.lower() for address in addresses))

    def send(self, recipient: str, message: OutgoingMessage) -> None:
        send_email(recipient, message)


# --- Facts, for channels that send data rather than text ------------------------------------

# A digest's facts list at most this many leads, oldest first, and count them all.
FACTS_MAX_LEADS = 50
# The only lead fields read for facts: nothing personal or medical is even loaded.
_LEAD_FACT_FIELDS = ("reference", "priority", "created_at")


def message_facts(dispatch: Dispatch, now: datetime) -> dict:
    """The dispatch as data: what happened, its subject line, and the lead's (or, for a digest,
    each lead's) reference, priority, time received, age and admin link. Exactly what the
    rendered message says, never a personal or health detail."""
    facts: dict = {"event": dispatch.purpose}
    if dispatch.lead_id:
        lead = Lead.objects.only(*_LEAD_FACT_FIELDS).get(pk=dispatch.lead_id)
        facts["lead"] = _lead_facts(lead, now)
        link = facts["lead"]["admin_url"]
    else:
        told = (
            Notification.objects.filter(dispatch=dispatch)
            .select_related("lead")
            .only("round", *(f"lead__{name}" for name in _LEAD_FACT_FIELDS))
            .order_by("lead__created_at", "lead_id")
        )
        listed = list(told[:FACTS_MAX_LEADS])
        if listed:  # escalations list their leads; a daily digest or an alert has none
            facts["lead_count"] = told.count() if len(listed) == FACTS_MAX_LEADS else len(listed)
            facts["leads"] = [
                {**_lead_facts(notification.lead, now), "reminder": notification.round}
                for notification in listed
            ]
        link = _list_link(dispatch.purpose)
    facts["admin_url"] = link
    facts["text"] = f"{dispatch.subject}\n{link}" if link else dispatch.subject
    return facts


def _lead_facts(lead: Lead, now: datetime) -> dict:
    return {
        "reference": lead.reference,
        "priority": lead.priority,
        "received_at": timezone.localtime(lead.created_at).isoformat(timespec="seconds"),
        "age_minutes": max(0, int((now - lead.created_at).total_seconds() // 60)),
        "admin_url": absolute_url(lead.admin_url()),
    }


def _list_link(purpose: str) -> str | None:
    """Where in admin a message about no single lead sends staff, as its e-mail does."""
    leads = reverse("admin:admissions_lead_changelist")
    if purpose == Purpose.FLOOD_ALERT:
        return absolute_url(f"{leads}?review=held")
    if purpose in {Purpose.ESCALATION, Purpose.DAILY_DIGEST}:
        return absolute_url(leads)
    return None


# --- The webhook -----------------------------------------------------------------------------

# Answers worth another try: the receiver is down, slow, or asks us to slow down. Any other 4xx
# (and a redirect, not followed) means the URL or secret is wrong: retrying cannot help.
WEBHOOK_RETRY_STATUSES = {408, 425, 429}


class WebhookChannel(NotificationChannel):
    """Every staff alert as a signed JSON POST to ADMISSIONS_WEBHOOK_URL: the team's chat room
    or paging tool (Slack, Mattermost and Teams incoming webhooks show its "text").

    The body (see README, "Webhook channel"): {"id", "event", "text", "admin_url", and "lead": {…}
    for a message about one lead or "leads": […] and "lead_count" for a digest}; see
    admissions.webhooks for the headers and the signature.
    """

    name = "webhook"
    wants_facts = True

    def recipients(self, audience: Audience) -> list[str]:
        # One chat room hears every staff message; an empty audience stays empty, so that a
        # message with nobody to tell still falls back to the team inbox.
        url = settings.ADMISSIONS_WEBHOOK_URL
        if not url or not (audience.staff or audience.team_inbox):
            return []
        return [webhooks.recipient_label(url)]

    def send(self, recipient: str, message: OutgoingMessage) -> None:
        # To the URL configured now: the recipient is only a label for it (if the URL has
        # changed since, the room that should hear is the new one).
        url, secret = settings.ADMISSIONS_WEBHOOK_URL, settings.ADMISSIONS_WEBHOOK_SECRET
        if not url or not secret:  # the system check says so at start-up; never send unsigned
            raise ImproperlyConfigured("ADMISSIONS_WEBHOOK_URL or _SECRET is not set")
        delivery_id = message.message_id.strip("<>")
        facts = message.facts or {"text": message.subject}
        body = json.dumps({"id": delivery_id, **facts}, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": webhooks.USER_AGENT,
            webhooks.DELIVERY_HEADER: delivery_id,
            webhooks.SIGNATURE_HEADER: webhooks.signature(secret, body, int(time.time())),
        }
        if event := facts.get("event"):
            headers[webhooks.EVENT_HEADER] = event
        timeout = settings.ADMISSIONS_WEBHOOK_TIMEOUT_SECONDS
        status = webhooks.post(url, body, headers, timeout)
        # The status code only: the answer's body could hold anything.
        if 200 <= status < 300:
            return
        if status >= 500 or status in WEBHOOK_RETRY_STATUSES:
            raise webhooks.WebhookUnavailableError(f"the webhook answered {status}")
        raise PermanentDeliveryError(f"the webhook answered {status}")


@cache
def _load(path: str) -> NotificationChannel:
    return import_string(path)()


def staff_channels() -> list[NotificationChannel]:
    return [_load(path) for path in settings.ADMISSIONS_STAFF_CHANNELS]


def channel_named(name: str) -> NotificationChannel:
    # The requester's acknowledgment goes by e-mail whatever channels staff use.
    if name == EmailChannel.name:
        return _load(f"{EmailChannel.__module__}.{EmailChannel.__qualname__}")
    for channel in staff_channels():
        if channel.name == name:
            return channel
    raise LookupError(f"No staff notification channel named {name!r} is configured")
