"""Articles marketing writes, schedules and updates in admin, and the image library they use.

What is public is decided once, by `ArticleQuerySet.public()`: published, and its publish time
has come. Nothing runs at the publish time; a scheduled article is simply public from then on
(within the page cache's bound, see core.pagecache).
"""

import html
import math
from urllib.parse import unquote, urlsplit

from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager

from center.models import Person
from core.images import alt_text_required, check_alt_text
from core.text import shortened
from programs.models import Program

MARKDOWN_HELP = (
    "Markdown: a blank line between paragraphs, ## for a heading, - for a list item, > for a "
    "quote, [words](https://…) for a link, and ![description](image:12) for image 12 of the "
    "image library."
)
# Adults read plain web text at about this pace.
WORDS_PER_MINUTE = 200


class Category(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(
        max_length=80, unique=True, help_text="Its address: /articles/category/slug/."
    )
    description = models.CharField(
        max_length=200, blank=True, help_text="One sentence, shown on the category's page."
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:category", args=[self.slug])


class ArticleImage(models.Model):
    """An image of the library, for articles' text: resized and stripped of location data on
    upload, and never shown without its description."""

    image = models.ImageField(
        upload_to="articles/",
        width_field="width",
        height_field="height",
        help_text="Large photos are resized and their location data removed on upload.",
    )
    width = models.PositiveIntegerField(null=True, editable=False)
    height = models.PositiveIntegerField(null=True, editable=False)
    alt_text = models.CharField(
        "description",
        max_length=200,
        help_text="What the picture shows, for people who cannot see it. An article can give "
        "its own in ![description](image:12); this one is used when it does not.",
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = "image"
        verbose_name_plural = "image library"

    def __str__(self) -> str:
        return f"Image {self.pk}: {self.alt_text}"

    @property
    def markdown(self) -> str:
        return f"![{self.alt_text}](image:{self.pk})"


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class State(models.TextChoices):
    """What an article is now, as the list in admin shows it: a published article whose
    publish time is still to come is scheduled."""

    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")


# Addresses under /articles/ the site answers itself (articles/urls.py).
RESERVED_SLUGS = frozenset({"feed"})


class ArticleQuerySet(models.QuerySet):
    def public(self, now=None):
        """What visitors may read: published, with its publish time come. The one rule, for
        the list, the article page, the feed, the sitemap, search, home and program pages."""
        return self.filter(status=Status.PUBLISHED, publish_at__lte=now or timezone.now())

    def in_state(self, state: str, now=None):
        now = now or timezone.now()
        if state == State.DRAFT:
            return self.filter(status=Status.DRAFT)
        if state == State.SCHEDULED:
            return self.filter(status=Status.PUBLISHED, publish_at__gt=now)
        return self.public(now)

    def visible_to(self, user):
        """What this person may open: staff who can see articles also preview the others."""
        if user.is_authenticated and user.has_perm("articles.view_article"):
            return self.all()
        return self.public()

    def newest_first(self):
        return self.order_by("-publish_at", "-pk")

    def for_lists(self):
        """What a list of articles shows, in a fixed number of queries."""
        return self.select_related("author").prefetch_related("categories").newest_first()


class RevisionTags(models.Model):
    """An article revision's tags, kept on the revision itself: simple_history's m2m_fields keep
    ordinary many-to-many relations only, and taggit's are generic (articles.signals fills it)."""

    tag_names = models.JSONField(
        null=True, editable=False, help_text="Null on revisions recorded before tags were kept."
    )

    class Meta:
        abstract = True

    @property
    def tags(self) -> str:
        """Shown in the revisions list."""
        return ", ".join(self.tag_names or [])


# Outside the class, so that a change of tags (articles.signals) records a revision the way
# simple_history records one for a change of categories or programs.
REVISIONS = HistoricalRecords(
    excluded_fields=["search_vector", "body_html", "body_text", "reading_minutes"],
    m2m_fields=["categories", "related_programs"],
    bases=[RevisionTags],
)


class Article(models.Model):
    title = models.CharField(max_length=120)
    slug = models.SlugField(
        max_length=100,
        unique=True,
        help_text="Its address: /articles/slug/. Changing it later keeps the old address "
        "working: it leads here.",
    )
    summary = models.CharField(
        max_length=300,
        help_text="One or two sentences that say what the reader will learn. Shown in lists "
        "and under the title.",
    )
    body = models.TextField(help_text=MARKDOWN_HELP)
    # Rendered and sanitised when saved, so that a page view never renders Markdown.
    body_html = models.TextField(editable=False, blank=True)
    body_text = models.TextField(editable=False, blank=True)
    reading_minutes = models.PositiveSmallIntegerField(editable=False, default=1)
    body_images = models.ManyToManyField(
        ArticleImage, through="ArticleBodyImage", related_name="articles", blank=True
    )
    hero_image = models.ImageField(
        upload_to="articles/",
        blank=True,
        width_field="hero_image_width",
        height_field="hero_image_height",
        help_text="Optional. Large photos are resized and their location data removed on upload.",
    )
    hero_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_image_alt = models.CharField(
        "hero image description",
        max_length=200,
        blank=True,
        help_text="Required with an image: what the picture shows, for people who cannot see it.",
    )
    author = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="articles_written",
        # A draft may have none yet (one imported from the old site, say); a published one has.
        null=True,
        blank=True,
        help_text="Someone from the team (Center › People). Needed to publish.",
    )
    medical_reviewer = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="articles_reviewed",
        null=True,
        blank=True,
        help_text="Optional: the clinician who checked it, with the date below.",
    )
    reviewed_on = models.DateField("reviewed on", null=True, blank=True)
    categories = models.ManyToManyField(Category, related_name="articles", blank=True)
    tags = TaggableManager(
        blank=True, help_text="Words readers might look for, separated by commas."
    )
    related_programs = models.ManyToManyField(
        Program,
        related_name="articles",
        blank=True,
        help_text="The article's call to action points to these, and their pages list it.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        "publish at",
        null=True,
        blank=True,
        db_index=True,
        help_text="When it appears: a time to come for a scheduled article; for a published "
        "one, blank (now) or the date it first appeared.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    seo_title = models.CharField(
        "SEO title",
        max_length=70,
        blank=True,
        help_text="The whole title search engines show (the site's name is not added). Up "
        "to 60 characters is best. Leave blank for the title and the site's name.",
    )
    meta_description = models.CharField(
        max_length=160,
        blank=True,
        help_text="The summary search engines show. 120 to 160 characters is best. "
        "Leave blank to use the summary.",
    )
    noindex = models.BooleanField(
        "hide from search engines",
        default=False,
        help_text="The article stays on the site, but search engines are asked not to list it.",
    )
    # PostgreSQL's full-text index of the title, summary and text (articles.search).
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()
    history = REVISIONS

    class Meta:
        ordering = ["-publish_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="article_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=Status.DRAFT) | Q(publish_at__isnull=False),
                name="article_published_has_publish_time",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.DRAFT) | Q(author__isnull=False),
                name="article_published_has_author",
            ),
            models.CheckConstraint(
                condition=Q(medical_reviewer__isnull=True) | Q(reviewed_on__isnull=False),
                name="article_review_has_date",
            ),
            alt_text_required("hero_image", "hero_image_alt", "article_hero_image_has_alt_text"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if self.status == Status.PUBLISHED and self.publish_at is None:
            self.publish_at = timezone.now()
        image_numbers = self.render_body()
        before = (
            Article.objects.filter(pk=self.pk).values("slug", "status").first() if self.pk else None
        )
        super().save(*args, **kwargs)
        self._keep_body_images(image_numbers)
        self.index_for_search()
        if before and before["slug"] != self.slug and before["status"] == Status.PUBLISHED:
            self._keep_old_address(reverse("articles:detail", args=[before["slug"]]))

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", args=[self.slug])

    @property
    def description(self) -> str:
        """What search engines and link previews show: the meta description, else the summary
        cut to the length they show."""
        return self.meta_description or shortened(
            self.summary, self._meta.get_field("meta_description").max_length
        )

    @property
    def modified_at(self):
        """When readers last saw it change: never before it was published (an article written
        then scheduled was saved before its publish time)."""
        if self.publish_at is None or self.updated_at is None:
            return self.updated_at or self.publish_at
        return max(self.updated_at, self.publish_at)

    def clean(self) -> None:
        super().clean()
        if self.slug in RESERVED_SLUGS:
            raise ValidationError(
                {"slug": f"/articles/{self.slug}/ is taken by the site itself: choose another."}
            )
        check_alt_text(self, "hero_image", "hero_image_alt")
        if self.medical_reviewer_id and not self.reviewed_on:
            raise ValidationError({"reviewed_on": "Give the date the reviewer checked it."})
        if self.reviewed_on and self.reviewed_on > timezone.localdate():
            raise ValidationError({"reviewed_on": "Give the day it was reviewed, not one to come."})
        if self.reviewed_on and not self.medical_reviewer_id:
            raise ValidationError({"medical_reviewer": "Name who reviewed it on that date."})
        if self.status != Status.DRAFT and not self.author_id:
            raise ValidationError({"author": "Choose who wrote it: readers are told."})

    @property
    def state(self) -> str:
        if self.status == Status.DRAFT:
            return State.DRAFT
        if self.publish_at and self.publish_at > timezone.now():
            return State.SCHEDULED
        return State.PUBLISHED

    @property
    def is_public(self) -> bool:
        return self.state == State.PUBLISHED

    def render_body(self) -> set[int]:
        """The text as visitors get it: HTML through the one allow-list, with the library's
        images in it; plain words for search and the reading time. Returns the images shown."""
        from articles.rendering import render_article_body

        self.body_html, image_numbers = render_article_body(self.body)
        self.body_text = plain_text(self.body_html)
        self.reading_minutes = max(1, math.ceil(len(self.body_text.split()) / WORDS_PER_MINUTE))
        return image_numbers

    def _keep_body_images(self, numbers: set[int]) -> None:
        ArticleBodyImage.objects.filter(article=self).exclude(image_id__in=numbers).delete()
        ArticleBodyImage.objects.bulk_create(
            [ArticleBodyImage(article=self, image_id=number) for number in numbers],
            ignore_conflicts=True,
        )

    def index_for_search(self) -> None:
        if connection.vendor == "postgresql":
            Article.objects.filter(pk=self.pk).update(search_vector=SEARCH_VECTOR)

    def _keep_old_address(self, path: str) -> None:
        """Links and search engines that know the old address are sent here."""
        OldAddress.objects.update_or_create(path=path, defaults={"article": self})
        OldAddress.objects.filter(path=self.get_absolute_url()).delete()


class ArticleBodyImage(models.Model):
    """An image an article's text shows: while one does, it cannot be deleted."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE)
    image = models.ForeignKey(ArticleImage, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "image"], name="article_body_image_once")
        ]

    def __str__(self) -> str:
        return f"{self.image} in {self.article}"


def site_path(address: str) -> str:
    """The path of an address on this site, as Django reads a request's (percent-decoded), so
    /blog/caf%C3%A9/ and /blog/café/ are one address. The domain may be given: it moves with the
    site. A query string cannot be told apart from the page's own, so it is refused."""
    parts = urlsplit(address.strip())
    path = unquote(parts.path)
    if parts.query or not path.startswith("/") or path.startswith("//") or path == "/":
        raise ValidationError(
            "Give a path on this site such as /blog/peer-support/, without ? and what follows."
        )
    if any(character.isspace() or ord(character) < 32 for character in path):
        raise ValidationError("An address has no spaces or control characters.")
    return path


class OldAddress(models.Model):
    """An address an article had (an earlier slug, or a page of the old site): it answers with
    a permanent redirect to the article's address now."""

    path = models.CharField(
        max_length=300,
        unique=True,
        help_text="A path on this site, e.g. /blog/peer-support/ (no domain).",
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_addresses")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "old address"
        verbose_name_plural = "old addresses"

    def __str__(self) -> str:
        return self.path

    def clean(self) -> None:
        super().clean()
        try:
            self.path = site_path(self.path)
        except ValidationError as error:
            raise ValidationError({"path": error.messages}) from None
        if self.article_id and self.path == self.article.get_absolute_url():
            raise ValidationError({"path": "This is the article's own address."})


def plain_text(markup: str) -> str:
    return " ".join(html.unescape(strip_tags(markup)).split())


# Title first, then the summary, then the text: a word in the title ranks an article higher.
SEARCH_VECTOR = (
    SearchVector("title", weight="A", config="english")
    + SearchVector("summary", weight="B", config="english")
    + SearchVector("body_text", weight="C", config="english")
)
