import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "resilience.settings")

application = get_wsgi_application()

# gunicorn runs no system checks of its own: refuse to serve with a configuration that would
# lose or mishandle requests (production without Redis, a mistyped staff channel…).
from django.core.management import call_command  # noqa: E402

call_command("check")

# Before gunicorn forks its workers (preload_app): what each would otherwise do on its first
# requests, done once for all of them.
from core.warmup import warm_up_before_serving  # noqa: E402

warm_up_before_serving()

# What is loaded by now lives as long as the process: kept out of the garbage collector's full
# collections, which otherwise scan all of it (about 110,000 objects, 40–100 ms, a pause that
# every request queued behind it shares), and out of the pages a worker would copy by touching it.
gc.freeze()
