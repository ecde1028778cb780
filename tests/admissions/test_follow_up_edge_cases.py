"""Follow-up when things go wrong at the same time: overlapping tasks, refused addresses,
retry chains and the sweep, corrected resubmissions."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from admissions import notifications, services
from admissions.models import ContactMethod, Dispatch, Lead, Notification, Purpose
from tests.admissions import flaky_email
from tests.admissions.factories import LeadFactory, OnCallShiftFactory, consultation_request

INBOX = "admissions@resilience.example"


@pytest.fixture(autouse=True)
def team_inbox(settings):
    settings.ADMISSIONS_INBOX_EMAIL = INBOX


@pytest.mark.django_db
def test_a_lead_is_not_marked_followed_up_while_a_staff_message_is_pending():
    lead = LeadFactory(email="")
    services.route_lead(lead)
    dispatch = Dispatch.objects.create(
        purpose=Purpose.NEW_LEAD,
        channel="email",
        recipient=INBOX,
        key="k",
        subject="s",
        body="b",
        message_id="<m@x>",
    )
    Notification.objects.create(
        lead=lead, purpose=Purpose.NEW_LEAD, channel="email", recipient=INBOX, dispatch=dispatch
    )

    services._mark_followed_up_if_staff_told(lead)
    assert Lead.objects.get(pk=lead.pk).followed_up_at is None

    Dispatch.objects.filter(pk=dispatch.pk).update(sent_at=timezone.now())
    services._mark_followed_up_if_staff_told(lead)
    assert Lead.objects.get(pk=lead.pk).followed_up_at is not None


@pytest.mark.django_db
def test_a_message_another_worker_is_sending_keeps_the_lead_unfinished():
    OnCallShiftFactory(staff_member__email="casey@resilience.example")
    lead = LeadFactory(email="")
    services.route_lead(lead)
    # Another worker has claimed the inbox's message and is sending it right now.
    inbox = notifications.dispatch_once(
        f"new_lead:{lead.pk}:0:email:{INBOX}",
        purpose=Purpose.NEW_LEAD,
        channel="email",
        recipient=INBOX,
        lead=lead,
        render=lambda: ("s", "b"),
    )
    Notification.objects.create(
        lead=lead, purpose=Purpose.NEW_LEAD, channel="email", recipient=INBOX, dispatch=inbox
    )
    Dispatch.objects.filter(pk=inbox.pk).update(claimed_until=timezone.now() + timedelta(minutes=2))

    services.follow_up_lead(lead.pk)  # sends to the assignee, leaves the claimed message alone

    assert [m.to for m in mail.outbox] == [["casey@resilience.example"]]
    assert Lead.objects.get(pk=lead.pk).followed_up_at is None  # the other worker's send failed
    Dispatch.objects.filter(pk=inbox.pk).update(claimed_until=None)
    services.follow_up_lead(lead.pk)  # its retry
    assert sorted(m.to[0] for m in mail.outbox) == [
        "admissions@resilience.example",
        "casey@resilience.example",
    ]
    assert Lead.objects.get(pk=lead.pk).followed_up_at is not None


@pytest.mark.django_db
def test_an_address_the_mail_server_refuses_is_given_up_and_not_retried(settings):
    settings.EMAIL_BACKEND = "tests.admissions.flaky_email.RefuseRequesterBackend"
    lead = services.receive_consultation_request(
        consultation_request(email="nobody@example.org", preferred_contact=ContactMethod.EMAIL)
    )

    services.follow_up_lead(lead.pk)  # no exception: nothing left worth retrying
    services.follow_up_lead(lead.pk)

    acknowledgment = lead.notifications.get(purpose=Purpose.ACKNOWLEDGMENT).dispatch
    assert acknowledgment.given_up_at is not None
    assert acknowledgment.attempts == 1
    assert "refused" in acknowledgment.last_error
    assert Lead.objects.get(pk=lead.pk).followed_up_at is not None  # the team was told


@pytest.mark.django_db
def test_the_sweep_leaves_a_follow_up_that_is_still_retrying_alone(
    settings, monkeypatch, time_machine
):
    queued = []
    monkeypatch.setattr(services, "queue_follow_up", queued.append)
    settings.EMAIL_BACKEND = "tests.admissions.flaky_email.AlwaysFailBackend"
    lead = LeadFactory(created_at=timezone.now() - timedelta(minutes=5))
    with pytest.raises(services.NotificationsNotSentError):
        services.follow_up_lead(lead.pk)  # failed; Celery retries it within 10 minutes

    assert services.sweep_unfinished_follow_ups() == []
    time_machine.move_to(timezone.now() + timedelta(minutes=16))  # the retries have stopped
    assert services.sweep_unfinished_follow_ups() == [lead.pk]
    assert queued == [lead.pk]


@pytest.mark.django_db
def test_a_corrected_resubmission_of_the_same_form_is_stored_as_a_new_lead():
    first = services.receive_consultation_request(consultation_request(), form_nonce="t1")

    corrected = services.receive_consultation_request(
        consultation_request(message="Please call my mobile instead"), form_nonce="t1"
    )

    assert corrected != first
    assert corrected.message == "Please call my mobile instead"
    assert corrected.duplicate_of == first


@pytest.mark.django_db
def test_a_second_request_the_same_day_gets_no_second_acknowledgment(
    django_capture_on_commit_callbacks,
):
    by_email = {"preferred_contact": ContactMethod.EMAIL}
    with django_capture_on_commit_callbacks(execute=True):
        services.receive_consultation_request(consultation_request(**by_email))
        services.receive_consultation_request(
            consultation_request(message="Also: evenings", **by_email)
        )

    acknowledgments = [m for m in mail.outbox if "We received your request" in m.subject]
    assert len(acknowledgments) == 1
    assert sum("New consultation request" in m.subject for m in mail.outbox) == 2


@pytest.mark.django_db
def test_a_new_address_after_a_phone_only_request_gets_its_acknowledgment(
    django_capture_on_commit_callbacks,
):
    # The once-a-day rule counts acknowledgments sent to the address, not earlier requests from
    # the same phone: this person gave an e-mail address for the first time.
    with django_capture_on_commit_callbacks(execute=True):
        services.receive_consultation_request(consultation_request(email=""))
        second = services.receive_consultation_request(
            consultation_request(email="jordan.new@example.org", preferred_contact="email")
        )

    assert second.duplicate_of is not None
    assert [m.to for m in mail.outbox if "We received your request" in m.subject] == [
        ["jordan.new@example.org"]
    ]


@pytest.mark.django_db
def test_a_failing_acknowledgment_is_finished_by_the_sweep_after_staff_were_told(
    settings, time_machine
):
    settings.EMAIL_BACKEND = "tests.admissions.flaky_email.FailTwiceThenSendBackend"
    flaky_email.failures_left.clear()
    flaky_email.failures_left[(INBOX,)] = 0  # staff mail goes through at once
    lead = services.receive_consultation_request(
        consultation_request(preferred_contact=ContactMethod.EMAIL)
    )
    for _ in range(2):  # the task and one retry; then Celery gave up
        with pytest.raises(services.NotificationsNotSentError):
            services.follow_up_lead(lead.pk)
    assert Lead.objects.get(pk=lead.pk).followed_up_at is not None  # staff were told
    assert not [m for m in mail.outbox if m.to == ["jordan.avery@example.org"]]

    time_machine.move_to(timezone.now() + timedelta(minutes=15))
    services.sweep_unfinished_follow_ups()  # tasks run in-process in tests

    assert [m.to for m in mail.outbox if "We received your request" in m.subject] == [
        ["jordan.avery@example.org"]
    ]


@pytest.mark.django_db
def test_a_refusal_from_the_inbox_never_takes_the_inbox_off_new_leads(settings):
    # Reproduced: one 550 from the inbox (a content filter, say) and the next lead, with nobody
    # on call and no supervisors, was announced to nobody.
    settings.EMAIL_BACKEND = "tests.admissions.flaky_email.RefuseAddressesBackend"
    flaky_email.refused_addresses.clear()
    flaky_email.refused_addresses.add(INBOX)
    services.follow_up_lead(LeadFactory(email="").pk)
    flaky_email.refused_addresses.clear()  # the filter let go

    second = LeadFactory(email="")
    services.follow_up_lead(second.pk)

    assert [m.to for m in mail.outbox] == [[INBOX]]
    assert Lead.objects.get(pk=second.pk).followed_up_at is not None


@pytest.mark.django_db
def test_with_nobody_reachable_the_follow_up_backs_off_instead_of_running_every_minute(settings):
    settings.EMAIL_BACKEND = "tests.admissions.flaky_email.RefuseAddressesBackend"
    flaky_email.refused_addresses.clear()
    flaky_email.refused_addresses.add(INBOX)
    lead = LeadFactory(email="", created_at=timezone.now() - timedelta(hours=2))

    services.follow_up_lead(lead.pk)  # nothing left that a retry could help

    due = Lead.objects.get(pk=lead.pk).follow_up_due_by - timezone.now()
    assert due > timedelta(minutes=30) - timedelta(seconds=5)


@pytest.mark.django_db
def test_a_refused_requester_address_is_never_written_to_the_logs(settings, caplog):
    settings.EMAIL_BACKEND = "tests.admissions.flaky_email.RefuseRequesterBackend"
    lead = services.receive_consultation_request(
        consultation_request(email="nobody@example.org", preferred_contact=ContactMethod.EMAIL)
    )

    services.follow_up_lead(lead.pk)

    acknowledgment = lead.notifications.get(purpose=Purpose.ACKNOWLEDGMENT).dispatch
    assert acknowledgment.given_up_at and "550" in acknowledgment.last_error
    assert "nobody@example.org" not in acknowledgment.last_error
    assert "nobody@example.org" not in caplog.text


@pytest.mark.django_db
def test_the_acknowledgment_s_message_id_names_the_sender_s_domain_not_the_site_s(settings):
    settings.SITE_URL = "https://www.resilience-recovery.example"
    settings.ACKNOWLEDGMENT_FROM_EMAIL = "Jordan at Harbor <hello@harbor-notes.example>"
    lead = services.receive_consultation_request(
        consultation_request(preferred_contact=ContactMethod.EMAIL)
    )

    services.follow_up_lead(lead.pk)

    (acknowledgment,) = [m for m in mail.outbox if m.to == ["jordan.avery@example.org"]]
    assert acknowledgment.extra_headers["Message-ID"].endswith("@harbor-notes.example>")
