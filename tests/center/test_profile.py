"""The center's facts (name, phone, places, licences) come from the one profile marketing edits,
read from a cache that every edit forgets; without the database the site shows settings' facts,
so the phone is never missing."""

from unittest import mock

import pytest
from django.db import OperationalError, transaction

from center.models import CenterProfile, Place
from center.profile import Center, cached_center, current_center
from tests.center.factories import CredentialFactory, PlaceFactory

pytestmark = pytest.mark.django_db


def test_the_migration_seeds_the_profile_from_settings_with_todays_home_page_text(settings):
    profile = CenterProfile.objects.get()

    assert profile.name == settings.SITE_NAME
    assert profile.admissions_phone.as_e164 == settings.ADMISSIONS_PHONE
    assert profile.home_headline.startswith("Mental health and substance use treatment")
    assert profile.places.get().street_address == settings.CENTER_STREET_ADDRESS


def test_the_phone_and_name_shown_everywhere_come_from_the_profile(
    client, django_capture_on_commit_callbacks
):
    profile = CenterProfile.objects.get()
    client.get("/")  # the snapshot is cached now
    profile.name = "Harborlight Recovery"
    profile.admissions_phone = "+15085550199"
    with django_capture_on_commit_callbacks(execute=True):
        profile.save()

    for path in ["/", "/programs/", "/get-help/", "/about/"]:
        html = client.get(path).content.decode()
        assert 'href="tel:+15085550199"' in html, path
        assert "(508) 555-0199" in html, path
        assert "Harborlight Recovery" in html, path


@pytest.mark.parametrize("edit", ["add a place", "change a place", "add a credential"])
def test_an_edit_to_a_place_or_credential_shows_on_the_next_page_view(
    client, django_capture_on_commit_callbacks, edit
):
    client.get("/about/")
    with django_capture_on_commit_callbacks(execute=True):
        if edit == "add a place":
            PlaceFactory(name="Worcester: outpatient office")
        elif edit == "change a place":
            Place.objects.update(name="Unused")  # a queryset update sends no signal…
            place = Place.objects.get()
            place.name = "Worcester: outpatient office"
            place.save()  # …but saving the row, as admin does, does
        else:
            CredentialFactory(name="Worcester: outpatient office")

    assert "Worcester: outpatient office" in client.get("/about/").content.decode()


def test_the_snapshot_costs_three_queries_once_then_none(django_assert_num_queries):
    with django_assert_num_queries(3):  # the profile, its places, its credentials
        first = current_center()
    with django_assert_num_queries(0):
        again = current_center()

    assert first == again


def test_without_a_profile_the_site_shows_the_facts_in_settings(client, settings):
    CenterProfile.objects.all().delete()

    html = client.get("/").content.decode()

    assert f'href="tel:{settings.ADMISSIONS_PHONE}"' in html
    assert settings.CENTER_STREET_ADDRESS in html
    assert current_center() == Center.from_settings()


def test_without_the_database_the_site_shows_the_facts_in_settings(settings):
    unreachable = OperationalError("could not connect to server")
    with mock.patch.object(CenterProfile.objects, "prefetch_related", side_effect=unreachable):
        center = current_center()

    assert center == Center.from_settings()
    assert center.phone == settings.ADMISSIONS_PHONE
    assert cached_center() is None  # read again once the database is back


def test_a_broken_cache_costs_queries_not_the_page(client):
    with (
        mock.patch("center.profile.cache.get", side_effect=ConnectionError("cache down")),
        mock.patch("center.profile.cache.set", side_effect=ConnectionError("cache down")),
    ):
        response = client.get("/")

    assert response.status_code == 200
    assert CenterProfile.objects.get().name in response.content.decode()


def test_an_edit_rolled_back_leaves_the_cached_snapshot_alone():
    current_center()
    with pytest.raises(RuntimeError), transaction.atomic():
        profile = CenterProfile.objects.get()
        profile.name = "Never saved"
        profile.save()
        raise RuntimeError

    assert cached_center() is not None
    assert current_center().name != "Never saved"


def test_the_error_pages_read_the_cached_snapshot_and_never_the_database(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    profile = CenterProfile.objects.get()
    profile.admissions_phone = "+15085550199"
    with django_capture_on_commit_callbacks(execute=True):
        profile.save()
    current_center()

    with django_assert_num_queries(1):  # only the look for a page at that address
        html = client.get("/this-page-does-not-exist/").content.decode()

    assert 'href="tel:+15085550199"' in html
