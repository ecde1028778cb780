import pytest
from django.conf import settings

from admissions.attribution import SESSION_KEY

pytestmark = pytest.mark.django_db


def test_the_first_page_of_a_visit_is_remembered_with_its_source(client):
    client.get(
        "/programs/?utm_source=google&utm_medium=cpc&utm_term=iop+boston",
        HTTP_REFERER="https://www.google.com/",
    )
    client.get("/articles/?utm_source=other", HTTP_REFERER="https://elsewhere.example/")

    assert client.session[SESSION_KEY] == {
        "landing_page": "/programs/",
        "referrer": "https://www.google.com/",
        "utm_source": "google",
        "utm_medium": "cpc",
        "utm_campaign": "",
        "utm_term": "iop boston",
        "utm_content": "",
    }


def test_a_referrer_from_our_own_site_is_not_a_source(client):
    client.get("/", {"utm_source": "flyer"}, HTTP_REFERER="http://testserver/programs/")

    assert client.session[SESSION_KEY]["referrer"] == ""


def test_a_direct_visit_is_remembered_by_its_landing_page(client):
    client.get("/privacy/")

    assert client.session[SESSION_KEY]["landing_page"] == "/privacy/"
    assert client.session[SESSION_KEY]["referrer"] == ""


def test_later_pages_of_the_visit_need_no_session_lookup(client, django_assert_num_queries):
    client.get("/")

    with django_assert_num_queries(0):
        client.get("/articles/")


def test_crawlers_start_no_session(client):
    response = client.get("/programs/", HTTP_USER_AGENT="Mozilla/5.0 (compatible; Googlebot/2.1)")

    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_admin_pages_and_missing_pages_start_no_visit(client):
    client.get(f"/{settings.ADMIN_URL}login/")
    client.get("/no-such-page/")

    assert SESSION_KEY not in client.session


def test_overlong_values_are_cut_short(client):
    client.get("/", {"utm_campaign": "x" * 1000}, HTTP_REFERER="https://a.example/" + "y" * 1000)

    assert len(client.session[SESSION_KEY]["utm_campaign"]) == 200
    assert len(client.session[SESSION_KEY]["referrer"]) == 500
