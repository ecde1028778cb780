"""E-mail backends for tests that need a mail server which fails."""

from smtplib import SMTPRecipientsRefused, SMTPServerDisconnected

from django.core.mail.backends.locmem import EmailBackend

# Failures still to come, per recipient list; emptied by the tests that use these backends.
failures_left: dict[tuple[str, ...], int] = {}


class FailTwiceThenSendBackend(EmailBackend):
    def send_messages(self, messages):
        for message in messages:
            key = tuple(message.to)
            remaining = failures_left.setdefault(key, 2)
            if remaining:
                failures_left[key] = remaining - 1
                raise SMTPServerDisconnected("the mail server hung up")
        return super().send_messages(messages)


class AlwaysFailBackend(EmailBackend):
    def send_messages(self, messages):
        raise SMTPServerDisconnected("the mail server hung up")


class RefuseRequesterBackend(EmailBackend):
    """Delivers staff mail; refuses the requester's address for good, as for a mistyped one."""

    def send_messages(self, messages):
        for message in messages:
            if message.to == ["nobody@example.org"]:
                raise SMTPRecipientsRefused({"nobody@example.org": (550, b"No such user")})
        return super().send_messages(messages)


# Addresses RefuseAddressesBackend refuses for good, as a mail server does for no such mailbox.
refused_addresses: set[str] = set()


class RefuseAddressesBackend(EmailBackend):
    def send_messages(self, messages):
        for message in messages:
            refused = {address: (550, b"5.1.1 No such user") for address in message.to}
            if set(message.to) & refused_addresses:
                raise SMTPRecipientsRefused(refused)
        return super().send_messages(messages)
