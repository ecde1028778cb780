from django.contrib import admin, messages
from django.utils import timezone
from django.utils.timesince import timesince

from admissions import services
from admissions.attribution import UTM_PARAMETERS
from admissions.models import Lead, Notification, OnCallShift, WeeklyOnCallShift

SUBMITTED_FIELDS = [
    "created_at",
    "for_whom",
    "first_name",
    "last_name",
    "relationship",
    "patient_first_name",
    "phone",
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
FOLLOW_UP_FIELDS = ["assigned_at", "contacted_at", "contacted_by", "routed_at", "followed_up_at"]
CONSENT_FIELDS = ["consent_text", "consent_version", "consented_at"]
ATTRIBUTION_FIELDS = ["landing_page", "referrer", *UTM_PARAMETERS]


class NotificationInline(admin.TabularInline):
    model = Notification
    extra = 0
    can_delete = False
    fields = ["purpose", "round", "channel", "recipient", "sent_at", "attempts", "last_error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "created_at",
        "priority",
        "status",
        "assigned_to",
        "waiting_or_time_to_contact",
        "possible_duplicate",
    ]
    list_filter = ["status", "priority", "assigned_to"]
    list_select_related = ["assigned_to"]
    # Search by number only: admin searches travel in the URL, and names or phone numbers
    # must not end up in logs or browser history.
    search_fields = ["=id"]
    search_help_text = "Search by lead number."
    date_hierarchy = "created_at"
    actions = ["record_contact", "close"]
    inlines = [NotificationInline]
    # Staff set status and assignment; what the visitor sent and what the system did are records.
    readonly_fields = [
        "status",
        *PRIORITY_FIELDS,
        *SUBMITTED_FIELDS,
        *FOLLOW_UP_FIELDS,
        *CONSENT_FIELDS,
        *ATTRIBUTION_FIELDS,
    ]
    fieldsets = [
        ("Triage", {"fields": [*STAFF_SET_FIELDS, *PRIORITY_FIELDS]}),
        ("Request", {"fields": SUBMITTED_FIELDS}),
        ("Follow-up", {"fields": FOLLOW_UP_FIELDS}),
        ("Consent", {"fields": CONSENT_FIELDS}),
        ("How they found us", {"classes": ["collapse"], "fields": ATTRIBUTION_FIELDS}),
    ]

    def has_add_permission(self, request):
        # Leads arrive through the website; staff never type them in here.
        return False

    @admin.display(description="Lead", ordering="id")
    def number(self, lead):
        return f"#{lead.pk}"

    @admin.display(description="Waiting / time to contact")
    def waiting_or_time_to_contact(self, lead):
        if lead.contacted_at:
            return f"contacted after {timesince(lead.created_at, lead.contacted_at)}"
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


@admin.register(OnCallShift)
class OnCallShiftAdmin(admin.ModelAdmin):
    list_display = ["staff_member", "starts_at", "ends_at"]
    list_filter = ["staff_member"]
    date_hierarchy = "starts_at"


@admin.register(WeeklyOnCallShift)
class WeeklyOnCallShiftAdmin(admin.ModelAdmin):
    list_display = ["staff_member", "weekday", "starts_at", "ends_at"]
    list_filter = ["weekday", "staff_member"]
