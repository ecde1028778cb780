import logging
import secrets
import sys

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from articles.models import Article
from center.profile import Center, center_for, center_for_error_pages
from center.seo import medical_clinic
from core.db.outage import is_database_unreachable
from core.models import SitePage
from core.pagecache import public_page
from core.seo import absolute_url
from programs.models import Program

logger = logging.getLogger(__name__)


LATEST_ARTICLES_ON_HOME = 3


@public_page
def home(request):
    context = {
        "programs": Program.objects.published(),
        "latest_articles": Article.objects.public().newest_first()[:LATEST_ARTICLES_ON_HOME],
        "structured_data": [medical_clinic(center_for(request))],
    }
    return render(request, "core/home.html", context)


@public_page
def site_page(request, slug):
    page = get_object_or_404(SitePage, slug=slug)
    return render(request, "core/site_page.html", {"page": page})


@public_page
def robots_txt(request):
    context = {"sitemap_url": absolute_url(reverse("sitemap"))}
    return render(request, "robots.txt", context, content_type="text/plain")


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


# --- Error pages --------------------------------------------------------------------------------
#
# Django's default error views render with the request's context processors and run the CSRF
# check again, which reads request.POST: a body Django refuses to parse (a form declaring another
# charset) raised again while the 400 page rendered, and the visitor got a 500. Ours read nothing
# from the request (body, host, session, user) and need no database: the center's facts are
# all a page needs to show the way out, the 24/7 phone.

# A managed PostgreSQL failover takes 30–60 s; browsers and crawlers may come back after this.
RETRY_AFTER_SECONDS = 30


def bad_request(request, exception):
    return render_error_page("400.html", status=400)


def permission_denied(request, exception):
    return render_error_page("403.html", status=403)


def page_not_found(request, exception):
    return render_error_page("404.html", status=404)


def csrf_failure(request, reason=""):
    return render_error_page("403_csrf.html", status=403)


def server_error(request):
    """500, or 503 with Retry-After when the database is unreachable.

    Django calls this inside the `except` block of whatever failed (view, middleware, context
    processor), so sys.exc_info() holds the error; Django has logged it already.
    """
    if is_database_unreachable(sys.exc_info()[1]):
        response = render_error_page(
            "503.html", status=503, context={"sent_a_form": request.method == "POST"}
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return render_error_page("500.html", status=500)


def render_error_page(template_name: str, *, status: int, context: dict | None = None):
    """An error page from the center's facts alone; a bare page with the phone if even that fails.

    Templates render without the request, so no context processor runs.
    """
    center = center_for_error_pages()
    try:
        html = loader.render_to_string(template_name, {"center": center, **(context or {})})
    except Exception:  # a broken template or static manifest must not cost the visitor the phone
        logger.exception("Could not render %s; sent the bare error page instead", template_name)
        html = _bare_error_page(center)
    return HttpResponse(html, status=status)


def _bare_error_page(center: Center) -> str:
    return format_html(
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>{title}</title></head><body><h1>{title}</h1>"
        '<p>{call} <a href="tel:{phone}">{phone_display}</a></p>'
        '<p>{crisis} <a href="tel:988">988</a></p></body></html>',
        title=_("Sorry, this page could not be shown"),
        call=_("Admissions answers 24/7:"),
        phone=center.phone,
        phone_display=center.phone_display,
        crisis=_("If you are in crisis or thinking about suicide, call or text"),
    )
