from articles.models import REVISIONS, Article, ArticleImage


def render_articles_showing(sender, instance: ArticleImage, created: bool, **kwargs) -> None:
    """A library image replaced or described anew: the articles showing it render again (their
    text is unchanged, so no revision is recorded)."""
    if created:
        return
    for article in Article.objects.filter(body_images=instance):
        article.render_body()
        Article.objects.filter(pk=article.pk).update(
            body_html=article.body_html,
            body_text=article.body_text,
            reading_minutes=article.reading_minutes,
        )
        article.index_for_search()


def keep_the_tags_on_each_revision(sender, instance, history_instance, **kwargs) -> None:
    if history_instance.history_type != "-":  # a deleted article's tags are already gone
        history_instance.tag_names = sorted(instance.tags.names())


def record_a_revision_when_tags_change(sender, instance, action, **kwargs) -> None:
    """As simple_history does when categories or programs change: tags are set after the
    article is saved (admin's form, the importer), and a revision must hold them."""
    if action not in ("post_add", "post_remove", "post_clear") or not isinstance(instance, Article):
        return
    if hasattr(instance, "skip_history_when_saving"):
        return
    if action != "post_clear" and not kwargs.get("pk_set"):
        return  # taggit signals an add or a removal of nothing too (admin sets them on each save)
    REVISIONS.create_historical_record(instance, "~")
