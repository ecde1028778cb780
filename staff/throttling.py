"""Sign-in throttling with django-axes, keyed on the same client address as the rate limits.

AXES_FAILURE_LIMIT (5) failed attempts for one username from one client address, passwords and
two-factor codes alike, pause sign-in for that username from that address for AXES_COOLOFF_TIME
(15 minutes). The pause counts from the last failure that led to it: attempts during the pause are
refused without extending it, so the time the page gives is the time it ends. Someone guessing
from elsewhere cannot lock staff at the desk out; a supervisor can lift a pause early by deleting
the access attempt in admin (Axes › Access attempts) or with `manage.py axes_reset_username`.

Thirty failures from one address, whatever the usernames, pause sign-in from that address too
(ADDRESS_FAILURE_LIMIT, a sliding 15 minutes, counted in the shared cache).
"""

import ipaddress
import math
from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.contrib.auth.signals import user_login_failed
from django.db.models import Max
from django.dispatch import receiver
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.http import client_ip
from core.ratelimit import SlidingWindowLimit

# Guessing across many usernames from one address is paused too, with a looser limit (an office
# behind one address holds many honest people who mistype).
ADDRESS_FAILURE_LIMIT = SlidingWindowLimit("staff-sign-in-failures", limit=30, window_seconds=900)


def client_address(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the address the rate limits use (core.http.client_ip, which
    believes X-Forwarded-For only from our proxies), with a whole IPv6 /64 counted as one, as
    one connection usually holds a /64 and can pick any address in it (core.http.rate_limit_key).

    Stored by axes as an address, so a /64 is its first address.
    """
    for candidate in (client_ip(request), request.META.get("REMOTE_ADDR", "")):
        try:
            ip = ipaddress.ip_address(candidate.strip())
        except ValueError:
            continue
        if ip.version == 6 and ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        if ip.version == 6:
            return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
        return str(ip)
    return None


def credentials_for(user) -> dict:
    return {"username": user.get_username()}


def second_step_allowed(request, user) -> bool:
    return AxesProxyHandler.is_allowed(request, credentials_for(user))


def record_second_step_failure(request, user) -> bool:
    """Count a wrong code as a failed sign-in; True if that pauses sign-in."""
    user_login_failed.send(sender=__name__, credentials=credentials_for(user), request=request)
    return bool(getattr(request, "axes_locked_out", False))


def forget_failures(request, user) -> None:
    """After a complete sign-in (password and code), earlier wrong codes no longer count."""
    AxesProxyHandler.update_request(request)
    AxesProxyHandler.reset_attempts(
        ip_address=request.axes_ip_address, username=user.get_username()
    )


def paused_until(request, credentials=None):
    """When the pause on this username from this address ends."""
    cool_off = get_cool_off(request) or timedelta(minutes=15)
    last_failure = AccessAttempt.objects.filter(
        username=get_client_username(request, credentials),
        ip_address=getattr(request, "axes_ip_address", None),
    ).aggregate(last=Max("attempt_time"))["last"]
    return (last_failure or timezone.now()) + cool_off


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: a calm page (429) saying when to try again and whom to call."""
    from django.contrib import admin

    until = paused_until(request, credentials)
    seconds = max(0, math.ceil((until - timezone.now()).total_seconds()))
    context = {
        **admin.site.each_context(request),
        "title": _("Sign-in paused"),
        "until": until,
        "minutes": max(1, math.ceil(seconds / 60)),
    }
    response = TemplateResponse(request, "staff/locked_out.html", context, status=429)
    response["Retry-After"] = str(seconds)
    response.render()
    return response


@receiver(user_login_failed)
def count_failure_from_address(sender, credentials=None, request=None, **kwargs):
    if request is not None and (address := client_address(request)):
        ADDRESS_FAILURE_LIMIT.hit(address)


def address_paused(request) -> bool:
    address = client_address(request)
    return bool(address) and ADDRESS_FAILURE_LIMIT.exceeded(address)


def address_lockout_response(request):
    """Too many failures from this address, across usernames: the same calm page."""
    from django.contrib import admin

    seconds = ADDRESS_FAILURE_LIMIT.window_seconds
    context = {
        **admin.site.each_context(request),
        "title": _("Sign-in paused"),
        "until": timezone.now() + timedelta(seconds=seconds),
        "minutes": math.ceil(seconds / 60),
    }
    response = TemplateResponse(request, "staff/locked_out.html", context, status=429)
    response["Retry-After"] = str(seconds)
    response.render()
    return response
