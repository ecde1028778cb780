"""How admissions staff hear about leads. Channels are chosen by the ADMISSIONS_STAFF_CHANNELS
setting, so an SMS or chat-webhook channel can be added without touching the services.

Messages on every channel carry no personal or health details: only lead numbers, priority, age
and links to admin, where staff sign in to see the rest.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from functools import cache
from smtplib import SMTPRecipientsRefused, SMTPResponseException

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string


class PermanentDeliveryError(Exception):
    """This recipient can never be reached this way (no such mailbox, say): don't retry."""


@dataclass(frozen=True)
class OutgoingMessage:
    subject: str
    body: str
    # The same on every attempt, so that mail systems see a re-sent copy as the same message.
    message_id: str
    from_email: str | None = None


def send_email(recipient: str, message: OutgoingMessage) -> None:
    email = EmailMessage(
        message.subject,
        message.body,
        message.from_email,
        to=[recipient],
        headers={"Message-ID": message.message_id},
    )
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
