"""Staff sessions end after STAFF_IDLE_TIMEOUT_MINUTES without activity.

A staff member who walks away from the desk leaves health information on screen; after the idle
timeout their next request signs them out and takes them to the sign-in page, saying why.

Background requests a page makes on its own (the desk list asks for new leads every ~20 s) are
not activity: they send the header `X-Desk-Poll: 1` (DESK_POLL_HEADER), which keeps them from
extending the session, and once it has ended they get a 401 JSON answer instead of a redirect to
an HTML page:

    from staff.middleware import DESK_POLL_HEADER    # fetch(url, {headers: {"X-Desk-Poll": "1"}})
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import ngettext

from staff.services import needs_second_factor

DESK_POLL_HEADER = "X-Desk-Poll"
LAST_ACTIVITY_SESSION_KEY = "staff_last_activity"


def is_desk_poll(request) -> bool:
    """A background request the page made by itself, not something the person did."""
    return request.headers.get(DESK_POLL_HEADER) == "1"


def signed_out_response() -> JsonResponse:
    """What a background request gets once the session is over: the page shows the sign-in."""
    response = JsonResponse(
        {"signed_out": True, "login_url": reverse("admin:login")},
        status=401,
    )
    add_never_cache_headers(response)
    return response


def _is_staff(request) -> bool:
    # Visitors without a session are let through without loading one, so public pages do not
    # start to vary on the Cookie header.
    if request.session.session_key is None:
        return False
    user = request.user
    return user.is_authenticated and user.is_staff


def idle_timeout_seconds() -> int:
    return settings.STAFF_IDLE_TIMEOUT_MINUTES * 60


class StaffIdleTimeoutMiddleware:
    """Signs staff out after STAFF_IDLE_TIMEOUT_MINUTES without a request of their own.

    Must come after AuthenticationMiddleware and MessageMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _is_staff(request):
            last_activity = request.session.get(LAST_ACTIVITY_SESSION_KEY)
            if last_activity is not None and time.time() - last_activity > idle_timeout_seconds():
                return self._sign_out(request)

        response = self.get_response(request)

        # After the view, so that the request that signs someone in starts their clock.
        if _is_staff(request) and not is_desk_poll(request):
            request.session[LAST_ACTIVITY_SESSION_KEY] = time.time()
        return response

    def _sign_out(self, request):
        logout(request)
        if is_desk_poll(request):
            return signed_out_response()
        minutes = settings.STAFF_IDLE_TIMEOUT_MINUTES
        messages.info(
            request,
            ngettext(
                "You were signed out after %(minutes)d minute without activity. "
                "Sign in again to continue.",
                "You were signed out after %(minutes)d minutes without activity. "
                "Sign in again to continue.",
                minutes,
            )
            % {"minutes": minutes},
        )
        response = redirect_to_login(request.get_full_path(), reverse("admin:login"))
        add_never_cache_headers(response)
        return response


class SecondFactorMiddleware:
    """Outside admin, a staff member who has given their password but not yet their code (when
    codes are required) is an anonymous visitor: no draft previews, no permission checks that
    pass because of who they are. In admin, staff.sites.StaffAdminSite sends them to the code.

    Must come after OTPMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.session.session_key is not None
            and not request.path_info.startswith(f"/{settings.ADMIN_URL}")
            and needs_second_factor(request.user)
        ):
            request.user = AnonymousUser()
            request.auser = _anonymous_user
        return self.get_response(request)


async def _anonymous_user():
    return AnonymousUser()
