"""Publishing and unpublishing from admin's list: each article saved, so its history shows who
did it and when."""

from django.utils import timezone

from articles.models import Status


def publish_now(articles) -> tuple[int, list]:
    """Drafts and scheduled articles: public from now. Returns how many were published, and the
    drafts left as they are for want of an author (readers are told who wrote an article)."""
    count, without_author = 0, []
    for article in articles:
        if article.is_public:
            continue
        if article.author_id is None:
            without_author.append(article)
            continue
        article.status, article.publish_at = Status.PUBLISHED, timezone.now()
        article.save()
        count += 1
    return count, without_author


def unpublish(articles) -> int:
    """Back to draft: visitors no longer see them (the page cache forgets them at once)."""
    count = 0
    for article in articles:
        if article.status == Status.DRAFT:
            continue
        article.status = Status.DRAFT
        article.save()
        count += 1
    return count
