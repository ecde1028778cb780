"""Celery tasks: thin, idempotent wrappers that load by id and call the services."""

import logging

from celery import shared_task

from admissions import flood, retention, services, spool, triage

logger = logging.getLogger(__name__)

# Shorter than services.FOLLOW_UP_RUN_LEASE and notifications.CLAIM_LEASE (60 s): a task still
# running when those run out is dead, not slow.
SOFT_TIME_LIMIT = 45
TIME_LIMIT = 55

# Tasks that run once per call (periodic ones, alerts): no retries of their own.
once = shared_task(
    acks_late=True, soft_time_limit=SOFT_TIME_LIMIT, time_limit=TIME_LIMIT, ignore_result=True
)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=10,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=TIME_LIMIT,
    ignore_result=True,
)
def follow_up_lead(self, lead_id: int) -> None:
    try:
        services.follow_up_lead(lead_id)
    except Exception as error:
        wait = services.follow_up_retry_wait(self.request.retries)
        # Told before retrying, so the sweep does not take a scheduled retry for a lost task.
        services.expect_follow_up_retry(lead_id, wait)
        raise self.retry(exc=error, countdown=wait) from error


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=5,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=TIME_LIMIT,
    ignore_result=True,
)
def deliver_dispatch(self, dispatch_id: int) -> None:
    if not services.deliver_dispatch(dispatch_id):
        raise self.retry(countdown=services.follow_up_retry_wait(self.request.retries))


@once
def alert_supervisors_of_flood(episode_id: int) -> None:
    services.alert_supervisors_of_flood(episode_id)


# Periodic (see CELERY_BEAT_SCHEDULE). No retries of their own: the next run is the retry.
@once
def sweep_unfinished_follow_ups() -> None:
    services.sweep_unfinished_follow_ups()


@once
def escalate_overdue_leads() -> None:
    failures = services.escalate_overdue_leads()
    if failures:
        logger.warning(
            "%s escalation notification(s) could not be sent; retrying next run", failures
        )


@once
def send_daily_digest() -> None:
    services.send_daily_digest()


@once
def watch_for_floods() -> None:
    """Release the flood guard once the rate has fallen; re-send a lost flood alert."""
    flood.end_if_over()
    if episode := flood.open_episode():
        services.alert_supervisors_of_flood(episode.pk)


@shared_task(soft_time_limit=SOFT_TIME_LIMIT, time_limit=TIME_LIMIT, ignore_result=True)
def drain_intake_spool() -> None:
    spool.drain()


@once
def remind_due_call_backs() -> None:
    triage.remind_due_call_backs()


@once
def anonymise_expired_leads() -> None:
    retention.anonymise_expired_leads()
