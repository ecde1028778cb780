"""The form's insurance company is a choice from the plans marketing lists on /insurance/, plus
"Another company" with its name; whatever is chosen or typed reaches the lead, even a plan taken
off the list after the page was shown, and while the database is down."""

import re

import pytest

from admissions.forms import OTHER_CARRIER, UNNAMED_OTHER_CARRIER, ConsultationRequestForm
from admissions.models import Lead
from tests.admissions.conftest import form_data
from tests.admissions.test_spool import database_unreachable
from tests.center.factories import InsuranceCarrierFactory

pytestmark = pytest.mark.django_db


def carrier_options(html: str) -> list[tuple[str, str]]:
    select = re.search(r'<select name="insurance_carrier".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


def test_the_form_offers_the_listed_plans_in_order_then_another_company(client):
    InsuranceCarrierFactory(name="Pioneer Valley Mutual", order=2)
    InsuranceCarrierFactory(name="Harborline Health Plan", order=1)

    html = client.get("/get-help/").content.decode()

    assert carrier_options(html) == [
        ("", "Choose…"),
        ("Harborline Health Plan", "Harborline Health Plan"),
        ("Pioneer Valley Mutual", "Pioneer Valley Mutual"),
        (OTHER_CARRIER, "Another company"),
    ]
    # Named in the field that shows once "Another company" is chosen (consultation-form.js).
    assert re.search(
        r'<div id="carrier-other"\s+data-shown-for="other" data-shown-when="insurance_carrier">',
        html,
    )


def test_a_plan_chosen_from_the_list_reaches_the_lead(post_form):
    InsuranceCarrierFactory(name="Harborline Health Plan")

    response = post_form(form_data(insurance_carrier="Harborline Health Plan"))

    assert response.status_code == 302
    assert Lead.objects.get().insurance_carrier == "Harborline Health Plan"


def test_a_chosen_plan_wins_over_a_name_typed_in_the_hidden_other_field(post_form):
    InsuranceCarrierFactory(name="Harborline Health Plan")

    post_form(
        form_data(insurance_carrier="Harborline Health Plan", insurance_carrier_other="Typo Plan")
    )

    assert Lead.objects.get().insurance_carrier == "Harborline Health Plan"


@pytest.mark.parametrize(
    ("chosen", "typed", "stored"),
    [
        (OTHER_CARRIER, "  Granite State Health  ", "Granite State Health"),
        # Without JavaScript the name field shows too, and may be filled with nothing chosen.
        ("", "Granite State Health", "Granite State Health"),
        (OTHER_CARRIER, "", UNNAMED_OTHER_CARRIER),
        ("", "", ""),
    ],
)
def test_another_company_reaches_the_lead_by_the_name_typed(post_form, chosen, typed, stored):
    InsuranceCarrierFactory(name="Harborline Health Plan")

    response = post_form(form_data(insurance_carrier=chosen, insurance_carrier_other=typed))

    assert response.status_code == 302
    assert Lead.objects.get().insurance_carrier == stored


def test_a_plan_taken_off_the_list_after_the_page_was_shown_still_reaches_the_lead(post_form):
    response = post_form(form_data(insurance_carrier="Harborline Health Plan"))

    assert response.status_code == 302
    assert Lead.objects.get().insurance_carrier == "Harborline Health Plan"


def test_a_name_longer_than_admissions_can_store_is_refused_with_a_message(client):
    response = client.post("/get-help/", form_data(insurance_carrier_other="x" * 101))

    assert response.status_code == 200
    assert "Ensure this value has at most 100 characters" in response.content.decode()
    assert not Lead.objects.exists()


def test_without_plans_listed_only_another_company_is_offered_and_nothing_chosen(client):
    form = ConsultationRequestForm()

    assert carrier_options(str(form["insurance_carrier"])) == [
        ("", "Choose…"),
        (OTHER_CARRIER, "Another company"),
    ]
    assert form["insurance_carrier"].value() in (None, "")


def test_the_insurance_section_opens_when_the_form_comes_back_with_a_plan_chosen(client):
    InsuranceCarrierFactory(name="Harborline Health Plan")

    html = client.post(
        "/get-help/", form_data(phone="", insurance_carrier="Harborline Health Plan")
    ).content.decode()

    assert re.search(r'<details class="form-disclosure" id="insurance-details" open>', html)
    assert '<option value="Harborline Health Plan" selected>' in html


def test_while_the_database_is_down_the_form_offers_the_last_plans_it_saw(client):
    InsuranceCarrierFactory(name="Harborline Health Plan")
    client.get("/get-help/")

    with database_unreachable():
        html = client.get("/get-help/").content.decode()

    assert ("Harborline Health Plan", "Harborline Health Plan") in carrier_options(html)


def test_a_chosen_name_longer_than_admissions_can_store_is_refused_with_a_message(client):
    response = client.post("/get-help/", form_data(insurance_carrier="x" * 101))

    assert response.status_code == 200
    assert "Choose your insurance company from the list, or “Another company”." in (
        response.content.decode().replace("&ldquo;", "“").replace("&rdquo;", "”")
    )
    assert not Lead.objects.exists()


@pytest.mark.parametrize("sent", ["Harborline\x00Health", "Harborline Health\x00"])
def test_a_chosen_name_with_a_nul_character_is_refused_not_stored(client, sent):
    response = client.post("/get-help/", form_data(insurance_carrier=sent))

    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    assert not Lead.objects.exists()


def test_a_chosen_name_is_stored_without_surrounding_spaces(post_form):
    post_form(form_data(insurance_carrier="  Harborline Health Plan  "))

    assert Lead.objects.get().insurance_carrier == "Harborline Health Plan"


def test_with_no_plans_listed_a_request_that_never_opened_the_insurance_section_says_nothing(
    post_form,
):
    # What a browser sends for the closed section: the select as it was shown.
    data = form_data(payment="self_pay", insurance_carrier="", insurance_carrier_other="")

    post_form(data)

    assert Lead.objects.get().insurance_carrier == ""
