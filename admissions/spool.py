"""Keeping consultation requests while the database cannot be reached.

A managed PostgreSQL failover takes 30–60 s. A request that arrives then is encrypted and pushed
onto a list in Redis, and the person is told it was received; a periodic task stores each one
through the same service as soon as the database answers. Exactly once: a request keeps its
intake_id, and storing a second copy returns the lead already made.

Health details never rest unencrypted outside the database: each item is encrypted with
INTAKE_SPOOL_KEYS (Fernet; the first key encrypts, any of them decrypts, for rotation).
"""

import json
import logging
import secrets
from datetime import datetime
from functools import cache

import redis
from celery.exceptions import SoftTimeLimitExceeded
from cryptography.fernet import InvalidToken, MultiFernet
from django.conf import settings
from django.db import DatabaseError
from django.utils.dateparse import parse_datetime

from core.encryption import multi_fernet

logger = logging.getLogger(__name__)

WAITING = "admissions:intake-spool"
# Items being stored; put back on WAITING if whoever was storing them died.
STORING = "admissions:intake-spool:storing"
# Items that could not be decrypted or stored for another reason than the database: kept,
# encrypted, never retried blindly. Staff are told; `manage.py intake_spool --retry` puts them
# back once the cause is fixed.
SET_ASIDE = "admissions:intake-spool:set-aside"
DRAIN_LOCK = "admissions:intake-spool:lock"
DRAIN_LOCK_SECONDS = 120


def _client() -> redis.Redis | None:
    url = settings.INTAKE_SPOOL_REDIS_URL
    return _client_for(url, settings.PUBLISH_TIMEOUT_SECONDS) if url else None


@cache
def _client_for(url: str, timeout: float) -> redis.Redis:
    # Short timeouts: the person is waiting for this page.
    return redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)


def _fernet() -> MultiFernet:
    return multi_fernet(
        settings.INTAKE_SPOOL_KEYS, derive_from=settings.SECRET_KEY, purpose="admissions.spool"
    )


def keep(
    request,
    *,
    attribution: dict,
    form_nonce: str | None,
    intake_id: str,
    received_at: datetime,
    screening,
    reference: str | None = None,
) -> bool:
    """Spool a request the database could not take; False if the spool cannot take it either."""
    client = _client()
    if client is None:
        return False
    item = {
        "request": request.as_data(),
        "attribution": attribution,
        "form_nonce": form_nonce,
        "intake_id": intake_id,
        "reference": reference,
        "received_at": received_at.isoformat(),
        "held_reason": screening.held_reason,
        "bot_signals": list(screening.bot_signals),
    }
    token = _fernet().encrypt(json.dumps(item).encode())
    try:
        client.lpush(WAITING, token)
    except redis.RedisError:
        logger.error("Could not spool a consultation request: Redis is unreachable too")
        return False
    logger.warning("Spooled a consultation request: the database is unreachable")
    return True


def can_keep_requests() -> bool:
    client = _client()
    if client is None:
        return False
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


def waiting_count() -> int:
    client = _client()
    return 0 if client is None else client.llen(WAITING) + client.llen(STORING)


def drain(limit: int = 500) -> int:
    """Store spooled requests, oldest first, until the spool is empty, the database fails again
    or `limit` is reached; return how many were stored. One drainer at a time."""
    from admissions import services

    client = _client()
    if client is None:
        return 0
    lock = secrets.token_hex(8)
    if not client.set(DRAIN_LOCK, lock, nx=True, ex=DRAIN_LOCK_SECONDS):
        return 0
    stored = set_aside = 0
    try:
        # With the lock held nobody else is storing: whatever is in STORING was left by a
        # drainer that died, possibly after storing it (storing it again returns that lead).
        while client.lmove(STORING, WAITING, "LEFT", "RIGHT"):
            pass
        while stored < limit:
            token = client.lmove(WAITING, STORING, "RIGHT", "LEFT")
            if token is None:
                break
            try:
                _store(services, _decrypted(token))
            except (DatabaseError, SoftTimeLimitExceeded) as error:
                # Unreachable, read-only during a failover, slow: the next run tries again.
                client.lmove(STORING, WAITING, "LEFT", "RIGHT")
                logger.warning("Spooled requests wait: %s", type(error).__name__)
                if isinstance(error, SoftTimeLimitExceeded):
                    raise
                break
            except Exception:
                # Not the database: retrying would fail the same way and hold up the others.
                client.lpush(SET_ASIDE, token)
                client.lrem(STORING, 1, token)
                logger.exception("A spooled request could not be stored; set aside for review")
                set_aside += 1
                continue
            client.lrem(STORING, 1, token)
            stored += 1
    finally:
        if client.get(DRAIN_LOCK) == lock.encode():
            client.delete(DRAIN_LOCK)
    if stored:
        logger.warning("Stored %s spooled consultation request(s)", stored)
    if set_aside:
        services.report_set_aside_requests(set_aside_count())
    return stored


def set_aside_count() -> int:
    client = _client()
    return 0 if client is None else client.llen(SET_ASIDE)


def retry_set_aside() -> int:
    """Put requests set aside back in the queue (once whatever stopped them is fixed)."""
    client = _client()
    moved = 0
    while client is not None and client.lmove(SET_ASIDE, WAITING, "RIGHT", "LEFT"):
        moved += 1
    return moved


def _decrypted(token: bytes) -> dict:
    try:
        return json.loads(_fernet().decrypt(token))
    except InvalidToken:
        raise ValueError("a spooled request could not be decrypted (unknown key?)") from None


def _store(services, item: dict) -> None:
    request = services.ConsultationRequest.from_data(item["request"])
    arguments = {
        "attribution": item["attribution"],
        "intake_id": item["intake_id"],
        # The reference the person was shown (absent from requests spooled by older releases).
        "reference": item.get("reference"),
        "received_at": parse_datetime(item["received_at"]),
        "screening": services.Screening(
            held_reason=item["held_reason"], bot_signals=tuple(item["bot_signals"])
        ),
    }
    try:
        services.receive_consultation_request(request, form_nonce=item["form_nonce"], **arguments)
    except services.FormTokenUsedUpError:
        # The person was told it was received: store it; intake_id still keeps it to one lead.
        services.receive_consultation_request(request, form_nonce=None, **arguments)
