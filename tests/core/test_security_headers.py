import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = f"/{settings.ADMIN_URL}login/"


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    directives = (part.strip().split() for part in policy.split(";") if part.strip())
    return {name: values for name, *values in directives}


@pytest.fixture(params=["/", ADMIN_LOGIN], ids=["public page", "admin"])
def response(request, client):
    response = client.get(request.param)
    assert response.status_code == 200
    return response


def test_scripts_are_limited_to_our_own_origin(response):
    directives = csp_directives(response)

    assert directives["default-src"] == ["'self'"]
    assert "'self'" in directives["script-src"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["object-src"] == ["'none'"]


def test_the_site_cannot_be_framed(response):
    assert csp_directives(response)["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"


def test_referrers_never_leave_the_site(response):
    assert response["Referrer-Policy"] == "same-origin"


def test_powerful_browser_features_are_switched_off(response):
    policy = response["Permissions-Policy"]

    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in policy


def test_content_types_are_not_sniffed(response):
    assert response["X-Content-Type-Options"] == "nosniff"


def test_https_responses_carry_hsts(client):
    response = client.get("/", secure=True)

    assert "max-age=31536000" in response["Strict-Transport-Security"]
    assert "includeSubDomains" in response["Strict-Transport-Security"]
