from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"

    def ready(self):
        from django.db.models.signals import post_save
        from taggit.models import Tag, TaggedItem

        from articles.models import Article, ArticleImage, Category, OldAddress
        from articles.signals import render_articles_showing
        from core.pagecache import (
            forget_public_pages_when_changed,
            forget_public_pages_when_saved,
        )

        forget_public_pages_when_saved(Article, Category, ArticleImage, OldAddress, Tag, TaggedItem)
        # An article's categories and programs are set after it is saved (admin, the importer).
        forget_public_pages_when_changed(
            Article.categories.through, Article.related_programs.through
        )
        post_save.connect(render_articles_showing, sender=ArticleImage, dispatch_uid="articles")
