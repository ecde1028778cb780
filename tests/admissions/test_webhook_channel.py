"""The webhook channel against a real HTTP server on 127.0.0.1: signed JSON with the lead's
reference, priority, age and admin link and nothing personal, retried like e-mail on timeouts and
5xx answers, given up on a 4xx one."""

import json
import socket
import threading
from collections import deque
from dataclasses import dataclass
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.core.checks.registry import registry
from django.urls import reverse
from django.utils import timezone

from admissions import services, webhooks
from admissions.channels import Audience, WebhookChannel
from admissions.models import Dispatch, Notification, Priority, Purpose
from admissions.notifications import Delivery, deliver, notify_staff, recipients_for
from admissions.webhooks import verify_signature
from core.seo import absolute_url
from tests.admissions.factories import LeadFactory, StaffFactory, SupervisorFactory

pytestmark = pytest.mark.django_db

SECRET = "whsec-test-0123456789abcdef0123456789abcdef"
CHANNELS = ["admissions.channels.EmailChannel", "admissions.channels.WebhookChannel"]
# A token in the URL, as chat tools put one: it must appear in no error, dispatch or e-mail.
HOOK_PATH = "/hooks/T0KEN-IN-PATH?token=s3cret-query-t0ken"


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int | None  # None: the request was left hanging

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


class Receiver:
    """A webhook receiver on 127.0.0.1: records each request and answers from a script (a status
    code, or "hang": no answer until the test ends), then 200 once the script runs out."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.script: deque = deque()
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                answer = receiver.script.popleft() if receiver.script else 200
                status = None if answer == "hang" else answer
                receiver.requests.append(
                    Received(self.path, dict(self.headers.items()), body, status)
                )
                if status is None:
                    receiver.release.wait(timeout=10)
                    return
                reply = b'{"error": "secret details from the receiver s3cret-body"}'
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "/somewhere-else")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}{HOOK_PATH}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def answer(self, *answers) -> None:
        self.script.extend(answers)

    @property
    def statuses(self) -> list[int | None]:
        return [request.status for request in self.requests]


@pytest.fixture
def receiver():
    receiver = Receiver()
    receiver.thread.start()
    yield receiver
    receiver.release.set()
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture(autouse=True)
def webhook_configured(settings, receiver):
    settings.ADMISSIONS_STAFF_CHANNELS = CHANNELS
    settings.ADMISSIONS_WEBHOOK_URL = receiver.url
    settings.ADMISSIONS_WEBHOOK_SECRET = SECRET
    settings.ADMISSIONS_WEBHOOK_TIMEOUT_SECONDS = 0.5
    return settings


def webhook_dispatches(**filters):
    return Dispatch.objects.filter(channel=WebhookChannel.name, **filters)


def announce(lead) -> int:
    """The new-lead message, to the team inbox and the webhook."""
    return notify_staff(lead, Purpose.NEW_LEAD, Audience(team_inbox=True))


def urgent_lead(minutes_ago: int = 7):
    return LeadFactory(
        created_at=timezone.now() - timedelta(minutes=minutes_ago),
        first_name="Jordan",
        last_name="Avery",
        phone="+16175550188",
        email="jordan.avery@example.org",
        message="I have been struggling with drinking since my divorce.",
        insurance_member_id="HHP123456789",
        priority=Priority.URGENT,
    )


# --- What is sent ----------------------------------------------------------------------------


def test_a_new_lead_is_posted_as_signed_json_with_reference_priority_age_and_link(receiver):
    lead = urgent_lead(minutes_ago=7)

    assert announce(lead) == 0

    [request] = receiver.requests
    dispatch = webhook_dispatches().get()
    assert request.path == HOOK_PATH
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"] == webhooks.USER_AGENT
    assert request.headers["X-Resilience-Event"] == "new_lead"
    delivery_id = dispatch.message_id.strip("<>")
    assert request.headers["X-Resilience-Delivery"] == delivery_id
    admin_url = absolute_url(lead.admin_url())
    assert request.payload == {
        "id": delivery_id,
        "event": "new_lead",
        "lead": {
            "reference": lead.reference,
            "priority": "urgent",
            "received_at": timezone.localtime(lead.created_at).isoformat(timespec="seconds"),
            "age_minutes": 7,
            "admin_url": admin_url,
        },
        "admin_url": admin_url,
        "text": f"{dispatch.subject}\n{admin_url}",
    }
    assert dispatch.sent_at is not None
    assert lead.reference  # e.g. "K7MQ-4XPA": what staff and the family both know it by


def test_the_payload_holds_nothing_personal_or_medical(receiver):
    lead = urgent_lead()

    announce(lead)

    [request] = receiver.requests
    body = request.body.decode()
    for detail in [
        "Jordan",
        "Avery",
        "6175550188",
        "555-0188",
        "jordan.avery",
        "drinking",
        "divorce",
        "HHP123456789",
    ]:
        assert detail not in body
        assert all(detail not in value for value in request.headers.values())


def test_the_signature_verifies_with_the_secret_only(receiver):
    announce(urgent_lead())

    [request] = receiver.requests
    header = request.headers["X-Resilience-Signature"]
    assert verify_signature(SECRET, header, request.body)
    assert not verify_signature("another-secret", header, request.body)
    assert not verify_signature(SECRET, header, request.body.replace(b"urgent", b"normal"))
    assert not verify_signature(SECRET, None, request.body)
    assert not verify_signature(SECRET, "v1=abc", request.body)


def test_an_old_signature_is_refused_as_a_replay():
    body = b'{"id": "1"}'
    header = webhooks.signature(SECRET, body, timestamp=1_700_000_000)

    assert verify_signature(SECRET, header, body, now=1_700_000_000 + 299)
    assert not verify_signature(SECRET, header, body, now=1_700_000_000 + 301)
    assert not verify_signature(SECRET, header, body, tolerance=60, now=1_700_000_000 + 61)


def test_a_signature_made_with_either_of_two_secrets_verifies():
    body = b'{"id": "1"}'
    old = webhooks.signature("old-secret", body, timestamp=1_700_000_000)
    new = webhooks.signature(SECRET, body, timestamp=1_700_000_000).split(",")[1]

    assert verify_signature(SECRET, f"{old},{new}", body, now=1_700_000_000)
    assert verify_signature("old-secret", f"{old},{new}", body, now=1_700_000_000)


def test_an_escalation_lists_each_lead_with_its_reminder_round(receiver):
    SupervisorFactory()
    first = LeadFactory(created_at=timezone.now() - timedelta(minutes=40))
    second = LeadFactory(created_at=timezone.now() - timedelta(minutes=20), priority="urgent")

    assert services.escalate_overdue_leads() == 0

    [request] = receiver.requests
    payload = request.payload
    assert payload["event"] == "escalation"
    assert payload["lead_count"] == 2
    assert [lead["reference"] for lead in payload["leads"]] == [first.reference, second.reference]
    assert [lead["priority"] for lead in payload["leads"]] == ["normal", "urgent"]
    assert [lead["age_minutes"] for lead in payload["leads"]] == [40, 20]
    assert [lead["reminder"] for lead in payload["leads"]] == [2, 1]
    assert payload["leads"][0]["admin_url"] == absolute_url(first.admin_url())
    assert payload["admin_url"] == absolute_url(reverse("admin:admissions_lead_changelist"))
    assert payload["text"].startswith("URGENT: Not contacted yet: 2 consultation requests\n")


def test_an_alert_about_no_lead_in_particular_has_its_text_and_link(receiver):
    SupervisorFactory()
    services.report_set_aside_requests(3)

    [request] = receiver.requests
    assert request.payload == {
        "id": request.headers["X-Resilience-Delivery"],
        "event": "intake_problem",
        "admin_url": None,
        "text": webhook_dispatches().get().subject,
    }


# --- Who hears -------------------------------------------------------------------------------


def test_a_new_lead_makes_one_dispatch_per_channel(receiver):
    lead = LeadFactory(created_at=timezone.now() - timedelta(seconds=30))

    services.follow_up_lead(lead.pk)

    dispatches = Dispatch.objects.filter(lead=lead, purpose=Purpose.NEW_LEAD)
    assert sorted(dispatches.values_list("channel", flat=True)) == ["email", "webhook"]
    assert all(dispatch.sent_at for dispatch in dispatches)
    assert len(mail.outbox) == 1 and len(receiver.requests) == 1
    lead.refresh_from_db()
    assert lead.followed_up_at is not None


def test_the_webhook_hears_once_however_many_staff_do(receiver):
    lead = LeadFactory()

    notify_staff(lead, Purpose.NEW_LEAD, Audience(staff=StaffFactory.create_batch(3)))

    assert webhook_dispatches(lead=lead).count() == 1
    assert len(receiver.requests) == 1
    assert len(mail.outbox) == 3


def test_the_webhook_is_a_recipient_for_staff_and_inbox_but_not_for_nobody(settings):
    channel = WebhookChannel()
    label = webhooks.recipient_label(settings.ADMISSIONS_WEBHOOK_URL)

    assert channel.recipients(Audience(team_inbox=True)) == [label]
    assert channel.recipients(Audience(staff=[StaffFactory.build()])) == [label]
    # Nobody to tell: the team inbox hears instead, as without the webhook.
    assert channel.recipients(Audience()) == []
    assert [(c.name, r) for c, r in recipients_for(Audience())] == [
        ("email", settings.ADMISSIONS_INBOX_EMAIL)
    ]

    settings.ADMISSIONS_WEBHOOK_URL = ""
    assert channel.recipients(Audience(team_inbox=True)) == []


def test_the_url_and_its_token_are_stored_nowhere(receiver):
    receiver.answer(500, 410)
    lead = urgent_lead()

    announce(lead)
    deliver(webhook_dispatches().get().pk)

    assert webhook_dispatches().get().recipient.startswith("127.0.0.1:")
    assert len(mail.outbox) == 2  # the new lead, and the webhook's refusal
    stored = [
        *Dispatch.objects.values_list("recipient", "key", "last_error", "subject", "body"),
        *Notification.objects.values_list("recipient", flat=True),
        *(f"{message.subject} {message.body}" for message in mail.outbox),
    ]
    for text in map(str, stored):
        assert "T0KEN" not in text and "s3cret" not in text and "/hooks" not in text


# --- Failures --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 408, 429])
def test_a_failing_answer_is_retried_and_sent_exactly_once_in_the_end(receiver, status):
    receiver.answer(status)
    lead = urgent_lead()

    assert announce(lead) == 1

    dispatch = webhook_dispatches().get()
    assert dispatch.sent_at is None and dispatch.given_up_at is None
    assert dispatch.last_error == f"WebhookUnavailableError: the webhook answered {status}"
    assert dispatch.next_attempt_at > timezone.now()
    assert "s3cret-body" not in dispatch.last_error

    assert deliver(dispatch.pk) is Delivery.SENT
    assert deliver(dispatch.pk) is Delivery.NOT_CLAIMED

    dispatch.refresh_from_db()
    assert dispatch.sent_at is not None and dispatch.attempts == 2
    assert receiver.statuses == [status, 200]
    # The same message both times: the receiver can drop a copy by its delivery id.
    assert receiver.requests[0].body == receiver.requests[1].body
    ids = {request.headers["X-Resilience-Delivery"] for request in receiver.requests}
    assert ids == {dispatch.message_id.strip("<>")}


def test_a_webhook_that_does_not_answer_in_time_is_retried(receiver, settings):
    settings.ADMISSIONS_WEBHOOK_TIMEOUT_SECONDS = 0.3
    receiver.answer("hang")
    lead = urgent_lead()

    assert announce(lead) == 1

    dispatch = webhook_dispatches().get()
    assert dispatch.last_error == (
        "WebhookUnavailableError: no answer from the webhook within 0.3 s"
    )
    assert dispatch.sent_at is None and dispatch.given_up_at is None
    assert dispatch.claimed_until is None and dispatch.next_attempt_at is not None

    assert deliver(dispatch.pk) is Delivery.SENT
    assert receiver.statuses == [None, 200]
    assert webhook_dispatches().get().sent_at is not None


def test_a_webhook_nobody_listens_on_is_retried(settings):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    settings.ADMISSIONS_WEBHOOK_URL = f"http://127.0.0.1:{port}/hook"

    assert announce(urgent_lead()) == 1

    dispatch = webhook_dispatches().get()
    assert dispatch.last_error == (
        "WebhookUnavailableError: could not reach the webhook (ConnectionRefusedError)"
    )
    assert dispatch.given_up_at is None


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410])
def test_a_refusal_is_given_up_reported_to_the_inbox_and_not_retried(receiver, status):
    receiver.answer(status)
    lead = urgent_lead()

    assert announce(lead) == 0

    dispatch = webhook_dispatches().get()
    assert dispatch.given_up_at is not None and dispatch.refused
    assert dispatch.last_error == f"the webhook answered {status}"
    assert deliver(dispatch.pk) is Delivery.NOT_CLAIMED
    assert receiver.statuses == [status]
    # The inbox hears about the new lead, and that the webhook refused it.
    assert [message.subject for message in mail.outbox] == [
        Dispatch.objects.get(channel="email", purpose=Purpose.NEW_LEAD).subject,
        Dispatch.objects.get(purpose=Purpose.DELIVERY_PROBLEM).subject,
    ]
    assert f"the webhook answered {status}" in mail.outbox[1].body
    assert "Please check ADMISSIONS_WEBHOOK_URL" in mail.outbox[1].body  # not a staff address
    # For a day, new messages leave the refusing webhook out.
    assert [c.name for c, _ in recipients_for(Audience(team_inbox=True))] == ["email"]


def test_a_redirect_is_not_followed(receiver):
    receiver.answer(302)

    announce(urgent_lead())

    dispatch = webhook_dispatches().get()
    assert dispatch.last_error == "the webhook answered 302" and dispatch.given_up_at
    assert [request.path for request in receiver.requests] == [HOOK_PATH]


def test_without_a_secret_nothing_is_sent_unsigned(receiver, settings):
    settings.ADMISSIONS_WEBHOOK_SECRET = ""

    assert announce(urgent_lead()) == 1

    assert receiver.requests == []
    assert webhook_dispatches().get().given_up_at is None


def test_the_e_mail_channel_gets_no_facts_and_is_unchanged(receiver):
    lead = urgent_lead()

    announce(lead)

    [message] = mail.outbox
    dispatch = Dispatch.objects.get(channel="email")
    assert (message.subject, message.body) == (dispatch.subject, dispatch.body)
    assert message.extra_headers == {"Message-ID": dispatch.message_id}


# --- Configuration ---------------------------------------------------------------------------


def check_ids() -> list[str]:
    return [message.id for message in webhooks.webhook_settings(None)]


def test_the_checks_pass_when_configured_and_are_registered(settings):
    settings.DEBUG = True  # for the http:// URL of the test receiver
    assert webhooks.webhook_settings in registry.get_checks()
    assert check_ids() == []


def test_the_checks_refuse_a_webhook_without_secret_or_url(settings):
    settings.DEBUG = True
    settings.ADMISSIONS_WEBHOOK_SECRET = ""
    assert check_ids() == ["admissions.E012"]

    settings.ADMISSIONS_WEBHOOK_URL = ""
    assert check_ids() == ["admissions.E010", "admissions.E012"]

    settings.ADMISSIONS_STAFF_CHANNELS = ["admissions.channels.EmailChannel"]
    assert check_ids() == []


def test_the_checks_want_https_in_production_and_a_sane_timeout(settings):
    settings.DEBUG = False
    assert check_ids() == ["admissions.E011"]

    settings.DEBUG = True
    settings.ADMISSIONS_WEBHOOK_URL = "ftp://chat.example.org/hook"
    settings.ADMISSIONS_WEBHOOK_TIMEOUT_SECONDS = 120
    assert check_ids() == ["admissions.E011", "admissions.E013"]

    settings.ADMISSIONS_WEBHOOK_URL = "https://chat.example.org/hook"
    settings.ADMISSIONS_WEBHOOK_TIMEOUT_SECONDS = 5
    settings.ADMISSIONS_WEBHOOK_SECRET = "short"
    assert check_ids() == ["admissions.W010"]
