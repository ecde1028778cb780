"""The center's facts (name, phone, places, licences) come from the one profile marketing edits,
read from a cache that every edit forgets; while the database cannot be read, pages show the last
profile read, and only with none the facts in settings: the phone is never missing."""

from unittest import mock

import pytest
from django.db import OperationalError, ProgrammingError, transaction

from center import profile as center_profile
from center.models import CenterProfile, Place
from center.profile import Center, current_center
from tests.center.factories import CredentialFactory, PlaceFactory

pytestmark = pytest.mark.django_db

EDITED_PHONE = "+15085550199"


@pytest.fixture
def edit(django_capture_on_commit_callbacks):
    """Save the profile with these changes, as admin does, and run what waits for the commit."""

    def save(**changes):
        profile = CenterProfile.objects.get()
        for name, value in changes.items():
            setattr(profile, name, value)
        with django_capture_on_commit_callbacks(execute=True):
            profile.save()

    return save


@pytest.fixture
def database_unreadable():
    def refuse(error):
        return mock.patch.object(CenterProfile.objects, "prefetch_related", side_effect=error)

    return refuse


def forget_this_process():
    """As in a web process started after the last read (another machine, a restart)."""
    center_profile._last_known_in_this_process = None


def test_the_migration_seeds_the_profile_from_settings_with_todays_home_page_text(settings):
    profile = CenterProfile.objects.get()

    assert profile.name == settings.SITE_NAME
    assert profile.admissions_phone.as_e164 == settings.ADMISSIONS_PHONE
    assert profile.home_headline.startswith("Mental health and substance use treatment")
    assert profile.places.get().street_address == settings.CENTER_STREET_ADDRESS


def test_the_phone_and_name_shown_everywhere_come_from_the_profile(client, edit):
    client.get("/")  # the snapshot is cached now
    edit(name="Harborlight Recovery", admissions_phone=EDITED_PHONE)

    for path in ["/", "/programs/", "/get-help/", "/about/"]:
        html = client.get(path).content.decode()
        assert f'href="tel:{EDITED_PHONE}"' in html, path
        assert "(508) 555-0199" in html, path
        assert "Harborlight Recovery" in html, path


@pytest.mark.parametrize("change", ["add a place", "change a place", "add a credential"])
def test_an_edit_to_a_place_or_credential_shows_on_the_next_page_view(
    client, django_capture_on_commit_callbacks, change
):
    client.get("/about/")
    with django_capture_on_commit_callbacks(execute=True):
        if change == "add a place":
            PlaceFactory(name="Worcester: outpatient office")
        elif change == "change a place":
            place = Place.objects.get()
            place.name = "Worcester: outpatient office"
            place.save()
        else:
            CredentialFactory(name="Worcester: outpatient office")

    assert "Worcester: outpatient office" in client.get("/about/").content.decode()


def test_a_snapshot_read_before_an_edit_and_cached_after_it_is_never_shown(edit):
    generation, _ = center_profile._cached_snapshot()
    read_before_the_edit = current_center()
    edit(name="Harborlight Recovery")

    # A slow request caches what it read before the edit, after the edit has been committed.
    center_profile._remember(read_before_the_edit, generation)

    assert current_center().name == "Harborlight Recovery"


def test_a_snapshot_whose_forget_was_missed_lasts_no_longer_than_a_kept_page(settings):
    """Saved while Redis was unreachable for a moment, an edit reaches nobody's snapshot: the
    snapshot expires by itself within the bound public pages are fresh within."""
    kept_for = {}
    with mock.patch.object(
        center_profile.cache,
        "set",
        side_effect=lambda key, value, timeout: kept_for.setdefault(key, timeout),
    ):
        current_center()

    snapshot_key = center_profile._snapshot_key(center_profile._cached_snapshot()[0])
    assert 0 < kept_for[snapshot_key] <= settings.PAGE_CACHE_SECONDS


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
    assert current_center().from_database is False


def test_while_the_database_is_unreachable_pages_show_the_last_profile_read(
    client, edit, database_unreadable
):
    edit(admissions_phone=EDITED_PHONE)
    current_center()
    center_profile.cache.delete(center_profile._snapshot_key(center_profile._cached_snapshot()[0]))

    with database_unreadable(OperationalError("could not connect to server")):
        in_this_process = current_center()
        forget_this_process()
        in_another_process = current_center()

    assert in_this_process.phone == in_another_process.phone == EDITED_PHONE


def test_with_nothing_read_yet_and_no_database_pages_show_the_facts_in_settings(
    settings, database_unreadable
):
    with database_unreadable(OperationalError("could not connect to server")):
        center = current_center()

    assert center == Center.from_settings()
    assert center.from_database is False


def test_any_database_error_while_reading_the_profile_still_shows_the_page(
    client, database_unreadable, settings
):
    # A release ahead of its migration, say: the page is still shown, with the phone.
    with database_unreadable(ProgrammingError('relation "center_centerprofile" does not exist')):
        response = client.get("/")

    assert response.status_code == 200
    assert f'href="tel:{settings.ADMISSIONS_PHONE}"' in response.content.decode()


def test_a_broken_cache_costs_queries_not_the_page(client, edit):
    edit(name="Harborlight Recovery")
    with (
        mock.patch("center.profile.cache.get", side_effect=ConnectionError("cache down")),
        mock.patch("center.profile.cache.set", side_effect=ConnectionError("cache down")),
    ):
        response = client.get("/")

    assert response.status_code == 200
    assert "Harborlight Recovery" in response.content.decode()


def test_an_edit_rolled_back_leaves_the_cached_snapshot_alone(django_assert_num_queries):
    current_center()
    with pytest.raises(RuntimeError), transaction.atomic():
        profile = CenterProfile.objects.get()
        profile.name = "Never saved"
        profile.save()
        raise RuntimeError

    with django_assert_num_queries(0):
        assert current_center().name != "Never saved"


def test_the_error_pages_show_the_cached_profile_without_reading_the_database(
    client, django_assert_num_queries, edit
):
    edit(admissions_phone=EDITED_PHONE)
    current_center()

    # Only the look for a page at that address, and for an article that had it.
    with django_assert_num_queries(2):
        html = client.get("/this-page-does-not-exist/").content.decode()

    assert f'href="tel:{EDITED_PHONE}"' in html


def test_with_nothing_cached_the_error_pages_show_the_facts_in_settings(
    client, django_assert_num_queries, edit, settings
):
    edit(admissions_phone=EDITED_PHONE)
    center_profile.cache.clear()
    forget_this_process()

    # Only the look for a page at that address, and for an article that had it.
    with django_assert_num_queries(2):
        html = client.get("/this-page-does-not-exist/").content.decode()

    assert f'href="tel:{settings.ADMISSIONS_PHONE}"' in html
