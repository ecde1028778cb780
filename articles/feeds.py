from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from articles.models import Article
from center.profile import current_center

FEED_ITEMS = 20


class ArticleFeed(Feed):
    """The newest public articles, as Atom: the same rule as every other list."""

    feed_type = Atom1Feed
    link = reverse_lazy("articles:list")

    def title(self):
        return _("%(center)s: articles") % {"center": current_center().name}

    def subtitle(self):
        return _(
            "Plain-language articles about mental health, substance use, treatment and recovery."
        )

    def feed_url(self):
        return reverse("articles:feed")

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
