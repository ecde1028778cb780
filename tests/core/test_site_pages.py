import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from core.models import SitePage
from tests.core.factories import SitePageFactory
from tests.factories import SuperuserFactory
from tests.staff_sign_in import sign_in

pytestmark = pytest.mark.django_db

ADMIN = f"/{settings.ADMIN_URL}"


def test_the_privacy_notice_and_accessibility_statement_exist_after_migrating():
    assert set(SitePage.objects.values_list("slug", flat=True)) >= {"privacy", "accessibility"}


@pytest.mark.parametrize(
    "slug", ["programs", "articles", "get-help", "admin", "about", "insurance"]
)
def test_a_page_cannot_take_an_address_another_part_of_the_site_uses(slug):
    page = SitePageFactory.build(slug=slug)

    with pytest.raises(ValidationError) as error:
        page.full_clean()

    assert error.value.message_dict["slug"] == [
        f"/{slug}/ is already used by another part of the site."
    ]


def test_a_free_address_is_accepted():
    SitePageFactory.build(slug="careers").full_clean()


def test_the_required_pages_cannot_be_deleted_in_admin(client):
    sign_in(client, SuperuserFactory())
    privacy = SitePage.objects.get(slug="privacy")

    response = client.get(f"{ADMIN}core/sitepage/{privacy.pk}/delete/")

    assert response.status_code == 403
    assert SitePage.objects.filter(slug="privacy").exists()


def test_other_pages_can_be_deleted_in_admin(client):
    sign_in(client, SuperuserFactory())
    page = SitePageFactory()

    response = client.post(f"{ADMIN}core/sitepage/{page.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not SitePage.objects.filter(pk=page.pk).exists()


def test_marketing_edits_a_page_in_admin_and_the_site_shows_it(client):
    sign_in(client, SuperuserFactory())
    privacy = SitePage.objects.get(slug="privacy")

    response = client.post(
        f"{ADMIN}core/sitepage/{privacy.pk}/change/",
        {"title": "Privacy notice", "meta_description": "", "body": "Our **new** notice."},
    )

    assert response.status_code == 302
    assert "Our <strong>new</strong> notice." in client.get("/privacy/").content.decode()
