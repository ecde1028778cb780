import functools
import ipaddress
import time

from django.conf import settings
from django.core import signing
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


def cookie_expires(max_age: int) -> str:
    """The `expires` Django's set_cookie writes for a cookie set now for `max_age` seconds.
    Written once a second: formatting the date costs as much as the rest of setting a cookie,
    which pages from the page cache do for each first visit."""
    return _http_date(int(time.time()) + max_age)


@functools.lru_cache(maxsize=8)
def _http_date(timestamp: int) -> str:
    return http_date(timestamp)


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
