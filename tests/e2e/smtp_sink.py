"""A local SMTP server that accepts every message at once and remembers it, to count e-mails."""

from __future__ import annotations

import asyncio
import email
import logging
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass
from email import policy

from aiosmtpd.controller import Controller

from tests.e2e.processes import free_port, wait_until

# aiosmtpd logs every SMTP command at INFO: thousands of lines in a big test.
logging.getLogger("mail.log").setLevel(logging.WARNING)


@dataclass(frozen=True)
class ReceivedEmail:
    envelope_from: str
    recipients: tuple[str, ...]  # envelope recipients (RCPT TO)
    message_id: str
    subject: str  # decoded
    from_header: str
    to_header: str
    body: str  # the text part, decoded
    arrived_at: float  # time.time() when the sink answered 250 (or the sender vanished)
    arrived_monotonic: float  # time.monotonic() at the same moment, to compare with test clocks
    # False when the sender disconnected while `answer_delay` held the 250 back: it cannot know
    # the message was delivered, and may well send it again.
    answered: bool = True

    def __str__(self) -> str:
        return f"{self.message_id} to {', '.join(self.recipients)}: {self.subject}"


def _matches(
    message: ReceivedEmail,
    to: str | None,
    subject: str | re.Pattern | None,
    answered: bool | None,
) -> bool:
    if answered is not None and message.answered != answered:
        return False
    if to is not None and to.lower() not in (r.lower() for r in message.recipients):
        return False
    return subject is None or re.search(subject, message.subject) is not None


class _RecordingHandler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        sink = self.sink
        answered = False
        sink._count_held(+1)
        try:
            if sink.answer_delay:
                # aiosmtpd cancels this if the sender disconnects meanwhile (killed mid-send).
                await asyncio.sleep(sink.answer_delay)
            answered = True
            return "250 Message accepted for delivery"
        finally:
            sink._count_held(-1)
            # The whole message arrived: a real mail server would deliver it, answered or not.
            sink._record(envelope, answered=answered)


class SmtpSink:
    """An SMTP server on 127.0.0.1:`port` (aiosmtpd, in a thread of this process).

    Everything is thread-safe. Every message received in full is recorded, as a real mail
    server would deliver it. `answer_delay` (seconds) holds the 250 back, so a test can kill the
    sender mid-send: wait until `held_answers` > 0, then kill it; that message is recorded with
    answered=False.
    """

    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self.port = 0
        self.answer_delay = 0.0
        self._lock = threading.Lock()
        self._messages: list[ReceivedEmail] = []
        self._held_answers = 0
        self._controller: Controller | None = None

    def start(self) -> SmtpSink:
        last_error: Exception | None = None
        for _attempt in range(3):  # the free port may be taken before aiosmtpd binds it
            self.port = free_port()
            controller = Controller(
                _RecordingHandler(self), hostname=self.host, port=self.port, ready_timeout=10
            )
            try:
                controller.start()
            except (OSError, RuntimeError) as error:
                last_error = error
                continue
            self._controller = controller
            return self
        raise AssertionError(f"the SMTP sink could not start: {last_error!r}")

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def held_answers(self) -> int:
        """Messages received in full whose 250 `answer_delay` is holding back right now."""
        with self._lock:
            return self._held_answers

    def _count_held(self, change: int) -> None:
        with self._lock:
            self._held_answers += change

    def _record(self, envelope, *, answered: bool) -> None:
        parsed = email.message_from_bytes(envelope.original_content, policy=policy.default)
        text_part = parsed.get_body(preferencelist=("plain", "html"))
        received = ReceivedEmail(
            envelope_from=envelope.mail_from or "",
            recipients=tuple(envelope.rcpt_tos),
            message_id=str(parsed.get("Message-ID", "")).strip(),
            subject=" ".join(str(parsed.get("Subject", "")).split()),
            from_header=str(parsed.get("From", "")),
            to_header=str(parsed.get("To", "")),
            body=text_part.get_content() if text_part is not None else "",
            arrived_at=time.time(),
            arrived_monotonic=time.monotonic(),
            answered=answered,
        )
        with self._lock:
            self._messages.append(received)

    # --- Looking at what arrived ---------------------------------------------------------------

    def messages(
        self,
        *,
        to: str | None = None,
        subject: str | re.Pattern | None = None,
        answered: bool | None = None,
    ) -> list[ReceivedEmail]:
        """Messages in arrival order; `to` is an envelope recipient, `subject` a regex searched
        in the decoded subject, `answered` True or False to keep only those (see the class)."""
        with self._lock:
            snapshot = list(self._messages)
        return [message for message in snapshot if _matches(message, to, subject, answered)]

    def count(self, **filters) -> int:
        """How many messages match: count(to=..., subject=..., answered=...)."""
        return len(self.messages(**filters))

    def message_ids(self, **filters) -> set[str]:
        """The distinct Message-ID headers of the matching messages."""
        return {message.message_id for message in self.messages(**filters)}

    def subjects(self, *, to: str | None = None) -> Counter[str]:
        """How many messages arrived with each subject: handy to spot duplicates."""
        return Counter(message.subject for message in self.messages(to=to))

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()

    def wait_for(
        self,
        count: int = 1,
        *,
        to: str | None = None,
        subject: str | re.Pattern | None = None,
        answered: bool | None = None,
        timeout: float = 30.0,
    ) -> list[ReceivedEmail]:
        """Wait until at least `count` matching messages arrived; return the matching ones."""

        def enough():
            found = self.messages(to=to, subject=subject, answered=answered)
            return found if len(found) >= count else None

        def what_arrived() -> str:
            messages = self.messages()
            shown = "\n".join(f"  {message}" for message in messages[-20:])
            return f"The sink has {len(messages)} message(s); the last ones:\n{shown or '  none'}"

        return wait_until(
            enough,
            timeout=timeout,
            interval=0.05,
            waiting_for=f"{count} e-mail(s) to {to or 'anyone'} with subject ~ {subject!r}",
            details=what_arrived,
        )
