import uuid

from django.db import migrations

from core.text import clean_text

TEXT_FIELDS = ["first_name", "last_name", "patient_first_name", "insurance_carrier"]


def carry_over(apps, schema_editor):
    """Each lead gets an intake id, its form token becomes a form nonce (first use) and its names
    are cleaned; each notification's delivery state moves to a dispatch of its own."""
    Lead = apps.get_model("admissions", "Lead")
    Notification = apps.get_model("admissions", "Notification")
    Dispatch = apps.get_model("admissions", "Dispatch")
    for lead in Lead.objects.iterator():
        lead.intake_id = uuid.uuid4().hex
        if lead.submission_token:
            lead.form_nonce, lead.form_nonce_use = lead.submission_token, 1
        # Names stored before they were cleaned may hold direction overrides shown raw in admin.
        for name in TEXT_FIELDS:
            setattr(lead, name, clean_text(getattr(lead, name)))
        lead.save(update_fields=["intake_id", "form_nonce", "form_nonce_use", *TEXT_FIELDS])
    for notification in Notification.objects.iterator():
        parts = [
            notification.purpose,
            notification.lead_id,
            notification.round,
            notification.channel,
            notification.recipient,
        ]
        dispatch = Dispatch.objects.create(
            purpose=notification.purpose,
            channel=notification.channel,
            recipient=notification.recipient,
            key=":".join(str(part) for part in parts),
            lead_id=notification.lead_id,
            subject="(sent before dispatches were recorded)",
            body="",
            message_id=f"<migrated-notification-{notification.pk}@resilience.invalid>",
            created_at=notification.created_at,
            sent_at=notification.sent_at,
            given_up_at=notification.given_up_at,
            attempts=notification.attempts,
            last_error=notification.last_error,
        )
        notification.dispatch = dispatch
        notification.save(update_fields=["dispatch"])


class Migration(migrations.Migration):
    dependencies = [("admissions", "0003_delivery_ledger_holds_and_spool")]

    operations = [migrations.RunPython(carry_over, migrations.RunPython.noop)]
