"""The desk's lead list: what it shows, in what order, how it filters and searches, and what it
refuses to put in a URL."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from admissions.models import AuditAction, AuditEvent, Lead, OnCallShift
from tests.admissions.factories import LeadFactory, StaffFactory

pytestmark = pytest.mark.django_db

LEADS = f"/{settings.ADMIN_URL}admissions/lead/"


def listed(client, **params) -> list[Lead]:
    response = client.get(LEADS, params)
    assert response.status_code == 200, response.status_code
    return list(response.context["cl"].result_list)


def minutes_ago(minutes: float):
    return timezone.now() - timedelta(minutes=minutes)


# --- What a row says --------------------------------------------------------------------------


def test_a_row_shows_reference_received_who_program_status_assignee_attempts(desk, staff_member):
    lead = LeadFactory(
        first_name="Jordan",
        last_name="Avery",
        for_whom="someone_else",
        relationship="parent",
        patient_first_name="Sam",
        assigned_to=staff_member,
        call_attempts=2,
        created_at=minutes_ago(3),
    )

    html = desk.get(LEADS).content.decode()

    for heading in ("Reference", "Received", "Who", "Program", "Needs", "Status", "Assigned to"):
        assert heading in html
    assert lead.reference in html
    assert "Jordan Avery" in html and "for their child Sam" in html
    assert "3\xa0minutes ago" in html
    assert "Not sure yet" in html  # no program chosen


def test_a_registration_for_an_information_session_says_so_and_can_be_filtered(desk):
    LeadFactory(first_name="Robin", last_name="Avery", kind="info_session")
    LeadFactory(first_name="Jordan", last_name="Okafor")

    html = desk.get(LEADS).content.decode()

    assert "Robin Avery" in html and "registered for an information session" in html
    assert [lead.first_name for lead in listed(desk, kind__exact="info_session")] == ["Robin"]


def test_urgent_and_overdue_leads_say_so_in_words_and_an_icon_not_colour_alone(desk):
    LeadFactory(priority="urgent")
    LeadFactory(created_at=minutes_ago(settings.ADMISSIONS_SLA_MINUTES + 1))

    html = desk.get(LEADS).content.decode()

    assert re.search(r'desk-flag-urgent"><svg [^>]*aria-hidden="true"[^>]*>.*?</svg> Urgent', html)
    assert re.search(
        r'desk-flag-overdue"><svg [^>]*aria-hidden="true"[^>]*>.*?</svg> Overdue', html
    )


def test_what_a_visitor_typed_is_shown_as_text_never_as_markup(desk):
    lead = LeadFactory(first_name="<script>alert(1)</script>", message="<b>bold</b> please")

    list_html = desk.get(LEADS).content.decode()
    page_html = desk.get(f"{LEADS}{lead.pk}/change/").content.decode()

    for html in (list_html, page_html):
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt; please" in page_html


# --- Order: pinned first ------------------------------------------------------------------------


def test_urgent_and_overdue_are_pinned_first_then_the_oldest_waiting_then_the_rest(desk):
    contacted = LeadFactory(created_at=minutes_ago(60), contacted_at=minutes_ago(58))
    new_normal = LeadFactory(created_at=minutes_ago(2))
    older_waiting = LeadFactory(created_at=minutes_ago(10))
    overdue = LeadFactory(created_at=minutes_ago(40))
    urgent_newest = LeadFactory(created_at=minutes_ago(1), priority="urgent")
    urgent_older = LeadFactory(created_at=minutes_ago(5), priority="urgent")
    urgent_but_reached = LeadFactory(
        created_at=minutes_ago(3), priority="urgent", contacted_at=minutes_ago(2)
    )

    assert listed(desk) == [
        urgent_older,
        urgent_newest,
        overdue,
        older_waiting,
        new_normal,
        urgent_but_reached,
        contacted,
    ]


# --- Filters --------------------------------------------------------------------------------------


def test_the_list_shows_open_leads_by_default_and_every_status_on_request(desk):
    open_lead = LeadFactory(status="insurance_verification", contacted_at=minutes_ago(5))
    admitted = LeadFactory(status="admitted", contacted_at=minutes_ago(5))
    closed = LeadFactory(status="closed", close_outcome="declined")

    assert listed(desk) == [open_lead]
    assert set(listed(desk, status="all")) == {open_lead, admitted, closed}
    assert listed(desk, status="admitted") == [admitted]


def test_mine_and_unassigned(desk, staff_member):
    mine = LeadFactory(assigned_to=staff_member)
    unassigned = LeadFactory()
    LeadFactory(assigned_to=StaffFactory())

    assert listed(desk, assigned="mine") == [mine]
    assert listed(desk, assigned="unassigned") == [unassigned]


def test_overdue_lists_only_leads_past_the_deadline_nobody_has_reached_out_to(desk):
    overdue = LeadFactory(created_at=minutes_ago(settings.ADMISSIONS_SLA_MINUTES + 1))
    LeadFactory(created_at=minutes_ago(1))
    LeadFactory(created_at=minutes_ago(60), contacted_at=minutes_ago(50))

    assert listed(desk, overdue="yes") == [overdue]


def test_priority_program_source_and_received_date_filters(desk):
    from tests.programs.factories import ProgramFactory

    iop = ProgramFactory(slug="iop")
    urgent = LeadFactory(priority="urgent")
    in_iop = LeadFactory(program=iop, source="newsletter")
    old = LeadFactory(created_at=timezone.now() - timedelta(days=40))

    assert listed(desk, priority__exact="urgent") == [urgent]
    assert listed(desk, program__id__exact=iop.pk) == [in_iop]
    assert listed(desk, source="newsletter") == [in_iop]
    # As the filter's own "Past 7 days" link spells them: aware local midnights.
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    since = str(midnight - timedelta(days=7))
    tomorrow = str(midnight + timedelta(days=1))
    recent = listed(desk, created_at__gte=since, created_at__lt=tomorrow)
    assert old not in recent and urgent in recent


@pytest.mark.parametrize(
    "lookup",
    [
        {"phone": "+16175550188"},
        {"message__icontains": "opioid"},
        {"email__startswith": "jordan"},
        {"first_name": "Jordan"},
        {"assigned_to__email": "casey@resilience.example"},
    ],
)
def test_the_list_refuses_lookups_that_are_not_its_own_filters(desk, lookup):
    # Reproduced: ?phone=… and ?message__icontains=… filtered the list, and the query string
    # then travelled in every change link, the history and the access log.
    LeadFactory(phone="+16175550188", message="opioid")

    response = desk.get(LEADS, lookup)

    assert response.status_code == 400
    assert "opioid" not in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"status": "new"},
        {"priority__exact": "urgent"},
        {"review": "held"},
        {"overdue": "yes"},
        {"assigned": "mine"},
        {"q": "Avery", "o": "2", "p": "1"},
    ],
)
def test_the_list_s_own_filters_search_and_ordering_still_work(desk, query):
    LeadFactory()

    assert desk.get(LEADS, query).status_code == 200


# --- Search ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "(617) 555-0188",
        "617-555-0188",
        "617.555.0188",
        "6175550188",
        "+1 617 555 0188",
        "1 617 555 0188",
    ],
)
def test_search_finds_a_phone_number_however_it_is_typed(desk, typed):
    lead = LeadFactory(phone="+16175550188", status="closed", close_outcome="declined")
    LeadFactory(phone="+16175550199")

    assert listed(desk, q=typed) == [lead]  # closed leads too: a search looks everywhere


def test_search_finds_a_reference_as_a_family_reads_it_out(desk):
    lead = LeadFactory()
    LeadFactory()
    spoken = lead.reference.lower().replace("-", " ")

    assert listed(desk, q=spoken) == [lead]
    assert listed(desk, q=lead.reference) == [lead]


def test_search_finds_names_and_e_mail_addresses(desk):
    jordan = LeadFactory(first_name="Jordan", last_name="Avery", email="jordan.avery@example.org")
    LeadFactory(first_name="Riley", last_name="Avery-Stone", email="riley@example.org")
    sam_for = LeadFactory(for_whom="someone_else", patient_first_name="Samira")

    assert listed(desk, q="JORDAN.AVERY@example.org") == [jordan]
    assert listed(desk, q="jor av") == [jordan]
    assert len(listed(desk, q="avery")) == 2
    assert listed(desk, q="samira") == [sam_for]


def test_every_search_is_audited_with_who_what_and_how_many(desk, staff_member):
    LeadFactory(first_name="Jordan")

    listed(desk, q="Jordan")
    desk.get(LEADS)  # not a search

    (event,) = AuditEvent.objects.all()
    assert (event.user, event.action, event.detail, event.result_count) == (
        staff_member,
        AuditAction.SEARCH,
        "Jordan",
        1,
    )


def test_a_search_is_recorded_whatever_headers_come_with_it(desk):
    # X-Desk-Poll is sent by the list's own script, and could be by anyone.
    listed(desk, q="Jordan")
    desk.get(LEADS, {"q": "Jordan"}, headers={"X-Desk-Poll": "1"})

    assert AuditEvent.objects.filter(action=AuditAction.SEARCH).count() == 2


def test_admin_autocomplete_cannot_search_leads_outside_the_audited_list(desk):
    LeadFactory(first_name="Jordan")

    response = desk.get(
        f"/{settings.ADMIN_URL}autocomplete/",
        {
            "app_label": "admissions",
            "model_name": "lead",
            "field_name": "duplicate_of",
            "term": "Jordan",
        },
    )

    assert response.status_code == 403
    assert b"Jordan" not in response.content


def test_held_requests_are_not_pinned_or_called_overdue_unless_urgent(desk):
    old_held = LeadFactory(created_at=minutes_ago(180), held_reason="flood")
    urgent_held = LeadFactory(created_at=minutes_ago(3), held_reason="flood", priority="urgent")
    waiting = LeadFactory(created_at=minutes_ago(2))

    assert listed(desk) == [urgent_held, waiting, old_held]
    html = desk.get(LEADS).content.decode()
    assert "Overdue" not in html and "Held for review" in html


# --- New leads without a reload ---------------------------------------------------------------


def test_the_poll_counts_leads_newer_than_the_list_has_without_personal_data(desk):
    seen = LeadFactory(first_name="Jordan")
    LeadFactory(priority="urgent", first_name="Riley")
    newest = LeadFactory()
    LeadFactory(status="closed", close_outcome="suspected_spam")  # not news for the desk

    response = desk.get(f"{LEADS}poll/", {"after": seen.pk}, headers={"X-Desk-Poll": "1"})

    assert response.json() == {"latest": newest.pk, "new": 2, "urgent": 1}
    assert "no-store" in response["Cache-Control"]
    assert b"Riley" not in response.content


def test_the_list_page_tells_its_script_the_newest_lead_and_where_to_poll(desk):
    newest = LeadFactory()

    html = desk.get(LEADS).content.decode()

    assert f'data-latest-lead="{newest.pk}"' in html
    assert f'data-desk-poll-url="{LEADS}poll/"' in html
    assert "admissions/desk-poll.js" in html


# --- Nobody types, deletes or bulk-edits leads here -----------------------------------------------


def test_leads_cannot_be_typed_in_by_hand_or_deleted(desk, admin_client):
    lead = LeadFactory()

    assert desk.get(f"{LEADS}add/").status_code == 403
    assert desk.get(f"{LEADS}{lead.pk}/delete/").status_code == 403
    assert "delete_selected" not in desk.get(LEADS).content.decode()


def test_supervisors_manage_on_call_shifts(supervisor_desk):
    staff = StaffFactory(username="casey")

    response = supervisor_desk.post(
        f"/{settings.ADMIN_URL}admissions/oncallshift/add/",
        {
            "staff_member": staff.pk,
            "starts_at_0": "2026-11-24",
            "starts_at_1": "08:00:00",
            "ends_at_0": "2026-11-24",
            "ends_at_1": "20:00:00",
        },
    )

    assert response.status_code == 302
    assert OnCallShift.objects.get().staff_member == staff


# --- Review of held and spam requests -------------------------------------------------------------


def test_held_requests_are_listed_for_review_and_released_to_the_pipeline(
    desk, django_capture_on_commit_callbacks, settings
):
    settings.ADMISSIONS_INBOX_EMAIL = "admissions@resilience.example"
    held = LeadFactory(held_reason="flood")
    LeadFactory()

    assert listed(desk, review="held") == [held]

    with django_capture_on_commit_callbacks(execute=True):
        desk.post(LEADS, {"action": "release_held", "_selected_action": [held.pk]})

    held.refresh_from_db()
    assert held.held_reason == "" and held.followed_up_at is not None
    assert [m.subject for m in mail.outbox] == [f"New consultation request {held.reference}"]


def test_a_request_closed_as_suspected_spam_can_be_reopened_and_followed_up(
    desk, django_capture_on_commit_callbacks, settings
):
    settings.ADMISSIONS_INBOX_EMAIL = "admissions@resilience.example"
    spam = LeadFactory(status="closed", close_outcome="suspected_spam", bot_signals="honeypot")

    assert listed(desk, review="spam") == [spam]
    with django_capture_on_commit_callbacks(execute=True):
        # From the list as filtered to show spam (actions apply to the rows on show).
        desk.post(
            f"{LEADS}?review=spam", {"action": "restore_from_spam", "_selected_action": [spam.pk]}
        )

    spam.refresh_from_db()
    assert (spam.status, spam.close_outcome) == ("new", "")
    assert [m.subject for m in mail.outbox] == [f"New consultation request {spam.reference}"]


# --- Cost ------------------------------------------------------------------------------------


def test_the_list_costs_the_same_queries_with_five_or_fifty_leads(desk, staff_member):
    def queries(**params) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert desk.get(LEADS, params).status_code == 200
        return len(captured)

    LeadFactory.create_batch(5, assigned_to=staff_member)
    queries()  # the source filter's choices are then cached for a few minutes
    few = (queries(), queries(q="Sam Rivera"), queries(status="all"))
    LeadFactory.create_batch(45, priority="urgent", assigned_to=StaffFactory())
    many = (queries(), queries(q="Sam Rivera"), queries(status="all"))

    assert few == many
