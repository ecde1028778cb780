"""Sliding-window rate limits kept in the shared cache, so every web process counts together.

Two fixed windows weighted by how far the current one has run (the approach of Cloudflare and
nginx's limit_req in spirit): a burst split across a window boundary still counts as one burst,
where plain fixed windows would let twice the limit through.

Reading a key's counts costs a cache round trip, too much for a page every visitor views (the
consultation form asks whether this visitor is over the limit). So an attempt that takes a key
over the limit is also written to a short shared log, with the time it stays over; each process
reads what is new in it at most every LATELY_SECONDS and answers `exceeded_lately` from memory.
"""

import hashlib
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

# How stale a process's knowledge of the keys over a limit may be.
LATELY_SECONDS = 1.0
# At most this many new entries of the log are read at once: under a wide attack, the oldest
# are skipped (those addresses' requests are still screened against their counts when sent).
MAX_LOG_READ = 2000


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
        if self._estimate(attempts + 1, earlier, now) > self.limit:
            _log(self.bucket).note(self._digest(key), self._over_until(attempts, earlier, now))
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

    def exceeded_lately(self, key: Callable[[], str]) -> bool:
        """exceeded(key()), as every process knew it up to LATELY_SECONDS ago: from this
        process's memory, with at most one cache read per LATELY_SECONDS whatever the traffic.
        When no key is over the limit, the usual case, `key` is not even called."""
        log = _log(self.bucket)
        return log.any_over() and log.over_until(self._digest(key())) > time.time()

    def _over_until(self, attempts: int, earlier: int, now: float) -> float:
        """Until when the next attempt is over the limit, if none is made meanwhile: `attempts`
        made in this window, `earlier` in the one before."""
        window_start = now - now % self.window_seconds
        if attempts + 1 > self.limit:
            # Over for the rest of this window; in the next, these attempts count as the earlier
            # window's, less and less: 1 + attempts * (1 - share run) <= limit from then on.
            share = 1 - (self.limit - 1) / attempts
            return window_start + self.window_seconds * (1 + share)
        # Over only by the earlier window's weight: earlier * (1 - share run) fades below it.
        share = 1 - (self.limit - attempts - 1) / earlier
        return window_start + self.window_seconds * share

    def _digest(self, key: str) -> str:
        # Hashed, so raw IP addresses never sit in the cache.
        return hashlib.sha256(f"{settings.SECRET_KEY}:{key}".encode()).hexdigest()[:32]

    def _keys(self, key: str, now: float) -> tuple[str, str]:
        window = int(now // self.window_seconds)
        digest = self._digest(key)
        return (
            f"ratelimit:{self.bucket}:{window}:{digest}",
            f"ratelimit:{self.bucket}:{window - 1}:{digest}",
        )

    def _estimate(self, attempts: int, earlier: int, now: float) -> float:
        # The share of the previous window that still lies within the last window_seconds.
        overlap = 1 - (now % self.window_seconds) / self.window_seconds
        return attempts + earlier * overlap


@dataclass
class _OverLimitLog:
    """The keys over one limit: appended to in the shared cache (a counter, and an entry per
    number), and as this process last read it."""

    bucket: str
    over: dict[str, float] = field(default_factory=dict)  # digest: until (time.time())
    read_up_to: int = 0
    read_at: float = float("-inf")  # time.monotonic()
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def counter_key(self) -> str:
        return f"ratelimit:{self.bucket}:over"

    def entry_key(self, number: int) -> str:
        return f"ratelimit:{self.bucket}:over:{number}"

    def note(self, digest: str, until: float) -> None:
        self._remember(digest, until)  # in this process at once
        try:
            cache.add(self.counter_key, 0, timeout=None)
            number = cache.incr(self.counter_key)
            cache.set(self.entry_key(number), (digest, until), math.ceil(until - time.time()) + 1)
        except Exception:  # each cache backend raises its own connection errors
            logger.warning("Rate limit %s: the other processes will not know lately", self.bucket)

    def any_over(self) -> bool:
        if time.monotonic() - self.read_at >= LATELY_SECONDS:
            self._read_new_entries()
        return bool(self.over)

    def over_until(self, digest: str) -> float:
        return self.over.get(digest, 0.0)

    def _read_new_entries(self) -> None:
        with self.lock:
            self.read_at = time.monotonic()
            try:
                last = cache.get(self.counter_key) or 0
                if last < self.read_up_to:  # the cache was emptied: start again
                    self.read_up_to = 0
                first = max(self.read_up_to, last - MAX_LOG_READ) + 1
                entries = cache.get_many([self.entry_key(n) for n in range(first, last + 1)])
            except Exception:  # each cache backend raises its own connection errors
                return  # what this process knows stands; it asks again in LATELY_SECONDS
            self.read_up_to = last
            for digest, until in entries.values():
                self._remember(digest, until)
            now = time.time()
            self.over = {digest: until for digest, until in self.over.items() if until > now}

    def _remember(self, digest: str, until: float) -> None:
        self.over[digest] = max(until, self.over.get(digest, 0.0))


_logs: dict[str, _OverLimitLog] = {}


def _log(bucket: str) -> _OverLimitLog:
    if (log := _logs.get(bucket)) is None:
        log = _logs.setdefault(bucket, _OverLimitLog(bucket))
    return log


def forget_what_this_process_knows() -> None:
    """Tests start with an empty cache, and so with no key known to be over a limit."""
    _logs.clear()
