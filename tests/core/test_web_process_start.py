"""gunicorn loads the site once and forks its workers from it (preload_app): what the first
consultation request of each new worker would otherwise load is loaded then, once, and nothing
connects to the database or Redis before the fork."""

import json

from tests.core.test_settings import PRODUCTION_ENV
from tests.python_process import run_python

# Imported as gunicorn imports it, with every server refusing connections: a connection tried
# before the fork would fail the start.
LOAD_AS_GUNICORN_DOES = """
import gc, json, sys
import resilience.wsgi
from resilience.celery import app
print(json.dumps({
    "celery app finalized": app.finalized,
    "tasks modules imported": sorted(
        name for name in ("admissions.tasks", "infosessions.tasks") if name in sys.modules
    ),
    "broker transport imported": "kombu.transport.redis" in sys.modules,
    "objects kept out of garbage collection": gc.get_freeze_count() > 0,
}))
"""


def test_the_web_process_loads_what_first_requests_need_before_forking_and_connects_to_nothing():
    env = {
        "DJANGO_SETTINGS_MODULE": "resilience.settings",
        **PRODUCTION_ENV,
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing",
        "LOG_LEVEL": "ERROR",
    }

    process = run_python("-c", LOAD_AS_GUNICORN_DOES, env=env)

    assert process.returncode == 0, process.stderr
    assert json.loads(process.stdout.strip().splitlines()[-1]) == {
        "celery app finalized": True,
        "tasks modules imported": ["admissions.tasks", "infosessions.tasks"],
        "broker transport imported": True,
        "objects kept out of garbage collection": True,
    }
