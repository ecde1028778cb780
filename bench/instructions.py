"""Instructions per page view, counted by callgrind: the same figure on every run of the same code.

    .venv/bin/python bench/instructions.py [--page PATH ...] [--views 300]
    make bench-instructions

`make bench` measures requests per second with wrk, which on this machine's two shared cores
moves by 5 % or more from one run to the next: too coarse to tell whether a change to the page
cache's hit path (a few µs) made it cheaper. This counts the instructions a view costs instead,
under valgrind's callgrind, which does not depend on what else the machine is doing: the site's
WSGI application is called in process (production settings, DEBUG off, SQLite and the local
memory cache, demo content), each page twice, once with no views and once with --views views
after the same warm-up, and the difference divided by --views; the floor (bench/floor,
startproject's middleware and a trivial view) likewise. What gunicorn, the network and wrk cost
is not in it: `make bench` stays the gate; this is for telling which of two versions of the code
is cheaper, and by how much. About a minute per page (valgrind runs Python fifty times slower).
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.stack import ManageCommand, new_secret_key, site_env  # noqa: E402

PAGES = ["/", "/about/", "/articles/", "/get-help/", "/info-sessions/next/"]
WARM_UP_VIEWS = 30
FLOOR = "floor"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", action="append", help="only this page (and the floor)")
    parser.add_argument("--views", type=int, default=300, help="views counted per page")
    parser.add_argument("--child", nargs=2, metavar=("PATH", "VIEWS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return _views_in_this_process(args.child[0], int(args.child[1]))
    if shutil.which("valgrind") is None:
        print("bench/instructions.py needs valgrind: apt-get install -y valgrind")
        return 2
    pages = args.page or PAGES
    with tempfile.TemporaryDirectory(prefix="resilience-instructions-") as directory:
        env = _prepared_site(Path(directory))
        floor_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.floor.settings"}
        runs = [(FLOOR, floor_env)] + [(page, env) for page in pages]
        # Two valgrind processes at a time: one per core.
        with ThreadPoolExecutor(max_workers=2) as pool:
            counted = {
                target: pool.submit(_instructions_per_view, target, target_env, args.views)
                for target, target_env in runs
            }
            per_view = {target: future.result() for target, future in counted.items()}
    _print(per_view)
    return 0


def _prepared_site(directory: Path) -> dict[str, str]:
    env = site_env(
        database_url=f"sqlite:///{directory / 'db.sqlite3'}",
        secret_key=new_secret_key(),
        static_root=directory / "static",
        media_root=directory / "media",
        extra={"LOG_LEVEL": "WARNING", "PYTHONHASHSEED": "0"},
    )
    print("Preparing: collectstatic, migrate, demo content…", flush=True)
    # Without REDIS_URL production's checks object (rightly): this is no deployment.
    for command in (("collectstatic", "--noinput"), ("migrate",), ("seed_demo",)):
        log_path = directory / f"{command[0]}.log"
        ManageCommand(*command, "--skip-checks", env=env, log_path=log_path).finish()
    return env


def _instructions_per_view(target: str, env: dict[str, str], views: int) -> int:
    path = "/" if target == FLOOR else target
    without, with_views = (_instructions(path, env, count) for count in (0, views))
    print(f"  {target}: counted", flush=True)
    return (with_views - without) // views


def _instructions(path: str, env: dict[str, str], views: int) -> int:
    output = subprocess.run(  # noqa: S603 (our own command line)
        [
            *("valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"),
            *(sys.executable, __file__, "--child", path, str(views)),
        ],
        env=env,
        # Celery's Django fix-up puts the working directory first on sys.path.
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(re.search(r"Collected : (\d+)", output.stderr).group(1))


def _views_in_this_process(path: str, views: int) -> int:
    """Under valgrind: the warm-up and `views` views of `path`, through the WSGI application as
    gunicorn calls it, each as a browser's first visit."""
    import django
    from django.core.handlers.wsgi import WSGIHandler

    django.setup()
    application = WSGIHandler()

    def view() -> str:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_ACCEPT_ENCODING": "gzip, deflate, br, zstd",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.input": io.BytesIO(),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }
        statuses = []
        body = application(environ, lambda status, headers, *_: statuses.append(status))
        b"".join(body)
        body.close()
        return statuses[0]

    for _ in range(WARM_UP_VIEWS):
        status = view()
    if not status.startswith("200"):
        print(f"{path} answered {status}", file=sys.stderr)
        return 1
    for _ in range(views):
        view()
    return 0


def _print(per_view: dict[str, int]) -> None:
    floor = per_view[FLOOR]
    print()
    print(f"{'page':<26} {'instructions per view':>22} {'x floor':>8}")
    for target, instructions in per_view.items():
        print(f"{target:<26} {instructions:>22,} {instructions / floor:>8.2f}")
    print()
    print("In process only (no gunicorn, network or wrk): fewer is cheaper; the same code counts")
    print("the same on any run.")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "resilience.settings")
    sys.exit(main())
