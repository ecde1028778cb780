import pytest
from django.test import Client


@pytest.mark.urls("tests.core.urls_that_fail")
def test_the_500_page_renders_without_touching_the_database():
    # No django_db mark: any database query here would raise and fail the test.
    response = Client(raise_request_exception=False).get("/fail/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert 'href="tel:+16175550143"' in html
    assert 'href="tel:988"' in html
    assert '<a href="/privacy/">Privacy notice</a>' in html


@pytest.mark.django_db
def test_an_expired_form_explains_itself_and_offers_the_phone():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/get-help/", {})

    assert response.status_code == 403
    html = response.content.decode()
    assert "Please reload the page and try again" in html
    assert 'href="tel:+16175550143"' in html
