"""Retention: leads closed longer than LEAD_RETENTION_DAYS are anonymised (names, contact details,
message and insurance removed; counts and timings kept for the dashboard), recorded in the audit
trail."""

import threading
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from django.db import connection, connections, transaction
from django.utils import timezone

from admissions import tasks
from admissions.models import (
    Activity,
    ActivityKind,
    AuditAction,
    AuditEvent,
    CloseOutcome,
    Dispatch,
    ForWhom,
    Lead,
    Notification,
    Priority,
    Purpose,
    ReferralSource,
    Relationship,
    Status,
)
from admissions.retention import anonymise_expired_leads
from tests.admissions.factories import LeadFactory, StaffFactory
from tests.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()
DAY = timedelta(days=1)

# What the person told us, all of it distinctive enough to find anywhere in the database.
PERSONAL = {
    "for_whom": ForWhom.SOMEONE_ELSE,
    "relationship": Relationship.PARENT,
    "first_name": "Dolores",
    "last_name": "Whitcombe",
    "patient_first_name": "Peregrine",
    "phone": "+16175550142",
    "phone_extension": "ext. 4417",
    "email": "dolores.whitcombe@example.org",
    "message": "Peregrine has been using opioids since his accident.",
    "insurance_carrier": "Harbor Health Plan",
    "insurance_member_id": "HHP987654321",
    "insurance_group_number": "GRP-5511",
    "insurance_subscriber": "other",
    "landing_page": "/get-help/?who=whitcombe",
    "referrer": "https://search.example/?q=dolores+whitcombe+rehab",
    "utm_term": "whitcombe",
    "utm_content": "dolores-ad",
    "urgent_terms": "overdose",
    "referred_to": "Riverside Recovery, Dr. Okafor",
}
# What the dashboard counts and times.
KEPT = [
    "created_at",
    "reference",
    "for_whom",
    "relationship",
    "status",
    "close_outcome",
    "priority",
    "program_id",
    "source",
    "referral_source",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "consent_version",
    "consented_at",
    "contacted_at",
    "contacted_by_id",
    "assigned_to_id",
    "assigned_at",
    "closed_at",
    "closed_by_id",
    "call_attempts",
    "routed_at",
    "followed_up_at",
]


def closed_lead(days_ago: float, **fields) -> Lead:
    """A lead handled from start to end, closed `days_ago` days before NOW."""
    closed_at = NOW - days_ago * DAY
    staff = StaffFactory()
    return LeadFactory(
        **{
            **PERSONAL,
            "created_at": closed_at - 10 * DAY,
            "routed_at": closed_at - 10 * DAY,
            "followed_up_at": closed_at - 10 * DAY,
            "priority": Priority.URGENT,
            "program": ProgramFactory(),
            "source": "search.example",
            "referral_source": ReferralSource.SEARCH,
            "utm_source": "search",
            "utm_medium": "cpc",
            "utm_campaign": "spring",
            "assigned_to": staff,
            "assigned_at": closed_at - 10 * DAY + timedelta(minutes=2),
            "contacted_at": closed_at - 10 * DAY + timedelta(minutes=6),
            "contacted_by": staff,
            "call_attempts": 3,
            "status": Status.CLOSED,
            "close_outcome": CloseOutcome.REFERRED_OUT,
            "closed_at": closed_at,
            "closed_by": staff,
            **fields,
        }
    )


def raw(table: str, columns: str, where: str, params) -> list[tuple]:
    """Rows as stored, not as the models read them (the message is decrypted on reading)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE {where}", params)  # noqa: S608
        return cursor.fetchall()


def everything_in(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608
        return repr(cursor.fetchall())


def audit_events(action=AuditAction.ANONYMISE):
    return AuditEvent.objects.filter(action=action)


# --- Which leads ------------------------------------------------------------------------------


def test_exactly_the_leads_closed_longer_than_the_retention_period_are_anonymised():
    expired = closed_lead(days_ago=366)
    recently_closed = closed_lead(days_ago=364)
    open_for_two_years = LeadFactory(created_at=NOW - 730 * DAY, status=Status.CONTACTED)
    admitted = LeadFactory(created_at=NOW - 730 * DAY, status=Status.ADMITTED)
    already = closed_lead(days_ago=800, anonymised_at=NOW - 400 * DAY, first_name="Kept")

    assert anonymise_expired_leads(now=NOW) == 1

    anonymised = set(Lead.objects.filter(anonymised_at__isnull=False).values_list("pk", flat=True))
    assert anonymised == {expired.pk, already.pk}
    for lead in (recently_closed, open_for_two_years, admitted):
        lead.refresh_from_db()
        assert not lead.is_anonymised
        assert lead.first_name and lead.phone and lead.email
    already.refresh_from_db()
    assert already.anonymised_at == NOW - 400 * DAY
    assert already.first_name == "Kept"  # left as it was: not done again
    assert list(audit_events().values_list("lead_id", flat=True)) == [expired.pk]


def test_the_retention_period_is_the_setting(settings):
    settings.LEAD_RETENTION_DAYS = 30
    expired, kept = closed_lead(days_ago=31), closed_lead(days_ago=29)

    assert anonymise_expired_leads(now=NOW) == 1

    assert Lead.objects.get(pk=expired.pk).anonymised_at == NOW
    assert Lead.objects.get(pk=kept.pk).anonymised_at is None


def test_the_periodic_task_anonymises_them():
    lead = closed_lead(days_ago=400)

    tasks.anonymise_expired_leads.delay()

    assert Lead.objects.get(pk=lead.pk).is_anonymised


# --- What is removed, what is kept ------------------------------------------------------------


def test_every_personal_field_is_emptied():
    lead = closed_lead(days_ago=366)

    anonymise_expired_leads(now=NOW)

    lead = Lead.objects.get(pk=lead.pk)
    assert lead.first_name == ""
    assert lead.last_name == ""
    assert lead.patient_first_name == ""
    assert lead.phone == ""
    assert lead.phone_extension == ""
    assert lead.email == ""
    assert lead.message == ""
    assert lead.insurance_carrier == ""
    assert lead.insurance_member_id == ""
    assert lead.insurance_group_number == ""
    assert lead.insurance_subscriber == ""
    assert lead.landing_page == ""
    assert lead.referrer == ""
    assert lead.utm_term == ""
    assert lead.utm_content == ""
    assert lead.urgent_terms == ""
    assert lead.referred_to == ""
    assert lead.anonymised_at == NOW
    # The ciphertext is gone too, not only what the model reads.
    assert raw("admissions_lead", "message, insurance_member_id, phone", "id = %s", [lead.pk]) == [
        ("", "", "")
    ]
    stored = everything_in("admissions_lead")
    for value in PERSONAL.values():
        if value not in (ForWhom.SOMEONE_ELSE, Relationship.PARENT, "other"):
            assert value not in stored


def test_counts_and_timings_are_kept_for_the_dashboard():
    lead = closed_lead(days_ago=366)
    before = Lead.objects.values(*KEPT).get(pk=lead.pk)

    anonymise_expired_leads(now=NOW)

    assert Lead.objects.values(*KEPT).get(pk=lead.pk) == before
    assert Lead.objects.filter(status=Status.CLOSED, priority=Priority.URGENT).count() == 1


def test_staff_notes_on_the_lead_are_emptied_and_the_timeline_kept():
    lead = closed_lead(days_ago=366)
    staff = StaffFactory()
    Activity.objects.create(
        lead=lead, kind=ActivityKind.NOTE, author=staff, note="Mother says he relapsed."
    )
    Activity.objects.create(lead=lead, kind=ActivityKind.CALL, call_outcome="reached", note="")
    other = Activity.objects.create(
        lead=closed_lead(days_ago=10), kind=ActivityKind.NOTE, note="Still needed."
    )

    anonymise_expired_leads(now=NOW)

    assert raw("admissions_activity", "kind, note", "lead_id = %s ORDER BY id", [lead.pk]) == [
        ("note", ""),
        ("call", ""),
    ]
    assert Activity.objects.get(pk=other.pk).note == "Still needed."


def test_the_history_keeps_one_anonymised_version_and_no_old_names():
    lead = closed_lead(days_ago=366)
    lead.first_name = "Dolly"  # a correction staff made: a second version with a name
    lead.save()
    assert lead.history.count() == 2

    anonymise_expired_leads(now=NOW)

    (version,) = Lead.objects.get(pk=lead.pk).history.all()
    assert (version.first_name, version.last_name, version.phone, version.email) == ("", "", "", "")
    assert version.message == version.insurance_member_id == ""
    assert version.anonymised_at == NOW
    assert version.status == Status.CLOSED
    assert version.history_user is None  # the system did it
    assert version.history_change_reason == "Anonymised: retention period ended"
    history = everything_in("admissions_historicallead")
    for name in ("Dolores", "Dolly", "Whitcombe", "Peregrine", "+16175550142", "HHP987654321"):
        assert name not in history


def test_other_leads_keep_their_history():
    expired, kept = closed_lead(days_ago=366), closed_lead(days_ago=10)
    kept.first_name = "Dolly"
    kept.save()

    anonymise_expired_leads(now=NOW)

    assert kept.history.count() == 2
    assert expired.history.count() == 1


def test_the_acknowledgment_sent_to_the_requester_no_longer_names_their_address():
    lead = closed_lead(days_ago=366)
    acknowledgment = Dispatch.objects.create(
        purpose=Purpose.ACKNOWLEDGMENT,
        channel="email",
        recipient=lead.email,
        key=f"acknowledgment:{lead.email}:2025-01-01",
        lead=lead,
        subject="We have your request",
        body="Someone will call you soon.",
        message_id="<ack-1@resilience.example>",
        sent_at=NOW - 400 * DAY,
        last_error=f"450 mailbox {lead.email} busy",
    )
    Notification.objects.create(
        lead=lead,
        purpose=Purpose.ACKNOWLEDGMENT,
        channel="email",
        recipient=lead.email,
        dispatch=acknowledgment,
    )
    to_staff = Dispatch.objects.create(
        purpose=Purpose.NEW_LEAD,
        channel="email",
        recipient="casey@resilience.example",
        key=f"new_lead:{lead.pk}:0:email:casey@resilience.example",
        lead=lead,
        subject="New request",
        body="A new request is waiting.",
        message_id="<new-1@resilience.example>",
        sent_at=NOW - 400 * DAY,
    )

    anonymise_expired_leads(now=NOW)

    assert lead.email not in everything_in("admissions_dispatch")
    assert lead.email not in everything_in("admissions_notification")
    acknowledgment.refresh_from_db()
    assert (acknowledgment.recipient, acknowledgment.sent_at) == ("", NOW - 400 * DAY)
    to_staff_after = Dispatch.objects.get(pk=to_staff.pk)
    assert (to_staff_after.recipient, to_staff_after.key) == (to_staff.recipient, to_staff.key)


def test_a_registration_for_an_information_session_and_its_e_mails_no_longer_name_them(
    django_capture_on_commit_callbacks,
):
    from infosessions import services as sessions
    from tests.infosessions.factories import InfoSessionFactory

    session = InfoSessionFactory()
    details = sessions.RegistrationDetails(
        first_name="Peregrine",
        last_name="Whitcombe",
        email="peregrine.w@example.org",
        phone=None,
        consent_given=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        registration = sessions.register(session.pk, details)
    Lead.objects.filter(pk=registration.lead_id).update(
        status=Status.CLOSED, closed_at=NOW - 366 * DAY
    )

    anonymise_expired_leads(now=NOW)

    for table in ("infosessions_registration", "admissions_dispatch"):
        for detail in ("Peregrine", "Whitcombe", "peregrine.w@example.org"):
            assert detail not in everything_in(table), (table, detail)
    registration.refresh_from_db()
    assert registration.session == session  # kept, as a count for the dashboard


def test_search_terms_older_than_the_retention_period_are_forgotten_and_the_events_kept():
    old_search = AuditEvent.objects.create(
        action=AuditAction.SEARCH, detail="whitcombe", result_count=1, at=NOW - 366 * DAY
    )
    old_export = AuditEvent.objects.create(
        action=AuditAction.EXPORT, detail="search: whitcombe", result_count=1, at=NOW - 366 * DAY
    )
    recent_search = AuditEvent.objects.create(
        action=AuditAction.SEARCH, detail="okafor", result_count=2, at=NOW - 364 * DAY
    )
    old_view = AuditEvent.objects.create(
        action=AuditAction.VIEW_LEAD, lead_id=1, lead_reference="K7MQ-4XPA", at=NOW - 366 * DAY
    )

    anonymise_expired_leads(now=NOW)

    assert AuditEvent.objects.get(pk=old_search.pk).detail == ""
    assert AuditEvent.objects.get(pk=old_search.pk).result_count == 1
    assert AuditEvent.objects.get(pk=old_export.pk).detail == ""
    assert AuditEvent.objects.get(pk=recent_search.pk).detail == "okafor"
    assert AuditEvent.objects.get(pk=old_view.pk).lead_reference == "K7MQ-4XPA"


def test_a_lead_whose_message_no_key_opens_any_more_is_anonymised_all_the_same(settings):
    # Anonymising reads nothing it removes: a lost key does not keep the rest of the data.
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    lead = closed_lead(days_ago=366)
    Activity.objects.create(lead=lead, kind=ActivityKind.NOTE, note="Mother says he relapsed.")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    assert anonymise_expired_leads(now=NOW) == 1

    lead = Lead.objects.get(pk=lead.pk)
    assert (lead.first_name, lead.message, lead.insurance_member_id) == ("", "", "")
    assert lead.history.get().message == ""


# --- The audit trail, and running again -------------------------------------------------------


def test_each_anonymised_lead_is_recorded_once_in_the_audit_trail():
    leads = [closed_lead(days_ago=366 + n) for n in range(3)]

    anonymise_expired_leads(now=NOW)

    events = audit_events()
    assert sorted(events.values_list("lead_id", flat=True)) == sorted(lead.pk for lead in leads)
    assert {event.lead_reference for event in events} == {lead.reference for lead in leads}
    assert {(event.user, event.username) for event in events} == {(None, "")}


def test_running_again_changes_nothing():
    lead = closed_lead(days_ago=366)
    assert anonymise_expired_leads(now=NOW) == 1
    after_first = Lead.objects.values().get(pk=lead.pk)

    assert anonymise_expired_leads(now=NOW + DAY) == 0

    assert Lead.objects.values().get(pk=lead.pk) == after_first
    assert audit_events().count() == 1
    assert lead.history.count() == 1


def test_a_run_is_bounded_and_the_rest_waits_for_the_next(caplog):
    oldest, *_ = leads = [closed_lead(days_ago=400 - n) for n in range(3)]

    with caplog.at_level("INFO", logger="admissions.retention"):
        assert anonymise_expired_leads(now=NOW, batch=2) == 2

    assert Lead.objects.get(pk=oldest.pk).is_anonymised  # the longest expired first
    assert "2 lead(s) anonymised" in caplog.text
    assert "1 expired lead(s) left for the next run" in caplog.text
    assert "Dolores" not in caplog.text and "Whitcombe" not in caplog.text
    assert anonymise_expired_leads(now=NOW, batch=2) == 1
    assert all(Lead.objects.get(pk=lead.pk).is_anonymised for lead in leads)


def test_a_reopened_lead_is_left_alone():
    lead = closed_lead(days_ago=366)
    Lead.objects.filter(pk=lead.pk).update(
        status=Status.CONTACTED, closed_at=None, close_outcome=""
    )

    assert anonymise_expired_leads(now=NOW) == 0
    assert Lead.objects.get(pk=lead.pk).first_name == "Dolores"


# --- Two workers at once (PostgreSQL) ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_lead_another_worker_is_anonymising_is_skipped_not_waited_for():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for real concurrent transactions (DATABASE_URL=postgres://…)")
    busy, free = closed_lead(days_ago=400), closed_lead(days_ago=399)
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                Lead.objects.select_for_update().get(pk=busy.pk)
                locked.set()
                release.wait(timeout=10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(timeout=10)
        assert anonymise_expired_leads(now=NOW) == 1
    finally:
        release.set()
        thread.join()

    assert Lead.objects.get(pk=free.pk).is_anonymised
    assert not Lead.objects.get(pk=busy.pk).is_anonymised
    assert anonymise_expired_leads(now=NOW) == 1  # the next run does it
    assert audit_events().count() == 2
