"""Celery tasks: thin wrappers around infosessions.services."""

from admissions.tasks import once
from infosessions import services


# Periodic (see CELERY_BEAT_SCHEDULE); the next run is the retry.
@once
def send_session_reminders() -> None:
    services.send_due_reminders()
