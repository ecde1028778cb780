"""The about page (mission, approach, team, licences, places) and the insurance page (plans
accepted, how verification works, self-pay) say what marketing wrote, at a fixed query cost;
the home page's words are marketing's too."""

import html as html_lib
import json
import re

import pytest

from center.models import CenterProfile, Team
from center.profile import current_center
from tests.center.factories import (
    CredentialFactory,
    InsuranceCarrierFactory,
    PersonFactory,
    PlaceFactory,
)

pytestmark = pytest.mark.django_db


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return html_lib.unescape(response.content.decode())


def edit_profile(**fields) -> None:
    CenterProfile.objects.filter(id=CenterProfile.SINGLETON_ID).update(**fields)


# --- About ---------------------------------------------------------------------------------------


def test_the_about_page_shows_the_mission_and_approach(client):
    edit_profile(
        mission="We help people get well, close to home.", approach="## Together\n\nOne team."
    )

    html = page(client, "/about/")

    assert "We help people get well, close to home." in html
    # Under the page's "Our approach" h2: its headings start at h3.
    assert '<h3 id="approach-together">Together</h3>' in html


def test_the_team_shows_leadership_first_and_never_someone_marked_not_to_show(client):
    PersonFactory(name="Dana Clinician", team=Team.CLINICAL, credentials="LMHC", order=1)
    PersonFactory(
        name="Morgan Leader", team=Team.LEADERSHIP, credentials="MD", role="Medical director"
    )
    PersonFactory(name="Robin Reviewer", show_on_team_page=False)

    html = page(client, "/about/")

    assert html.index("Leadership") < html.index("Morgan Leader, MD") < html.index("Clinical team")
    assert html.index("Clinical team") < html.index("Dana Clinician, LMHC")
    assert "Medical director" in html
    assert "Robin Reviewer" not in html


def test_a_photo_is_shown_with_its_description(client):
    PersonFactory(
        photo="people/dana.webp",
        photo_alt="Dana, smiling, by a window",
        photo_width=480,
        photo_height=480,
    )

    html = page(client, "/about/")

    assert re.search(
        r'<img class="person__photo" src="/media/people/dana.webp" '
        r'alt="Dana, smiling, by a window"',
        html,
    )


def test_the_licences_show_their_issuer_number_and_link(client):
    CredentialFactory(
        name="Licensed substance use treatment program",
        issuer="Massachusetts Department of Public Health",
        number="TEST-0042",
        url="https://www.mass.gov/",
    )

    html = page(client, "/about/")

    assert "Licensed substance use treatment program" in html
    assert "State licence, Massachusetts Department of Public Health. Number TEST-0042" in html
    assert (
        '<a href="https://www.mass.gov/">'
        "Check it with Massachusetts Department of Public Health</a>" in html
    )


def test_every_place_shows_its_address_hours_and_directions(client):
    PlaceFactory(
        name="Worcester: outpatient office",
        street_address="12 Example Street",
        hours="Groups: weekdays, 9 am to 5 pm",
        directions="Two blocks from Union Station.",
    )

    html = page(client, "/about/")

    assert "Worcester: outpatient office" in html
    assert "12 Example Street" in html
    assert "Groups: weekdays, 9 am to 5 pm" in html
    assert "Two blocks from Union Station." in html


@pytest.mark.parametrize("people", [1, 12])
def test_the_about_page_takes_one_query_however_many_people(
    client, django_assert_num_queries, people
):
    PersonFactory.create_batch(people)
    CredentialFactory.create_batch(people)
    current_center()  # cached, as after any earlier page view

    with django_assert_num_queries(1):
        page(client, "/about/")


# --- Insurance -----------------------------------------------------------------------------------


def test_the_insurance_page_lists_the_plans_in_marketings_order_with_their_notes(client):
    InsuranceCarrierFactory(name="Pioneer Valley Mutual", order=2)
    InsuranceCarrierFactory(name="Harborline Health Plan", order=1, note="Outpatient programs only")

    html = page(client, "/insurance/")

    assert html.index("Harborline Health Plan") < html.index("Pioneer Valley Mutual")
    assert "(Outpatient programs only)" in html
    assert "Don’t see your plan?" in html


def test_without_plans_listed_the_insurance_page_says_to_call(client):
    html = page(client, "/insurance/")

    assert "Our list of plans is being updated" in html
    assert f'href="tel:{current_center().phone}"' in html


def test_the_insurance_page_explains_verification_and_self_pay_as_marketing_wrote_them(client):
    edit_profile(
        insurance_intro="Most families use insurance.",
        verification="1. We call your insurer.\n2. We call you back.",
        self_pay="Ask for our **self-pay** rates.",
    )

    html = page(client, "/insurance/")

    assert "Most families use insurance." in html
    assert "<ol>\n<li>We call your insurer.</li>" in html
    assert "Ask for our <strong>self-pay</strong> rates." in html


@pytest.mark.parametrize("carriers", [1, 30])
def test_the_insurance_page_takes_one_query_however_many_plans(
    client, django_assert_num_queries, carriers
):
    InsuranceCarrierFactory.create_batch(carriers)
    current_center()

    with django_assert_num_queries(1):
        page(client, "/insurance/")


# --- Home ----------------------------------------------------------------------------------------


def test_the_home_page_says_what_marketing_wrote(client):
    edit_profile(
        home_headline="Help for the whole family",
        home_intro="We answer day and night.",
        who_we_help_intro="We treat, among others:",
        who_we_help="Depression\n\n  Gambling  \nGrief",
    )

    html = page(client, "/")

    assert "<h1>Help for the whole family</h1>" in html
    assert '<p class="lead">We answer day and night.</p>' in html
    assert "<p>We treat, among others:</p>" in html
    assert re.findall(r"<li>([^<]+)</li>", html.split('id="who-heading"')[1].split("</ul>")[0]) == [
        "Depression",
        "Gambling",
        "Grief",
    ]


def test_the_home_page_seeded_text_is_todays(client, settings):
    html = page(client, "/")

    assert (
        "<h1>Mental health and substance use treatment, with a path that fits your life</h1>"
        in html
    )
    assert (
        f"{settings.SITE_NAME} helps adults in Massachusetts, and the people who love them" in html
    )
    assert "<li>Co-occurring mental health and substance use conditions</li>" in html


def test_the_header_and_footer_link_to_the_about_and_insurance_pages(client):
    html = page(client, "/")

    assert html.count('href="/about/"') == 2
    assert html.count('href="/insurance/"') == 2


# --- Structured data -----------------------------------------------------------------------------


def structured_data(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def test_the_home_page_describes_the_center_as_a_medical_clinic_with_its_licences(client, settings):
    PlaceFactory(name="Worcester: outpatient office", street_address="12 Example Street")
    CredentialFactory(name="Licensed substance use treatment program", number="TEST-0042")
    CredentialFactory(
        name="Accredited behavioral health organization",
        kind="accreditation",
        issuer="Example Accreditation Council",
        number="",
        url="",
    )

    (clinic,) = structured_data(client.get("/").content.decode())

    assert clinic["@context"] == "https://schema.org"
    assert clinic["@type"] == "MedicalClinic"  # a MedicalOrganization
    assert clinic["name"] == settings.SITE_NAME
    assert clinic["telephone"] == settings.ADMISSIONS_PHONE
    assert clinic["url"] == f"{settings.SITE_URL}/"
    assert clinic["address"]["streetAddress"] == settings.CENTER_STREET_ADDRESS
    (department,) = clinic["department"]
    assert department["name"] == "Worcester: outpatient office"
    assert department["address"]["streetAddress"] == "12 Example Street"
    assert department["address"]["addressLocality"] == "Worcester"
    assert clinic["hasCredential"] == [
        {
            "@type": "EducationalOccupationalCredential",
            "name": "Licensed substance use treatment program",
            "credentialCategory": "State licence",
            "recognizedBy": {
                "@type": "Organization",
                "name": "Massachusetts Department of Public Health",
            },
            "identifier": "TEST-0042",
            "url": "https://www.mass.gov/",
        },
        {
            "@type": "EducationalOccupationalCredential",
            "name": "Accredited behavioral health organization",
            "credentialCategory": "Accreditation",
            "recognizedBy": {"@type": "Organization", "name": "Example Accreditation Council"},
        },
    ]


def test_one_place_is_one_address_and_no_credentials_means_no_claim(client):
    (clinic,) = structured_data(client.get("/").content.decode())

    assert clinic["address"]["@type"] == "PostalAddress"
    assert "department" not in clinic
    assert "hasCredential" not in clinic


def test_the_structured_data_cannot_be_broken_out_of_by_what_marketing_types(client):
    edit_profile(name="</script><script>alert(1)</script>")

    html = client.get("/").content.decode()

    (clinic,) = structured_data(html)
    assert clinic["name"] == "</script><script>alert(1)</script>"
    assert "<script>alert(1)" not in html
