"""/sitemap.xml: every public page, each with when it last changed where that is known.

Addresses are written with SITE_URL's scheme and host, whatever host the request came by."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from articles.models import Article, Category
from core.models import SitePage
from programs.models import Program


class _OnThisSite(Sitemap):
    @property
    def protocol(self):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class MainPages(_OnThisSite):
    priority = 1.0

    def items(self):
        return [
            "core:home",
            "programs:list",
            "articles:list",
            "center:about",
            "center:insurance",
            "admissions:get_help",
        ]

    def location(self, name):
        return reverse(name)


class Programs(_OnThisSite):
    def items(self):
        return Program.objects.published().only("slug", "updated_at")

    def lastmod(self, program):
        return program.updated_at


class Articles(_OnThisSite):
    def items(self):
        # Public, and not kept out of search engines by marketing.
        return Article.objects.public().filter(noindex=False).only("slug", "updated_at")

    def lastmod(self, article):
        return article.updated_at


class Categories(_OnThisSite):
    def items(self):
        return Category.objects.filter(articles__in=Article.objects.public()).distinct()


class SitePages(_OnThisSite):
    def items(self):
        return SitePage.objects.only("slug", "updated_at")

    def lastmod(self, page):
        return page.updated_at


SITEMAPS = {
    "main": MainPages,
    "programs": Programs,
    "articles": Articles,
    "categories": Categories,
    "pages": SitePages,
}
