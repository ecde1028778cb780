"""CSV exports from admin: the leads list for supervisors, and the audit log (admin_audit).

The lead export holds what is needed to work the pipeline elsewhere: who, how to reach them,
where the lead stands. Never the message or the insurance member ID: health details stay in
the system. Every export is recorded (admissions.audit) before the first row is sent, so the
record exists even if the download is abandoned half-way.
"""

import csv
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ALL_VAR, ERROR_FLAG, PAGE_VAR
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from admissions import audit
from admissions.models import Lead

EXPORT_PERMISSION = "admissions.export_lead"
CHUNK_SIZE = 2000
# Rows written per chunk of the response: fewer, larger writes than one per row.
ROWS_PER_CHUNK = 200

# A spreadsheet treats a cell starting with one of these as a formula (or, for tab and carriage
# return, strips them and then does): a name typed on the website as "=HYPERLINK(…)" must reach
# the supervisor's spreadsheet as text. A leading apostrophe makes it text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")

LEAD_COLUMNS: list[tuple[str, Callable[[Lead], object]]] = [
    ("Reference", lambda lead: lead.reference or f"#{lead.pk}"),
    ("Received", lambda lead: local_iso(lead.created_at)),
    ("Status", lambda lead: lead.get_status_display()),
    ("Close outcome", lambda lead: lead.get_close_outcome_display()),
    ("Referred out to", lambda lead: lead.referred_to),
    ("Priority", lambda lead: lead.get_priority_display()),
    ("Program", lambda lead: lead.program.name if lead.program else ""),
    ("Source", lambda lead: lead.source),
    ("Referral source", lambda lead: lead.get_referral_source_display()),
    ("First name", lambda lead: lead.first_name),
    ("Last name", lambda lead: lead.last_name),
    # As the desk says it: "for their child Sam"; the person who wrote, for themselves.
    ("Asking for", lambda lead: lead.asking_for or "for themselves"),
    ("Phone", lambda lead: lead.phone.as_e164 if lead.phone else ""),
    ("E-mail", lambda lead: lead.email),
    ("Preferred contact", lambda lead: lead.get_preferred_contact_display()),
    ("Assigned to", lambda lead: staff_name(lead.assigned_to)),
    ("Assigned at", lambda lead: local_iso(lead.assigned_at)),
    ("First contacted at", lambda lead: local_iso(lead.contacted_at)),
    ("Call attempts", lambda lead: lead.call_attempts),
    ("Next call-back", lambda lead: local_iso(lead.next_call_back_at)),
    ("Closed at", lambda lead: local_iso(lead.closed_at)),
]
# Loaded for nothing in the file: not decrypted, not held in memory while streaming.
LEAD_FIELDS_NOT_EXPORTED = ["message", "insurance_member_id", "consent_text", "urgent_terms"]


def export_view(request, model_admin):
    """/admin/admissions/lead/export/?<the list's filters and search>: the leads the list shows,
    as CSV, for those with `admissions.export_lead`."""
    if not (
        request.user.has_perm(EXPORT_PERMISSION)
        and model_admin.has_view_or_change_permission(request)
    ):
        raise PermissionDenied
    changelist = changelist_for_export(request, model_admin)
    if changelist is None:
        return invalid_filters_redirect(model_admin)
    queryset = (
        changelist.queryset.select_related("program", "assigned_to")
        .defer(*LEAD_FIELDS_NOT_EXPORTED)
        .iterator(chunk_size=CHUNK_SIZE)
    )
    audit.record_export(request, describe_filters(changelist), changelist.result_count)
    return csv_response(
        f"leads-{timezone.localdate():%Y-%m-%d}.csv",
        [name for name, _ in LEAD_COLUMNS],
        ([value(lead) for _, value in LEAD_COLUMNS] for lead in queryset),
    )


# --- Shared with the audit log's export -------------------------------------------------------


def changelist_for_export(request, model_admin):
    """The admin list as this request's query string makes it (filters, search, ordering), or
    None if the list would refuse those filters. Every row, not a page of them.

    Its `queryset` is what to export; its `result_count` (counted when it was built) how many.
    A lookup the list does not offer raises, as it does on the list itself.
    """
    request.GET = request.GET.copy()
    for paging in (PAGE_VAR, ALL_VAR, ERROR_FLAG):
        request.GET.pop(paging, None)
    try:
        return model_admin.get_changelist_instance(request)
    except IncorrectLookupParameters:
        return None


def invalid_filters_redirect(model_admin):
    """As the list does with filters it cannot apply: to the list, which says so."""
    opts = model_admin.model._meta
    url = reverse(
        f"admin:{opts.app_label}_{opts.model_name}_changelist",
        current_app=model_admin.admin_site.name,
    )
    return HttpResponseRedirect(f"{url}?{ERROR_FLAG}=1")


def describe_filters(changelist) -> str:
    """The list's filters and search as its query string gave them, for the audit log:
    "priority=urgent; status=new; search: K7MQ-4XPA", or "no filters" (the list as it opens).
    The list accepts only its own filters, so nothing in here is personal beyond what was
    searched for, which is what an auditor needs."""
    parts = [
        f"{name}={','.join(values) if isinstance(values, list) else values}"
        for name, values in sorted(changelist.get_filters_params().items())
    ]
    if changelist.query:
        parts.append(f"search: {changelist.query}")
    return "; ".join(parts) or "no filters (the list as it opens)"


def csv_response(
    filename: str, header: list[str], rows: Iterable[Iterable[object]]
) -> StreamingHttpResponse:
    """A CSV download streamed row by row, each cell safe to open in a spreadsheet."""
    response = StreamingHttpResponse(_csv_chunks(header, rows), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Personal data: kept by no cache, shared or the browser's.
    response["Cache-Control"] = "no-store, private"
    return response


def safe_cell(value: object) -> str:
    """The cell as text, with an apostrophe in front of what a spreadsheet would run."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return f"'{text}"
    return text


def local_iso(moment: datetime | None) -> str:
    """In the center's time zone, to the second: 2026-11-24T18:05:00-05:00."""
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


def staff_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


class _Echo:
    """What csv.writer writes to: hands each line back instead of storing it."""

    def write(self, line: str) -> str:
        return line


def _csv_chunks(header: list[str], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # A byte-order mark, so spreadsheets read the file as UTF-8 (accents in names).
    chunk = ["\ufeff", writer.writerow([safe_cell(name) for name in header])]
    for row in rows:
        chunk.append(writer.writerow([safe_cell(value) for value in row]))
        if len(chunk) >= ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk)
