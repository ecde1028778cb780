"""A key over a rate limit is known to every web process within a second, from each process's
memory: the form page asks whether its visitor is over the limit without a cache read, and
says what a read of the counts would say."""

import random

import pytest
from django.core.cache import caches

from core import ratelimit
from core.ratelimit import SlidingWindowLimit, forget_what_this_process_knows

LIMIT = SlidingWindowLimit("test", limit=5, window_seconds=600)


def another_process() -> None:
    """What a web process that has seen none of the hits knows: only the shared cache."""
    forget_what_this_process_knows()


def test_a_key_over_the_limit_is_known_at_once_in_this_process_and_soon_in_the_others():
    for _ in range(5):
        LIMIT.hit("198.51.100.7")
    assert LIMIT.exceeded("198.51.100.7")

    assert LIMIT.exceeded_lately(lambda: "198.51.100.7")
    another_process()
    assert LIMIT.exceeded_lately(lambda: "198.51.100.7")
    assert not LIMIT.exceeded_lately(lambda: "198.51.100.8")


def test_below_the_limit_nothing_is_known_and_the_visitor_s_key_is_not_even_worked_out():
    for _ in range(4):
        LIMIT.hit("198.51.100.7")

    def key():
        raise AssertionError("no key is over the limit: no need to know whose request this is")

    assert not LIMIT.exceeded_lately(key)


def test_between_reads_of_the_shared_log_a_process_asks_the_cache_nothing(monkeypatch):
    for _ in range(6):
        LIMIT.hit("198.51.100.7")
    another_process()
    LIMIT.exceeded_lately(lambda: "198.51.100.7")  # reads what is new
    backend = caches["default"]
    for name in ("get", "get_many"):
        monkeypatch.setattr(backend, name, _refuse)

    for _ in range(100):
        assert LIMIT.exceeded_lately(lambda: "198.51.100.7")


def _refuse(*args, **kwargs):
    raise AssertionError("read the cache")


@pytest.mark.parametrize("seed", range(30))
def test_lately_says_what_a_read_of_the_counts_says_as_the_window_slides(time_machine, seed):
    # Bursts at random moments across windows; then, all along the next windows, the memory
    # of when the key stops being over agrees with the counts.
    chance = random.Random(seed)  # noqa: S311 (made-up timings, not a secret)
    now = 1_800_000_000.0 + chance.uniform(0, 600)
    time_machine.move_to(now, tick=False)
    for _ in range(chance.randint(1, 4)):
        for _ in range(chance.randint(1, 7)):
            LIMIT.hit("203.0.113.9")
        now += chance.uniform(0, 400)
        time_machine.move_to(now, tick=False)

    for step in range(150):
        time_machine.move_to(now + step * 10.3, tick=False)
        assert LIMIT.exceeded_lately(lambda: "203.0.113.9") == LIMIT.exceeded("203.0.113.9")


def test_with_the_cache_unreachable_a_process_keeps_what_it_knew(monkeypatch):
    for _ in range(6):
        LIMIT.hit("198.51.100.7")
    backend = caches["default"]
    for name in ("get", "get_many", "add", "incr", "set"):
        monkeypatch.setattr(backend, name, _unreachable)
    monkeypatch.setattr(ratelimit, "LATELY_SECONDS", 0)

    assert LIMIT.hit("198.51.100.9")  # fails open, as before
    assert LIMIT.exceeded_lately(lambda: "198.51.100.7")
    assert not LIMIT.exceeded_lately(lambda: "198.51.100.9")


def _unreachable(*args, **kwargs):
    raise ConnectionError("Redis is down")


def test_after_the_cache_is_emptied_a_process_reads_the_log_from_its_start(monkeypatch):
    monkeypatch.setattr(ratelimit, "LATELY_SECONDS", 0)
    for address in ("198.51.100.1", "198.51.100.2"):
        for _ in range(6):
            LIMIT.hit(address)
    assert LIMIT.exceeded_lately(lambda: "198.51.100.1")

    caches["default"].clear()  # Redis restarted, say: the log's count starts again at 1
    another_process()
    LIMIT.exceeded_lately(lambda: "198.51.100.1")
    for _ in range(6):
        LIMIT.hit("198.51.100.3")
    another_process()

    assert LIMIT.exceeded_lately(lambda: "198.51.100.3")
    assert not LIMIT.exceeded_lately(lambda: "198.51.100.1")


def test_under_a_wide_attack_a_process_reads_only_the_newest_of_the_log(monkeypatch):
    monkeypatch.setattr(ratelimit, "MAX_LOG_READ", 3)
    addresses = [f"192.0.2.{n}" for n in range(1, 7)]
    for address in addresses:
        for _ in range(LIMIT.limit):  # the last of them takes the address over: one entry
            LIMIT.hit(address)
    another_process()

    known = [LIMIT.exceeded_lately(lambda address=address: address) for address in addresses]

    # The others' requests are still screened against their counts when they are sent.
    assert known == [False, False, False, True, True, True]
