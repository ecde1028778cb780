"""How a visit began, kept in a signed first-party cookie and stored on a lead."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import signing
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from admissions.attribution import COOKIE_NAME, attribution_from_request
from admissions.models import Lead
from tests.articles.factories import ArticleFactory
from tests.infosessions.factories import InfoSessionFactory

pytestmark = pytest.mark.django_db


def attribution(client) -> dict[str, str]:
    request = RequestFactory().get("/")
    request.COOKIES[COOKIE_NAME] = client.cookies[COOKIE_NAME].value
    return attribution_from_request(request)


def test_the_first_page_of_a_visit_is_remembered_with_its_source(client):
    client.get(
        "/programs/?utm_source=google&utm_medium=cpc&utm_term=iop+boston",
        HTTP_REFERER="https://www.google.com/",
    )
    client.get("/articles/?utm_source=other", HTTP_REFERER="https://elsewhere.example/")

    assert attribution(client) == {
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

    assert attribution(client)["referrer"] == ""


def test_a_direct_visit_is_remembered_by_its_landing_page(client):
    client.get("/privacy/")

    assert attribution(client)["landing_page"] == "/privacy/"
    assert attribution(client)["referrer"] == ""


def test_the_cookie_is_first_party_http_only_and_lax(client):
    response = client.get("/")

    cookie = response.cookies[COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert not cookie["domain"]


@pytest.mark.parametrize(
    ("page", "shows_a_form"),
    [
        pytest.param(lambda: "/programs/?utm_source=newsletter", False, id="programs"),
        pytest.param(lambda: "/get-help/", True, id="consultation form"),
        pytest.param(lambda: f"/info-sessions/{InfoSessionFactory().pk}/", True, id="info session"),
        pytest.param(lambda: f"/articles/{ArticleFactory().slug}/", False, id="article"),
    ],
)
def test_an_anonymous_page_view_writes_nothing_to_the_database(
    client, demo_content, page, shows_a_form
):
    path = page()

    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)

    assert response.status_code == 200
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert writes == []
    assert not Session.objects.exists()
    # At most the visit's own signed cookie, and a form's CSRF cookie: nothing kept in a row.
    expected = {COOKIE_NAME, settings.CSRF_COOKIE_NAME} if shows_a_form else {COOKIE_NAME}
    assert set(response.cookies) <= expected


def test_later_pages_of_the_visit_need_no_query_for_it(client, django_assert_num_queries):
    Client().get("/articles/")  # someone else's view: the page is kept
    client.get("/")

    with django_assert_num_queries(0):
        client.get("/articles/")


def test_crawlers_get_no_cookie(client):
    response = client.get("/programs/", HTTP_USER_AGENT="Mozilla/5.0 (compatible; Googlebot/2.1)")

    assert COOKIE_NAME not in response.cookies


def test_admin_pages_and_missing_pages_start_no_visit(client):
    client.get(f"/{settings.ADMIN_URL}login/")
    client.get("/no-such-page/")

    assert COOKIE_NAME not in client.cookies


def test_overlong_values_are_cut_short(client):
    client.get("/", {"utm_campaign": "x" * 1000}, HTTP_REFERER="https://a.example/" + "y" * 1000)

    assert len(attribution(client)["utm_campaign"]) == 200
    assert len(attribution(client)["referrer"]) == 500


@pytest.mark.parametrize("control", ["\x00", "\x1b", "\x7f", "\u202e"])
def test_control_characters_in_what_the_visit_sent_are_dropped(client, control):
    client.get(
        f"/programs/?utm_source=news{control}letter",
        HTTP_REFERER=f"https://mail.example/{control}inbox",
    )

    kept = attribution(client)
    assert kept["utm_source"] == "newsletter"
    assert kept["referrer"] == "https://mail.example/inbox"


def test_a_forged_cookie_counts_as_no_attribution():
    request = RequestFactory().get("/")
    request.COOKIES[COOKIE_NAME] = signing.dumps({"utm_source": "forged"}, salt="wrong-salt")

    assert attribution_from_request(request)["utm_source"] == ""


def test_a_cookie_signed_with_our_key_but_full_of_nul_bytes_is_cleaned():
    # Whatever an older release stored, or a leaked key lets someone write, is cleaned on reading.
    request = RequestFactory().get("/")
    request.COOKIES[COOKIE_NAME] = signing.dumps(
        {"landing_page": "/\x00programs/", "utm_source": "\x00" * 500},
        salt="admissions.attribution",
        compress=True,
    )

    assert attribution_from_request(request) == {
        "landing_page": "/programs/",
        "referrer": "",
        "utm_source": "",
        "utm_medium": "",
        "utm_campaign": "",
        "utm_term": "",
        "utm_content": "",
    }


def test_a_request_after_a_visit_with_a_nul_byte_in_its_source_is_stored(client, post_form):
    # Reproduced on PostgreSQL: the NUL kept from the landing URL made every POST of the visit
    # fail with a 500, and nothing was stored.
    client.get("/programs/?utm_source=%00spam&utm_campaign=fall%00")

    response = post_form()

    assert response.status_code == 302
    lead = Lead.objects.get()
    assert (lead.utm_source, lead.utm_campaign) == ("spam", "fall")


def test_the_cookie_holds_only_what_the_visit_has_and_reads_back_whole(client):
    client.get("/programs/")

    value = client.cookies[COOKIE_NAME].value
    assert signing.loads(value, salt="admissions.attribution") == {"landing_page": "/programs/"}
    assert attribution(client)["landing_page"] == "/programs/"
    assert attribution(client)["utm_source"] == ""


def test_a_long_attribution_is_compressed_in_the_cookie(client):
    client.get("/programs/?utm_campaign=" + "spring-family-evenings-" * 12)

    value = client.cookies[COOKIE_NAME].value
    assert value.startswith(".")  # what django.core.signing marks as compressed
    assert attribution(client)["utm_campaign"].startswith("spring-family-evenings-")


def test_the_cookie_expires_when_django_would_have_it_expire(client, time_machine):
    time_machine.move_to("2026-12-07 03:00:00.250 +00:00", tick=False)

    response = client.get("/programs/")

    cookie = response.cookies[COOKIE_NAME]
    assert cookie["max-age"] == 12 * 3600
    assert cookie["expires"] == "Mon, 07 Dec 2026 15:00:00 GMT"


def test_visits_that_land_alike_in_the_same_second_share_one_signature(time_machine, settings):
    time_machine.move_to("2026-12-07 03:00:00 +00:00", tick=False)
    first, second, elsewhere = Client(), Client(), Client()
    for browser in (first, second):
        browser.get("/programs/?utm_source=radio")
    elsewhere.get("/about/?utm_source=radio")

    assert first.cookies[COOKIE_NAME].value == second.cookies[COOKIE_NAME].value
    assert elsewhere.cookies[COOKIE_NAME].value != first.cookies[COOKIE_NAME].value

    settings.SECRET_KEY = "a-new-secret-key-after-rotation-" * 2
    after_rotation = Client()
    after_rotation.get("/programs/?utm_source=radio")
    assert attribution(after_rotation)["utm_source"] == "radio"


def test_a_first_visit_is_private_so_no_proxy_keeps_its_cookie(client):
    first = client.get("/programs/?utm_source=newsletter")
    returning = client.get("/programs/")

    assert COOKIE_NAME in first.cookies
    assert "private" in first["Cache-Control"] and "public" not in first["Cache-Control"]
    assert COOKIE_NAME not in returning.cookies
    assert "public" in returning["Cache-Control"]


def test_a_first_visit_served_from_the_page_cache_is_private_too(client):
    Client().get("/programs/")  # someone else's first visit keeps the page

    response = client.get("/programs/?utm_source=newsletter")

    assert COOKIE_NAME in response.cookies
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
