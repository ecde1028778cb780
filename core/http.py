from django.conf import settings


def client_ip(request) -> str:
    """The visitor's address, as seen by the outermost proxy we trust.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For, so
    the entry TRUSTED_PROXY_COUNT places from the end is the client; anything further left may
    have been written by the client itself and is ignored.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if proxies and forwarded:
        return forwarded[-min(proxies, len(forwarded))]
    return request.META.get("REMOTE_ADDR", "")
