"""The center as the public site shows it: one profile (name, phone, places, licences and the
words of the home, about and insurance pages), its people, and the insurance plans it takes.

Marketing edits all of it in admin; pages read the profile through `center.profile`, which
keeps a cached copy so that showing the center costs no query.
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from core.images import alt_text_required, check_alt_text

MARKDOWN_HELP = "Markdown: a blank line between paragraphs, ## for a heading, - for a list item."


class CenterProfile(models.Model):
    """The one record of what the site says about the center (there is only ever one)."""

    SINGLETON_ID = 1

    name = models.CharField(max_length=100, help_text="As visitors should read it, in every page.")
    admissions_phone = PhoneNumberField(
        "24/7 admissions phone",
        help_text="Shown on every page and in e-mails to people who ask for help.",
    )
    home_headline = models.CharField(max_length=120)
    home_intro = models.TextField("home introduction", max_length=400)
    who_we_help_intro = models.TextField("“who we help” introduction", max_length=500)
    who_we_help = models.TextField(
        "“who we help” list", help_text="One item per line, in the order to show them."
    )
    mission = models.TextField(help_text="One or two sentences, at the top of the about page.")
    approach = models.TextField("our approach", help_text=f"On the about page. {MARKDOWN_HELP}")
    insurance_intro = models.TextField(
        "insurance introduction", max_length=500, help_text="At the top of the insurance page."
    )
    verification = models.TextField(
        "how verification works", help_text=f"On the insurance page. {MARKDOWN_HELP}"
    )
    self_pay = models.TextField(
        "paying without insurance", help_text=f"On the insurance page. {MARKDOWN_HELP}"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "center profile"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="center_profile_is_the_only_one"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.id = self.SINGLETON_ID
        super().save(*args, **kwargs)

    @property
    def who_we_help_items(self) -> list[str]:
        return [line.strip() for line in self.who_we_help.splitlines() if line.strip()]


class Place(models.Model):
    """An address where people are seen, with its hours and how to get there."""

    profile = models.ForeignKey(CenterProfile, on_delete=models.CASCADE, related_name="places")
    name = models.CharField(
        max_length=100,
        help_text="For example “Boston: main campus”. The first place is the main one.",
    )
    street_address = models.CharField(max_length=200)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2, default="MA")
    postal_code = models.CharField("ZIP code", max_length=10)
    hours = models.TextField(
        blank=True,
        help_text="One line each, for example “Admissions: 24 hours, every day”.",
    )
    directions = models.TextField(
        blank=True,
        help_text="How to get there by transit and by car, and where to park. Plain text.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def hours_lines(self) -> list[str]:
        return [line.strip() for line in self.hours.splitlines() if line.strip()]


# Visitors read these labels on the about page.
class CredentialKind(models.TextChoices):
    LICENCE = "licence", _("State licence")
    ACCREDITATION = "accreditation", _("Accreditation")
    CERTIFICATION = "certification", _("Certification")


class Credential(models.Model):
    """A state licence, an accreditation or a certification the center holds."""

    profile = models.ForeignKey(CenterProfile, on_delete=models.CASCADE, related_name="credentials")
    kind = models.CharField(max_length=20, choices=CredentialKind.choices)
    name = models.CharField(
        max_length=200, help_text="What it is, e.g. “Licensed substance use treatment program”."
    )
    issuer = models.CharField(
        "issued by", max_length=200, help_text="The agency or body, spelled out in full."
    )
    number = models.CharField("licence or certificate number", max_length=60, blank=True)
    url = models.URLField(
        "link",
        blank=True,
        help_text="Optional: where a visitor can check it, on the issuer's site.",
    )
    logo = models.ImageField(
        upload_to="credentials/",
        blank=True,
        width_field="logo_width",
        height_field="logo_height",
        help_text="Optional. Only if the issuer allows its logo to be shown.",
    )
    logo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_alt = models.CharField(
        "logo description",
        max_length=200,
        blank=True,
        help_text="Required with a logo: what it shows, e.g. the issuer's name.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=CredentialKind.values), name="credential_kind_valid"
            ),
            alt_text_required("logo", "logo_alt", "credential_logo_has_alt_text"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        check_alt_text(self, "logo", "logo_alt")


class Team(models.TextChoices):
    LEADERSHIP = "leadership", _("Leadership")
    CLINICAL = "clinical", _("Clinical team")


class PersonQuerySet(models.QuerySet):
    def on_team_page(self):
        return self.filter(show_on_team_page=True)


class Person(models.Model):
    """A clinician or leader: shown on the about page, and named on articles they write or
    review."""

    name = models.CharField(max_length=100, help_text="As they are known professionally.")
    slug = models.SlugField(max_length=80, unique=True)
    credentials = models.CharField(
        max_length=60, blank=True, help_text="Degrees and licences after the name, e.g. “LICSW”."
    )
    role = models.CharField(max_length=100, help_text="Their job, e.g. “Medical director”.")
    team = models.CharField(max_length=20, choices=Team.choices, default=Team.CLINICAL)
    photo = models.ImageField(
        upload_to="people/",
        blank=True,
        width_field="photo_width",
        height_field="photo_height",
        help_text="Optional. A head-and-shoulders photo; resized on upload.",
    )
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_alt = models.CharField(
        "photo description",
        max_length=200,
        blank=True,
        help_text="Required with a photo, e.g. “Dana Whitfield, smiling, in a blue sweater”.",
    )
    bio = models.TextField(
        "short bio", max_length=600, help_text="Two or three sentences, in plain words."
    )
    show_on_team_page = models.BooleanField(
        "show on the about page",
        default=True,
        help_text="Untick for someone who only writes or reviews articles.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "people"
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(team__in=Team.values), name="person_team_valid"),
            alt_text_required("photo", "photo_alt", "person_photo_has_alt_text"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name_with_credentials(self) -> str:
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    def clean(self) -> None:
        super().clean()
        check_alt_text(self, "photo", "photo_alt")


class InsuranceCarrier(models.Model):
    """A health plan the center accepts: listed on the insurance page and offered in the
    consultation form."""

    name = models.CharField(max_length=100, unique=True, help_text="As it is on members' cards.")
    note = models.CharField(
        max_length=200,
        blank=True,
        help_text="Optional, e.g. “Including MassHealth ACO plans” or “Outpatient programs only”.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("center:insurance")
