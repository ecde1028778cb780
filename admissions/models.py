import secrets
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from core.encryption import EncryptedTextField


class ForWhom(models.TextChoices):
    SELF = "self", _("Me")
    SOMEONE_ELSE = "someone_else", _("Someone I care about")


class Relationship(models.TextChoices):
    PARENT = "parent", _("Parent")
    PARTNER = "partner", _("Spouse or partner")
    CHILD = "child", _("Adult child")
    SIBLING = "sibling", _("Brother or sister")
    OTHER_FAMILY = "other_family", _("Other family member")
    FRIEND = "friend", _("Friend")
    PROFESSIONAL = "professional", _("Professional (doctor, therapist, counselor)")
    OTHER = "other", _("Other")


class ContactMethod(models.TextChoices):
    CALL = "call", _("Phone call")
    TEXT = "text", _("Text message")
    EMAIL = "email", _("E-mail")


class BestTime(models.TextChoices):
    ANY = "any", _("Any time")
    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")
    EVENING = "evening", _("Evening")


class Payment(models.TextChoices):
    INSURANCE = "insurance", _("I have insurance")
    SELF_PAY = "self_pay", _("Self-pay")
    NOT_SURE = "not_sure", _("Not sure")


class Subscriber(models.TextChoices):
    SELF = "self", _("The person who needs help")
    OTHER = "other", _("Someone else (for example a parent or spouse)")


class ReferralSource(models.TextChoices):
    SEARCH = "search", _("Search engine")
    CLINICIAN = "clinician", _("Doctor, therapist or counselor")
    HOSPITAL = "hospital", _("Hospital or emergency room")
    FAMILY_FRIEND = "family_friend", _("Family or friend")
    INSURANCE = "insurance", _("Insurance company")
    SOCIAL = "social", _("Social media")
    ALUMNI = "alumni", _("I have been here before")
    OTHER = "other", _("Other")


class LeadKind(models.TextChoices):
    CONSULTATION = "consultation", "Consultation request"
    INFO_SESSION = "info_session", "Information session registration"


class Priority(models.TextChoices):
    NORMAL = "normal", "Normal"
    URGENT = "urgent", "Urgent"


class Status(models.TextChoices):
    """Where a lead stands. Changed only through admissions.triage, which records each change."""

    NEW = "new", "New"
    CONTACT_ATTEMPTED = "contact_attempted", "Contact attempted"
    CONTACTED = "contacted", "Contacted"
    INSURANCE_VERIFICATION = "insurance_verification", "Insurance verification"
    ASSESSMENT_SCHEDULED = "assessment_scheduled", "Assessment scheduled"
    ADMITTED = "admitted", "Admitted"
    CLOSED = "closed", "Closed"


# The order staff move a lead along; closing is separate, with an outcome.
PIPELINE_STATUSES = [
    Status.NEW,
    Status.CONTACT_ATTEMPTED,
    Status.CONTACTED,
    Status.INSURANCE_VERIFICATION,
    Status.ASSESSMENT_SCHEDULED,
    Status.ADMITTED,
]


class CloseOutcome(models.TextChoices):
    NOT_A_FIT = "not_a_fit", "Not a fit"
    REFERRED_OUT = "referred_out", "Referred out"
    UNREACHABLE = "unreachable", "Unreachable"
    DECLINED = "declined", "Declined"
    DUPLICATE = "duplicate", "Duplicate"
    SUSPECTED_SPAM = "suspected_spam", "Suspected spam"
    # Closed by an earlier release, which asked for no outcome.
    NO_CALL_BACK_NEEDED = "no_call_back_needed", "No call-back needed (before outcomes)"


# What staff choose from when closing a lead.
STAFF_CLOSE_OUTCOMES = [
    outcome for outcome in CloseOutcome if outcome != CloseOutcome.NO_CALL_BACK_NEEDED
]


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


# Letters and digits nobody confuses on the phone: no 0/O, 1/I/L, U/V.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
REFERENCE_LENGTH = 8


def new_reference() -> str:
    """A short reference a family can read out on the phone, e.g. "K7MQ-4XPA".

    29⁸ ≈ 5·10¹¹ references: a clash is unlikely and refused by the unique constraint anyway.
    """
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"{code[:4]}-{code[4:]}"


def normalise_reference(text: str) -> str | None:
    """The reference as stored, from what someone typed ("k7mq 4xpa", "K7MQ4XPA"), or None."""
    code = "".join(character for character in text.upper() if character.isalnum())
    if len(code) != REFERENCE_LENGTH or any(c not in REFERENCE_ALPHABET for c in code):
        return None
    return f"{code[:4]}-{code[4:]}"


def overdue_cutoff(now: datetime) -> datetime:
    """Consultation requests received before this and not contacted yet are past
    ADMISSIONS_SLA_MINUTES."""
    return now - timedelta(minutes=settings.ADMISSIONS_SLA_MINUTES)


def info_session_overdue_cutoff(now: datetime) -> datetime:
    """Registrations for an information session (a warm lead, nobody waiting for an urgent
    call-back) received before this and not contacted yet are past their own, longer deadline,
    ADMISSIONS_INFO_SESSION_FOLLOW_UP_HOURS."""
    return now - timedelta(hours=settings.ADMISSIONS_INFO_SESSION_FOLLOW_UP_HOURS)


def follow_up_cutoff(kind: str, now: datetime) -> datetime:
    """Leads of this kind received before this and not contacted yet are overdue (as
    past_follow_up_deadline, for one lead)."""
    if kind == LeadKind.INFO_SESSION:
        return info_session_overdue_cutoff(now)
    return overdue_cutoff(now)


def past_follow_up_deadline(now: datetime) -> Q:
    """Leads received before their kind's deadline: a registration for an information session
    before info_session_overdue_cutoff, any other lead (a consultation request, also one whose
    person was later given a place at a session) before overdue_cutoff."""
    return (~Q(kind=LeadKind.INFO_SESSION) & Q(created_at__lt=overdue_cutoff(now))) | Q(
        kind=LeadKind.INFO_SESSION, created_at__lt=info_session_overdue_cutoff(now)
    )


class LeadQuerySet(models.QuerySet):
    def in_pipeline(self):
        """Leads the follow-up, escalations and digests are about: not held, not closed."""
        return self.filter(held_reason="").exclude(status=Status.CLOSED)

    def awaiting_contact(self):
        return self.in_pipeline().filter(contacted_at__isnull=True)

    def open(self):
        """Not closed and not yet admitted: someone still has something to do."""
        return self.exclude(status__in=[Status.CLOSED, Status.ADMITTED])

    def overdue(self, now: datetime):
        """In the pipeline, nobody has reached out, and the deadline for its kind has passed
        (ADMISSIONS_SLA_MINUTES for a consultation request, ADMISSIONS_INFO_SESSION_FOLLOW_UP_HOURS
        for a registration for an information session)."""
        return self.awaiting_contact().filter(past_follow_up_deadline(now))

    def retention_expired(self, now: datetime):
        """Closed longer ago than LEAD_RETENTION_DAYS and not yet anonymised."""
        kept = timedelta(days=settings.LEAD_RETENTION_DAYS)
        return self.filter(
            status=Status.CLOSED, closed_at__lt=now - kept, anonymised_at__isnull=True
        )

    def to_escalate(self):
        """Consultation requests not contacted yet: in the pipeline, or held for review but
        urgent (a person in danger may be among the held; the reminders are digests, so a flood
        cannot multiply them). A registration for an information session is a warm lead, not
        someone waiting for an urgent call-back: never escalated (it is overdue on the desk, and
        in the daily digest, after its own deadline)."""
        return (
            self.filter(contacted_at__isnull=True)
            .exclude(status=Status.CLOSED)
            .exclude(kind=LeadKind.INFO_SESSION)
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
        return self.filter(same_person(phone, email), created_at__gte=since)


def same_person(phone, email: str) -> Q:
    """Leads with this phone or e-mail (a registration for an information session may give
    no phone: an empty one matches nothing)."""
    matches = Q(pk__in=[])
    if phone:
        matches |= Q(phone=phone)
    if email:
        matches |= Q(email=email)  # stored lowercased
    return matches


class Lead(models.Model):
    """A consultation request from the website, or a registration for an information session:
    the person to call back and what they told us."""

    kind = models.CharField(
        max_length=16,
        choices=LeadKind.choices,
        default=LeadKind.CONSULTATION,
        db_default=LeadKind.CONSULTATION,
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    # Shown to the person on the thank-you page and in the acknowledgment, quoted when they call
    # back. Null only on a lead stored by the previous release during a rolling deploy.
    reference = models.CharField(  # noqa: DJ001
        max_length=9, unique=True, null=True, default=new_reference, editable=False
    )

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
    # Required by the consultation form; a registration for an information session may leave it.
    phone = PhoneNumberField(db_index=True, blank=True)
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
    insurance_member_id = EncryptedTextField("member ID", max_length=40, blank=True)
    insurance_group_number = models.CharField("group number", max_length=40, blank=True)
    insurance_subscriber = models.CharField(
        "policy holder", max_length=8, choices=Subscriber.choices, blank=True
    )
    # Encrypted at rest (core.encryption); max_length applies to the clear text.
    message = EncryptedTextField(max_length=1000, blank=True)
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
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.NEW)
    close_outcome = models.CharField(
        max_length=24, choices=CloseOutcome.choices, blank=True, default="", db_default=""
    )
    referred_to = models.CharField(
        "referred out to", max_length=200, blank=True, default="", db_default=""
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
    contacted_at = models.DateTimeField(
        "first contacted at",
        null=True,
        blank=True,
        help_text="The first call, text or e-mail to them, answered or not: speed-to-lead ends "
        "and escalations stop here.",
    )
    contacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # Kept up to date by admissions.triage, so the desk's list needs no joins.
    call_attempts = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    next_call_back_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Where the visit came from, for filters and the dashboard: the campaign's utm_source, else
    # the referring site, else "direct". Set at intake from the attribution.
    source = models.CharField(max_length=100, blank=True, default="", db_default="")
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)

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
    # Who changed what, when (with the user set by the triage services or the request).
    history = HistoricalRecords(
        excluded_fields=[
            "follow_up_queued_at",
            "follow_up_attempted_at",
            "follow_up_due_by",
            "form_nonce",
            "form_nonce_use",
        ]
    )

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            ("export_lead", "Can export leads"),
            ("reassign_lead", "Can assign leads to anyone"),
            ("view_dashboard", "Can view the admissions dashboard"),
        ]
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
            # The desk's list opens on these: a few hundred among a hundred thousand.
            models.Index(
                fields=["created_at"],
                condition=~Q(status__in=["closed", "admitted"]),
                name="lead_open",
            ),
        ]
        # On PostgreSQL, migration 0008 also indexes the start of each name for the desk's search.
        constraints = [
            models.UniqueConstraint(
                fields=["form_nonce", "form_nonce_use"], name="lead_form_nonce_use_once"
            ),
        ]

    def __str__(self) -> str:
        # The reference only: this string appears in admin messages, logs and history.
        return f"Lead {self.reference or f'#{self.pk}'}"

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
        # A registration's confirmation, with its calendar invitation, says it instead.
        consultation = self.kind == LeadKind.CONSULTATION
        return bool(self.email) and by_email and consultation and self.in_pipeline

    def admin_url(self) -> str:
        return reverse("admin:admissions_lead_change", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def asking_for(self) -> str:
        """Whom the request is for, as staff say it: "for their child Sam", or "" for themselves."""
        if self.for_whom != ForWhom.SOMEONE_ELSE:
            return ""
        person = ASKING_FOR.get(self.relationship, "for someone they care about")
        return f"{person} {self.patient_first_name}".strip()

    def is_overdue(self, now: datetime | None = None) -> bool:
        """As LeadQuerySet.overdue, for one lead."""
        cutoff = follow_up_cutoff(self.kind, now or timezone.now())
        return self.in_pipeline and self.contacted_at is None and self.created_at < cutoff

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None


# The requester's relationship to the person, said the other way round.
ASKING_FOR = {
    Relationship.PARENT: "for their child",
    Relationship.PARTNER: "for their partner",
    Relationship.CHILD: "for their parent",
    Relationship.SIBLING: "for their brother or sister",
    Relationship.OTHER_FAMILY: "for a family member",
    Relationship.FRIEND: "for a friend",
    Relationship.PROFESSIONAL: "for a patient or client",
}


class Purpose(models.TextChoices):
    NEW_LEAD = "new_lead", "New lead"
    ESCALATION = "escalation", "Not contacted in time"
    ACKNOWLEDGMENT = "acknowledgment", "Acknowledgment to the requester"
    DAILY_DIGEST = "daily_digest", "Daily digest"
    FLOOD_ALERT = "flood_alert", "Many requests at once"
    DELIVERY_PROBLEM = "delivery_problem", "An address refused our messages"
    INTAKE_PROBLEM = "intake_problem", "A kept request could not be stored"
    ASSIGNMENT = "assignment", "A lead was assigned to you"
    CALL_BACK_REMINDER = "call_back_reminder", "A call-back is due"
    # To a person registered for an information session (infosessions.messages).
    SESSION_CONFIRMATION = "session_confirmation", "Information session: registered"
    SESSION_WAITLISTED = "session_waitlisted", "Information session: on the waiting list"
    SESSION_SEAT_OPENED = "session_seat_opened", "Information session: a seat opened"
    SESSION_REMINDER = "session_reminder", "Information session: reminder"
    SESSION_UPDATE = "session_update", "Information session: changed"
    SESSION_CANCELLED = "session_cancelled", "Information session: cancelled"
    REGISTRATION_CANCELLED = "registration_cancelled", "Information session: place given up"


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
    message. Staff notifications never hold personal or health details (see
    admissions.notifications); a message to a person registered for an information session
    greets them by name and, for an online session, carries its link, and is anonymised with the
    lead (admissions.retention).
    """

    purpose = models.CharField(max_length=24, choices=Purpose.choices)
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
    # An iCalendar attachment (an information session's invitation), rendered with the message.
    calendar = models.TextField(blank=True, default="", db_default="")
    # Pointless after this (a reminder once the session has started): given up, never sent late.
    send_by = models.DateTimeField(null=True, blank=True)
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
    purpose = models.CharField(max_length=24, choices=Purpose.choices)
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


class ActivityKind(models.TextChoices):
    CALL = "call", "Call"
    TEXT_SENT = "text_sent", "Text sent"
    EMAIL_SENT = "email_sent", "E-mail sent"
    NOTE = "note", "Note"
    STATUS_CHANGE = "status_change", "Status change"
    ASSIGNMENT = "assignment", "Assignment"
    CALL_BACK_SCHEDULED = "call_back_scheduled", "Call-back scheduled"
    INFO_SESSION = "info_session", "Information session"


class CallOutcome(models.TextChoices):
    REACHED = "reached", "Reached"
    NO_ANSWER = "no_answer", "No answer"
    VOICEMAIL = "voicemail", "Left a voicemail"
    WRONG_NUMBER = "wrong_number", "Wrong number"


# Kinds that count as reaching out to the person: the first of them is the first contact.
OUTREACH_KINDS = {ActivityKind.CALL, ActivityKind.TEXT_SENT, ActivityKind.EMAIL_SENT}


class Activity(models.Model):
    """One entry in a lead's timeline: a call, a message, a note, a status change, an assignment.

    Written only by admissions.triage, never edited: the timeline is a record of what was done.
    """

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=24, choices=ActivityKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the system did it (routing, for instance).",
    )
    created_at = models.DateTimeField(default=timezone.now)
    call_outcome = models.CharField(max_length=16, choices=CallOutcome.choices, blank=True)
    # Staff notes may hold health details: encrypted at rest like the request's message.
    note = EncryptedTextField(blank=True)
    from_status = models.CharField(max_length=24, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=24, choices=Status.choices, blank=True)
    close_outcome = models.CharField(max_length=24, choices=CloseOutcome.choices, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    call_back_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["lead", "-created_at"], name="activity_timeline")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.lead_id}"


class CallBackQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(done_at__isnull=True, cancelled_at__isnull=True)

    def due_for_reminder(self, now: datetime):
        return (
            self.pending()
            .filter(due_at__lte=now, reminded_at__isnull=True)
            .exclude(lead__status=Status.CLOSED)
        )


class CallBack(models.Model):
    """A promise to call someone back at a time. Its assignee (or the team inbox) is reminded
    once, when it is due; logging a call or closing the lead settles it."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="call_backs")
    due_at = models.DateTimeField()
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="call_backs",
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    reminded_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = CallBackQuerySet.as_manager()

    class Meta:
        ordering = ["due_at"]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(
                    reminded_at__isnull=True, done_at__isnull=True, cancelled_at__isnull=True
                ),
                name="call_back_awaiting_reminder",
            )
        ]

    def __str__(self) -> str:
        return (
            f"Call-back for lead {self.lead_id} at {timezone.localtime(self.due_at):%Y-%m-%d %H:%M}"
        )


class AuditAction(models.TextChoices):
    VIEW_LEAD = "view_lead", "Viewed a lead"
    SEARCH = "search", "Searched leads"
    EXPORT = "export", "Exported leads"
    ANONYMISE = "anonymise", "Anonymised a lead (retention)"
    VIEW_AUDIT = "view_audit", "Read the audit log"
    EXPORT_AUDIT = "export_audit", "Exported the audit log"
    VIEW_REGISTRATIONS = "view_registrants", "Viewed who registered for a session"


class AuditEvent(models.Model):
    """Who looked at or took out lead data: views, searches, exports, retention.

    Changes to leads are in their history (simple-history); this records reads. Append-only:
    admin offers no add, change or delete, for anyone.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept if the account is deleted later.
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    # No foreign key: the record outlives what it is about.
    lead_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    lead_reference = models.CharField(max_length=9, blank=True)
    # What was searched or exported (the search terms themselves: they are what an auditor needs;
    # removed with the rest after LEAD_RETENTION_DAYS), and how many leads it returned.
    detail = models.CharField(max_length=500, blank=True)
    result_count = models.PositiveIntegerField(null=True, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "-at"], name="audit_by_user")]

    def __str__(self) -> str:
        return f"{self.username or 'system'}: {self.get_action_display()}"
