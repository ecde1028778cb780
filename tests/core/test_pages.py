import re

import pytest
from django.conf import settings

from tests.core.factories import SitePageFactory
from tests.public_pages import NOT_FOUND_PAGE, PUBLIC_PAGES

pytestmark = pytest.mark.django_db

PHONE_LINK = f'href="tel:{settings.ADMISSIONS_PHONE}"'


def count_h1(html: str) -> int:
    return len(re.findall(r"<h1[\s>]", html))


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_shows_the_phone_and_the_crisis_lines(client, demo_content, path):
    response = client.get(path)

    assert response.status_code == 200
    html = response.content.decode()
    assert PHONE_LINK in html
    assert "(617) 555-0143" in html
    assert 'href="tel:988"' in html and 'href="sms:988"' in html
    assert 'href="tel:911"' in html
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert count_h1(html) == 1


def test_the_current_section_is_marked_in_the_navigation(client):
    html = client.get("/programs/").content.decode()

    assert '<a href="/programs/" aria-current="page">Programs</a>' in html
    assert '<a href="/articles/">Articles</a>' in html


def test_the_footer_links_to_the_privacy_notice_and_accessibility_statement(client):
    html = client.get("/").content.decode()

    assert '<a href="/privacy/">Privacy notice</a>' in html
    assert '<a href="/accessibility/">Accessibility statement</a>' in html


def test_the_home_page_invites_a_consultation_request(client):
    html = client.get("/").content.decode()

    assert '<a class="btn btn-primary btn-lg" href="/get-help/">Request a consultation</a>' in html


def test_an_unknown_address_gets_a_404_page_in_the_site_look_with_the_phone(client):
    response = client.get(NOT_FOUND_PAGE)

    assert response.status_code == 404
    html = response.content.decode()
    assert "We couldn’t find that page" in html
    assert PHONE_LINK in html
    assert count_h1(html) == 1


def test_a_page_made_in_admin_is_served_at_its_slug(client):
    SitePageFactory(slug="visiting-us", title="Visiting us", body="## Parking\n\nFree lot.")

    response = client.get("/visiting-us/")

    assert response.status_code == 200
    assert '<h2 id="parking">Parking</h2>' in response.content.decode()


def test_robots_txt_is_plain_text(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "User-agent: *" in response.content.decode()
