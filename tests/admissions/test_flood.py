"""The flood guard: above a rate of new leads no real day brings, supervisors get one alert and the
form asks for a proof of work; requests without one are kept, held for review, unannounced."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from admissions import flood, proof_of_work, services, triage
from admissions.models import CallOutcome, FloodEpisode, HoldReason, Lead
from tests.admissions.conftest import form_data
from tests.admissions.factories import LeadFactory, SupervisorFactory, consultation_request

pytestmark = pytest.mark.django_db

FLOOD_ALERT = "Many consultation requests at once"


@pytest.fixture(autouse=True)
def guard(settings):
    settings.ADMISSIONS_FLOOD_LEADS = 10
    settings.ADMISSIONS_FLOOD_WINDOW_MINUTES = 10
    settings.ADMISSIONS_INBOX_EMAIL = "admissions@resilience.example"
    SupervisorFactory(email="chief@resilience.example")


def many_visitors(post_form, n, *, start=0, **data):
    """n requests from n addresses (the per-address limit plays no part)."""
    return [
        post_form(
            form_data(
                phone=f"(617) 555-{start + i:04d}", email=f"p{start + i}@example.org", **data
            ),
            REMOTE_ADDR=f"198.51.100.{start + i}",
        ).status_code
        for i in range(n)
    ]


def flood_alerts() -> list[str]:
    return [message.to[0] for message in mail.outbox if FLOOD_ALERT in message.subject]


def test_below_the_threshold_nothing_changes(client, post_form):
    many_visitors(post_form, 9)

    assert not flood.engaged()
    assert Lead.objects.held_for_review().count() == 0
    assert "data-proof-of-work" not in client.get("/get-help/").content.decode()


def test_crossing_the_threshold_alerts_supervisors_once_and_holds_what_follows(client, post_form):
    assert many_visitors(post_form, 10) == [302] * 10
    assert flood.engaged()
    assert flood_alerts() == ["chief@resilience.example"]
    announced = len(mail.outbox)

    assert many_visitors(post_form, 30, start=10) == [302] * 30

    assert Lead.objects.count() == 40  # nothing lost
    assert Lead.objects.held_for_review().filter(held_reason=HoldReason.FLOOD).count() == 30
    assert len(mail.outbox) == announced  # nobody hears of the held ones one by one
    assert flood_alerts() == ["chief@resilience.example"]
    assert "data-proof-of-work" in client.get("/get-help/").content.decode()


def test_during_a_flood_a_solved_proof_of_work_is_followed_up_as_usual(post_form, monkeypatch):
    many_visitors(post_form, 10)
    monkeypatch.setattr(
        proof_of_work, "solution_is_valid", lambda payload, **_: payload == "solved"
    )
    announced = len(mail.outbox)

    many_visitors(post_form, 1, start=50, altcha="solved")

    lead = Lead.objects.order_by("-pk").first()
    assert not lead.is_held
    announcements = {m.subject for m in mail.outbox[announced:]}
    assert announcements == {f"New consultation request {lead.reference}"}


def test_during_a_flood_challenges_are_harder():
    assert not proof_of_work.difficulty_is_hard()
    for _ in range(10):
        services.receive_consultation_request(consultation_request())

    assert proof_of_work.difficulty_is_hard()


def test_two_processes_noticing_the_flood_at_once_open_one_episode():
    for _ in range(10):
        LeadFactory()

    first, second = flood.note_new_lead(timezone.now()), flood.note_new_lead(timezone.now())

    assert first is not None and second is None
    assert FloodEpisode.objects.count() == 1


def test_the_guard_is_released_once_the_rate_has_fallen_and_a_new_flood_alerts_again(
    post_form, time_machine
):
    many_visitors(post_form, 10)
    assert not flood.end_if_over()  # still flooding

    time_machine.move_to(timezone.now() + timedelta(minutes=11))
    assert flood.end_if_over()
    assert not flood.engaged()

    many_visitors(post_form, 10, start=100)
    assert flood_alerts() == ["chief@resilience.example", "chief@resilience.example"]
    assert FloodEpisode.objects.count() == 2


def test_the_watch_re_sends_a_lost_alert_but_never_a_second_one(settings):
    from admissions.tasks import watch_for_floods

    for _ in range(10):
        LeadFactory()
    FloodEpisode.objects.create(leads_in_window_at_start=10)  # its alert was never queued

    watch_for_floods.apply()
    watch_for_floods.apply()

    assert flood_alerts() == ["chief@resilience.example"]


def test_the_flood_alert_holds_no_personal_detail(post_form):
    many_visitors(post_form, 10, first_name="Quinlan", message="relapsed on opioids")

    (alert,) = [m for m in mail.outbox if FLOOD_ALERT in m.subject]
    assert "Quinlan" not in alert.body and "opioid" not in alert.body
    assert "/admissions/lead/?review=held" in alert.body


def test_an_urgent_request_with_a_bot_signal_is_held_and_escalated_not_closed(time_machine):
    lead = services.receive_consultation_request(
        consultation_request(message="I want to kill myself"),
        screening=services.Screening(bot_signals=("honeypot",)),
    )
    assert (lead.status, lead.held_reason) == ("new", HoldReason.BOT_SIGNAL)

    time_machine.move_to(timezone.now() + timedelta(minutes=16))
    services.escalate_overdue_leads()

    (reminder,) = [m for m in mail.outbox if "Not contacted yet" in m.subject]
    assert "held for review" in reminder.body
    assert reminder.subject.startswith("URGENT")


def test_a_held_request_someone_has_called_is_no_longer_counted_as_held():
    lead = LeadFactory(held_reason=HoldReason.FLOOD)

    triage.log_call(lead, by=SupervisorFactory(), outcome=CallOutcome.REACHED)

    assert not Lead.objects.held_for_review().exists()
