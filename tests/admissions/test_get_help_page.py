"""The consultation form at /get-help/: what a person sees, and what happens when they send it."""

import re
import time

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.views.debug import SafeExceptionReporterFilter

from admissions.consent import CONSENT_TEXT, CONSENT_VERSION
from admissions.models import Lead
from admissions.views import get_help
from tests.admissions.conftest import form_data, form_token_shown
from tests.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db


def test_the_page_puts_the_crisis_lines_and_the_phone_above_the_form(client):
    html = client.get("/get-help/").content.decode()

    crisis = html.index("If you are in crisis or thinking about suicide")
    form = re.search(r'<form\s+id="consultation-form"', html).start()
    assert crisis < form
    assert html.index('href="tel:+16175550143"', html.index("<main")) < form
    assert 'href="tel:988"' in html and 'href="tel:911"' in html


def test_a_program_link_preselects_the_program(client):
    ProgramFactory(slug="partial-hospitalization", name="Partial hospitalization")

    html = client.get("/get-help/?program=partial-hospitalization").content.decode()

    assert re.search(r'<option value="partial-hospitalization" selected>', html)


def test_an_unknown_program_in_the_link_is_ignored(client):
    html = client.get("/get-help/?program=no-such-program").content.decode()

    assert '<option value="" selected>Not sure yet</option>' in html


def test_radio_groups_are_fieldsets_with_legends_and_fields_have_labels(client):
    html = client.get("/get-help/").content.decode()

    assert re.search(r"<fieldset[^>]*>\s*<legend[^>]*>\s*Who needs help\?", html)
    assert re.search(r"<fieldset[^>]*>\s*<legend[^>]*>\s*How should we contact you\?", html)
    assert re.search(r'<label\s+for="id_phone"', html)
    assert 'data-max-length="1000"' in html  # counted as it is typed, not cut off…
    assert "Up to 1,000 characters." in html  # …and said


def test_a_valid_request_is_stored_and_the_person_is_thanked(post_form):
    ProgramFactory(slug="intensive-outpatient")

    response = post_form(form_data(program="intensive-outpatient"))

    assert response.status_code == 302
    assert response.url == "/get-help/thanks/"  # nothing about the request in the address
    lead = Lead.objects.get()
    assert (lead.first_name, lead.last_name) == ("Jordan", "Avery")
    assert lead.phone.as_e164 == "+16175550188"
    assert lead.program.slug == "intensive-outpatient"
    assert lead.insurance_member_id == "HHP123456789"
    assert (lead.consent_text, lead.consent_version) == (CONSENT_TEXT, CONSENT_VERSION)
    assert lead.consented_at is not None


def test_the_thank_you_page_says_what_happens_next_and_gives_the_phone(client, post_form):
    post_form()

    html = client.get("/get-help/thanks/").content.decode()

    assert "Thank you. We have your request." in html
    assert "usually within minutes" in html
    assert 'href="tel:+16175550143"' in html
    assert "Please don’t wait for our call" not in html


def test_after_an_urgent_request_the_thank_you_page_puts_988_and_911_first(client, post_form):
    post_form(form_data(message="My brother took too many pills, I think it was an overdose."))

    html = client.get("/get-help/thanks/").content.decode()

    urgent_box = html.index('<div class="urgent-notice" role="alert">')
    assert html.index("<h1>") < urgent_box < html.index("A member of our admissions team")
    box = html[urgent_box : html.index("</div>", urgent_box)]
    assert 'href="tel:988"' in box and 'href="tel:911"' in box


def test_errors_are_summarised_linked_to_their_fields_and_nothing_is_stored(client, post_form):
    response = post_form(form_data(phone="555", consent=""))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: Get help · Resilience</title>" in html
    assert 'id="error-summary" role="alert" tabindex="-1" autofocus' in html
    assert '<a href="#id_phone">Enter a valid phone number, for example (617) 555-0143.</a>' in html
    assert (
        '<a href="#id_consent">Please tick this box so that we are allowed to contact you.</a>'
        in html
    )
    assert 'aria-describedby="id_phone_helptext id_phone_error"' in html
    assert 'aria-invalid="true"' in html
    assert not Lead.objects.exists()
    assert mail.outbox == []


def test_what_was_typed_is_kept_when_the_form_comes_back_with_errors(client, post_form):
    html = post_form(form_data(consent="")).content.decode()

    assert 'value="Jordan"' in html
    assert "I have been struggling with drinking since my divorce." in html


def test_a_filled_honeypot_is_kept_closed_as_suspected_spam_and_announced_to_nobody(post_form):
    # Autofill and password managers do fill hidden fields: a real person must be findable.
    response = post_form(form_data(website="https://spam.example"))

    assert response.status_code == 302
    assert response.url == "/get-help/thanks/"
    lead = Lead.objects.get()
    assert (lead.status, lead.close_outcome, lead.bot_signals) == (
        "closed",
        "suspected_spam",
        "honeypot",
    )
    assert mail.outbox == []


def test_a_program_link_with_a_nul_byte_shows_the_form(client):
    # Reproduced on PostgreSQL: GET /get-help/?program=%00 was a 500.
    response = client.get("/get-help/?program=%00")

    assert response.status_code == 200
    assert '<option value="" selected>Not sure yet</option>' in response.content.decode()


def test_a_posted_program_with_a_nul_byte_is_a_field_error_not_a_crash(post_form):
    response = post_form(form_data(program="\x00"))

    assert response.status_code == 200
    assert not Lead.objects.exists()


def test_the_urgent_thank_you_box_is_shown_once(client, post_form):
    # A shared phone: the next person to open the page must not meet someone else's crisis box.
    post_form(form_data(message="He took too many pills, I think it is an overdose"))

    first = client.get("/get-help/thanks/").content.decode()
    again = client.get("/get-help/thanks/").content.decode()

    assert "urgent-notice" in first
    assert "urgent-notice" not in again


def test_the_thank_you_state_cannot_be_forged(client):
    client.cookies["request_received"] = '{"urgent": true}'

    assert "urgent-notice" not in client.get("/get-help/thanks/").content.decode()


def test_taking_a_request_writes_no_session(post_form, client):
    response = post_form()

    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(lambda: form_token_shown(seconds_ago=0.5), id="sent too fast"),
        pytest.param(lambda: form_token_shown(seconds_ago=2 * 24 * 3600), id="expired"),
        pytest.param(lambda: "forged-token", id="forged"),
        pytest.param(lambda: "", id="missing"),
    ],
)
def test_a_suspicious_form_token_stores_nothing_and_shows_the_form_again(post_form, token):
    response = post_form(form_data(form_token=token()))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Please check your details and press “Send my request” again." in html
    assert 'value="Jordan"' in html  # a person loses nothing by being asked twice
    assert not Lead.objects.exists()
    assert mail.outbox == []


def test_sending_the_shown_again_form_later_stores_the_request(post_form):
    html = post_form(form_data(form_token=form_token_shown(seconds_ago=0.5))).content.decode()
    fresh_token = re.search(r'name="form_token" value="([^"]+)"', html).group(1)

    with time_machine.travel(time.time() + 5):  # the person reads it over and sends again
        response = post_form(form_data(form_token=fresh_token))

    assert response.status_code == 302
    assert Lead.objects.count() == 1


def test_sending_the_same_form_twice_stores_one_lead(post_form):
    data = form_data()

    post_form(data)
    second = post_form(data)

    assert second.status_code == 302
    assert Lead.objects.count() == 1


def test_html_typed_into_the_form_is_stored_as_text_and_never_rendered(client, post_form):
    post_form(
        form_data(
            first_name="<script>alert(1)</script>",
            message='<img src=x onerror="alert(2)"> please call',
        )
    )

    lead = Lead.objects.get()
    assert lead.first_name == "<script>alert(1)</script>"
    assert lead.message.startswith("<img src=x")
    thanks = client.get("/get-help/thanks/").content.decode()
    assert "<script>alert(1)" not in thanks and "onerror" not in thanks


def test_an_oversized_request_is_refused_before_it_is_read():
    # With CSRF checks on, as in production: the limit must come before CSRF reads the body.
    response = Client(enforce_csrf_checks=True).post("/get-help/", form_data(message="x" * 30_000))

    assert response.status_code == 413
    html = response.content.decode()
    assert "Nothing was sent" in html
    assert 'href="tel:+16175550143"' in html
    assert not Lead.objects.exists()


def test_how_the_visit_began_is_stored_with_the_request(client, post_form):
    client.get(
        "/programs/?utm_source=newsletter&utm_medium=email&utm_campaign=fall",
        HTTP_REFERER="https://mail.example.com/inbox",
    )
    client.get("/get-help/", HTTP_REFERER="http://testserver/programs/")

    post_form()

    lead = Lead.objects.get()
    assert lead.landing_page == "/programs/"
    assert lead.referrer == "https://mail.example.com/inbox"
    assert (lead.utm_source, lead.utm_medium, lead.utm_campaign) == ("newsletter", "email", "fall")


def test_the_thank_you_page_is_kept_out_of_search_engines(client):
    html = client.get("/get-help/thanks/").content.decode()

    assert '<meta name="robots" content="noindex">' in html


def test_error_reports_never_include_what_the_person_typed(rf):
    request = rf.post("/get-help/", form_data(message="My private history"))
    request.session = SessionStore()

    get_help(request)

    filtered = SafeExceptionReporterFilter().get_post_parameters(request)
    assert "My private history" not in str(filtered)
    assert filtered["message"] == SafeExceptionReporterFilter.cleansed_substitute


def test_the_form_page_is_never_cached(client):
    response = client.get("/get-help/")

    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("typed", ["(617) 555-0188 ext. 42", "617-555-0188 x42", "6175550188#42"])
def test_a_phone_extension_typed_into_the_form_is_kept(post_form, typed):
    response = post_form(form_data(phone=typed))

    assert response.status_code == 302
    lead = Lead.objects.get()
    assert (lead.phone.as_e164, lead.phone_extension) == ("+16175550188", "42")


# --- The shorter form: essentials first, someone else's details and insurance when wanted ----


def test_the_form_asks_the_essentials_first_and_keeps_every_field_name_and_id(client):
    html = client.get("/get-help/").content.decode()

    form = html[html.index('<form  id="consultation-form"') : html.index("</form>")]
    order = [
        "for_whom",
        "relationship",
        "patient_first_name",
        "first_name",
        "last_name",
        "phone",
        "preferred_contact",
        "email",
        "best_time",
        "program",
        "payment",
        "insurance_carrier",
        "insurance_member_id",
        "insurance_group_number",
        "insurance_subscriber",
        "message",
        "referral_source",
        "consent",
        "website",
        "form_token",
    ]
    positions = [form.index(f'name="{name}"') for name in order]
    assert positions == sorted(positions)
    for name in ["first_name", "phone", "email", "relationship", "insurance_carrier", "message"]:
        assert f'id="id_{name}"' in form
    # The optional part says so.
    assert re.search(r"<legend[^>]*>\s*More details \(optional\)", form)
    assert "Best time to reach you (optional)" in form


def test_someone_elses_details_are_in_the_page_for_when_javascript_is_off(client):
    # Shown to everyone by the server; consultation-form.js hides them until asked for.
    html = client.get("/get-help/").content.decode()

    section = re.search(r'<div\s+id="someone-else"[^>]*>', html).group(0)
    assert "hidden" not in section
    assert 'data-shown-for="someone_else"' in section
    assert re.search(r"<legend[^>]*>\s*If you are asking for someone else", html)


def test_the_insurance_questions_are_a_closed_disclosure_on_a_new_form(client):
    html = client.get("/get-help/").content.decode()

    assert '<details class="form-disclosure" id="insurance-details">' in html
    summary = html[html.index("<summary") : html.index("</summary>")]
    assert "Insurance details (optional)" in summary
    assert "Add them now, or tell us on the phone." in summary
    details = html[html.index('id="insurance-details"') : html.index("</details>")]
    for name in ["payment", "insurance_carrier", "insurance_member_id", "insurance_subscriber"]:
        assert f'name="{name}"' in details


def test_insurance_details_given_are_shown_open_when_the_form_comes_back(post_form):
    html = post_form(form_data(consent="")).content.decode()

    assert '<details class="form-disclosure" id="insurance-details" open>' in html
    assert 'value="HHP123456789"' in html


def test_the_insurance_section_stays_closed_when_the_form_comes_back_without_any(post_form):
    html = post_form(
        form_data(
            consent="",
            payment="not_sure",
            insurance_carrier="",
            insurance_member_id="",
            insurance_group_number="",
            insurance_subscriber="",
        )
    ).content.decode()

    assert '<details class="form-disclosure" id="insurance-details">' in html


def test_a_request_for_someone_else_without_the_relationship_is_refused_as_before(post_form):
    response = post_form(
        form_data(for_whom="someone_else", patient_first_name="Rosa", relationship="")
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="#id_relationship">Tell us how you are related to them.</a>' in html
    assert "Tell us the first name of the person who needs help." not in html
    assert 'value="someone_else"  id="id_for_whom_1" required checked' in html
    assert not Lead.objects.exists()


def test_a_request_for_someone_else_keeps_the_relationship_and_their_first_name(post_form):
    response = post_form(
        form_data(for_whom="someone_else", patient_first_name="Rosa", relationship="parent")
    )

    assert response.status_code == 302
    lead = Lead.objects.get()
    assert (lead.for_whom, lead.relationship, lead.patient_first_name) == (
        "someone_else",
        "parent",
        "Rosa",
    )


def test_every_insurance_detail_reaches_the_lead(post_form):
    response = post_form(
        form_data(
            payment="insurance",
            insurance_carrier="Harbor Health Plan",
            insurance_member_id="HHP123456789",
            insurance_group_number="GRP-4477",
            insurance_subscriber="other",
        )
    )

    assert response.status_code == 302
    lead = Lead.objects.get()
    assert (
        lead.payment,
        lead.insurance_carrier,
        lead.insurance_member_id,
        lead.insurance_group_number,
        lead.insurance_subscriber,
    ) == ("insurance", "Harbor Health Plan", "HHP123456789", "GRP-4477", "other")


def test_a_request_without_any_insurance_details_is_accepted(post_form):
    response = post_form(
        form_data(
            payment="",
            insurance_carrier="",
            insurance_member_id="",
            insurance_group_number="",
            insurance_subscriber="",
        )
    )

    assert response.status_code == 302
    lead = Lead.objects.get()
    assert (lead.payment, lead.insurance_carrier, lead.insurance_subscriber) == (
        "not_sure",
        "",
        "",
    )
