"""Leads and notifications stored before dispatches existed come through the migrations whole."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("admissions", "0002_staff_groups")]
AFTER = [("admissions", "0005_remove_tokens_and_notification_delivery_fields")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def back_to_the_latest_schema():
    yield
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_tokens_deliveries_and_names_are_carried_over():
    old = migrate(BEFORE)
    now = timezone.now()
    lead = old.get_model("admissions", "Lead").objects.create(
        for_whom="self",
        first_name="\u202eJordan",
        last_name="Avery",
        phone="+16175550188",
        preferred_contact="call",
        consent_text="I agree",
        consent_version="1",
        consented_at=now,
        submission_token="nonce-1",
    )
    old.get_model("admissions", "Notification").objects.create(
        lead=lead,
        purpose="new_lead",
        channel="email",
        recipient="admissions@resilience.example",
        sent_at=now,
        attempts=2,
    )

    new = migrate(AFTER)

    lead = new.get_model("admissions", "Lead").objects.get()
    assert (lead.first_name, lead.form_nonce, lead.form_nonce_use) == ("Jordan", "nonce-1", 1)
    assert len(lead.intake_id) == 32
    notification = new.get_model("admissions", "Notification").objects.get()
    assert (notification.dispatch.sent_at, notification.dispatch.attempts) == (now, 2)
    assert notification.dispatch.recipient == "admissions@resilience.example"
