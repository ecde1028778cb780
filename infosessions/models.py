"""Free information sessions about the programs, and the people registered for each.

What is open to the public is decided once, by `InfoSessionQuerySet.upcoming()`: published, not
cancelled, and not yet started. Past sessions drop out by themselves (within the page cache's
bound, see core.pagecache). Times are stored in UTC and shown in the center's time zone
(settings.TIME_ZONE).

A registration takes a seat, or a place on the waiting list when the seats are taken; the seat
count is checked against the database, with the session's row locked, when someone registers
(infosessions.services), never against the page that showed it.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from center.models import Person, Place
from programs.models import Program


class Format(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIRTUAL = "virtual", _("Online")


class InfoSessionQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        """What visitors may see and register for: published, not cancelled, not started."""
        return self.filter(
            published=True, cancelled_at__isnull=True, starts_at__gt=now or timezone.now()
        ).order_by("starts_at", "pk")

    def for_lists(self):
        """With what a list shows of each: seats taken, program, host and place."""
        return self.with_seats_taken().select_related("program", "host", "place")

    def with_seats_taken(self):
        return self.annotate(
            seats_taken=Count("registrations", filter=Q(registrations__status=Status.REGISTERED))
        )


class InfoSession(models.Model):
    program = models.ForeignKey(
        Program,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="info_sessions",
        help_text="Leave empty for a session about the center as a whole.",
    )
    title = models.CharField(max_length=120)
    description = models.TextField(
        max_length=1000, help_text="A few plain sentences: what the session covers, who it is for."
    )
    starts_at = models.DateTimeField("starts", db_index=True)
    ends_at = models.DateTimeField("ends")
    format = models.CharField(max_length=16, choices=Format.choices, default=Format.IN_PERSON)
    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Where it is held, for a session in person.",
    )
    meeting_url = models.URLField(
        "meeting link",
        blank=True,
        help_text="For an online session. Only people registered see it, in their confirmation "
        "and reminders; never on the public page.",
    )
    capacity = models.PositiveSmallIntegerField(
        "seats", validators=[MinValueValidator(1)], help_text="Registrations past this wait."
    )
    host = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    published = models.BooleanField(
        default=False, help_text="Shown on the site and open for registration."
    )
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)

    # The calendar invitation's UID (the same across updates) and SEQUENCE (bumped by each
    # change registrants are told of): calendars then update the event instead of adding one.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InfoSessionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = "information session"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="info_session_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        start = timezone.localtime(self.starts_at)
        return f"{self.title}, {start:%a %b} {start.day}, {start:%Y} {_clock(start)}"

    def get_absolute_url(self) -> str:
        return reverse("infosessions:detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "It ends after it starts."
        if self.format == Format.IN_PERSON and not self.place_id:
            errors["place"] = "Choose where the session is held."
        if self.format == Format.VIRTUAL and not self.meeting_url:
            errors["meeting_url"] = "Give the link people join with."
        if self.format == Format.IN_PERSON and self.meeting_url:
            # No message about an in-person session carries a link: people would be told of a
            # change they cannot see.
            errors["meeting_url"] = (
                "A session in person has no meeting link: remove the link, or make the session "
                "online."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_virtual(self) -> bool:
        return self.format == Format.VIRTUAL

    @property
    def is_open(self) -> bool:
        return self.published and self.cancelled_at is None and self.starts_at > timezone.now()

    def seats_left(self) -> int:
        taken = getattr(self, "seats_taken", None)
        if taken is None:
            taken = self.registrations.filter(status=Status.REGISTERED).count()
        return max(self.capacity - taken, 0)


def _clock(moment) -> str:
    return f"{moment:%I:%M %p}".lstrip("0")


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class CancelledBecause(models.TextChoices):
    """Why a place is cancelled."""

    GIVEN_UP = "given_up", _("Given up")
    SESSION_CANCELLED = "session_cancelled", _("Session cancelled")


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=Status.CANCELLED)


class Registration(models.Model):
    """One person's place at a session (or on its waiting list). Their request is also a lead
    of kind "info session" in admissions, through the same intake."""

    session = models.ForeignKey(InfoSession, on_delete=models.PROTECT, related_name="registrations")
    lead = models.ForeignKey(
        "admissions.Lead",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
    )
    first_name = models.CharField(max_length=60)
    last_name = models.CharField(max_length=60)
    email = models.EmailField()  # stored lowercased
    phone = PhoneNumberField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.REGISTERED)
    created_at = models.DateTimeField(default=timezone.now)
    promoted_at = models.DateTimeField(
        null=True, blank=True, help_text="When a seat given up by someone else became theirs."
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_because = models.CharField(
        "why cancelled",
        max_length=20,
        choices=CancelledBecause.choices,
        blank=True,
        default="",
        db_default="",
        help_text="Given up by the person, or closed because the session was cancelled.",
    )
    attended = models.BooleanField(null=True, blank=True, help_text="Empty until marked.")
    attendance_marked_at = models.DateTimeField(null=True, blank=True)
    attendance_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # One place per person per session, taken again only once given up.
            models.UniqueConstraint(
                fields=["session", "email"],
                condition=~Q(status="cancelled"),
                name="one_registration_per_email",
            ),
        ]
        permissions = [("export_registration", "Can export registrations")]

    def __str__(self) -> str:
        return f"Registration #{self.pk} ({self.get_status_display()})"

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def status_label(self) -> str:
        """The status as staff read it: "Cancelled (session cancelled)", "Registered"."""
        if self.status == Status.CANCELLED and self.cancelled_because:
            return f"{self.get_status_display()} ({self.get_cancelled_because_display().lower()})"
        return str(self.get_status_display())
