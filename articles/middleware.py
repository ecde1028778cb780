import logging
from urllib.parse import urlsplit

from django.db import DatabaseError
from django.http import HttpResponsePermanentRedirect
from django.utils.cache import patch_cache_control

from articles.models import Article, OldAddress
from core.pagecache import cached_value

logger = logging.getLogger(__name__)

REDIRECT_KEPT_SECONDS = 24 * 60 * 60


class OldAddressRedirectMiddleware:
    """An address that finds nothing, but that an article had (an earlier slug, a page of the
    old site), answers with a permanent redirect to the article, if visitors may read it.

    The old addresses are kept like a public page (core.pagecache.cached_value), so a page not
    found costs no query; without the database it is simply not found."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD") or not (
            response.status_code == 404 or _slash_added(request, response)
        ):
            return response
        target = _target(old_addresses(), request.path)
        if target is None:
            return response
        if query := request.META.get("QUERY_STRING"):
            target = f"{target}?{query}"
        redirect = HttpResponsePermanentRedirect(target)
        # Browsers keep a 301 as long as they are let: were the slug changed back later, one
        # kept for ever would send them round in a loop.
        patch_cache_control(redirect, public=True, max_age=REDIRECT_KEPT_SECONDS)
        return redirect


def _slash_added(request, response) -> bool:
    """CommonMiddleware's redirect to the address with a slash (APPEND_SLASH), which an old
    address found now spares the visitor."""
    return (
        response.status_code == 301
        and urlsplit(response.get("Location", "")).path == f"{request.path}/"
    )


def _target(addresses: dict[str, str], path: str) -> str | None:
    """The old site's links were written with and without the closing slash."""
    alternative = path[:-1] if path.endswith("/") else f"{path}/"
    return addresses.get(path) or addresses.get(alternative)


def old_addresses() -> dict[str, str]:
    """Each old address of a public article, with the article's address now."""
    try:
        return cached_value("old-addresses", _old_addresses, keep=lambda found: True)
    except DatabaseError:
        logger.warning("Old addresses not looked up: the database is unreachable")
        return {}


def _old_addresses() -> dict[str, str]:
    return {
        path: Article(slug=slug).get_absolute_url()
        for path, slug in OldAddress.objects.filter(
            article__in=Article.objects.public()
        ).values_list("path", "article__slug")
    }
