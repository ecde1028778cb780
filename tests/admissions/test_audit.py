"""The audit log and the leads' history in admin: read-only for everyone, for supervisors; the
audit log records its own readers and exports as CSV; the history names what changed without
showing what the person wrote."""

import csv
import io

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from admissions import triage
from admissions.models import AuditAction, AuditEvent, Lead, Status
from tests.admissions.factories import (
    AdmissionsStaffFactory,
    LeadFactory,
    MarketingFactory,
    SupervisorFactory,
)
from tests.factories import SuperuserFactory
from tests.staff_sign_in import sign_in

pytestmark = pytest.mark.django_db

HistoricalLead = Lead.history.model
AUDIT_LOG = reverse("admin:admissions_auditevent_changelist")
AUDIT_EXPORT = reverse("admin:admissions_auditevent_export")
HISTORY = reverse("admin:admissions_historicallead_changelist")
MESSAGE = "I have been drinking every night since the divorce."


def signed_in(client, user):
    sign_in(client, user)
    client.user = user
    return client


@pytest.fixture
def supervisor(client):
    return signed_in(client, SupervisorFactory(username="dana"))


@pytest.fixture
def superuser(client):
    return signed_in(client, SuperuserFactory())


def event(**fields) -> AuditEvent:
    return AuditEvent.objects.create(
        **{"username": "casey", "action": AuditAction.VIEW_LEAD, **fields}
    )


def audit_reads() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditAction.VIEW_AUDIT))


def exported(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def a_history_record():
    return HistoricalLead.objects.get(id=LeadFactory().pk)


# --- Read-only, for everyone ---------------------------------------------------------------------


@pytest.mark.parametrize("model", [AuditEvent, HistoricalLead])
def test_nobody_adds_changes_or_deletes_records_superusers_included(rf, model):
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = SuperuserFactory()

    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert not model_admin.get_actions(request)


def test_a_superuser_cannot_edit_or_delete_an_audit_event(superuser):
    record = event(detail="searched")
    name = "admin:admissions_auditevent"

    assert superuser.get(reverse(f"{name}_add")).status_code == 403
    assert superuser.get(reverse(f"{name}_change", args=[record.pk])).status_code == 200
    response = superuser.post(reverse(f"{name}_change", args=[record.pk]), {"detail": "nothing"})
    assert response.status_code == 403
    assert superuser.get(reverse(f"{name}_delete", args=[record.pk])).status_code == 403
    response = superuser.post(reverse(f"{name}_delete", args=[record.pk]), {"post": "yes"})
    assert response.status_code == 403
    superuser.post(
        AUDIT_LOG, {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"}
    )
    record.refresh_from_db()
    assert record.detail == "searched"


def test_a_superuser_cannot_edit_or_delete_a_leads_history(superuser):
    record = a_history_record()
    name = "admin:admissions_historicallead"

    assert superuser.get(reverse(f"{name}_add")).status_code == 403
    assert superuser.get(reverse(f"{name}_change", args=[record.pk])).status_code == 200
    response = superuser.post(
        reverse(f"{name}_change", args=[record.pk]), {"history_change_reason": "edited"}
    )
    assert response.status_code == 403
    assert superuser.get(reverse(f"{name}_delete", args=[record.pk])).status_code == 403
    superuser.post(
        HISTORY, {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"}
    )
    assert HistoricalLead.objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize("factory", [AdmissionsStaffFactory, MarketingFactory])
@pytest.mark.parametrize("url", [AUDIT_LOG, AUDIT_EXPORT, HISTORY])
def test_only_supervisors_read_the_audit_log_and_history(client, factory, url):
    signed_in(client, factory())

    assert client.get(url).status_code == 403
    assert audit_reads() == []
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT_AUDIT).exists()


# --- The audit log -------------------------------------------------------------------------------


def test_the_audit_log_lists_who_did_what_to_which_lead(supervisor):
    lead = LeadFactory()
    event(lead_id=lead.pk, lead_reference=lead.reference, client_ip="203.0.113.7")
    event(action=AuditAction.SEARCH, detail="Morgan", result_count=3)

    html = supervisor.get(AUDIT_LOG).content.decode()

    assert "casey" in html
    assert "Viewed a lead" in html and "Searched leads" in html
    assert "Morgan" in html and "203.0.113.7" in html
    lead_page = reverse("admin:admissions_lead_change", args=[lead.pk])
    assert f'<a href="{lead_page}">{lead.reference}</a>' in html


def test_a_lead_no_longer_there_is_named_but_not_linked(supervisor):
    event(lead_id=999999, lead_reference="K7MQ-4XPA")

    html = supervisor.get(AUDIT_LOG).content.decode()

    assert "K7MQ-4XPA" in html
    assert reverse("admin:admissions_lead_change", args=[999999]) not in html


def test_reading_the_audit_log_is_recorded_once_per_page_view(supervisor):
    event(action=AuditAction.SEARCH)
    event(action=AuditAction.EXPORT)

    supervisor.get(AUDIT_LOG, {"action__exact": "export"})

    [read] = audit_reads()
    assert read.user == supervisor.user
    assert read.username == "dana"
    assert read.detail == "action__exact=export"
    assert read.result_count == 1

    supervisor.get(AUDIT_LOG)
    assert len(audit_reads()) == 2


def test_opening_an_audit_event_is_recorded(supervisor):
    record = event()

    supervisor.get(reverse("admin:admissions_auditevent_change", args=[record.pk]))

    [read] = audit_reads()
    assert read.detail == f"event #{record.pk}"


def test_the_audit_log_is_searched_by_username_or_lead_reference(supervisor):
    event(username="casey", lead_reference="K7MQ-4XPA")
    event(username="riley", lead_reference="ABCD-2345")

    def found(term):
        page = supervisor.get(AUDIT_LOG, {"q": term})
        return [record.username for record in page.context["cl"].result_list]

    assert found("riley") == ["riley"]
    assert found("K7MQ-4XPA") == ["casey"]
    assert found("k7mq 4xpa") == ["casey"]  # as read out on the phone


def test_the_audit_log_is_filtered_by_user(supervisor):
    casey = AdmissionsStaffFactory(username="casey")
    event(user=casey)
    event(username="riley")

    page = supervisor.get(AUDIT_LOG, {"user__id__exact": casey.pk})

    assert [record.user for record in page.context["cl"].result_list] == [casey]


def test_the_audit_log_exports_as_csv_what_the_list_shows(supervisor):
    event(action=AuditAction.SEARCH, detail="=HYPERLINK(1)", result_count=2)
    event(action=AuditAction.EXPORT, detail="status=new", result_count=4)

    list_page = supervisor.get(AUDIT_LOG)
    assert AUDIT_EXPORT in list_page.content.decode()
    response = supervisor.get(AUDIT_EXPORT, {"action__exact": "search"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    assert "no-store" in response["Cache-Control"]
    [row] = exported(response)
    assert row["Action"] == "Searched leads"
    assert row["User"] == "casey"
    assert row["Detail"] == "'=HYPERLINK(1)"  # a spreadsheet shows it, does not run it
    assert row["Results"] == "2"


def test_exporting_the_audit_log_is_recorded(supervisor):
    event(action=AuditAction.SEARCH)
    event(action=AuditAction.SEARCH)

    supervisor.get(AUDIT_EXPORT, {"action__exact": "search"})

    record = AuditEvent.objects.get(action=AuditAction.EXPORT_AUDIT)
    assert record.user == supervisor.user
    assert record.detail == "action__exact=search"
    assert record.result_count == 2


def test_the_audit_log_list_takes_the_same_queries_for_few_or_many_events(supervisor):
    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert supervisor.get(AUDIT_LOG).status_code == 200
        return len(queries)

    for _ in range(2):
        lead = LeadFactory()
        event(lead_id=lead.pk, lead_reference=lead.reference)
    few = queries_for_page()
    for _ in range(15):
        lead = LeadFactory()
        event(lead_id=lead.pk, lead_reference=lead.reference)

    assert queries_for_page() == few


# --- The leads' history --------------------------------------------------------------------------


@pytest.fixture
def contacted_lead():
    """A lead whose status a staff member moved, through the desk's own service."""
    staff_member = AdmissionsStaffFactory(username="casey")
    lead = LeadFactory(message=MESSAGE, insurance_member_id="HHP123456789", first_name="Morgan")
    triage.change_status(lead, by=staff_member, to=Status.CONTACTED)
    return lead, staff_member


def test_the_history_shows_who_changed_the_status(supervisor, contacted_lead):
    lead, staff_member = contacted_lead

    page = supervisor.get(HISTORY, {"q": lead.reference})
    html = page.content.decode()

    change = page.context["cl"].result_list[0]
    assert change.history_type == "~"
    assert change.history_user == staff_member
    assert "casey" in html
    model_admin = admin.site._registry[HistoricalLead]
    changed = model_admin.changes(change).split(", ")
    assert "status" in changed
    assert "first contacted at" in changed
    assert "message" not in changed  # unchanged, so not listed
    assert MESSAGE not in html and "HHP123456789" not in html and "Morgan" not in html


def test_a_change_to_what_the_person_wrote_is_named_without_its_values(supervisor):
    lead = LeadFactory(message=MESSAGE, first_name="Morgan", insurance_member_id="HHP1")
    lead.message = "A corrected message about my medication."
    lead.first_name = "Morgana"
    lead.insurance_member_id = "HHP2"
    lead.save()
    record = HistoricalLead.objects.filter(id=lead.pk).first()

    list_html = supervisor.get(HISTORY).content.decode()
    detail_html = supervisor.get(
        reverse("admin:admissions_historicallead_change", args=[record.pk])
    ).content.decode()

    for html in (list_html, detail_html):
        assert "message" in html
        assert "first name" in html
        assert "member ID" in html
        for value in (MESSAGE, "medication", "Morgan", "HHP1", "HHP2"):
            assert value not in html
    assert "<strong>message</strong>: changed" in detail_html


def test_a_history_record_shows_the_old_and_new_status(supervisor, contacted_lead):
    lead, _ = contacted_lead
    record = HistoricalLead.objects.filter(id=lead.pk).first()

    html = supervisor.get(
        reverse("admin:admissions_historicallead_change", args=[record.pk])
    ).content.decode()

    assert "<strong>status</strong>: New → Contacted" in html
    assert MESSAGE not in html and "HHP123456789" not in html


def test_the_history_is_filtered_by_user_and_type(supervisor, contacted_lead):
    lead, staff_member = contacted_lead

    by_user = supervisor.get(HISTORY, {"history_user__id__exact": staff_member.pk})
    created = supervisor.get(HISTORY, {"history_type__exact": "+"})

    assert [record.history_type for record in by_user.context["cl"].result_list] == ["~"]
    assert [record.id for record in created.context["cl"].result_list] == [lead.pk]


def test_a_history_record_links_to_its_lead(supervisor, contacted_lead):
    lead, _ = contacted_lead

    html = supervisor.get(HISTORY).content.decode()

    lead_page = reverse("admin:admissions_lead_change", args=[lead.pk])
    assert f'<a href="{lead_page}">{lead.reference}</a>' in html


def test_the_history_list_takes_the_same_queries_for_few_or_many_changes(supervisor):
    staff_member = AdmissionsStaffFactory()

    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert supervisor.get(HISTORY).status_code == 200
        return len(queries)

    for _ in range(2):
        triage.change_status(LeadFactory(), by=staff_member, to=Status.CONTACTED)
    few = queries_for_page()
    for _ in range(10):
        triage.change_status(LeadFactory(), by=staff_member, to=Status.CONTACTED)

    assert queries_for_page() == few


def test_a_leads_own_history_page_hides_what_the_person_wrote(supervisor):
    lead = LeadFactory(message=MESSAGE, first_name="Morgan")
    lead.message = "A corrected message about my medication."
    lead.first_name = "Morgana"
    lead._history_user = supervisor.user
    lead.save()
    triage.change_status(lead, by=supervisor.user, to=Status.CONTACTED)

    response = supervisor.get(reverse("admin:admissions_lead_history", args=[lead.pk]))
    html = response.content.decode()

    assert response.status_code == 200
    assert "First name" in html and "Message" in html  # the changes are named
    for value in (MESSAGE, "medication", "Morgan"):
        assert value not in html
