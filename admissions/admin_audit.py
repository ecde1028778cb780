"""Admin for the records of what happened to leads, for supervisors; read-only for everyone.

- The audit log (AuditEvent): who read or took out lead data. Reading it is itself recorded
  (one event per page of the list, and per event opened), and so is its CSV export.
- The leads' history (simple-history's HistoricalLead): who changed what, when. It names the
  fields that changed; the values only of the desk's own fields (status, assignment, times),
  never of what the person wrote or who they are. MaskedHistoryContextHelper does the same for
  a lead's own history page (LeadAdmin, a SimpleHistoryAdmin).

Nobody adds, edits or deletes either here, superusers included: they are the record.
Imported by admissions.admin, which registers everything else of the app.
"""

import dataclasses

from django.contrib import admin
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import F, Window
from django.db.models.functions import Lag
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.template_utils import HistoricalRecordContextHelper

from admissions import audit, exports
from admissions.models import AuditAction, AuditEvent, Lead, normalise_reference
from core.changelists import OnlyListFiltersChangeList

HistoricalLead = Lead.history.model

# The lead's fields whose old and new values the history may show: the desk's own work. Any
# other field (names, phone, e-mail, the message, insurance, attribution…) shows as "changed".
HISTORY_VALUES_SHOWN = {
    "status",
    "close_outcome",
    "referred_to",
    "closed_at",
    "closed_by",
    "priority",
    "held_reason",
    "bot_signals",
    "duplicate_of",
    "program",
    "assigned_to",
    "assigned_at",
    "contacted_at",
    "contacted_by",
    "call_attempts",
    "next_call_back_at",
    "routed_at",
    "followed_up_at",
    "anonymised_at",
}


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable with the model's view permission; never added to, changed or deleted."""

    actions = None
    # These tables grow without bound: no count of the whole table on every page.
    show_full_result_count = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def lead_link(self, lead_id, label, exists):
        if not label:
            return ""
        if not exists:
            return label
        url = reverse(
            "admin:admissions_lead_change", args=[lead_id], current_app=self.admin_site.name
        )
        return format_html('<a href="{}">{}</a>', url, label)


def _mark_existing_leads(records, lead_id) -> None:
    """Sets `lead_exists` on each record, in one query: only those get a link."""
    ids = {lead_id(record) for record in records} - {None}
    existing = set(Lead.objects.filter(pk__in=ids).values_list("pk", flat=True))
    for record in records:
        record.lead_exists = lead_id(record) in existing


def _lead_exists(record, lead_id) -> bool:
    if not hasattr(record, "lead_exists"):  # a single record's page
        record.lead_exists = lead_id is not None and Lead.objects.filter(pk=lead_id).exists()
    return record.lead_exists


# --- The audit log -----------------------------------------------------------------------------


class AuditEventChangeList(OnlyListFiltersChangeList):
    def get_results(self, request):
        super().get_results(request)
        self.result_list = list(self.result_list)
        _mark_existing_leads(self.result_list, lambda event: event.lead_id)


AUDIT_COLUMNS = [
    ("At", lambda event: exports.local_iso(event.at)),
    ("User", lambda event: event.username),
    ("Action", lambda event: event.get_action_display()),
    ("Lead reference", lambda event: event.lead_reference),
    ("Lead number", lambda event: event.lead_id),
    ("Detail", lambda event: event.detail),
    ("Results", lambda event: event.result_count),
    ("Client IP", lambda event: event.client_ip),
]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "username", "action", "lead", "detail", "result_count", "client_ip"]
    list_filter = ["action", ("user", admin.RelatedOnlyFieldListFilter)]
    date_hierarchy = "at"
    search_fields = ["username", "lead_reference"]
    search_help_text = "Search by username or lead reference."
    fields = [
        "at",
        "user",
        "username",
        "action",
        "lead",
        "lead_id",
        "detail",
        "result_count",
        "client_ip",
    ]
    readonly_fields = fields

    def get_changelist(self, request, **kwargs):
        return AuditEventChangeList

    def get_urls(self):
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="admissions_auditevent_export",
            ),
            *super().get_urls(),
        ]

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # A reference as read out on the phone: "k7mq 4xpa".
        if reference := normalise_reference(search_term):
            results |= queryset.filter(lead_reference=reference)
        return results, may_have_duplicates

    @admin.display(description="Lead", ordering="lead_reference")
    def lead(self, event):
        label = event.lead_reference or (f"#{event.lead_id}" if event.lead_id else "")
        return self.lead_link(event.lead_id, label, _lead_exists(event, event.lead_id))

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = _rendered_changelist(response)
        if changelist is not None and request.method == "GET":
            audit.record(
                request,
                AuditAction.VIEW_AUDIT,
                detail=exports.describe_filters(changelist),
                result_count=changelist.result_count,
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            audit.record(request, AuditAction.VIEW_AUDIT, detail=f"event #{object_id}")
        return response

    def export_view(self, request):
        """The audit log as the list shows it (filters, search), as CSV, for those who may read
        it; recorded before the first row is sent."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = exports.changelist_for_export(request, self)
        if changelist is None:
            return exports.invalid_filters_redirect(self)
        events = changelist.queryset.iterator(chunk_size=exports.CHUNK_SIZE)
        audit.record(
            request,
            AuditAction.EXPORT_AUDIT,
            detail=exports.describe_filters(changelist),
            result_count=changelist.result_count,
        )
        return exports.csv_response(
            f"audit-log-{timezone.localdate():%Y-%m-%d}.csv",
            [name for name, _ in AUDIT_COLUMNS],
            ([value(event) for _, value in AUDIT_COLUMNS] for event in events),
        )


def _rendered_changelist(response):
    """The list a changelist response shows, or None (a redirect, an error page)."""
    if response.status_code != 200 or not isinstance(response, TemplateResponse):
        return None
    return (response.context_data or {}).get("cl")


# --- The leads' history ------------------------------------------------------------------------


class HistoryChangeList(OnlyListFiltersChangeList):
    """Fetches, for the page's records, the version each one followed (two queries, not one
    per row) and whether the lead is still there."""

    def get_results(self, request):
        super().get_results(request)
        records = list(self.result_list)
        lead_ids = {record.id for record in records}
        previous_of = dict(
            HistoricalLead.objects.filter(id__in=lead_ids)
            .annotate(
                previous_id=Window(
                    Lag("history_id"),
                    partition_by=[F("id")],
                    order_by=[F("history_date").asc(), F("history_id").asc()],
                )
            )
            .values_list("history_id", "previous_id")
        )
        previous = HistoricalLead.objects.in_bulk(
            {previous_of.get(record.history_id) for record in records} - {None}
        )
        for record in records:
            record.previous_version = previous.get(previous_of.get(record.history_id))
        _mark_existing_leads(records, lambda record: record.id)
        self.result_list = records


def changed_fields(record, previous) -> list:
    """The lead's fields that differ between two of its versions, in the model's order.

    diff_against compares the fields a form could edit; the others the services set (call
    attempts, next call-back, anonymised at…) are compared here as well.
    """
    names = set(record.diff_against(previous).changed_fields)
    for field in record.tracked_fields:
        if not field.editable and getattr(record, field.attname) != getattr(
            previous, field.attname
        ):
            names.add(field.name)
    return [field for field in record.tracked_fields if field.name in names]


def _shown_value(record, field) -> str:
    value = getattr(record, field.attname)
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        try:
            return str(getattr(record, field.name))
        except ObjectDoesNotExist:
            return f"#{value} (deleted)"
    if hasattr(value, "tzinfo"):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    return str(value)


@admin.register(HistoricalLead)
class HistoricalLeadAdmin(ReadOnlyAdmin):
    list_display = ["history_date", "history_user", "history_type", "lead", "changes"]
    list_filter = [("history_user", admin.RelatedOnlyFieldListFilter), "history_type"]
    list_select_related = ["history_user"]
    date_hierarchy = "history_date"
    search_fields = ["=reference"]
    search_help_text = "Search by lead reference."
    fields = [
        "history_date",
        "history_user",
        "history_type",
        "history_change_reason",
        "lead",
        "changes_in_detail",
    ]
    readonly_fields = fields

    def get_changelist(self, request, **kwargs):
        return HistoryChangeList

    def get_search_results(self, request, queryset, search_term):
        search_term = normalise_reference(search_term) or search_term
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description="Lead", ordering="reference")
    def lead(self, record):
        label = record.reference or f"#{record.id}"
        return self.lead_link(record.id, label, _lead_exists(record, record.id))

    def _previous(self, record):
        if not hasattr(record, "previous_version"):  # a single record's page
            record.previous_version = record.prev_record
        return record.previous_version

    @admin.display(description="What changed")
    def changes(self, record):
        """The names of the fields that changed, never their values."""
        if record.history_type == "+":
            return "created"
        if record.history_type == "-":
            return "deleted"
        previous = self._previous(record)
        if previous is None:
            return ""
        return ", ".join(str(field.verbose_name) for field in changed_fields(record, previous))

    @admin.display(description="Changes")
    def changes_in_detail(self, record):
        """Old and new values of the desk's own fields; just "changed" for any other."""
        previous = self._previous(record)
        if record.history_type != "~" or previous is None:
            return self.changes(record)
        lines = []
        for field in changed_fields(record, previous):
            if field.name in HISTORY_VALUES_SHOWN:
                change = f"{_shown_value(previous, field)} → {_shown_value(record, field)}"
            else:
                change = "changed"
            lines.append((field.verbose_name, change))
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li><strong>{}</strong>: {}</li>", lines)
        )


class MaskedHistoryContextHelper(HistoricalRecordContextHelper):
    """For SimpleHistoryAdmin's history page of a lead: the changes it lists keep their values
    only for the desk's own fields; any other (the message, names, insurance…) reads "hidden".

    In LeadAdmin: `get_historical_record_context_helper` returns one of these.
    """

    HIDDEN = "(hidden)"

    def format_delta_change(self, change):
        formatted = super().format_delta_change(change)
        if change.field in HISTORY_VALUES_SHOWN:
            return formatted
        return dataclasses.replace(formatted, old=self.HIDDEN, new=self.HIDDEN)
