from django.db import migrations

from core.text import clean_text

TEXT_FIELDS = ["first_name", "last_name", "patient_first_name", "insurance_carrier"]


def carry_over(apps, schema_editor):
    """Form tokens become form nonces (first use) and names are cleaned of direction overrides.

    A notification already sent (or given up) gets a dispatch recording that, so it is never sent
    again. One still pending keeps no dispatch: the new code makes and sends a proper one.
    """
    Lead = apps.get_model("admissions", "Lead")
    Notification = apps.get_model("admissions", "Notification")
    Dispatch = apps.get_model("admissions", "Dispatch")
    for lead in Lead.objects.iterator():
        if lead.submission_token:
            lead.form_nonce, lead.form_nonce_use = lead.submission_token, 1
        for name in TEXT_FIELDS:
            setattr(lead, name, clean_text(getattr(lead, name)))
        lead.save(update_fields=["form_nonce", "form_nonce_use", *TEXT_FIELDS])
    done = Notification.objects.exclude(sent_at=None, given_up_at=None)
    for notification in done.iterator():
        parts = [
            notification.purpose,
            notification.lead_id,
            notification.round,
            notification.channel,
            notification.recipient,
        ]
        notification.dispatch = Dispatch.objects.create(
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
        notification.save(update_fields=["dispatch"])


class Migration(migrations.Migration):
    dependencies = [("admissions", "0003_delivery_ledger_holds_and_spool")]

    operations = [migrations.RunPython(carry_over, migrations.RunPython.noop)]
