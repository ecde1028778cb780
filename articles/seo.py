"""What article pages tell search engines and link previews: breadcrumbs and a BlogPosting."""

from django.urls import reverse
from django.utils.translation import gettext as _

from center.profile import Center
from core.seo import absolute_url


def breadcrumb_trail(article=None, category=None) -> list[tuple[str, str]]:
    trail = [(_("Home"), reverse("core:home")), (_("Articles"), reverse("articles:list"))]
    if category is not None:
        trail.append((category.name, category.get_absolute_url()))
    if article is not None:
        trail.append((article.title, article.get_absolute_url()))
    return trail


def _person(person) -> dict:
    data = {"@type": "Person", "name": person.name, "jobTitle": person.role}
    if person.credentials:
        data["honorificSuffix"] = person.credentials
    return data


def blog_posting(article, center: Center, categories, tags) -> dict:
    """schema.org BlogPosting: who wrote and reviewed it, when, and the center as publisher."""
    home = absolute_url(reverse("core:home"))
    url = absolute_url(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "@id": f"{url}#article",
        "mainEntityOfPage": url,
        "url": url,
        "headline": article.title,
        "description": article.description,
        "datePublished": article.publish_at,
        "dateModified": article.modified_at,
        "publisher": {
            "@type": "MedicalClinic",
            "@id": f"{home}#organization",
            "name": center.name,
            "url": home,
            "telephone": center.phone,
        },
        "wordCount": len(article.body_text.split()),
        "timeRequired": f"PT{article.reading_minutes}M",
        "inLanguage": "en-US",
    }
    if article.author:  # a draft's preview may have none yet
        data["author"] = _person(article.author)
    if article.medical_reviewer:
        # schema.org's reviewedBy belongs to WebPage: the page the posting is the main entity of.
        data["mainEntityOfPage"] = {
            "@type": "WebPage",
            "@id": url,
            "reviewedBy": _person(article.medical_reviewer),
            "lastReviewed": article.reviewed_on,
        }
    if article.hero_image:
        data["image"] = absolute_url(article.hero_image.url)
    if categories:
        data["articleSection"] = [category.name for category in categories]
    if tags:
        data["keywords"] = ", ".join(tag.name for tag in tags)
    return data
