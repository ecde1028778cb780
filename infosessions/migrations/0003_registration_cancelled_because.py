"""Why a place is cancelled: given up by the person, or closed with its session.

Before this, calling a session off left its registrations "Registered" or "On the waiting list"
(counted in admin, the export, the dashboard and an address's daily limit): they are closed now,
as calling a session off closes them from here on. Every place cancelled before was given up by
its registrant (nothing else cancelled one).
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def close_places_at_sessions_called_off(apps, schema_editor):
    Registration = apps.get_model("infosessions", "Registration")
    InfoSession = apps.get_model("infosessions", "InfoSession")
    Registration.objects.filter(status="cancelled", cancelled_because="").update(
        cancelled_because="given_up"
    )
    Registration.objects.filter(session__cancelled_at__isnull=False).exclude(
        status="cancelled"
    ).update(
        status="cancelled",
        cancelled_at=Subquery(
            InfoSession.objects.filter(pk=OuterRef("session_id")).values("cancelled_at")[:1]
        ),
        cancelled_because="session_cancelled",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("infosessions", "0002_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="cancelled_because",
            field=models.CharField(
                blank=True,
                choices=[("given_up", "Given up"), ("session_cancelled", "Session cancelled")],
                db_default="",
                default="",
                help_text="Given up by the person, or closed because the session was cancelled.",
                max_length=20,
                verbose_name="why cancelled",
            ),
        ),
        migrations.RunPython(close_places_at_sessions_called_off, migrations.RunPython.noop),
    ]
