"""Leads and notifications stored before dispatches existed come through the migrations whole, and
the previous release keeps working against the new schema during a rolling deploy."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from admissions.models import Lead, normalise_reference
from core.encryption import TOKEN_PREFIX

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("admissions", "0002_staff_groups")]
AFTER = [("admissions", "0005_retire_tokens_and_notification_delivery_fields")]
RELEASE_BEFORE_THE_DESK = ("admissions", "0005_retire_tokens_and_notification_delivery_fields")


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def previous_release():
    """The models as the previous release's code sees them (whatever the database's schema)."""
    return MigrationExecutor(connection).loader.project_state(BEFORE).apps


@pytest.fixture(autouse=True)
def back_to_the_latest_schema():
    yield
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def new_lead(models, **fields):
    return models.get_model("admissions", "Lead").objects.create(
        for_whom="self",
        first_name="Jordan",
        last_name="Avery",
        phone="+16175550188",
        preferred_contact="call",
        consent_text="I agree",
        consent_version="1",
        consented_at=timezone.now(),
        **fields,
    )


def test_tokens_sent_notifications_and_names_are_carried_over():
    old = migrate(BEFORE)
    now = timezone.now()
    lead = new_lead(old, submission_token="nonce-1", patient_first_name="\u202eRiley")
    notifications = old.get_model("admissions", "Notification").objects
    notifications.create(
        lead=lead,
        purpose="new_lead",
        channel="email",
        recipient="admissions@resilience.example",
        sent_at=now,
        attempts=2,
    )
    notifications.create(
        lead=lead, purpose="escalation", round=1, channel="email", recipient="chief@example.org"
    )

    new = migrate(AFTER)

    lead = new.get_model("admissions", "Lead").objects.get()
    assert (lead.form_nonce, lead.form_nonce_use) == ("nonce-1", 1)
    assert lead.patient_first_name == "Riley"
    pending, sent = new.get_model("admissions", "Notification").objects.order_by("purpose")
    assert (sent.dispatch.sent_at, sent.dispatch.attempts) == (now, 2)
    # Still to be sent: the new code makes a real message for it, not an empty carried-over one.
    assert pending.purpose == "escalation" and pending.dispatch is None


def test_the_previous_release_can_still_store_leads_during_a_rolling_deploy():
    # The release before the desk (0005) writes leads without a reference, a source or a call
    # count, and its message in clear, into the desk's schema.
    old = MigrationExecutor(connection).loader.project_state([RELEASE_BEFORE_THE_DESK]).apps

    lead = new_lead(old, message="Please call after six.")
    old.get_model("admissions", "Notification").objects.create(
        lead=lead, purpose="new_lead", channel="email", recipient="a@b.example"
    )

    stored = Lead.objects.get(pk=lead.pk)
    assert (stored.reference, stored.source, stored.call_attempts) == (None, "", 0)
    assert stored.message == "Please call after six."  # read as it is until re-encrypted


def test_leads_from_before_the_desk_get_references_and_encrypted_messages():
    old = migrate([RELEASE_BEFORE_THE_DESK])
    lead = new_lead(old, message="Please call after six.", insurance_member_id="XJ-123")

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    stored = Lead.objects.get(pk=lead.pk)
    assert normalise_reference(stored.reference) == stored.reference
    assert stored.source == "direct"
    assert (stored.message, stored.insurance_member_id) == ("Please call after six.", "XJ-123")
    with connection.cursor() as cursor:
        cursor.execute("SELECT message FROM admissions_lead WHERE id = %s", [lead.pk])
        assert cursor.fetchone()[0].startswith(TOKEN_PREFIX)
