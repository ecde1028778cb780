"""Marketing keeps the center's profile, people and insurance list in admin: one profile, never
deleted or doubled; photos and logos described for people who cannot see them; admissions staff
have no part in it."""

import pytest
from django.conf import settings
from django.db import IntegrityError
from PIL import Image

from center.models import CenterProfile, Credential, Person, Place
from tests.admissions.factories import AdmissionsStaffFactory, MarketingFactory
from tests.center.factories import PersonFactory
from tests.programs.test_admin import photo
from tests.staff_sign_in import sign_in

pytestmark = pytest.mark.django_db

ADMIN = f"/{settings.ADMIN_URL}center/"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def marketing(client):
    sign_in(client, MarketingFactory())
    return client


def profile_form(profile: CenterProfile, **overrides) -> dict:
    """The profile's change form as admin shows it, with its one place and no credential."""
    place = profile.places.get()
    data = {
        "name": profile.name,
        "admissions_phone": str(profile.admissions_phone),
        **{
            name: getattr(profile, name)
            for name in (
                "home_headline",
                "home_intro",
                "who_we_help_intro",
                "who_we_help",
                "mission",
                "approach",
                "insurance_intro",
                "verification",
                "self_pay",
            )
        },
        "places-TOTAL_FORMS": "1",
        "places-INITIAL_FORMS": "1",
        "places-MIN_NUM_FORMS": "1",
        "places-0-id": str(place.pk),
        "places-0-profile": str(profile.pk),
        "places-0-name": place.name,
        "places-0-street_address": place.street_address,
        "places-0-city": place.city,
        "places-0-state": place.state,
        "places-0-postal_code": place.postal_code,
        "places-0-hours": place.hours,
        "places-0-directions": place.directions,
        "places-0-order": "0",
        "credentials-TOTAL_FORMS": "0",
        "credentials-INITIAL_FORMS": "0",
    }
    return {**data, **overrides}


def change_url(profile) -> str:
    return f"{ADMIN}centerprofile/{profile.pk}/change/"


def test_the_profile_list_goes_straight_to_the_one_profile(marketing):
    profile = CenterProfile.objects.get()

    response = marketing.get(f"{ADMIN}centerprofile/")

    assert response.status_code == 302
    assert response.url == change_url(profile)


def test_marketing_edits_the_home_page_text_and_adds_a_licence(marketing):
    profile = CenterProfile.objects.get()
    data = profile_form(
        profile,
        home_headline="Help for the whole family",
        **{
            "credentials-TOTAL_FORMS": "1",
            "credentials-0-kind": "licence",
            "credentials-0-name": "Licensed mental health clinic",
            "credentials-0-issuer": "Massachusetts Department of Mental Health",
            "credentials-0-number": "TEST-0001",
            "credentials-0-url": "www.mass.gov",
            "credentials-0-order": "0",
        },
    )

    response = marketing.post(change_url(profile), data)

    assert response.status_code == 302, response.context["adminform"].errors
    assert CenterProfile.objects.get().home_headline == "Help for the whole family"
    credential = Credential.objects.get()
    assert credential.url == "https://www.mass.gov"
    assert "Help for the whole family" in marketing.get("/").content.decode()


def test_the_last_place_cannot_be_removed(marketing):
    profile = CenterProfile.objects.get()

    response = marketing.post(
        change_url(profile), profile_form(profile, **{"places-0-DELETE": "on"})
    )

    assert response.status_code == 200
    assert Place.objects.count() == 1


def test_a_logo_without_a_description_is_refused_and_nothing_is_saved(marketing):
    profile = CenterProfile.objects.get()
    data = profile_form(
        profile,
        home_headline="Changed",
        **{
            "credentials-TOTAL_FORMS": "1",
            "credentials-0-kind": "accreditation",
            "credentials-0-name": "Accredited program",
            "credentials-0-issuer": "Example Council",
            "credentials-0-logo": photo(800, 400),
            "credentials-0-logo_alt": "",
            "credentials-0-order": "0",
        },
    )

    response = marketing.post(change_url(profile), data)

    assert response.status_code == 200
    assert "Describe the image for people who cannot see it." in response.content.decode()
    assert not Credential.objects.exists()
    assert CenterProfile.objects.get().home_headline != "Changed"


def test_there_is_never_a_second_profile_and_the_profile_is_never_deleted(marketing, admin_user):
    profile = CenterProfile.objects.get()

    assert marketing.get(f"{ADMIN}centerprofile/add/").status_code == 403
    assert marketing.get(f"{ADMIN}centerprofile/{profile.pk}/delete/").status_code == 403
    sign_in(marketing, admin_user)
    assert marketing.get(f"{ADMIN}centerprofile/add/").status_code == 403
    assert marketing.get(f"{ADMIN}centerprofile/{profile.pk}/delete/").status_code == 403
    assert CenterProfile.objects.count() == 1


def person_form(**overrides) -> dict:
    data = {
        "name": "Dana Whitfield",
        "slug": "dana-whitfield",
        "credentials": "LICSW",
        "role": "Family therapist",
        "team": "clinical",
        "bio": "Leads our family groups.",
        "photo_alt": "",
        "show_on_team_page": "on",
        "order": "0",
    }
    return {**data, **overrides}


def test_marketing_adds_a_person_with_a_photo_made_small_and_stripped_of_location(marketing):
    response = marketing.post(
        f"{ADMIN}person/add/",
        person_form(photo=photo(2000, 2000), photo_alt="Dana Whitfield, smiling"),
    )

    assert response.status_code == 302, response.context["adminform"].errors
    person = Person.objects.get()
    assert (person.photo_width, person.photo_height) == (480, 480)
    with Image.open(person.photo.path) as stored:
        assert stored.format == "WEBP"
        assert not stored.getexif().get_ifd(0x8825)
    assert 'alt="Dana Whitfield, smiling"' in marketing.get("/about/").content.decode()


def test_a_photo_without_a_description_is_refused_and_nothing_is_saved(marketing):
    response = marketing.post(f"{ADMIN}person/add/", person_form(photo=photo()))

    assert response.status_code == 200
    assert "Describe the image for people who cannot see it." in response.content.decode()
    assert not Person.objects.exists()


def test_the_database_refuses_a_photo_without_a_description_too():
    with pytest.raises(IntegrityError):
        PersonFactory(photo="people/dana.webp", photo_width=480, photo_height=480, photo_alt="")


def test_marketing_keeps_the_insurance_list(marketing):
    response = marketing.post(
        f"{ADMIN}insurancecarrier/add/",
        {"name": "Harborline Health Plan", "note": "", "order": "1"},
    )

    assert response.status_code == 302
    assert "Harborline Health Plan" in marketing.get("/insurance/").content.decode()


def test_admissions_staff_cannot_open_the_center_admin(client):
    sign_in(client, AdmissionsStaffFactory())

    for path in ["centerprofile/", "person/", "insurancecarrier/", "person/add/"]:
        assert client.get(f"{ADMIN}{path}").status_code == 403, path


def test_a_page_marketing_made_at_a_new_address_moves_aside_when_migrating():
    from importlib import import_module

    from django.apps import apps

    from core.models import SitePage
    from tests.core.factories import SitePageFactory

    SitePageFactory(slug="about", title="About the old way")
    migration = import_module("center.migrations.0002_seed_profile_and_marketing")

    migration.move_pages_off_the_new_addresses(apps, None)

    assert SitePage.objects.get(title="About the old way").slug == "about-old"
