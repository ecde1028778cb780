"""Sliding-window rate limits kept in the shared cache, so every web process counts together.

Two fixed windows weighted by how far the current one has run (the approach of Cloudflare and
nginx's limit_req in spirit): a burst split across a window boundary still counts as one burst,
where plain fixed windows would let twice the limit through.
"""

import hashlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SlidingWindowLimit:
    bucket: str
    limit: int
    window_seconds: int

    def hit(self, key: str) -> bool:
        """Count one attempt by `key`; False once it has made more than `limit` in the window.

        Fails open: if the cache is unreachable the attempt is allowed, because turning a person
        away is worse than letting a burst of spam through (production requires a shared cache,
        so this is an outage, not a configuration).
        """
        now = time.time()
        current, previous = self._keys(key, now)
        try:
            cache.add(current, 0, timeout=self.window_seconds * 2)
            attempts = cache.incr(current)
            earlier = cache.get(previous) or 0
        except Exception:  # each cache backend raises its own connection errors
            logger.warning("Rate limit %s not checked: the cache is unreachable", self.bucket)
            return True
        return self._estimate(attempts, earlier, now) <= self.limit

    def exceeded(self, key: str) -> bool:
        """Whether the next attempt by `key` would be over the limit (counts nothing)."""
        now = time.time()
        current, previous = self._keys(key, now)
        try:
            values = cache.get_many([current, previous])
        except Exception:  # each cache backend raises its own connection errors
            return False
        attempts = values.get(current, 0) + 1
        return self._estimate(attempts, values.get(previous, 0), now) > self.limit

    def _keys(self, key: str, now: float) -> tuple[str, str]:
        window = int(now // self.window_seconds)
        # Hashed, so raw IP addresses never sit in the cache.
        digest = hashlib.sha256(f"{settings.SECRET_KEY}:{key}".encode()).hexdigest()[:32]
        return (
            f"ratelimit:{self.bucket}:{window}:{digest}",
            f"ratelimit:{self.bucket}:{window - 1}:{digest}",
        )

    def _estimate(self, attempts: int, earlier: int, now: float) -> float:
        # The share of the previous window that still lies within the last window_seconds.
        overlap = 1 - (now % self.window_seconds) / self.window_seconds
        return attempts + earlier * overlap
