from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from articles.models import Article
from center.profile import current_center
from core.seo import absolute_url

FEED_ITEMS = 20


class ArticleFeed(Feed):
    """The newest public articles, as Atom: the same rule as every other list."""

    feed_type = Atom1Feed

    def title(self):
        return _("%(center)s: articles") % {"center": current_center().name}

    def subtitle(self):
        return _(
            "Plain-language articles about mental health, substance use, treatment and recovery."
        )

    # Addresses from SITE_URL, not from the request's Host (Django's default): the feed is kept
    # for everyone, whatever Host the request that rendered it came with.
    def link(self):
        return absolute_url(reverse("articles:list"))

    def feed_url(self):
        return absolute_url(reverse("articles:feed"))

    def item_link(self, article):
        return absolute_url(article.get_absolute_url())

    def items(self):
        return Article.objects.public().for_lists()[:FEED_ITEMS]

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        return article.summary

    def item_pubdate(self, article):
        return article.publish_at

    def item_updateddate(self, article):
        return article.modified_at

    def item_author_name(self, article):
        return article.author.name_with_credentials  # a public article has one

    def item_categories(self, article):
        return [category.name for category in article.categories.all()]
