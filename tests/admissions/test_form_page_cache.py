"""The blank consultation form is rendered once for everyone (rendering it is most of its cost)
and each visitor gets it with tokens of their own: a form page served so is sent as any other,
and is never stored by a browser or proxy."""

import re
import time

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from admissions import flood
from admissions.models import Lead
from admissions.views import CSRF_TOKEN_PLACEHOLDER, FORM_TOKEN_PLACEHOLDER
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
