"""First-party attribution: how a visit reached the site, kept in the session, never sent
anywhere else. Stored on a lead when the visit ends in a consultation request."""

import re
from urllib.parse import urlsplit

from django.conf import settings

SESSION_KEY = "attribution"
# Search engines, link previews and monitors name themselves so; people's browsers don't.
CRAWLER = re.compile(r"bot|crawl|spider|slurp|preview|monitor|curl|wget|python", re.IGNORECASE)
UTM_PARAMETERS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")


class VisitAttributionMiddleware:
    """Remembers the first page of a visit, where it came from and its utm_* parameters.

    That takes a session (one database row) per visit, so crawlers, which never send a
    consultation request, get none.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            # A visitor with a session cookie has been here: no session lookup on their pages.
            settings.SESSION_COOKIE_NAME not in request.COOKIES
            and request.method == "GET"
            and response.status_code == 200
            and response.get("Content-Type", "").startswith("text/html")
            and not request.path.startswith(f"/{settings.ADMIN_URL}")
            and not CRAWLER.search(request.META.get("HTTP_USER_AGENT", ""))
        ):
            request.session[SESSION_KEY] = visit_attribution(request)
        return response


def visit_attribution(request) -> dict[str, str]:
    referrer = request.META.get("HTTP_REFERER", "")
    # Our own pages as referrer say nothing about how the visit began.
    if urlsplit(referrer).hostname == request.get_host().split(":")[0]:
        referrer = ""
    attribution = {"landing_page": request.path[:500], "referrer": referrer[:500]}
    for parameter in UTM_PARAMETERS:
        attribution[parameter] = request.GET.get(parameter, "")[:200]
    return attribution


def attribution_from_session(session) -> dict[str, str]:
    stored = session.get(SESSION_KEY) or {}
    limits = {"landing_page": 500, "referrer": 500, **dict.fromkeys(UTM_PARAMETERS, 200)}
    return {field: str(stored.get(field, ""))[:limit] for field, limit in limits.items()}
