"""First-party attribution: how a visit reached the site, kept in the session, never sent
anywhere else. Stored on a lead when the visit ends in a consultation request."""

from urllib.parse import urlsplit

from django.conf import settings

SESSION_KEY = "attribution"
UTM_PARAMETERS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")


class VisitAttributionMiddleware:
    """Remembers the first page of a visit that came from somewhere (another site, a campaign
    link), with that source.

    A visit with no referrer and no utm_* parameters gets no session at all: most visitors, and
    every crawler, then cost no database write and their pages stay cacheable. A lead with no
    attribution is a direct visit.
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
        ):
            attribution = visit_attribution(request)
            if attribution["referrer"] or any(attribution[name] for name in UTM_PARAMETERS):
                request.session[SESSION_KEY] = attribution
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
