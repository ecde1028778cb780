from django.core.exceptions import ValidationError
from django.db import models
from django.urls import Resolver404, resolve, reverse

# Linked from every page's footer, so they can be edited but never deleted or moved.
REQUIRED_PAGE_SLUGS = frozenset({"privacy", "accessibility"})


class SitePage(models.Model):
    """A standalone page marketing edits in admin: the privacy notice, accessibility statement…"""

    title = models.CharField(max_length=120)
    slug = models.SlugField(
        max_length=80,
        unique=True,
        help_text="The page's address on the site: /slug/. Lowercase letters, digits and hyphens.",
    )
    meta_description = models.CharField(
        max_length=160,
        blank=True,
        help_text="Shown by search engines under the title. Aim for 120–160 characters.",
    )
    body = models.TextField(
        help_text=(
            "Markdown: a blank line between paragraphs, ## for a heading, - for a list item, "
            "**bold**, [link text](https://example.org)."
        )
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("core:page", args=[self.slug])

    @property
    def is_required(self) -> bool:
        return self.slug in REQUIRED_PAGE_SLUGS

    def clean(self) -> None:
        super().clean()
        if self.slug and not _address_is_free_for_pages(self.slug):
            raise ValidationError(
                {"slug": f"/{self.slug}/ is already used by another part of the site."}
            )


def _address_is_free_for_pages(slug: str) -> bool:
    # Pages live at the catch-all /<slug>/, so a slug is free when nothing earlier claims it.
    try:
        match = resolve(f"/{slug}/")
    except Resolver404:
        return False
    return match.view_name == "core:page"
