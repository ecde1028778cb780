"""Time a consultation request (POST /get-help/) with Redis healthy, refusing, and silent.

    .venv/bin/python bench/consultation.py [--requests 100]

In-process, on a throwaway SQLite database, through the whole stack: middleware, form
validation, rate limit (cache), storing the lead, and queueing its follow-up (broker). With Redis
down, both the cache and the broker are down. Set REDIS_URL to use a real Redis for "healthy";
otherwise an in-memory broker stands in. Prints milliseconds per request: median, p95, max.
"""

import argparse
import logging
import os
import socket
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.pop("DATABASE_URL", None)  # always a throwaway SQLite database

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from admissions.models import Lead  # noqa: E402
from tests.admissions.broker import empty_broker, using_broker  # noqa: E402
from tests.admissions.conftest import form_data  # noqa: E402


def silent_server() -> str:
    server = socket.create_server(("127.0.0.1", 0))
    held = []

    def accept_forever():
        while True:
            held.append(server.accept()[0])

    threading.Thread(target=accept_forever, daemon=True).start()
    return f"redis://127.0.0.1:{server.getsockname()[1]}/0"


def redis_cache(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "core.cache.KeptClientRedisCache",
            "LOCATION": url,
            "OPTIONS": settings.REDIS_CACHE_OPTIONS,
        }
    }


def run(label: str, broker: str, caches: dict, requests: int) -> None:
    before = Lead.objects.count()
    timings = []
    with using_broker(broker), override_settings(CACHES=caches):
        client = Client()
        for n in range(requests):
            data = form_data(phone=f"617555{n % 10000:04d}")
            # A different visitor each time, so the rate limit does not kick in.
            address = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
            started = time.perf_counter()
            response = client.post("/get-help/", data, REMOTE_ADDR=address)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 302:
                raise SystemExit(f"{label}: answered {response.status_code}")
    stored = Lead.objects.count() - before
    p95 = statistics.quantiles(timings, n=20)[-1]
    print(
        f"{label:<28}{statistics.median(timings):>10.1f}{p95:>9.1f}{max(timings):>9.1f}"
        f"{stored:>8}/{requests}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()

    logging.disable(logging.WARNING)  # the outage runs would log every request
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        # Tasks queued here refer to this throwaway database: keep them in a Redis database of
        # their own (13), emptied afterwards, where no real worker will pick them up.
        healthy = (
            urlsplit(settings.REDIS_URL)._replace(path="/13").geturl()
            if settings.REDIS_URL
            else "memory://"
        )
        healthy_cache = (
            redis_cache(settings.REDIS_URL)
            if settings.REDIS_URL
            else {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
        )
        silent = silent_server()
        print(f"{'Redis':<28}{'median ms':>10}{'p95 ms':>9}{'max ms':>9}{'stored':>10}")
        run(f"healthy ({healthy.split(':')[0]})", healthy, healthy_cache, args.requests)
        refused = "redis://127.0.0.1:1/0"
        run("down: refusing connections", refused, redis_cache(refused), args.requests)
        run("down: not answering", silent, redis_cache(silent), args.requests)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if settings.REDIS_URL:
            with using_broker(healthy):
                empty_broker()


if __name__ == "__main__":
    main()
