"""The admissions desk in Django admin: the lead list (pinned, filtered, searched), the lead page
with its action buttons (admissions.desk), and the records around leads (deliveries, floods,
on-call shifts)."""

from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, IntegerField, Max, Prefetch, Q, Value, When
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince
from simple_history.admin import SimpleHistoryAdmin

from admissions import admin_audit, audit, dashboard, desk, exports, triage
from admissions.models import (
    CloseOutcome,
    Dispatch,
    FloodEpisode,
    Lead,
    LeadKind,
    OnCallShift,
    Priority,
    Status,
    WeeklyOnCallShift,
    past_follow_up_deadline,
)
from admissions.search import search_leads
from core.changelists import FilterWithDefault, OnlyListFiltersChangeList
from programs.models import Program

# Columns the list never shows, left out of its rows (the lead page loads its lead whole).
LIST_LEAVES_OUT = [
    "message",
    "insurance_member_id",
    "insurance_carrier",
    "insurance_group_number",
    "consent_text",
    "landing_page",
    "referrer",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "urgent_terms",
    "bot_signals",
    "intake_id",
    "form_nonce",
]
USER_NAME_FIELDS = ["pk", "username", "first_name", "last_name"]
# How the list ranks leads (see LeadAdmin.get_queryset): pinned first, then waiting, then the rest.
URGENT_WAITING, OVERDUE, WAITING, DONE_OR_CONTACTED = 0, 1, 2, 3


class StatusFilter(FilterWithDefault):
    """Open leads by default (not closed, not admitted): the desk's work. A search looks at all."""

    title = "status"
    parameter_name = "status"
    default_label = "Open (default)"

    def lookups(self, request, model_admin):
        return [("all", "All"), *Status.choices]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            if request.GET.get("q") or request.GET.get("review"):
                return queryset
            return queryset.open()
        if value == "all":
            return queryset
        if value in Status.values:
            return queryset.filter(status=value)
        raise IncorrectLookupParameters(value)


class AssignedFilter(admin.SimpleListFilter):
    title = "assigned to"
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("mine", "Mine"), ("unassigned", "Unassigned")]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "unassigned":
            return queryset.filter(assigned_to__isnull=True)
        if self.value():
            raise IncorrectLookupParameters(self.value())
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [
            (
                "yes",
                f"Not contacted in time ({settings.ADMISSIONS_SLA_MINUTES} minutes; info "
                f"sessions {settings.ADMISSIONS_INFO_SESSION_FOLLOW_UP_HOURS} hours)",
            )
        ]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue(timezone.now())
        if self.value():
            raise IncorrectLookupParameters(self.value())
        return queryset


SOURCES_CACHE_KEY = "admissions:desk:recent-sources"
SOURCES_CACHE_SECONDS = 300


def recent_sources() -> list[str]:
    since = timezone.now() - timedelta(days=90)
    return list(
        Lead.objects.filter(created_at__gte=since)
        .exclude(source="")
        .order_by("source")
        .values_list("source", flat=True)
        .distinct()[:30]
    )


class SourceFilter(admin.SimpleListFilter):
    """Where visits came from, among the last 90 days' leads (not a scan of every lead ever)."""

    title = "source"
    parameter_name = "source"

    def lookups(self, request, model_admin):
        # Kept a few minutes: reading 90 days of leads on every page load costs more than a new
        # source showing up in the filter a little late.
        try:
            sources = cache.get_or_set(SOURCES_CACHE_KEY, recent_sources, SOURCES_CACHE_SECONDS)
        except Exception:  # each cache backend raises its own connection errors
            sources = recent_sources()  # the desk must work while Redis is down
        return [(source, source) for source in sources]

    def queryset(self, request, queryset):
        return queryset.filter(source=self.value()) if self.value() else queryset


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


@admin.register(Lead)
class LeadAdmin(SimpleHistoryAdmin):
    # Past versions are read in the list, never opened as a form (history_form_view).
    object_history_list_template = "admin/history_without_version_forms.html"
    list_display = [
        "reference_link",
        "received",
        "who",
        "program_name",
        "attention",
        "status_shown",
        "assignee",
        "call_attempts",
        "next_call_back",
    ]
    list_display_links = ["reference_link"]
    list_filter = [
        StatusFilter,
        "kind",
        "priority",
        "program",
        AssignedFilter,
        OverdueFilter,
        SourceFilter,
        ("created_at", admin.DateFieldListFilter),
        ReviewFilter,
        "close_outcome",
    ]
    # Program and assignee come in two small queries for the page's rows (prefetched in
    # get_queryset): joined in, they would be joined to every lead the list sorts.
    list_select_related = []
    list_per_page = 50
    # A full count of every lead on each page load costs more than it tells: the filtered count
    # is enough.
    show_full_result_count = False
    search_fields = ["reference"]  # shows the box; search_leads does the searching
    search_help_text = (
        "Reference (K7MQ-4XPA), name, e-mail or phone number in any format. Searches look "
        "through every lead, open or closed, and are recorded."
    )
    actions = ["release_held", "restore_from_spam"]
    history_list_display = ["status", "assigned_to"]

    class Media:
        css = {"all": ["admissions/desk.css"]}
        js = ["admissions/desk-poll.js"]

    # --- The list ------------------------------------------------------------------------------

    def get_changelist(self, request, **kwargs):
        return OnlyListFiltersChangeList

    def get_queryset(self, request):
        past_deadline = past_follow_up_deadline(timezone.now())
        # Waiting for a first contact. Held requests (a flood) wait for review instead and are
        # not pinned, unless urgent: a person in danger may be among them.
        not_reached = Q(contacted_at__isnull=True) & ~Q(status=Status.CLOSED)
        waiting = not_reached & Q(held_reason="")
        return (
            super()
            .get_queryset(request)
            # The list sorts every matching row: the narrower the rows, the faster (and what the
            # person wrote is never decrypted for a list that does not show it).
            .defer(*LIST_LEAVES_OUT)
            .prefetch_related(
                Prefetch("program", Program.objects.only("pk", "name")),
                Prefetch("assigned_to", get_user_model().objects.only(*USER_NAME_FIELDS)),
            )
            .annotate(
                desk_rank=Case(
                    When(not_reached & Q(priority=Priority.URGENT), then=Value(URGENT_WAITING)),
                    When(waiting & past_deadline, then=Value(OVERDUE)),
                    When(waiting, then=Value(WAITING)),
                    default=Value(DONE_OR_CONTACTED),
                    output_field=IntegerField(),
                )
            )
        )

    def get_ordering(self, request):
        # Urgent and overdue first, oldest first; then the others still waiting, oldest first;
        # then everything else, newest first.
        waiting_since = Case(When(desk_rank__lt=DONE_OR_CONTACTED, then=F("created_at")))
        return [F("desk_rank").asc(), waiting_since.asc(nulls_last=True), F("created_at").desc()]

    def get_search_results(self, request, queryset, search_term):
        if request.resolver_match and request.resolver_match.url_name == "autocomplete":
            # Admin's autocomplete endpoint would search leads outside the audited list.
            raise PermissionDenied
        return search_leads(queryset, search_term), False

    def changelist_view(self, request, extra_context=None):
        latest = Lead.objects.aggregate(latest=Max("pk"))["latest"] or 0
        response = super().changelist_view(
            request,
            extra_context={
                **(extra_context or {}),
                "title": "Leads",
                "latest_lead_id": latest,
                "poll_seconds": settings.ADMISSIONS_DESK_POLL_SECONDS,
                "can_export": request.user.has_perm("admissions.export_lead"),
                "can_see_dashboard": request.user.has_perm("admissions.view_dashboard"),
            },
        )
        changelist = getattr(response, "context_data", {}).get("cl")
        # Every answer to a search is recorded, the list's own redraws included: a header any
        # client can send must not turn the record off.
        if changelist is not None and changelist.query:
            audit.record_search(request, changelist.query, changelist.result_count)
        return response

    @admin.display(description="Reference", ordering="reference")
    def reference_link(self, lead):
        return lead.reference or f"#{lead.pk}"

    @admin.display(description="Received", ordering="created_at")
    def received(self, lead):
        return format_html(
            '<time datetime="{}">{}</time><span class="desk-age">{} ago</span>',
            timezone.localtime(lead.created_at).isoformat(),
            desk.short_time(lead.created_at),
            timesince(lead.created_at, timezone.now(), depth=1),
        )

    @admin.display(description="Who")
    def who(self, lead):
        about = (
            "registered for an information session"
            if lead.kind == LeadKind.INFO_SESSION
            else lead.asking_for
        )
        if not about:
            return lead.full_name
        return format_html('{}<span class="desk-for">{}</span>', lead.full_name, about)

    @admin.display(description="Program", ordering="program__name")
    def program_name(self, lead):
        return lead.program.name if lead.program else "Not sure yet"

    @admin.display(description="Needs")
    def attention(self, lead):
        return desk.attention_flags(lead)

    @admin.display(description="Status", ordering="status")
    def status_shown(self, lead):
        return desk.status_label(lead)

    @admin.display(description="Assigned to", ordering="assigned_to__first_name")
    def assignee(self, lead):
        person = lead.assigned_to
        return (person.get_full_name() or person.get_username()) if person else ""

    @admin.display(description="Next call-back", ordering="next_call_back_at")
    def next_call_back(self, lead):
        if not lead.next_call_back_at:
            return ""
        due = desk.short_time(lead.next_call_back_at)
        if lead.next_call_back_at <= timezone.now():
            return format_html(
                '<span class="desk-flag desk-flag-due">{} Due {}</span>', desk.icon("bell"), due
            )
        return due

    # --- The lead page -------------------------------------------------------------------------

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(partial(function, model_admin=self))

        return [
            path("dashboard/", view(dashboard.dashboard_view), name="admissions_lead_dashboard"),
            path("export/", view(exports.export_view), name="admissions_lead_export"),
            path("poll/", view(desk.poll_view), name="admissions_lead_poll"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        lead = self.get_object(request, unquote(object_id))
        if lead is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, lead):
            raise PermissionDenied
        return desk.lead_page(request, lead, model_admin=self)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A past version is read in the history list. Its form would let anyone with change
        # permission rewrite the lead (and show what the person wrote, unaudited): changes go
        # through the desk's services only.
        raise PermissionDenied

    def get_historical_record_context_helper(self, request, historical_record):
        # The history page shows old and new values: only the desk's own fields, never what the
        # person wrote or their names.
        return admin_audit.MaskedHistoryContextHelper(self.model, historical_record)

    def has_add_permission(self, request):
        # Leads arrive through the website; staff never type them in here.
        return False

    def has_delete_permission(self, request, obj=None):
        # Nobody deletes a lead here, superusers included: removal is retention's job.
        return False

    # --- Review actions on the list -------------------------------------------------------------

    @admin.action(
        description="Release held requests: a real person, follow up now", permissions=["change"]
    )
    def release_held(self, request, queryset):
        released = sum(triage.release_held_lead(lead, by=request.user) for lead in queryset)
        self.message_user(request, f"Released {released} lead(s).", messages.SUCCESS)

    @admin.action(description="Not spam: reopen and follow up now", permissions=["change"])
    def restore_from_spam(self, request, queryset):
        restored = sum(triage.restore_lead(lead, by=request.user) for lead in queryset)
        self.message_user(request, f"Reopened {restored} lead(s).", messages.SUCCESS)


@admin.register(Dispatch)
class DispatchAdmin(admin.ModelAdmin):
    """What was sent to whom, and what failed: read-only, for looking into a missed alert."""

    list_display = ["created_at", "purpose", "channel", "recipient", "sent_at", "given_up_at"]
    list_filter = ["purpose", "channel", ("created_at", admin.DateFieldListFilter)]
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
