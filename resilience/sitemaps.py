"""/sitemap.xml: every public page, each with the day it last changed where that is known.

Written here rather than with django.contrib.sitemaps' template: with hundreds of articles and
pages, its per-address template rendering took over 100 ms, paid by the visitor who finds the
kept copy expired. Addresses are written with SITE_URL's scheme and host, whatever host the
request came by. One file holds up to 50,000 addresses, far more than the site has.
"""

from collections.abc import Iterator
from datetime import datetime

from django.conf import settings
from django.db.models import Max
from django.db.models.functions import Greatest
from django.http import HttpResponse
from django.urls import reverse
from django.utils.html import escape
from django.utils.timezone import localdate

from articles.models import Article, Category
from center.models import CenterProfile
from core.models import SitePage
from core.pagecache import public_page
from infosessions.models import InfoSession
from programs.models import Program

_SLUG = "__slug__"


def _by_slug(view_name: str, rows) -> Iterator[tuple[str, datetime | None]]:
    """(path, last changed) for each (slug, last changed): the address built once, not per row
    (slugs need no escaping in a path)."""
    pattern = reverse(view_name, args=[_SLUG])
    for slug, changed in rows:
        yield pattern.replace(_SLUG, slug), changed


def addresses() -> Iterator[tuple[str, datetime | None]]:
    """Each public page, with when what it shows last changed: a list page when the newest of
    its items did (an article never before it was published: Article.modified_at)."""
    public = Article.objects.public()
    modified = Greatest("updated_at", "publish_at")
    programs = list(Program.objects.published().values_list("slug", "updated_at"))
    # Public, and not kept out of search engines by marketing.
    articles = list(
        public.filter(noindex=False).annotate(changed=modified).values_list("slug", "changed")
    )
    categories = (
        Category.objects.filter(articles__in=public)
        .annotate(changed=Max(Greatest("articles__updated_at", "articles__publish_at")))
        .values_list("slug", "changed")
    )
    center_changed = CenterProfile.objects.values_list("updated_at", flat=True).first()
    sessions_changed = InfoSession.objects.upcoming().aggregate(changed=Max("updated_at"))
    programs_changed = _newest(changed for _, changed in programs)
    articles_changed = _newest(changed for _, changed in articles)

    yield reverse("core:home"), _newest([programs_changed, articles_changed, center_changed])
    yield reverse("programs:list"), programs_changed
    yield reverse("articles:list"), articles_changed
    yield reverse("infosessions:list"), sessions_changed["changed"]
    yield reverse("center:about"), center_changed
    yield reverse("center:insurance"), center_changed
    yield reverse("admissions:get_help"), None
    yield from _by_slug("programs:detail", programs)
    yield from _by_slug("articles:detail", articles)
    yield from _by_slug("articles:category", categories)
    yield from _by_slug("core:page", SitePage.objects.values_list("slug", "updated_at"))


def _newest(moments) -> datetime | None:
    return max((moment for moment in moments if moment is not None), default=None)


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
