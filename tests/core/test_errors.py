"""Every error page is the site's own calm page with the 24/7 phone, and showing it cannot fail.

Error pages render from the center's facts alone, never from what may be what just failed: the
request's body or Host header, the session, the user, the database. So these tests have no
database (no django_db mark: a query would fail them), and most make every context processor fail.
"""

import pytest
from django.test import Client

PHONE_LINK = 'href="tel:+16175550143"'
CRISIS_LINE_LINK = 'href="tel:988"'
SITE_FOOTER = '<a href="/privacy/">Privacy notice</a>'
FORM_IN_UTF16 = "application/x-www-form-urlencoded; charset=utf-16"


def assert_site_error_page(response, *, status: int, heading: str) -> None:
    assert response.status_code == status
    html = response.content.decode()
    assert heading in html
    assert PHONE_LINK in html
    assert SITE_FOOTER in html  # the site's layout, not a bare page


@pytest.fixture(autouse=True)
def no_old_addresses(monkeypatch):
    """The one thing a page not found may read: the old addresses of articles, kept in the
    cache (tests/articles/test_old_addresses.py tests it, with and without the database)."""
    monkeypatch.setattr("articles.middleware.old_addresses", dict)


def browser() -> Client:
    # As in production: CSRF checks on, and exceptions become pages instead of reaching the test.
    return Client(enforce_csrf_checks=True, raise_request_exception=False)


@pytest.fixture
def broken_context_processors(settings):
    """Ordinary pages fail to render, as when a context processor needs the session or database."""
    [templates] = settings.TEMPLATES
    options = templates["OPTIONS"]
    settings.TEMPLATES = [
        {
            **templates,
            "OPTIONS": {
                **options,
                "context_processors": [
                    *options["context_processors"],
                    "tests.core.urls_that_fail.failing_context_processor",
                ],
            },
        }
    ]


def test_a_form_declaring_another_charset_gets_the_400_page(settings):
    # Django refuses such a body (400) when the CSRF check reads it; the 400 page must not read
    # it again, or it fails in turn and the visitor gets a 500.
    visitor = browser()
    visitor.cookies[settings.CSRF_COOKIE_NAME] = "a" * 32  # the form's CSRF cookie

    response = visitor.post("/get-help/", "first_name=Ann", content_type=FORM_IN_UTF16)

    assert_site_error_page(response, status=400, heading="We couldn’t handle that request")


def test_a_request_for_a_host_this_site_does_not_serve_gets_the_400_page(
    broken_context_processors,
):
    response = browser().get("/", headers={"host": "evil.example"})

    assert_site_error_page(response, status=400, heading="We couldn’t handle that request")


def test_an_expired_form_explains_itself_and_offers_the_phone(broken_context_processors):
    response = browser().post("/get-help/", {})  # no CSRF cookie: expired or never had one

    assert_site_error_page(response, status=403, heading="Please reload the page and try again")
    assert "Nothing you typed was saved" in response.content.decode()


@pytest.mark.urls("tests.core.urls_that_fail")
def test_a_forbidden_page_gets_the_403_page(broken_context_processors):
    response = browser().get("/forbidden/")

    assert_site_error_page(response, status=403, heading="This page is not available")


@pytest.mark.urls("tests.core.urls_that_fail")
def test_a_form_in_another_charset_sent_to_a_forbidden_page_gets_the_403_page(settings):
    visitor = browser()
    visitor.cookies[settings.CSRF_COOKIE_NAME] = "a" * 32

    response = visitor.post("/forbidden/", "first_name=Ann", content_type=FORM_IN_UTF16)

    assert_site_error_page(response, status=403, heading="This page is not available")


def test_an_unknown_address_gets_the_404_page(broken_context_processors):
    response = browser().get("/no/such/page/")

    assert_site_error_page(response, status=404, heading="We couldn’t find that page")


def test_an_oversized_form_gets_the_413_page(broken_context_processors):
    response = browser().post("/get-help/", {"message": "x" * 30_000})

    assert_site_error_page(response, status=413, heading="That was more than the form can take")


@pytest.mark.urls("tests.core.urls_that_fail")
def test_the_500_page_renders_without_touching_the_database(broken_context_processors):
    response = browser().get("/fail/")

    assert_site_error_page(response, status=500, heading="Something went wrong on our side")
    assert CRISIS_LINE_LINK in response.content.decode()


def test_an_error_page_whose_template_cannot_render_still_gives_the_phone(settings, tmp_path):
    # A deploy without collectstatic: every {% static %} in the layout raises.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    settings.STATIC_ROOT = tmp_path

    response = browser().get("/no/such/page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert PHONE_LINK in html
    assert CRISIS_LINE_LINK in html
