"""A circuit breaker: after a failure, fail at once for a while instead of trying again."""

import threading
import time
from collections.abc import Callable


class CircuitBreaker:
    """Closed while the dependency works; open for `open_seconds` after each failed attempt.

    While open, `allow_attempt()` says no, so callers fail in microseconds instead of waiting on
    a timeout. When the open period is over, one caller is let through to try again (the others
    still fail fast while it does): success closes the breaker, failure opens it again.
    Thread-safe; one instance is shared by the threads of a process.
    """

    def __init__(self, open_seconds: float, clock: Callable[[], float] = time.monotonic):
        self.open_seconds = open_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._retry_at: float | None = None  # None while closed

    def allow_attempt(self) -> bool:
        with self._lock:
            if self._retry_at is None:
                return True
            now = self._clock()
            if now < self._retry_at:
                return False
            # This caller makes the one trial attempt; anyone arriving meanwhile fails fast.
            self._retry_at = now + self.open_seconds
            return True

    def seconds_until_retry(self) -> float:
        with self._lock:
            if self._retry_at is None:
                return 0.0
            return max(0.0, self._retry_at - self._clock())

    def record_failure(self) -> None:
        with self._lock:
            self._retry_at = self._clock() + self.open_seconds

    def record_success(self) -> None:
        with self._lock:
            self._retry_at = None

    @property
    def is_open(self) -> bool:
        return self.seconds_until_retry() > 0


class CircuitBreakers:
    """One breaker per key (a database alias, a Redis server), made by `make` on first use and
    shared by the threads of a process."""

    def __init__(self, make: Callable[[], CircuitBreaker]):
        self._make = make
        self._lock = threading.Lock()
        self._breakers: dict[object, CircuitBreaker] = {}

    def __getitem__(self, key) -> CircuitBreaker:
        with self._lock:
            if (breaker := self._breakers.get(key)) is None:
                breaker = self._breakers[key] = self._make()
            return breaker

    def clear(self) -> None:
        """Forget every failure (tests must not inherit another test's outage)."""
        with self._lock:
            self._breakers.clear()
