"""The blank consultation form is rendered once for everyone (rendering it is most of its cost)
and each visitor gets it with tokens of their own: a form page served so is sent as any other,
and is never stored by a browser or proxy."""

import gzip
import re
import time
from functools import partial

import brotli
import pytest
import time_machine
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from admissions import flood, screening
from admissions.bot_traps import TokenCheck, check_form_token
from admissions.forms import FormChoices
from admissions.models import Lead
from admissions.views import CSRF_TOKEN_PLACEHOLDER, FORM_TOKEN_PLACEHOLDER
from core import pagecache
from core.http import rate_limit_key
from core.pagecache import PageWithStandIns
from core.ratelimit import forget_what_this_process_knows
from tests.admissions.conftest import form_data
from tests.admissions.factories import LeadFactory
from tests.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db


def tokens(html: str) -> tuple[str, str]:
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    form = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
    return csrf, form


def test_the_next_visitor_gets_the_form_without_a_query(client, django_assert_num_queries):
    client.get("/get-help/")
    next_visitor = client.__class__()

    with django_assert_num_queries(0):
        response = next_visitor.get("/get-help/")

    assert response.status_code == 200
    assert 'id="consultation-form"' in response.content.decode()


def test_every_visitor_gets_tokens_of_their_own_never_the_placeholders(client):
    first = client.get("/get-help/").content.decode()
    second = client.__class__().get("/get-help/").content.decode()

    assert tokens(first)[0] != tokens(second)[0]
    assert tokens(first)[1] != tokens(second)[1]
    for html in (first, second):
        assert CSRF_TOKEN_PLACEHOLDER not in html
        assert FORM_TOKEN_PLACEHOLDER not in html


def test_a_form_served_from_the_cache_is_sent_with_its_tokens():
    Client().get("/get-help/")  # someone else's view: the form is kept now
    browser = Client(enforce_csrf_checks=True)

    page = browser.get("/get-help/")
    csrf, form_token = tokens(page.content.decode())
    with time_machine.travel(time.time() + 60):  # the time a person takes to fill it in
        response = browser.post(
            "/get-help/", form_data(form_token=form_token, csrfmiddlewaretoken=csrf)
        )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Lead.objects.count() == 1


def test_a_forged_or_missing_csrf_token_is_still_refused():
    browser = Client(enforce_csrf_checks=True)
    browser.get("/get-help/")

    response = browser.post("/get-help/", form_data(csrfmiddlewaretoken="x" * 64))

    assert response.status_code == 403
    assert not Lead.objects.exists()


def test_the_form_page_is_never_stored_by_a_browser_or_proxy(client):
    client.get("/get-help/")

    response = client.get("/get-help/")

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_program_asked_for_is_chosen_in_its_own_copy_of_the_form(client):
    ProgramFactory(slug="aftercare", name="Aftercare")
    client.get("/get-help/")

    html = client.get("/get-help/?program=aftercare").content.decode()

    assert '<option value="aftercare" selected>' in html
    assert '<option value="aftercare" selected>' not in client.get("/get-help/").content.decode()


def test_an_edit_to_the_programs_shows_in_the_form_at_once(
    client, django_capture_on_commit_callbacks
):
    client.get("/get-help/")
    with django_capture_on_commit_callbacks(execute=True):
        ProgramFactory(name="Weekend intensive")

    assert "Weekend intensive" in client.get("/get-help/").content.decode()


def test_the_page_cache_off_renders_the_form_every_time(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/get-help/")

    html = client.get("/get-help/").content.decode()

    assert CSRF_TOKEN_PLACEHOLDER not in html
    assert 'id="consultation-form"' in html


def test_from_the_view_after_a_flood_opens_the_form_asks_for_a_proof_of_work(
    client, settings, django_capture_on_commit_callbacks
):
    assert "altcha" not in client.get("/get-help/").content.decode()
    settings.ADMISSIONS_FLOOD_LEADS = 1
    LeadFactory()

    with django_capture_on_commit_callbacks(execute=True):
        assert flood.note_new_lead(timezone.now()) is not None

    assert "altcha" in Client().get("/get-help/").content.decode()


# --- Served by the page cache, before the rest of Django -----------------------------------------


def test_the_next_anonymous_visitor_gets_the_form_from_the_page_cache():
    Client().get("/get-help/")

    response = Client().get("/get-help/")

    assert response["X-Page-Cache"] == "hit"
    assert 'id="consultation-form"' in response.content.decode()


def test_a_form_from_the_page_cache_carries_the_visitor_s_own_tokens_and_new_csrf_cookie():
    first = Client().get("/get-help/")

    response = Client().get("/get-help/")

    html = response.content.decode()
    assert CSRF_TOKEN_PLACEHOLDER not in html and FORM_TOKEN_PLACEHOLDER not in html
    assert tokens(html)[0] != tokens(first.content.decode())[0]
    assert tokens(html)[1] != tokens(first.content.decode())[1]
    assert response.cookies["csrftoken"].value != first.cookies["csrftoken"].value
    assert response.cookies["csrftoken"]["httponly"]
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_the_csrf_cookie_from_the_page_cache_is_the_one_django_sets(settings):
    settings.CSRF_COOKIE_SECURE = True
    rendered = Client().get("/get-help/")

    hit = Client().get("/get-help/")

    assert hit["X-Page-Cache"] == "hit"
    django_cookie, cookie = rendered.cookies["csrftoken"], hit.cookies["csrftoken"]
    for attribute in ("max-age", "path", "domain", "secure", "httponly", "samesite"):
        assert cookie[attribute] == django_cookie[attribute], attribute
    assert cookie["expires"]
    assert {"Cookie", "Accept-Encoding"} <= {part.strip() for part in hit["Vary"].split(",")}


def test_a_visitor_with_a_csrf_cookie_keeps_it_when_the_form_comes_from_the_page_cache():
    browser = Client(enforce_csrf_checks=True)
    secret = browser.get("/get-help/").cookies["csrftoken"].value

    page = browser.get("/get-help/")

    assert page["X-Page-Cache"] == "hit"
    assert browser.cookies["csrftoken"].value == secret


def test_a_form_from_the_page_cache_is_sent_with_its_tokens_and_the_lead_is_stored():
    Client().get("/get-help/")
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/get-help/")
    assert page["X-Page-Cache"] == "hit"
    csrf, form_token = tokens(page.content.decode())

    with time_machine.travel(time.time() + 60):
        response = browser.post(
            "/get-help/", form_data(form_token=form_token, csrfmiddlewaretoken=csrf)
        )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Lead.objects.count() == 1


def test_a_form_token_from_the_page_cache_is_used_up_once_like_any_other():
    Client().get("/get-help/")
    browser = Client()
    csrf, form_token = tokens(browser.get("/get-help/").content.decode())
    data = form_data(form_token=form_token, csrfmiddlewaretoken=csrf)

    with time_machine.travel(time.time() + 60):
        browser.post("/get-help/", data)
        browser.post("/get-help/", data)

    assert Lead.objects.count() == 1


def test_an_address_over_its_limit_is_asked_for_a_proof_of_work_even_when_the_form_is_kept():
    Client().get("/get-help/")
    assert Client().get("/get-help/")["X-Page-Cache"] == "hit"
    for _ in range(screening.ADDRESS_LIMIT.limit + 1):
        screening.ADDRESS_LIMIT.hit(rate_limit_key("203.0.113.9"))

    over_limit = Client(REMOTE_ADDR="203.0.113.9").get("/get-help/")

    assert "altcha" in over_limit.content.decode()
    assert "X-Page-Cache" not in over_limit
    assert "altcha" not in Client().get("/get-help/").content.decode()


def test_an_address_over_its_limit_on_another_web_process_is_asked_for_a_proof_of_work():
    Client().get("/get-help/")
    for _ in range(screening.ADDRESS_LIMIT.limit + 1):
        screening.ADDRESS_LIMIT.hit(rate_limit_key("203.0.113.9"))
    forget_what_this_process_knows()  # as a process that saw none of those requests

    over_limit = Client(REMOTE_ADDR="203.0.113.9").get("/get-help/")

    assert "altcha" in over_limit.content.decode()
    assert "altcha" not in Client(REMOTE_ADDR="203.0.113.10").get("/get-help/").content.decode()


def test_the_form_from_the_page_cache_reads_nothing_from_the_shared_cache(monkeypatch):
    # Reproduced: each view read the visitor's rate-limit counts, a Redis round trip that made
    # the form page the slowest of the site.
    Client().get("/get-help/")
    Client().get("/get-help/")  # the flood's and the limits' state read once: known for a second
    reads = []
    backend = caches["default"]
    for name in ("get", "get_many", "has_key"):
        monkeypatch.setattr(backend, name, partial(_counted, getattr(backend, name), reads))

    for n in range(20):
        response = Client(REMOTE_ADDR=f"198.51.100.{n}").get("/get-help/")
        assert response["X-Page-Cache"] == "hit"

    assert len(reads) <= 3  # once a second, whatever the traffic


def _counted(read, reads, *args, **kwargs):
    reads.append(args)
    return read(*args, **kwargs)


def test_no_visitor_s_tokens_or_cookie_are_kept_with_the_form():
    first = Client().get("/get-help/")
    csrf, form_token = tokens(first.content.decode())

    kept = [value for value in _kept_values() if isinstance(value, PageWithStandIns)]

    assert kept, "the form is kept for the next visitors"
    for page in kept:
        body = b"".join(page.parts)
        assert csrf.encode() not in body and form_token.encode() not in body
        assert not any(name.lower() == "set-cookie" for name, _ in page.headers)
        assert first.cookies["csrftoken"].value not in str(page.headers)


def test_a_form_made_while_the_database_was_down_is_not_kept_for_everyone(monkeypatch):
    last_known = FormChoices(programs=[], carriers=[], from_database=False)
    monkeypatch.setattr("admissions.views.form_choices", lambda: last_known)
    monkeypatch.setattr("admissions.spool.can_keep_requests", lambda: True)
    assert Client().get("/get-help/").status_code == 200

    assert "X-Page-Cache" not in Client().get("/get-help/")


def _kept_values():
    return list(pagecache._this_process.entries.values())


@pytest.mark.parametrize("accept_encoding", ["gzip, deflate, br, zstd", "gzip"])
def test_a_form_from_the_page_cache_is_sent_gzipped_with_the_visitor_s_tokens(accept_encoding):
    # Compressed once for everyone, each visitor's tokens spliced in: brotli cannot be spliced.
    Client().get("/get-help/")

    response = Client(HTTP_ACCEPT_ENCODING=accept_encoding).get("/get-help/")

    assert response["X-Page-Cache"] == "hit"
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert int(response["Content-Length"]) == len(response.content)
    html = gzip.decompress(response.content).decode()  # checks the length and CRC too
    assert 'id="consultation-form"' in html and FORM_TOKEN_PLACEHOLDER not in html
    csrf, form_token = tokens(html)
    assert check_form_token(form_token)[0] is TokenCheck.TOO_FAST  # just made
    assert len(csrf) == 64


@pytest.mark.parametrize(
    ("accept_encoding", "encoding", "decompress"),
    [
        ("identity", None, lambda body: body),
        # Sent whole by the page cache, then compressed by the middleware around it.
        ("br", "br", brotli.decompress),
        ("gzip;q=0, br", "br", brotli.decompress),
    ],
)
def test_a_client_that_takes_no_gzip_gets_the_form_as_it_takes_it(
    accept_encoding, encoding, decompress
):
    Client().get("/get-help/")

    response = Client(HTTP_ACCEPT_ENCODING=accept_encoding).get("/get-help/")

    assert response["X-Page-Cache"] == "hit"
    assert response.get("Content-Encoding") == encoding
    html = decompress(response.content).decode()
    assert 'id="consultation-form"' in html and FORM_TOKEN_PLACEHOLDER not in html
