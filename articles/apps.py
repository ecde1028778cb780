from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_save
        from simple_history.signals import pre_create_historical_record
        from taggit.models import Tag, TaggedItem

        from articles.models import Article, ArticleImage, Category, OldAddress
        from articles.signals import (
            keep_the_tags_on_each_revision,
            record_a_revision_when_tags_change,
            render_articles_showing,
        )
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
        pre_create_historical_record.connect(
            keep_the_tags_on_each_revision, sender=Article.history.model, dispatch_uid="articles"
        )
        m2m_changed.connect(
            record_a_revision_when_tags_change,
            sender=Article.tags.through,
            dispatch_uid="articles",
        )
