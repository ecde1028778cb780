from articles.models import Article, ArticleImage


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
