import logging
import secrets

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.center import Center
from core.models import SitePage
from programs.models import Program

logger = logging.getLogger(__name__)


def home(request):
    return render(request, "core/home.html", {"programs": Program.objects.published()})


def site_page(request, slug):
    page = get_object_or_404(SitePage, slug=slug)
    return render(request, "core/site_page.html", {"page": page})


def favicon(request):
    # Browsers ask for /favicon.ico even when the page names its icon; admin pages don't name one.
    return redirect(static("img/favicon.svg"), permanent=True)


@never_cache
@require_safe
def healthz(request):
    """For load balancers and uptime checks: 503 when the database is unreachable.

    A broken cache only degrades the site (rate limits, caching), so it reports but stays 200.
    """
    database = _database_status()
    checks = {"database": database, "cache": _cache_status()}
    if database != "ok":
        overall = "error"
    elif all(status == "ok" for status in checks.values()):
        overall = "ok"
    else:
        overall = "degraded"
    return JsonResponse({"status": overall, **checks}, status=200 if database == "ok" else 503)


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.warning("Health check: the database is unreachable", exc_info=True)
        return "error"
    return "ok"


def _cache_status() -> str:
    # A key of its own, so concurrent checks from several processes never see each other's value.
    key = f"healthz:{secrets.token_hex(8)}"
    try:
        cache.set(key, "ok", timeout=10)
        ok = cache.get(key) == "ok"
        cache.delete(key)
    except Exception:  # each cache backend raises its own connection errors
        logger.warning("Health check: the cache is unreachable", exc_info=True)
        return "error"
    return "ok" if ok else "error"


def server_error(request):
    """The 500 page, rendered without context processors or sessions.

    Whatever failed may be the database, so this page must not need it.
    """
    html = loader.render_to_string("500.html", {"center": Center.from_settings()})
    return HttpResponseServerError(html)
