"""/sitemap.xml: every public page, each with the day it last changed where that is known.

Written here rather than with django.contrib.sitemaps' template: with hundreds of articles and
pages, its per-address template rendering took over 100 ms, paid by the visitor who finds the
kept copy expired. Addresses are written with SITE_URL's scheme and host, whatever host the
request came by. One file holds up to 50,000 addresses, far more than the site has.
"""

from collections.abc import Iterator
from datetime import datetime

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils.html import escape
from django.utils.timezone import localdate

from articles.models import Article, Category
from core.models import SitePage
from core.pagecache import public_page
from programs.models import Program

MAIN_PAGES = [
    "core:home",
    "programs:list",
    "articles:list",
    "infosessions:list",
    "center:about",
    "center:insurance",
    "admissions:get_help",
]
_SLUG = "__slug__"


def _by_slug(view_name: str, rows) -> Iterator[tuple[str, datetime | None]]:
    """(path, last changed) for each (slug, last changed): the address built once, not per row
    (slugs need no escaping in a path)."""
    pattern = reverse(view_name, args=[_SLUG])
    for slug, changed in rows:
        yield pattern.replace(_SLUG, slug), changed


def addresses() -> Iterator[tuple[str, datetime | None]]:
    for name in MAIN_PAGES:
        yield reverse(name), None
    yield from _by_slug(
        "programs:detail", Program.objects.published().values_list("slug", "updated_at")
    )
    # Public, and not kept out of search engines by marketing.
    public = Article.objects.public()
    yield from _by_slug(
        "articles:detail", public.filter(noindex=False).values_list("slug", "updated_at")
    )
    categories = Category.objects.filter(articles__in=public).distinct()
    yield from _by_slug(
        "articles:category", ((slug, None) for slug in categories.values_list("slug", flat=True))
    )
    yield from _by_slug("core:page", SitePage.objects.values_list("slug", "updated_at"))


@public_page
def sitemap(request):
    site = settings.SITE_URL
    entries = "".join(
        f"<url><loc>{escape(site + path)}</loc>"
        + (f"<lastmod>{localdate(changed).isoformat()}</lastmod>" if changed else "")
        + "</url>\n"
        for path, changed in addresses()
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}</urlset>\n"
    )
    response = HttpResponse(xml, content_type="application/xml; charset=utf-8")
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response
