from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.images import alt_text_required, check_alt_text


class LevelOfCare(models.TextChoices):
    # Ordered from the most support to the least, as the comparison table reads.
    INPATIENT = "inpatient", _("Inpatient / residential")
    PARTIAL_HOSPITALIZATION = "php", _("Partial hospitalization (PHP)")
    INTENSIVE_OUTPATIENT = "iop", _("Intensive outpatient (IOP)")
    SOCIAL_REINTEGRATION = "social_reintegration", _("Social reintegration")
    AFTERCARE = "aftercare", _("Aftercare")


class Setting(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    VIRTUAL = "virtual", _("Virtual")
    ON_SITE_OR_VIRTUAL = "on_site_or_virtual", _("On site or virtual")
    RESIDENTIAL = "residential", _("Residential")


class ProgramQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def visible_to(self, user):
        """What this person may open: staff with access to programs also preview drafts."""
        if user.is_authenticated and user.has_perm("programs.view_program"):
            return self.all()
        return self.published()


MARKDOWN_HELP = "Markdown: a blank line between paragraphs, ## for a heading, - for a list item."


class Program(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(
        max_length=80, unique=True, help_text="The program's address: /programs/slug/."
    )
    level_of_care = models.CharField(max_length=32, choices=LevelOfCare.choices)
    summary = models.CharField(
        max_length=200,
        help_text="One sentence that says what the program is. Shown in lists and under the name.",
    )
    body = models.TextField(help_text=f"The main description. {MARKDOWN_HELP}")
    who_it_is_for = models.CharField(
        max_length=300,
        help_text="One or two plain sentences; also shown in the comparison table.",
    )
    typical_week = models.TextField(
        "what a typical day or week looks like", help_text=MARKDOWN_HELP
    )
    hours_per_week = models.CharField(
        "typical hours per week",
        max_length=40,
        help_text="As visitors should read it, e.g. “9 to 12 hours” or “Around the clock”.",
    )
    typical_length = models.CharField(
        max_length=40, help_text="As visitors should read it, e.g. “6 to 8 weeks”."
    )
    setting = models.CharField(max_length=32, choices=Setting.choices)
    insurance_note = models.TextField(
        "insurance and cost", help_text=f"What is covered and how to check. {MARKDOWN_HELP}"
    )
    hero_image = models.ImageField(
        upload_to="programs/",
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
    is_published = models.BooleanField(
        "published", default=False, help_text="Visible to the public. Staff can always preview."
    )
    display_order = models.PositiveSmallIntegerField(
        default=0, help_text="Lower numbers come first."
    )
    seo_title = models.CharField(
        "SEO title",
        max_length=70,
        blank=True,
        help_text="The whole title search engines show (the site's name is not added). Up "
        "to 60 characters is best. Leave blank for the name and the site's name.",
    )
    meta_description = models.CharField(
        max_length=160,
        blank=True,
        help_text="The summary search engines show. 120 to 160 characters is best. "
        "Leave blank to use the one-sentence summary.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["display_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level_of_care__in=LevelOfCare.values),
                name="program_level_of_care_valid",
            ),
            models.CheckConstraint(
                condition=Q(setting__in=Setting.values), name="program_setting_valid"
            ),
            alt_text_required("hero_image", "hero_image_alt", "program_hero_image_has_alt_text"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programs:detail", args=[self.slug])

    def clean(self) -> None:
        super().clean()
        check_alt_text(self, "hero_image", "hero_image_alt")


class ProgramFAQ(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="faqs")
    question = models.CharField(max_length=200)
    answer = models.TextField(help_text=MARKDOWN_HELP)
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "FAQ"
        verbose_name_plural = "FAQs"

    def __str__(self) -> str:
        return self.question
