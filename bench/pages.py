"""Time every public page through the whole Django stack: middleware, views, templates, database.

    .venv/bin/python bench/pages.py [--requests 300]

Runs in-process on a fresh SQLite test database loaded with the demo content, with DEBUG off
(cached templates). Prints, per page: median and 95th-percentile milliseconds, SQL queries and
HTML size. Compare figures from the same run and machine; absolute times vary between machines.
"""

import argparse
import os
import statistics
import sys
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.pop("DATABASE_URL", None)  # always a throwaway SQLite database

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from tests.public_pages import PUBLIC_PAGES  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="timed requests per page")
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        call_command("seed_demo", stdout=StringIO())
        client = Client()
        print(f"{'page':<42}{'median ms':>10}{'p95 ms':>9}{'queries':>9}{'HTML KiB':>10}")
        for path in PUBLIC_PAGES:
            for _ in range(20):  # warm caches and connections
                client.get(path)
            timings = []
            for _ in range(args.requests):
                start = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - start) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{path} answered {response.status_code}")
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            p95 = statistics.quantiles(timings, n=20)[-1]
            print(
                f"{path:<42}{statistics.median(timings):>10.2f}{p95:>9.2f}"
                f"{len(queries):>9}{len(response.content) / 1024:>10.1f}"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
