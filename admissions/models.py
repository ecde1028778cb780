import uuid
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


class CloseOutcome(models.TextChoices):
    NO_CALL_BACK_NEEDED = "no_call_back_needed", "No call-back needed"
    SUSPECTED_SPAM = "suspected_spam", "Suspected spam"


class HoldReason(models.TextChoices):
    """Why a request was stored but not announced: it came in while the form asked browsers for a
    proof of work, without one. Someone reviews it and releases it or closes it as spam."""

    FLOOD = "flood", "Many requests at once"
    ADDRESS_LIMIT = "address_limit", "Many requests from one connection"
    # A bot signal on a request that mentions danger: too risky to close as spam unseen.
    BOT_SIGNAL = "bot_signal", "Looked automated, but mentions danger"


class BotSignal(models.TextChoices):
    HONEYPOT = "honeypot", "Filled in a field people never see"


def new_intake_id() -> str:
    return uuid.uuid4().hex


class LeadQuerySet(models.QuerySet):
    def in_pipeline(self):
        """Leads the follow-up, escalations and digests are about: not held, not closed."""
        return self.filter(held_reason="").exclude(status=Status.CLOSED)

    def awaiting_contact(self):
        return self.in_pipeline().filter(contacted_at__isnull=True)

    def to_escalate(self):
        """Not contacted yet: in the pipeline, or held for review but urgent (a person in danger
        may be among the held; the reminders are digests, so a flood cannot multiply them)."""
        return (
            self.filter(contacted_at__isnull=True)
            .exclude(status=Status.CLOSED)
            .filter(Q(held_reason="") | Q(priority=Priority.URGENT))
        )

    def follow_up_unfinished(self):
        return self.in_pipeline().filter(followed_up_at__isnull=True)

    def held_for_review(self):
        return (
            self.exclude(held_reason="")
            .exclude(status=Status.CLOSED)
            .filter(contacted_at__isnull=True)
        )

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
    phone_extension = models.CharField(max_length=20, blank=True, default="", db_default="")
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
    close_outcome = models.CharField(
        max_length=24, choices=CloseOutcome.choices, blank=True, default="", db_default=""
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    held_reason = models.CharField(
        "held for review",
        max_length=16,
        choices=HoldReason.choices,
        blank=True,
        default="",
        db_default="",
        help_text="Stored but not announced: someone reviews it, then releases it or closes it.",
    )
    bot_signals = models.CharField(
        max_length=100,
        blank=True,
        default="",
        db_default="",
        help_text="Why the request looked automated.",
    )
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

    # Follow-up bookkeeping. followed_up_at: routed, and staff told (at least one staff message
    # delivered, none still pending), so the sweep leaves it alone. follow_up_queued_at and
    # follow_up_attempted_at: when a task was last queued and last started. follow_up_due_by: if
    # the follow-up has not finished by then, the task was lost (a broker restart, a killed
    # worker) and the sweep queues it again; each queueing, start and retry moves it on.
    routed_at = models.DateTimeField(null=True, blank=True, editable=False)
    followed_up_at = models.DateTimeField(null=True, blank=True, editable=False)
    follow_up_queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    follow_up_attempted_at = models.DateTimeField(null=True, blank=True, editable=False)
    follow_up_due_by = models.DateTimeField(null=True, blank=True, editable=False)

    # Exactly once: the same request sent twice (a double click, a resent form, a spooled request
    # stored after a database outage) has the same intake_id and finds the lead already made.
    # Null only on leads stored before it existed, or by a process of the previous release still
    # running during a rolling deploy.
    intake_id = models.CharField(  # noqa: DJ001
        max_length=64, unique=True, null=True, default=new_intake_id, editable=False
    )
    # The form showing it came from; a few leads per showing at most (a person correcting a
    # field), numbered so that concurrent requests cannot exceed the bound.
    form_nonce = models.CharField(
        max_length=64, blank=True, default="", db_default="", editable=False
    )
    form_nonce_use = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)

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
        constraints = [
            models.UniqueConstraint(
                fields=["form_nonce", "form_nonce_use"], name="lead_form_nonce_use_once"
            ),
        ]

    def __str__(self) -> str:
        # The number only: this string appears in admin messages, logs and history.
        return f"Lead #{self.pk}"

    @property
    def is_urgent(self) -> bool:
        return self.priority == Priority.URGENT

    @property
    def is_held(self) -> bool:
        return bool(self.held_reason)

    @property
    def in_pipeline(self) -> bool:
        return not self.held_reason and self.status != Status.CLOSED

    @property
    def wants_email_acknowledgment(self) -> bool:
        # Only to someone who asked to be reached by e-mail: an address typed by anyone else
        # must not bring them mail from a treatment center.
        by_email = self.preferred_contact == ContactMethod.EMAIL
        return bool(self.email) and by_email and self.in_pipeline

    def admin_url(self) -> str:
        return reverse("admin:admissions_lead_change", args=[self.pk])


class Purpose(models.TextChoices):
    NEW_LEAD = "new_lead", "New lead"
    ESCALATION = "escalation", "Not contacted in time"
    ACKNOWLEDGMENT = "acknowledgment", "Acknowledgment to the requester"
    DAILY_DIGEST = "daily_digest", "Daily digest"
    FLOOD_ALERT = "flood_alert", "Many requests at once"
    DELIVERY_PROBLEM = "delivery_problem", "An address refused our messages"
    INTAKE_PROBLEM = "intake_problem", "A kept request could not be stored"


class DispatchQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(sent_at__isnull=True, given_up_at__isnull=True)

    def claimable(self, now: datetime):
        """Pending, and nobody is sending it right now (or whoever was has died)."""
        return self.pending().filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))


class Dispatch(models.Model):
    """One message to one recipient on one channel: about one lead, or a digest about several.

    What is promised: every dispatch is delivered at least once, and never twice because of a
    retry or a second task. A sender claims it (a committed lease) before sending and records the
    send straight after; another task cannot claim it while the lease runs. Only a process killed
    between the mail server accepting the message and that record can cause a second copy, and the
    copy carries the same Message-ID, by which mail systems recognise it as the same message.

    Subject and body are rendered once, when the dispatch is made, so a retry sends the same
    message. They never hold personal or health details (see admissions.notifications).
    """

    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    channel = models.CharField(max_length=32)
    recipient = models.CharField(max_length=254)
    # What makes it this message and no other, e.g. "new_lead:12:0:email:casey@…".
    key = models.CharField(max_length=300, unique=True)
    # The lead a single-lead message is about; digests list theirs through `notifications`.
    lead = models.ForeignKey(
        Lead, on_delete=models.CASCADE, null=True, blank=True, related_name="dispatches"
    )
    subject = models.CharField(max_length=300)
    body = models.TextField()
    message_id = models.CharField("Message-ID", max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Set when the recipient was refused for good (no such address), or after days of failures:
    # never tried again.
    given_up_at = models.DateTimeField(null=True, blank=True)
    # Refused for good by the recipient's server (no such mailbox): its address is skipped for
    # new staff messages for a while, so that they reach someone else.
    refused = models.BooleanField(default=False)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    objects = DispatchQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "dispatches"
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(sent_at__isnull=True, given_up_at__isnull=True),
                name="dispatch_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} to {self.recipient}"

    @property
    def is_pending(self) -> bool:
        return self.sent_at is None and self.given_up_at is None


class NotificationQuerySet(models.QuerySet):
    def pending(self):
        """Not yet in a dispatch, or in one not yet sent or given up."""
        return self.filter(
            Q(dispatch__isnull=True)
            | Q(dispatch__sent_at__isnull=True, dispatch__given_up_at__isnull=True)
        )

    def delivered(self):
        return self.filter(dispatch__sent_at__isnull=False)


class Notification(models.Model):
    """That one recipient is to hear about one lead, for one purpose and round, on one channel.

    Unique, so a lead is announced to each person once however often a task runs; the dispatch
    that carries it (a message of its own, or a digest) says whether it went out.
    """

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="notifications")
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    # Escalations repeat: round 1 at the deadline, round 2 one interval later, and so on.
    round = models.PositiveIntegerField(default=0)
    channel = models.CharField(max_length=32)
    recipient = models.CharField(max_length=254)
    created_at = models.DateTimeField(default=timezone.now)
    dispatch = models.ForeignKey(
        Dispatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )

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


class FloodEpisode(models.Model):
    """A time when new leads arrived faster than ADMISSIONS_FLOOD_LEADS per window.

    At most one is open; supervisors hear once when it opens. While it is open the form asks for a
    proof of work, and requests without one are held for review.
    """

    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    is_open = models.BooleanField(default=True)
    leads_in_window_at_start = models.PositiveIntegerField()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_open"], condition=Q(is_open=True), name="one_open_flood_episode"
            )
        ]

    def __str__(self) -> str:
        return f"Flood from {timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"


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
        # In the center's time zone, as staff read their rota.
        starts = timezone.localtime(self.starts_at)
        return f"{self.staff_member} on call from {starts:%Y-%m-%d %H:%M}"


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
