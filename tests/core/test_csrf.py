"""core.csrf draws Django's CSRF token faster: the same token, the same cookie, and the
middleware accepts it as its own."""

from collections import Counter

import pytest
from django.http import HttpResponse
from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CsrfViewMiddleware,
    _check_token_format,
    _unmask_cipher_token,
)
from django.test import RequestFactory

from core.csrf import get_token


def csrf_middleware() -> CsrfViewMiddleware:
    return CsrfViewMiddleware(lambda request: HttpResponse("ok"))


def test_a_new_visitor_gets_a_secret_for_the_cookie_and_a_masked_token_for_the_form():
    request = RequestFactory().get("/")
    csrf_middleware().process_request(request)

    token = get_token(request)

    secret = request.META["CSRF_COOKIE"]
    _check_token_format(secret)
    _check_token_format(token)
    assert len(secret) == 32 and len(token) == 64
    assert _unmask_cipher_token(token) == secret
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_a_visitor_with_a_cookie_keeps_their_secret_under_a_new_mask_each_time():
    request = RequestFactory().get("/", HTTP_COOKIE="csrftoken=" + "a1B2" * 8)
    csrf_middleware().process_request(request)

    first, second = get_token(request), get_token(request)

    assert first != second
    assert _unmask_cipher_token(first) == _unmask_cipher_token(second) == "a1B2" * 8
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


@pytest.mark.django_db
def test_django_accepts_the_token_with_the_cookie_it_came_with():
    factory = RequestFactory()
    shown = factory.get("/")
    middleware = csrf_middleware()
    middleware.process_request(shown)
    token = get_token(shown)
    cookie = middleware.process_response(shown, HttpResponse()).cookies["csrftoken"].value

    sent = factory.post("/", {"csrfmiddlewaretoken": token}, HTTP_COOKIE=f"csrftoken={cookie}")
    sent._dont_enforce_csrf_checks = False
    middleware.process_request(sent)

    assert middleware.process_view(sent, lambda request: None, (), {}) is None  # accepted


def test_every_character_is_as_likely_as_any_other():
    # Drawn with bytes % 62 instead, the first 8 characters would come up 25 % more often.
    counts = Counter()
    for _ in range(2000):
        counts.update(get_token(RequestFactory().get("/")))

    assert set(counts) == set(CSRF_ALLOWED_CHARS)
    expected = sum(counts.values()) / len(CSRF_ALLOWED_CHARS)
    assert max(counts.values()) < expected * 1.12
    assert min(counts.values()) > expected * 0.88


def test_a_secret_of_every_character_unmasks_whatever_the_mask():
    # Each character's index and its mask's are added all at once: sums up to 61 + 61 must wrap
    # around the alphabet, and none may spill into its neighbour.
    for offset in range(0, len(CSRF_ALLOWED_CHARS), 2):
        rotated = (CSRF_ALLOWED_CHARS[offset:] + CSRF_ALLOWED_CHARS)[:32]
        request = RequestFactory().get("/", HTTP_COOKIE=f"csrftoken={rotated}")
        csrf_middleware().process_request(request)
        for _ in range(20):
            assert _unmask_cipher_token(get_token(request)) == rotated
