"""First-party attribution: how a visit reached the site, kept in a signed cookie in the visitor's
own browser, never sent anywhere else. Stored on a lead when the visit ends in a consultation
request.

A cookie rather than the session: an anonymous page view then writes nothing to the database,
and a request can be taken (and spooled) while the database is unreachable.
"""

import functools
import re
import time
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.http import HttpResponse
from django.utils.cache import patch_cache_control

from core import http
from core import signing as quick_signing
from core.text import clean_text

COOKIE_NAME = "visit"
_SALT = "admissions.attribution"
# Long enough for a visit that ends in a request a few hours later; a later visit starts anew.
MAX_AGE = timedelta(hours=12)
# Search engines, link previews and monitors name themselves so; people's browsers don't.
CRAWLER = re.compile(r"bot|crawl|spider|slurp|preview|monitor|curl|wget|python", re.IGNORECASE)
UTM_PARAMETERS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
# The longest value kept for each attribution field (the lead's column sizes).
FIELD_LIMITS = {"landing_page": 500, "referrer": 500, **dict.fromkeys(UTM_PARAMETERS, 200)}
ATTRIBUTION_FIELDS = tuple(FIELD_LIMITS)
COMPRESS_ABOVE_CHARACTERS = 200


class VisitAttributionMiddleware:
    """Remembers the first page of a visit, where it came from and its utm_* parameters."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            COOKIE_NAME not in request.COOKIES
            and request.method == "GET"
            and response.status_code == 200
            and response.get("Content-Type", "").startswith("text/html")
            and not request.path.startswith(f"/{settings.ADMIN_URL}")
            and not CRAWLER.search(request.META.get("HTTP_USER_AGENT", ""))
        ):
            # Only what the visit has: usually a landing page and a referrer.
            visit = tuple(
                (name, value) for name, value in visit_attribution(request).items() if value
            )
            http.set_cookie(
                response,
                COOKIE_NAME,
                _signed(visit, int(time.time()), settings.SECRET_KEY),
                max_age=int(MAX_AGE.total_seconds()),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
            # A proxy or CDN keeps public pages: not this one, which sets this visitor's cookie.
            if cache_control := response.get("Cache-Control"):
                response["Cache-Control"] = _made_private(cache_control)
        return response


@functools.lru_cache(maxsize=16)
def _made_private(cache_control: str) -> str:
    # Pages send a handful of different Cache-Control headers: each is rewritten once.
    response = HttpResponse(headers={"Cache-Control": cache_control})
    patch_cache_control(response, private=True)
    return response["Cache-Control"]


@functools.lru_cache(maxsize=256)
def _signed(visit: tuple[tuple[str, str], ...], second: int, key: str) -> str:
    """The cookie's value, the same for every first visit that lands alike within one second
    (the signature's timestamp counts seconds): a campaign's visitors do, and are served by one
    signature (`key`, the SECRET_KEY it is signed under, is part of what is remembered).
    Compressed only when long enough to gain by it (setting up zlib costs more than the rest of
    a short cookie)."""
    compress = sum(len(value) for _, value in visit) > COMPRESS_ABOVE_CHARACTERS
    return quick_signing.dumps(dict(visit), salt=_SALT, compress=compress)


def visit_attribution(request) -> dict[str, str]:
    referrer = request.META.get("HTTP_REFERER", "")
    # Our own pages as referrer say nothing about how the visit began.
    if referrer and urlsplit(referrer).hostname == request.get_host().split(":")[0]:
        referrer = ""
    values = {"landing_page": request.path, "referrer": referrer}
    if request.META.get("QUERY_STRING"):
        for parameter in UTM_PARAMETERS:
            values[parameter] = request.GET.get(parameter, "")
    return cleaned(values)


def attribution_from_request(request) -> dict[str, str]:
    """What the visit's cookie says, cleaned; empty values when there is none or it was forged."""
    try:
        stored = signing.loads(request.COOKIES.get(COOKIE_NAME, ""), salt=_SALT, max_age=MAX_AGE)
    except (signing.BadSignature, ValueError):
        stored = {}
    return cleaned(stored if isinstance(stored, dict) else {})


def cleaned(values: dict) -> dict[str, str]:
    """Every attribution field as safe, bounded text: values come from whoever sent the request,
    and a control character (NUL, say) would otherwise make the lead impossible to store."""
    return {
        field: clean_text(str(values.get(field) or ""))[:limit]
        for field, limit in FIELD_LIMITS.items()
    }


def source_of(*, utm_source: str, referrer: str, site_host: str | None = None) -> str:
    """Where a visit came from, in a word: the campaign's source, else the referring site (not
    our own), else "direct"."""
    if utm_source.strip():
        return utm_source.strip().lower()[:100]
    host = (urlsplit(referrer).hostname or "").lower().removeprefix("www.")
    own_host = (site_host or urlsplit(settings.SITE_URL).hostname or "").removeprefix("www.")
    if host and host != own_host:
        return host[:100]
    return "direct"
