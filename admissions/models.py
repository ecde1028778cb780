from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from phonenumber_field.modelfields import PhoneNumberField


class ForWhom(models.TextChoices):
    SELF = "self", "Me"
    SOMEONE_ELSE = "someone_else", "Someone I care about"


class Relationship(models.TextChoices):
    PARENT = "parent", "Parent"
    PARTNER = "partner", "Spouse or partner"
    CHILD = "child", "Adult child"
    SIBLING = "sibling", "Brother or sister"
    OTHER_FAMILY = "other_family", "Other family member"
    FRIEND = "friend", "Friend"
    PROFESSIONAL = "professional", "Professional (doctor, therapist, counselor)"
    OTHER = "other", "Other"


class ContactMethod(models.TextChoices):
    CALL = "call", "Phone call"
    TEXT = "text", "Text message"
    EMAIL = "email", "E-mail"


class BestTime(models.TextChoices):
    ANY = "any", "Any time"
    MORNING = "morning", "Morning"
    AFTERNOON = "afternoon", "Afternoon"
    EVENING = "evening", "Evening"


class Payment(models.TextChoices):
    INSURANCE = "insurance", "I have insurance"
    SELF_PAY = "self_pay", "Self-pay"
    NOT_SURE = "not_sure", "Not sure"


class Subscriber(models.TextChoices):
    SELF = "self", "The person who needs help"
    OTHER = "other", "Someone else (for example a parent or spouse)"


class ReferralSource(models.TextChoices):
    SEARCH = "search", "Search engine"
    CLINICIAN = "clinician", "Doctor, therapist or counselor"
    HOSPITAL = "hospital", "Hospital or emergency room"
    FAMILY_FRIEND = "family_friend", "Family or friend"
    INSURANCE = "insurance", "Insurance company"
    SOCIAL = "social", "Social media"
    ALUMNI = "alumni", "I have been here before"
    OTHER = "other", "Other"


class Priority(models.TextChoices):
    NORMAL = "normal", "Normal"
    URGENT = "urgent", "Urgent"


class Status(models.TextChoices):
    NEW = "new", "New"
    CONTACTED = "contacted", "Contacted"
    CLOSED = "closed", "Closed"


class LeadQuerySet(models.QuerySet):
    def awaiting_contact(self):
        return self.filter(contacted_at__isnull=True).exclude(status=Status.CLOSED)

    def follow_up_unfinished(self):
        return self.filter(followed_up_at__isnull=True)

    def recent_with_contact_details(self, *, phone, email: str, since: datetime):
        matches = Q(phone=phone)
        if email:
            matches |= Q(email=email)  # stored lowercased
        return self.filter(matches, created_at__gte=since)


class Lead(models.Model):
    """A consultation request from the website: the person to call back and what they told us."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)

    # Who is asking, for whom.
    for_whom = models.CharField("who needs help", max_length=16, choices=ForWhom.choices)
    first_name = models.CharField(max_length=60)
    last_name = models.CharField(max_length=60)
    relationship = models.CharField(
        "relationship to the person", max_length=16, choices=Relationship.choices, blank=True
    )
    patient_first_name = models.CharField(
        "first name of the person who needs help", max_length=60, blank=True
    )

    # How to reach them.
    phone = PhoneNumberField(db_index=True)
    email = models.EmailField(blank=True, db_index=True)
    preferred_contact = models.CharField(max_length=8, choices=ContactMethod.choices)
    best_time = models.CharField(max_length=12, choices=BestTime.choices, default=BestTime.ANY)

    # What they are looking for.
    program = models.ForeignKey(
        "programs.Program", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    payment = models.CharField(max_length=12, choices=Payment.choices, default=Payment.NOT_SURE)
    insurance_carrier = models.CharField(max_length=100, blank=True)
    insurance_member_id = models.CharField("member ID", max_length=40, blank=True)
    insurance_group_number = models.CharField("group number", max_length=40, blank=True)
    insurance_subscriber = models.CharField(
        "policy holder", max_length=8, choices=Subscriber.choices, blank=True
    )
    message = models.TextField(max_length=1000, blank=True)
    referral_source = models.CharField(
        "how they heard about us", max_length=16, choices=ReferralSource.choices, blank=True
    )

    # Consent to be contacted, exactly as shown.
    consent_text = models.TextField()
    consent_version = models.CharField(max_length=20)
    consented_at = models.DateTimeField()

    # First-party attribution of the visit.
    landing_page = models.CharField(max_length=500, blank=True)
    referrer = models.CharField(max_length=500, blank=True)
    utm_source = models.CharField(max_length=200, blank=True)
    utm_medium = models.CharField(max_length=200, blank=True)
    utm_campaign = models.CharField(max_length=200, blank=True)
    utm_term = models.CharField(max_length=200, blank=True)
    utm_content = models.CharField(max_length=200, blank=True)

    # Triage.
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    urgent_terms = models.CharField(
        max_length=200, blank=True, help_text="The words in the message that marked it urgent."
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="later_requests",
        help_text="An earlier request from the same phone or e-mail in the last 30 days.",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_leads",
        limit_choices_to={"is_staff": True},
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    contacted_at = models.DateTimeField(null=True, blank=True)
    contacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # Follow-up bookkeeping. followed_up_at: routed and every staff notification sent, so the
    # sweep leaves it alone. follow_up_attempted_at: a follow-up task last ran then, so the sweep
    # does not start a second retry chain beside a live one.
    routed_at = models.DateTimeField(null=True, blank=True, editable=False)
    followed_up_at = models.DateTimeField(null=True, blank=True, editable=False)
    follow_up_attempted_at = models.DateTimeField(null=True, blank=True, editable=False)
    # One per form display: a double-click or a resent POST finds the lead it already made.
    submission_token = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )

    objects = LeadQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(followed_up_at__isnull=True),
                name="lead_follow_up_unfinished",
            ),
            models.Index(
                fields=["created_at"],
                condition=Q(contacted_at__isnull=True),
                name="lead_awaiting_contact",
            ),
        ]

    def __str__(self) -> str:
        # The number only: this string appears in admin messages, logs and history.
        return f"Lead #{self.pk}"

    @property
    def is_urgent(self) -> bool:
        return self.priority == Priority.URGENT

    def admin_url(self) -> str:
        return reverse("admin:admissions_lead_change", args=[self.pk])


class Purpose(models.TextChoices):
    NEW_LEAD = "new_lead", "New lead"
    ESCALATION = "escalation", "Not contacted in time"
    ACKNOWLEDGMENT = "acknowledgment", "Acknowledgment to the requester"


class NotificationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(sent_at__isnull=True, given_up_at__isnull=True)


class Notification(models.Model):
    """One message about a lead to one recipient on one channel, sent at most once."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="notifications")
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    # Escalations repeat: round 1 at the deadline, round 2 one interval later, and so on.
    round = models.PositiveIntegerField(default=0)
    channel = models.CharField(max_length=32)
    recipient = models.CharField(max_length=254)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Set when the recipient was refused for good (no such address): never tried again.
    given_up_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["lead", "purpose", "round", "channel", "recipient"],
                name="notification_sent_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} for lead #{self.lead_id} to {self.recipient}"


class OnCallShift(models.Model):
    """A one-off shift: this staff member is on call from start to end."""

    staff_member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="on_call_shifts",
        limit_choices_to={"is_staff": True},
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="on_call_shift_ends_after_start",
                violation_error_message="A shift must end after it starts.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff_member} on call from {self.starts_at:%Y-%m-%d %H:%M}"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class WeeklyOnCallShift(models.Model):
    """A shift that repeats every week, in the center's local time.

    An end time at or before the start time means the shift runs past midnight into the next day.
    """

    staff_member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="weekly_on_call_shifts",
        limit_choices_to={"is_staff": True},
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts_at = models.TimeField()
    ends_at = models.TimeField(
        help_text="At or before the start time: the shift ends the next day."
    )

    class Meta:
        ordering = ["weekday", "starts_at"]
        verbose_name = "weekly on-call shift"

    def __str__(self) -> str:
        return (
            f"{self.staff_member} on call {self.get_weekday_display()}s "
            f"{self.starts_at:%H:%M}–{self.ends_at:%H:%M}"
        )

    def covers(self, moment: datetime) -> bool:
        """Whether this shift is on at `moment` (an aware datetime)."""
        local = timezone.localtime(moment)
        overnight = self.ends_at <= self.starts_at
        if local.weekday() == self.weekday:
            return self.starts_at <= local.time() and (overnight or local.time() < self.ends_at)
        day_before = (local.weekday() - 1) % 7
        return overnight and day_before == self.weekday and local.time() < self.ends_at
