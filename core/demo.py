from django.conf import settings
from django.contrib.auth import get_user_model

from core.models import SitePage
from core.required_pages import ensure_required_pages

DEMO_ADMIN_USERNAME = "admin"
DEMO_ADMIN_PASSWORD = "resilience-demo"  # noqa: S105 (local demo only; never with DEBUG off)


def seed(stdout) -> None:
    ensure_required_pages(SitePage)
    if not settings.DEBUG:
        # A known password must never reach a real deployment.
        stdout.write("Skipped the demo admin account: DEBUG is off.")
        return
    user, created = get_user_model().objects.get_or_create(
        username=DEMO_ADMIN_USERNAME,
        defaults={"is_staff": True, "is_superuser": True, "email": "admin@localhost"},
    )
    if created:
        user.set_password(DEMO_ADMIN_PASSWORD)
        user.save(update_fields=["password"])
    admin_url = f"{settings.SITE_URL}/{settings.ADMIN_URL}"
    stdout.write(f"Demo admin: {admin_url} as {DEMO_ADMIN_USERNAME} / {DEMO_ADMIN_PASSWORD}")
