import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "resilience.settings")

application = get_wsgi_application()

# gunicorn runs no system checks of its own: refuse to serve with a configuration that would
# lose or mishandle requests (production without Redis, a mistyped staff channel…).
from django.core.management import call_command  # noqa: E402

call_command("check")
