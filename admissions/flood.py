"""The site-wide guard against floods of consultation requests.

Above ADMISSIONS_FLOOD_LEADS new leads in ADMISSIONS_FLOOD_WINDOW_MINUTES (a rate no real day
brings), a flood episode opens: supervisors get one alert, and until the rate falls the form asks
browsers for a proof of work. Requests without one are still stored, held for review and not
announced one by one, so nothing is lost and nobody's inbox is flooded.

Counted in the database, which every web process shares and which holds the truth.
"""

import logging
import time
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from admissions.models import FloodEpisode, Lead

logger = logging.getLogger(__name__)


def _window() -> timedelta:
    return timedelta(minutes=settings.ADMISSIONS_FLOOD_WINDOW_MINUTES)


def leads_in_window(now: datetime) -> int:
    return Lead.objects.filter(created_at__gt=now - _window(), created_at__lte=now).count()


def engaged() -> bool:
    """Whether the form asks for a proof of work right now."""
    return FloodEpisode.objects.filter(is_open=True).exists()


ENGAGED_LATELY_KEY = "admissions:flood:engaged"
# How stale the form's view of a flood may be: a GET per visitor must not cost a query.
ENGAGED_LATELY_SECONDS = 5


# And in this process, for a second: (engaged, time.monotonic() when read).
_engaged_in_this_process: tuple[bool, float] | None = None
PROCESS_MEMORY_SECONDS = 1.0


def engaged_lately() -> bool:
    """engaged(), as seen in the last few seconds: for showing the form. (Storing a request
    asks the database itself.)"""
    global _engaged_in_this_process
    now = time.monotonic()
    if _engaged_in_this_process and now - _engaged_in_this_process[1] < PROCESS_MEMORY_SECONDS:
        return _engaged_in_this_process[0]
    try:
        known = cache.get(ENGAGED_LATELY_KEY)
    except Exception:  # each cache backend raises its own connection errors
        known = None
    if known is None:
        known = engaged()
        try:
            cache.set(ENGAGED_LATELY_KEY, known, ENGAGED_LATELY_SECONDS)
        except Exception:  # each cache backend raises its own connection errors
            logger.warning("Could not keep the flood state in the cache")
    _engaged_in_this_process = (known, now)
    return known


def _forget_engaged_lately() -> None:
    # Every web process's form asks for a proof of work (or stops asking) within a second.
    global _engaged_in_this_process
    _engaged_in_this_process = None
    try:
        cache.delete(ENGAGED_LATELY_KEY)
    except Exception:  # each cache backend raises its own connection errors
        logger.warning("Could not forget the flood state in the cache; it expires in seconds")


def open_episode() -> FloodEpisode | None:
    return FloodEpisode.objects.filter(is_open=True).first()


def note_new_lead(received_at: datetime) -> FloodEpisode | None:
    """After a lead is stored: open an episode (and alert supervisors) if the rate crossed the
    threshold. Returns the episode opened, if this call opened one."""
    count = leads_in_window(received_at)
    if count < settings.ADMISSIONS_FLOOD_LEADS or engaged():
        return None
    try:
        with transaction.atomic():
            episode = FloodEpisode.objects.create(leads_in_window_at_start=count)
            transaction.on_commit(partial(_queue_alert, episode.pk), robust=True)
            transaction.on_commit(_forget_engaged_lately, robust=True)
    except IntegrityError:
        return None  # another process opened it a moment ago
    logger.warning(
        "Flood guard engaged: %s leads in %s minutes",
        episode.leads_in_window_at_start,
        settings.ADMISSIONS_FLOOD_WINDOW_MINUTES,
    )
    return episode


def end_if_over() -> bool:
    """Close the open episode once the rate has fallen below half the threshold (not just
    below it, so that a rate hovering at the threshold does not open episode after episode)."""
    now = timezone.now()
    episode = open_episode()
    if episode is None or episode.started_at > now - _window():
        return False
    if leads_in_window(now) * 2 >= settings.ADMISSIONS_FLOOD_LEADS:
        return False
    FloodEpisode.objects.filter(pk=episode.pk, is_open=True).update(is_open=False, ended_at=now)
    transaction.on_commit(_forget_engaged_lately, robust=True)
    logger.warning("Flood guard released: the rate of new leads has fallen")
    return True


def _queue_alert(episode_id: int) -> None:
    from admissions.tasks import alert_supervisors_of_flood
    from core.queueing import publish_quickly

    if not publish_quickly(alert_supervisors_of_flood, episode_id):
        logger.error("Could not queue the flood alert; the next minute's check sends it")
