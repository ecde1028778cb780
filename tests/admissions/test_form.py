"""Validation of the consultation form: clear messages, nothing half-accepted."""

import pytest

from admissions.forms import ConsultationRequestForm
from tests.admissions.conftest import form_data

pytestmark = pytest.mark.django_db


def errors(**overrides) -> dict[str, list[str]]:
    form = ConsultationRequestForm(form_data(**overrides))
    form.is_valid()
    return form.errors


def test_a_complete_request_is_valid():
    assert errors() == {}


def test_only_who_needs_help_names_phone_contact_method_and_consent_are_required():
    optional = ["email", "best_time", "program", "payment", "insurance_carrier", "message"]

    assert errors(**dict.fromkeys(optional, "")) == {}


@pytest.mark.parametrize("phone", ["555", "12345678901234567", "not a phone", "+44 20"])
def test_a_bad_phone_number_gets_an_example_of_a_good_one(phone):
    assert errors(phone=phone) == {
        "phone": ["Enter a valid phone number, for example (617) 555-0143."]
    }


def test_phone_numbers_are_read_as_us_numbers_and_kept_in_e164():
    form = ConsultationRequestForm(form_data(phone="(617) 555-0188"))

    assert form.is_valid()
    assert form.cleaned_data["phone"].as_e164 == "+16175550188"


def test_consent_is_required():
    assert errors(consent="") == {
        "consent": ["Please tick this box so that we are allowed to contact you."]
    }


def test_asking_for_someone_else_needs_their_first_name_and_the_relationship():
    assert errors(for_whom="someone_else") == {
        "relationship": ["Tell us how you are related to them."],
        "patient_first_name": ["Tell us the first name of the person who needs help."],
    }


def test_e_mail_as_the_way_to_reach_you_needs_an_e_mail_address():
    assert errors(preferred_contact="email", email="") == {
        "email": ["Enter an e-mail address, or choose a call or a text."]
    }


def test_a_mistyped_address_chosen_for_e_mail_is_told_only_how_to_write_one():
    assert errors(preferred_contact="email", email="x@") == {
        "email": ["Enter an e-mail address like name@example.com."]
    }


def test_an_overlong_message_says_how_long_it_is():
    assert errors(message="x" * 1001) == {
        "message": ["Please keep your message to 1,000 characters or fewer (it has 1001)."]
    }


@pytest.mark.parametrize(
    ("field", "limit"),
    [("first_name", 60), ("last_name", 60), ("insurance_member_id", 40), ("email", 254)],
)
def test_every_field_has_a_length_limit(field, limit):
    value = "a" * (limit + 1) if field != "email" else "a" * 250 + "@example.org"

    assert field in errors(**{field: value})


def test_html_is_accepted_as_plain_text():
    form = ConsultationRequestForm(form_data(first_name="<b>Jo</b>", message="<script>x</script>"))

    assert form.is_valid()
    assert form.cleaned_data["first_name"] == "<b>Jo</b>"


def test_someone_elses_details_are_dropped_when_asking_for_oneself():
    form = ConsultationRequestForm(
        form_data(for_whom="self", relationship="parent", patient_first_name="Rosa")
    )
    assert form.is_valid()

    request = form.consultation_request()

    assert (request.relationship, request.patient_first_name) == ("", "")


# --- The shorter form: essentials first, the rest optional (same rules as before) ------------


def test_the_error_summary_lists_errors_in_the_order_of_the_page():
    # The questions about someone else come right after "Who needs help?", before your name.
    form = ConsultationRequestForm(
        form_data(for_whom="someone_else", first_name="", phone="", consent="")
    )
    form.is_valid()

    assert [target for target, _ in form.error_summary()] == [
        "id_relationship",
        "id_patient_first_name",
        "id_first_name",
        "id_phone",
        "id_consent",
    ]


def test_the_insurance_section_is_closed_on_a_new_form():
    assert not ConsultationRequestForm(initial={"program": ""}).insurance_section_open()


def test_the_insurance_section_stays_closed_when_nothing_was_given_in_it():
    nothing = dict.fromkeys(
        ["insurance_carrier", "insurance_member_id", "insurance_group_number"], ""
    )
    form = ConsultationRequestForm(
        form_data(payment="not_sure", insurance_subscriber="", consent="", **nothing)
    )

    assert not form.insurance_section_open()


@pytest.mark.parametrize(
    "given",
    [
        {"payment": "insurance"},
        {"payment": "self_pay"},
        {"insurance_carrier": "Harbor Health Plan"},
        {"insurance_member_id": "HHP123456789"},
        {"insurance_group_number": "GRP-4477"},
        {"insurance_subscriber": "other"},
    ],
)
def test_the_insurance_section_is_open_when_the_form_comes_back_with_something_in_it(given):
    nothing = {
        "payment": "not_sure",
        "insurance_carrier": "",
        "insurance_member_id": "",
        "insurance_group_number": "",
        "insurance_subscriber": "",
    }
    form = ConsultationRequestForm(form_data(consent="", **{**nothing, **given}))

    assert form.insurance_section_open()


def test_the_insurance_section_is_open_when_it_has_an_error():
    form = ConsultationRequestForm(form_data(payment="not_sure", insurance_subscriber="nobody"))

    assert "insurance_subscriber" in form.errors
    assert form.insurance_section_open()
