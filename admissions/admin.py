from django.contrib import admin, messages
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.utils import timezone
from django.utils.timesince import timesince

from admissions import services
from admissions.attribution import UTM_PARAMETERS
from admissions.models import (
    CloseOutcome,
    Dispatch,
    FloodEpisode,
    Lead,
    Notification,
    OnCallShift,
    Status,
    WeeklyOnCallShift,
)

SUBMITTED_FIELDS = [
    "created_at",
    "for_whom",
    "first_name",
    "last_name",
    "relationship",
    "patient_first_name",
    "phone",
    "phone_extension",
    "email",
    "preferred_contact",
    "best_time",
    "program",
    "payment",
    "insurance_carrier",
    "insurance_member_id",
    "insurance_group_number",
    "insurance_subscriber",
    "message",
    "referral_source",
]
# Status changes only through the actions below, which keep contact times and escalations in step.
STAFF_SET_FIELDS = ["assigned_to", "status"]
PRIORITY_FIELDS = ["priority", "urgent_terms", "duplicate_of"]
REVIEW_FIELDS = ["held_reason", "bot_signals", "close_outcome", "closed_at", "closed_by"]
FOLLOW_UP_FIELDS = [
    "assigned_at",
    "contacted_at",
    "contacted_by",
    "routed_at",
    "followed_up_at",
    "follow_up_queued_at",
    "follow_up_attempted_at",
]
CONSENT_FIELDS = ["consent_text", "consent_version", "consented_at"]
ATTRIBUTION_FIELDS = ["landing_page", "referrer", *UTM_PARAMETERS]


class OnlyListFiltersChangeList(ChangeList):
    """Refuses any lookup in the list's URL that is not one of its own filters.

    Admin accepts lookups on any field by default (?phone=…, ?message__icontains=…), and the
    list's query string then travels in every change link, the browser history and access logs:
    personal data must not. The search box's own `q` stays; searches are by number only.
    """

    def get_filters(self, request):
        asked = set(self.get_filters_params())
        filter_specs, has_filters, remaining, *rest = super().get_filters(request)
        # What the list filters and the date hierarchy did not consume is a free-form lookup.
        allowed = set()
        if self.date_hierarchy and f"{self.date_hierarchy}__year" in asked:
            allowed = {f"{self.date_hierarchy}__gte", f"{self.date_hierarchy}__lt"}
        if unexpected := set(remaining) - allowed:
            raise DisallowedModelAdminLookup(
                f"Filtering by {', '.join(sorted(unexpected))} is not allowed here"
            )
        return filter_specs, has_filters, remaining, *rest


class ReviewFilter(admin.SimpleListFilter):
    """Requests stored but kept from the pipeline: held for review, or closed as spam."""

    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("held", "Held for review"), ("spam", "Suspected spam")]

    def queryset(self, request, queryset):
        if self.value() == "held":
            return queryset.held_for_review()
        if self.value() == "spam":
            return queryset.filter(close_outcome=CloseOutcome.SUSPECTED_SPAM)
        if self.value():
            raise IncorrectLookupParameters(self.value())
        return queryset


class NotificationInline(admin.TabularInline):
    model = Notification
    extra = 0
    can_delete = False
    fields = ["purpose", "round", "channel", "recipient", "delivery"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("dispatch")

    @admin.display(description="Delivery")
    def delivery(self, notification):
        dispatch = notification.dispatch
        if dispatch is None:
            return "not yet"
        if dispatch.sent_at:
            return f"sent {timezone.localtime(dispatch.sent_at):%Y-%m-%d %H:%M}"
        if dispatch.given_up_at:
            return f"given up: {dispatch.last_error}"
        return f"pending after {dispatch.attempts} attempt(s) {dispatch.last_error}".strip()


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "created_at",
        "priority",
        "status",
        "review",
        "assigned_to",
        "waiting_or_time_to_contact",
        "possible_duplicate",
    ]
    list_filter = ["status", "priority", ReviewFilter, "assigned_to"]
    list_select_related = ["assigned_to"]
    # Search by number only: admin searches travel in the URL, and names or phone numbers
    # must not end up in logs or browser history.
    search_fields = ["=id"]
    search_help_text = "Search by lead number."
    date_hierarchy = "created_at"
    actions = ["record_contact", "close", "release_held", "restore_from_spam"]
    inlines = [NotificationInline]
    # Staff set status and assignment; what the visitor sent and what the system did are records.
    readonly_fields = [
        "status",
        *PRIORITY_FIELDS,
        *REVIEW_FIELDS,
        *SUBMITTED_FIELDS,
        *FOLLOW_UP_FIELDS,
        *CONSENT_FIELDS,
        *ATTRIBUTION_FIELDS,
    ]
    fieldsets = [
        ("Triage", {"fields": [*STAFF_SET_FIELDS, *PRIORITY_FIELDS]}),
        ("Review", {"fields": REVIEW_FIELDS}),
        ("Request", {"fields": SUBMITTED_FIELDS}),
        ("Follow-up", {"fields": FOLLOW_UP_FIELDS}),
        ("Consent", {"fields": CONSENT_FIELDS}),
        ("How they found us", {"classes": ["collapse"], "fields": ATTRIBUTION_FIELDS}),
    ]

    def get_changelist(self, request, **kwargs):
        return OnlyListFiltersChangeList

    def has_add_permission(self, request):
        # Leads arrive through the website; staff never type them in here.
        return False

    @admin.display(description="Lead", ordering="id")
    def number(self, lead):
        return f"#{lead.pk}"

    @admin.display(description="Review")
    def review(self, lead):
        if lead.close_outcome == CloseOutcome.SUSPECTED_SPAM:
            return "Suspected spam"
        if lead.held_reason:
            return f"Held: {lead.get_held_reason_display().lower()}"
        return ""

    @admin.display(description="Waiting / time to contact")
    def waiting_or_time_to_contact(self, lead):
        if lead.contacted_at:
            return f"contacted after {timesince(lead.created_at, lead.contacted_at)}"
        if lead.status == Status.CLOSED:
            return "closed"
        return f"waiting {timesince(lead.created_at, timezone.now())}"

    @admin.display(description="Possible duplicate", boolean=True)
    def possible_duplicate(self, lead):
        return lead.duplicate_of_id is not None

    @admin.action(description="Record contact: we reached them", permissions=["change"])
    def record_contact(self, request, queryset):
        recorded = sum(services.record_contact(lead, by=request.user) for lead in queryset)
        self.message_user(request, f"Contact recorded for {recorded} lead(s).", messages.SUCCESS)

    @admin.action(
        description="Close: no call-back needed (spam, test, handled elsewhere)",
        permissions=["change"],
    )
    def close(self, request, queryset):
        closed = sum(services.close_lead(lead, by=request.user) for lead in queryset)
        self.message_user(request, f"Closed {closed} lead(s).", messages.SUCCESS)

    @admin.action(
        description="Release held requests: a real person, follow up now", permissions=["change"]
    )
    def release_held(self, request, queryset):
        released = sum(services.release_held_lead(lead, by=request.user) for lead in queryset)
        self.message_user(request, f"Released {released} lead(s).", messages.SUCCESS)

    @admin.action(description="Not spam: reopen and follow up now", permissions=["change"])
    def restore_from_spam(self, request, queryset):
        restored = sum(services.restore_lead(lead, by=request.user) for lead in queryset)
        self.message_user(request, f"Reopened {restored} lead(s).", messages.SUCCESS)


@admin.register(Dispatch)
class DispatchAdmin(admin.ModelAdmin):
    """What was sent to whom, and what failed: read-only, for looking into a missed alert."""

    list_display = ["created_at", "purpose", "channel", "recipient", "sent_at", "given_up_at"]
    list_filter = ["purpose", "channel"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in Dispatch._meta.fields]

    def get_changelist(self, request, **kwargs):
        return OnlyListFiltersChangeList

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FloodEpisode)
class FloodEpisodeAdmin(admin.ModelAdmin):
    list_display = ["started_at", "ended_at", "leads_in_window_at_start"]
    readonly_fields = ["started_at", "ended_at", "is_open", "leads_in_window_at_start"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OnCallShift)
class OnCallShiftAdmin(admin.ModelAdmin):
    list_display = ["staff_member", "starts_at", "ends_at"]
    list_filter = ["staff_member"]
    date_hierarchy = "starts_at"


@admin.register(WeeklyOnCallShift)
class WeeklyOnCallShiftAdmin(admin.ModelAdmin):
    list_display = ["staff_member", "weekday", "starts_at", "ends_at"]
    list_filter = ["weekday", "staff_member"]
