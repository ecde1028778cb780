"""The supervisors' CSV export of leads: the list as it shows them, without health details,
safe to open in a spreadsheet, and recorded in the audit log."""

import csv
import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from admissions.models import AuditAction, AuditEvent, Priority, Status
from tests.admissions.factories import (
    AdmissionsStaffFactory,
    LeadFactory,
    MarketingFactory,
    SupervisorFactory,
)
from tests.staff_sign_in import sign_in

pytestmark = pytest.mark.django_db

EXPORT = reverse("admin:admissions_lead_export")
LEADS = reverse("admin:admissions_lead_changelist")
COLUMNS = [
    "Reference",
    "Received",
    "Status",
    "Close outcome",
    "Referred out to",
    "Priority",
    "Program",
    "Source",
    "Referral source",
    "First name",
    "Last name",
    "Asking for",
    "Phone",
    "E-mail",
    "Preferred contact",
    "Assigned to",
    "Assigned at",
    "First contacted at",
    "Call attempts",
    "Next call-back",
    "Closed at",
]


@pytest.fixture
def supervisor(client):
    user = SupervisorFactory(username="dana")
    sign_in(client, user)
    client.user = user
    return client


def body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def exported(response) -> list[dict[str, str]]:
    text = body(response)
    assert text.startswith("\ufeff")  # so that spreadsheets read it as UTF-8
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_file_has_the_agreed_columns_and_values(supervisor):
    with time_machine.travel(datetime(2026, 1, 15, 15, 30, tzinfo=UTC), tick=False):
        lead = LeadFactory(
            first_name="Sam",
            last_name="Rivera",
            phone="+16175550188",
            email="sam@example.org",
            priority=Priority.URGENT,
            source="google",
            referral_source="search",
            for_whom="someone_else",
            relationship="child",
            patient_first_name="Alex",
        )
        response = supervisor.get(EXPORT)

    rows = exported(response)

    assert list(rows[0]) == COLUMNS
    [row] = rows
    assert row["Reference"] == lead.reference
    assert row["Received"] == "2026-01-15T10:30:00-05:00"  # the center's time, Boston
    assert row["Status"] == "New"
    assert row["Priority"] == "Urgent"
    assert row["Source"] == "google"
    assert row["Referral source"] == "Search engine"
    assert (row["First name"], row["Last name"]) == ("Sam", "Rivera")
    assert "Alex" in row["Asking for"]
    # E.164; the leading + is neutralised like any cell a spreadsheet would read as a formula.
    assert row["Phone"] == "'+16175550188"
    assert row["E-mail"] == "sam@example.org"
    assert row["Preferred contact"] == "Phone call"
    assert row["Call attempts"] == "0"
    assert row["Assigned to"] == row["Closed at"] == ""


def test_the_download_is_named_by_date_and_kept_by_no_cache(supervisor):
    with time_machine.travel(datetime(2026, 3, 2, 14, 0, tzinfo=UTC), tick=False):
        response = supervisor.get(EXPORT)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="leads-2026-03-02.csv"'
    assert "no-store" in response["Cache-Control"]


def test_health_details_stay_in_the_system(supervisor):
    LeadFactory(
        message="I have been drinking every night since the divorce.",
        insurance_member_id="HHP123456789",
    )

    text = body(supervisor.get(EXPORT))

    assert "drinking" not in text
    assert "HHP123456789" not in text
    assert "message" not in text.lower()
    assert "member" not in text.lower()


def test_cells_a_spreadsheet_would_run_are_neutralised(supervisor):
    LeadFactory(
        first_name='=HYPERLINK("https://evil.example","Click")',
        last_name="@SUM(A1:A9)",
        source="-2+3",
        referred_to="\t=1+1",
        email="plain@example.org",
    )

    [row] = exported(supervisor.get(EXPORT))

    assert row["First name"] == '\'=HYPERLINK("https://evil.example","Click")'
    assert row["Last name"] == "'@SUM(A1:A9)"
    assert row["Source"] == "'-2+3"
    assert row["Referred out to"] == "'\t=1+1"
    assert row["E-mail"] == "plain@example.org"


def test_a_carriage_return_or_plus_at_the_start_is_neutralised_too(supervisor):
    LeadFactory(first_name="+cmd", last_name="\r=2")

    [row] = exported(supervisor.get(EXPORT))

    assert row["First name"] == "'+cmd"
    assert row["Last name"].startswith("'")


def test_the_filters_of_the_list_apply(supervisor):
    new = LeadFactory(status=Status.NEW)
    LeadFactory(status=Status.CONTACTED)

    rows = exported(supervisor.get(EXPORT, {"status": "new"}))

    assert [row["Reference"] for row in rows] == [new.reference]


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"status": "new"},
        {"status": "all"},
        {"status": "closed"},
        {"priority__exact": "urgent"},
        {"priority__exact": "urgent", "status": "all"},
        {"q": "REFERENCE"},
        {"q": "Morgan"},
        {"q": "morgan@example.org"},
        {"q": "(617) 555-0101"},
        {"o": "2"},
    ],
)
def test_the_export_holds_exactly_the_leads_the_list_shows_in_its_order(supervisor, query):
    target = LeadFactory(
        first_name="Morgan", email="morgan@example.org", phone="+16175550101", status=Status.NEW
    )
    LeadFactory(priority=Priority.URGENT, status=Status.CONTACT_ATTEMPTED)
    LeadFactory(status=Status.CLOSED, close_outcome="declined")
    LeadFactory(status=Status.CONTACTED)
    query = {
        key: target.reference if value == "REFERENCE" else value for key, value in query.items()
    }

    shown = supervisor.get(LEADS, query).context["cl"].result_list
    rows = exported(supervisor.get(EXPORT, query))

    assert [row["Reference"] for row in rows] == [lead.reference for lead in shown]
    if "q" in query:  # each search finds the lead it is about
        assert [row["Reference"] for row in rows] == [target.reference]


def test_a_search_finds_the_same_lead_in_the_export(supervisor):
    target = LeadFactory(first_name="Morgan")
    LeadFactory(first_name="Riley")

    rows = exported(supervisor.get(EXPORT, {"q": target.reference}))

    assert [row["Reference"] for row in rows] == [target.reference]


def test_the_export_is_recorded_with_its_filters_and_count_before_the_file_is_sent(supervisor):
    LeadFactory.create_batch(2, status=Status.NEW)
    LeadFactory(status=Status.CONTACTED)

    response = supervisor.get(EXPORT, {"status": "new", "priority__exact": "normal"})

    # Recorded before a single row is read: a download abandoned half-way is still on record.
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.user == supervisor.user
    assert event.username == "dana"
    assert event.result_count == 2
    assert "status=new" in event.detail
    assert "priority__exact=normal" in event.detail
    assert len(exported(response)) == 2
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1


def test_the_search_is_part_of_the_record(supervisor):
    lead = LeadFactory()

    supervisor.get(EXPORT, {"q": lead.reference})

    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert lead.reference in event.detail
    assert event.result_count == 1


def test_an_export_of_the_list_as_it_opens_says_so(supervisor):
    supervisor.get(EXPORT)

    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.detail.startswith("no filters")
    assert event.result_count == 0


@pytest.mark.parametrize("factory", [AdmissionsStaffFactory, MarketingFactory])
def test_only_those_who_may_export_can(client, factory):
    LeadFactory()
    sign_in(client, factory())

    response = client.get(EXPORT)

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_lookup_the_list_does_not_offer_is_refused_and_not_exported(supervisor):
    LeadFactory(first_name="Morgan")

    response = supervisor.get(EXPORT, {"first_name__startswith": "Mor"})

    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_filters_the_list_cannot_apply_send_back_to_the_list(supervisor):
    response = supervisor.get(EXPORT, {"status": "no-such-status"})

    assert response.status_code == 302
    assert response["Location"] == f"{LEADS}?e=1"
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_every_lead_is_exported_not_just_the_lists_first_page(supervisor):
    LeadFactory.create_batch(60, status=Status.NEW)

    rows = exported(supervisor.get(EXPORT, {"p": "2"}))

    assert len(rows) == 60


def test_the_number_of_queries_does_not_grow_with_the_leads(supervisor):
    def queries_for_export() -> int:
        with CaptureQueriesContext(connection) as queries:
            body(supervisor.get(EXPORT, {"status": "all"}))
        return len(queries)

    assigned_to = SupervisorFactory()
    LeadFactory.create_batch(2, assigned_to=assigned_to)
    queries_for_export()  # the list's source filter caches its choices for a few minutes
    few = queries_for_export()
    LeadFactory.create_batch(20, assigned_to=SupervisorFactory())

    assert queries_for_export() == few
