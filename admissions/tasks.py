"""Celery tasks: thin, idempotent wrappers that load by id and call the services."""

import logging

from celery import shared_task

from admissions import services

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(Exception,),
    retry_backoff=10,
    retry_backoff_max=600,  # below services.FOLLOW_UP_STALE_AFTER, so the sweep leaves it be
    retry_jitter=True,
    max_retries=10,
    soft_time_limit=60,
    time_limit=90,
    ignore_result=True,
)
def follow_up_lead(lead_id: int) -> None:
    services.follow_up_lead(lead_id)


# Periodic (see CELERY_BEAT_SCHEDULE). No retries of their own: the next run is the retry.
@shared_task(acks_late=True, soft_time_limit=50, time_limit=55, ignore_result=True)
def sweep_unfinished_follow_ups() -> None:
    services.sweep_unfinished_follow_ups()


@shared_task(acks_late=True, soft_time_limit=50, time_limit=55, ignore_result=True)
def escalate_overdue_leads() -> None:
    failures = services.escalate_overdue_leads()
    if failures:
        logger.warning(
            "%s escalation notification(s) could not be sent; retrying next run", failures
        )
