from django.conf import settings


def client_ip(request) -> str | None:
    """The visitor's address, as seen by the outermost proxy we trust.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For, so
    the entry TRUSTED_PROXY_COUNT places from the end is the client; anything further left may
    have been written by the client itself and is ignored. None when proxies are expected but
    none said who the client is: the connection's address would be the proxy's, shared by all.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return request.META.get("REMOTE_ADDR", "")
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if not forwarded:
        return None
    return forwarded[-min(proxies, len(forwarded))]
