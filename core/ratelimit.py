"""Fixed-window rate limits kept in the shared cache, so every web process counts together."""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def allow(bucket: str, key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt by `key`; False once it has made more than `limit` in the window.

    Fails open: if the cache is unreachable the attempt is allowed, because turning a person
    away is worse than letting a burst of spam through.
    """
    window = int(time.time() // window_seconds)
    # Hashed, so raw IP addresses never sit in the cache.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{key}".encode()).hexdigest()[:32]
    cache_key = f"ratelimit:{bucket}:{window}:{digest}"
    try:
        cache.add(cache_key, 0, timeout=window_seconds)
        attempts = cache.incr(cache_key)
    except Exception:  # each cache backend raises its own connection errors
        logger.warning("Rate limit %s not checked: the cache is unreachable", bucket)
        return True
    return attempts <= limit
