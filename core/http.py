import functools
import ipaddress
import time
from http.cookies import Morsel, SimpleCookie

from django.conf import settings
from django.core import signing
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import http_date


def client_ip(request) -> str:
    """The visitor's address, as seen by the outermost proxy we trust.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For, so
    the entry TRUSTED_PROXY_COUNT places from the end is the client; anything further left may
    have been written by the client itself and is ignored. The header is believed only on a
    connection from a trusted proxy (FORWARDED_ALLOW_IPS): a client reaching the application
    server directly is known by its connection's address, whatever it writes. Without the header
    the connection's address is used too.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies or not _from_trusted_proxy(remote):
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if not forwarded:
        return remote
    return forwarded[-min(proxies, len(forwarded))]


def _from_trusted_proxy(address: str) -> bool:
    if "*" in settings.FORWARDED_ALLOW_IPS:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in settings.TRUSTED_PROXY_NETWORKS)


def rate_limit_key(address: str) -> str:
    """Who a rate limit counts: the address, but a whole IPv6 /64 as one, since one connection
    usually holds a /64 and can pick any address in it."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6 and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def set_cookie(
    response,
    name: str,
    value: str,
    *,
    max_age: int,
    path: str = "/",
    domain: str | None = None,
    secure: bool = False,
    httponly: bool = False,
    samesite: str | None = None,
) -> None:
    """The cookie `response.set_cookie(name, value, max_age=max_age, …)` sets, made faster for
    the cookies pages from the page cache set on every first visit (the CSRF and visit cookies):
    its attributes, `expires` included, are written once a second and copied, not set one by one
    and checked each time (which costs as much as the rest of serving the page)."""
    morsel = _cookie_attributes(
        name, max_age, path, domain, secure, httponly, samesite, int(time.time())
    ).copy()
    real_value, coded_value = _COOKIE_ENCODER.value_encode(value)
    morsel.set(name, real_value, coded_value)
    response.cookies[name] = morsel


_COOKIE_ENCODER = SimpleCookie()


@functools.lru_cache(maxsize=16)
def _cookie_attributes(name, max_age, path, domain, secure, httponly, samesite, now) -> Morsel:
    # Made by Django itself, `expires` counted from the second it is asked for in.
    response = HttpResponse()
    response.set_cookie(
        name,
        max_age=max_age,
        expires=http_date(now + max_age),
        path=path,
        domain=domain,
        secure=secure,
        httponly=httponly,
        samesite=samesite,
    )
    return response.cookies[name]


def redirect_with_note(to: str, cookie: str, note: dict, *, salt: str, max_age: int):
    """Redirect to a thank-you page, with what it should say in a signed cookie: not the
    session, so that sending a form needs no database, and not the URL, which is logged."""
    response = redirect(to)
    response.set_cookie(
        cookie,
        signing.dumps(note, salt=salt),
        max_age=max_age,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def read_note(request, cookie: str, *, salt: str, max_age: int) -> dict:
    """What redirect_with_note left, or {} if it is missing, tampered with or too old. The page
    showing it deletes the cookie (`forget_note`): it is shown once."""
    try:
        note = signing.loads(request.COOKIES.get(cookie, ""), salt=salt, max_age=max_age)
    except signing.BadSignature:
        return {}
    return note if isinstance(note, dict) else {}


def forget_note(response, cookie: str):
    response.delete_cookie(cookie, samesite="Lax")
    return response
