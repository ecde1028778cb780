"""Public pages come from a cache shared by every web process, for anonymous visitors only:
the same page, compressed, without a query; never anything personal, never for staff; an edit
shows on the next view, and anything else within PAGE_CACHE_SECONDS."""

import gzip
import time

import brotli
import pytest
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils.cache import patch_cache_control

from center.models import CenterProfile
from core import pagecache
from core.pagecache import (
    GENERATION_CHECK_SECONDS,
    GENERATION_KEY,
    PageCacheMiddleware,
    public_page,
)
from tests.articles.factories import ArticleFactory
from tests.core.factories import SitePageFactory
from tests.factories import SuperuserFactory
from tests.infosessions.factories import InfoSessionFactory
from tests.programs.factories import ProgramFactory
from tests.public_pages import PUBLIC_PAGES
from tests.staff_sign_in import sign_in

pytestmark = pytest.mark.django_db


def test_a_second_anonymous_view_is_served_from_the_cache_without_a_query(
    client, django_assert_num_queries
):
    ProgramFactory(name="Evening IOP")
    first = client.get("/programs/")

    with django_assert_num_queries(0):
        second = client.get("/programs/")

    assert "X-Page-Cache" not in first
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "Evening IOP" in second.content.decode()


# Thank-you pages follow a POST and say something of that visitor: never kept.
NEVER_KEPT = {"/get-help/thanks/", "/info-sessions/thanks/"}
# The pages tests/public_pages.py lists, the pages machines read, and a session's own page.
KEPT_PAGES = [path for path in PUBLIC_PAGES if path not in NEVER_KEPT] + [
    "/articles/feed/",
    "/sitemap.xml",
    "/robots.txt",
    "/info-sessions/{session}/",
]


@pytest.mark.parametrize("path", KEPT_PAGES)
def test_every_public_page_is_served_to_the_next_visitor_from_the_cache_without_a_query(
    client, demo_content, django_assert_num_queries, path
):
    """A page that starts reading the session or the CSRF token (Vary: Cookie) is no longer
    kept, and every visit of a campaign's crowd costs a rendering again."""
    path = path.format(session=InfoSessionFactory().pk)
    assert client.get(path).status_code == 200

    with django_assert_num_queries(0):
        second = Client().get(path)

    assert second.status_code == 200
    assert second["X-Page-Cache"] == "hit"


def test_a_cached_page_keeps_its_security_headers_and_says_it_is_public(client):
    first = client.get("/about/")
    second = client.get("/about/")

    for header in ["Content-Security-Policy", "Permissions-Policy", "X-Frame-Options"]:
        assert second[header] == first[header], header
    assert second["X-Content-Type-Options"] == "nosniff"
    assert second["Cache-Control"] == f"public, max-age=0, s-maxage={settings.PUBLIC_PAGE_MAX_AGE}"


def test_a_proxy_keeps_a_public_page_briefly_and_a_browser_keeps_no_copy(client):
    """So that marketing, having just saved a page, sees it as it is now."""
    client.get("/about/")

    directives = dict(
        part.strip().partition("=")[::2]
        for part in client.get("/about/")["Cache-Control"].split(",")
    )

    assert directives == {"public": "", "max-age": "0", "s-maxage": "10"}


@pytest.mark.parametrize(
    ("accept_encoding", "encoding", "decompress"),
    [
        ("gzip, deflate, br", "br", brotli.decompress),
        ("gzip, deflate", "gzip", gzip.decompress),
        ("", None, lambda body: body),
        # An encoding refused with q=0, however it is written, is not sent.
        ("br;q=0.0, gzip", "gzip", gzip.decompress),
        ("br; q=0, gzip", "gzip", gzip.decompress),
        ("gzip;Q=0, br;q=0.000", None, lambda body: body),
        ("*", "br", brotli.decompress),
        ("*, br;q=0", "gzip", gzip.decompress),
    ],
)
def test_a_cached_page_is_sent_compressed_as_the_browser_accepts(
    client, accept_encoding, encoding, decompress
):
    plain = client.get("/").content

    response = client.get("/", HTTP_ACCEPT_ENCODING=accept_encoding)

    assert response["X-Page-Cache"] == "hit"
    assert response.get("Content-Encoding") == encoding
    assert decompress(response.content) == plain
    assert int(response["Content-Length"]) == len(response.content)
    assert "Accept-Encoding" in response["Vary"]


def test_a_browser_or_feed_reader_that_has_the_page_already_gets_a_304(client):
    ArticleFactory()
    for path in ("/about/", "/articles/feed/"):
        first = client.get(path)
        kept = client.get(path)

        again = client.get(path, HTTP_IF_NONE_MATCH=kept["ETag"])

        assert first["ETag"] == kept["ETag"]
        assert again.status_code == 304 and again.content == b""
        assert client.get(path, HTTP_IF_NONE_MATCH='W/"another"').status_code == 200
    since = client.get("/articles/feed/", HTTP_IF_MODIFIED_SINCE=kept["Last-Modified"])
    assert since.status_code == 304


def test_a_head_request_is_answered_from_the_cache_without_a_body(client):
    client.get("/about/")

    response = client.head("/about/")

    assert response["X-Page-Cache"] == "hit"
    assert response.content == b""


def test_staff_never_get_a_cached_page(client):
    client.get("/programs/")
    sign_in(client, SuperuserFactory())

    response = client.get("/programs/")

    assert "X-Page-Cache" not in response


def test_anyone_with_a_session_cookie_gets_the_page_rendered(client):
    client.get("/programs/")
    client.cookies[settings.SESSION_COOKIE_NAME] = "anything"

    assert "X-Page-Cache" not in client.get("/programs/")


def test_what_staff_see_is_never_kept_for_visitors(client):
    draft = ProgramFactory(is_published=False, slug="draft")
    staff = client.__class__()
    sign_in(staff, SuperuserFactory())
    assert staff.get("/programs/draft/").status_code == 200
    staff.get("/programs/")

    assert client.get("/programs/draft/").status_code == 404
    assert "X-Page-Cache" not in client.get("/programs/")
    assert draft.name not in client.get("/programs/").content.decode()


def test_an_edit_shows_on_the_next_view(client, django_capture_on_commit_callbacks):
    page = SitePageFactory(slug="visiting", body="Parking is free.")
    client.get("/visiting/")

    page.body = "Parking is free after 5 pm."
    with django_capture_on_commit_callbacks(execute=True):
        page.save()

    response = client.get("/visiting/")
    assert "X-Page-Cache" not in response
    assert "Parking is free after 5 pm." in response.content.decode()


@pytest.mark.parametrize("model", ["program", "center profile"])
def test_an_edit_to_anything_public_forgets_every_page(
    client, django_capture_on_commit_callbacks, model
):
    program = ProgramFactory()
    client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        if model == "program":
            program.summary = "Now on Saturdays too."
            program.save()
        else:
            CenterProfile.objects.get().save()

    assert "X-Page-Cache" not in client.get("/")


def test_a_page_is_rendered_anew_after_page_cache_seconds(client, settings):
    # Real seconds: Redis expires keys by its own clock.
    settings.PAGE_CACHE_SECONDS = 1
    client.get("/about/")
    assert client.get("/about/")["X-Page-Cache"] == "hit"

    time.sleep(1.1)

    assert "X-Page-Cache" not in client.get("/about/")


def test_tracking_parameters_share_the_page_and_still_reach_attribution(client):
    client.get("/programs/")
    landing = client.__class__()

    response = landing.get("/programs/?utm_source=newsletter&utm_campaign=fall")

    assert response["X-Page-Cache"] == "hit"
    assert "visit" in response.cookies  # a first visit's attribution, set outside the cache


def test_a_parameter_a_page_reads_makes_pages_of_its_own(client):
    ProgramFactory(slug="aftercare")
    ArticleFactory.create_batch(12)
    client.get("/get-help/")
    client.get("/articles/")

    chosen = Client().get("/get-help/?program=aftercare")
    second_page = Client().get("/articles/?page=2")

    assert "X-Page-Cache" not in chosen and "X-Page-Cache" not in second_page
    assert Client().get("/articles/?page=2")["X-Page-Cache"] == "hit"


def test_a_parameter_no_page_reads_shares_the_page_rather_than_costing_a_rendering(client):
    client.get("/programs/")

    response = Client().get("/programs/?nocache=81723&page_size=1000")

    assert response["X-Page-Cache"] == "hit"


def test_junk_in_addresses_keeps_nothing_more_than_the_pages_themselves(client, monkeypatch):
    """Redis holds the request spool and the rate limits too: made-up addresses, however many,
    must not fill it."""
    kept_under = set()
    keep = pagecache._keep
    monkeypatch.setattr(
        pagecache, "_keep", lambda key, *args: kept_under.add(key) or keep(key, *args)
    )
    # The pages, and what a missing page looks up (the old site's addresses).
    for path in ("/", "/programs/", "/get-help/", "/articles/", "/no-such-page/"):
        client.get(path)
    kept_for_the_pages = set(kept_under)

    for junk in range(3):
        for path in (
            f"/?q=junk{junk}",
            f"/programs/?page={junk}",
            f"/programs/?program=junk{junk}",
            f"/get-help/?program=no-such-program-{junk}",
            f"/get-help/?program=../../etc{junk}",
            f"/articles/?page={10_000 + junk}",  # no such page: a 404, never kept
        ):
            Client().get(path)
        # Another port of an allowed host: the same site, the same pages.
        Client().get("/", HTTP_HOST=f"testserver:{8000 + junk}")

    assert kept_under == kept_for_the_pages
    assert Client().get("/?q=more-junk")["X-Page-Cache"] == "hit"


def test_a_host_django_refuses_is_refused_even_when_the_page_is_kept(client):
    client.get("/programs/")

    response = Client().get("/programs/", HTTP_HOST="elsewhere.example")

    assert response.status_code == 400


def test_the_feed_names_the_site_by_its_address_whatever_host_was_asked(client, settings):
    settings.SITE_URL = "https://www.resilience.example"
    ArticleFactory(slug="sleep")

    feed = client.get("/articles/feed/", HTTP_HOST="testserver:8001").content.decode()

    assert "testserver" not in feed
    assert "https://www.resilience.example/articles/sleep/" in feed


def test_search_results_are_kept_in_this_process_only_and_by_no_proxy_or_browser(
    client, monkeypatch
):
    """What someone searched for is not left in Redis, nor in a proxy's cache on disk."""
    shared = []
    monkeypatch.setattr(pagecache, "_keep", lambda key, *args: shared.append(key))

    first = client.get("/search/?q=opioid+withdrawal")
    again = client.get("/search/?q=opioid+withdrawal")

    assert "max-age=0" in first["Cache-Control"]  # private too: a first visit's page
    assert again["Cache-Control"] == "public, max-age=0"
    assert again["X-Page-Cache"] == "hit"
    assert shared == []


def test_what_a_visitor_searched_for_is_not_readable_in_the_cache_s_keys(client, monkeypatch):
    keys = []
    put = pagecache._this_process.put
    monkeypatch.setattr(
        pagecache._this_process, "put", lambda key, page: keys.append(key) or put(key, page)
    )

    client.get("/search/?q=opioid+withdrawal")

    assert Client().get("/search/?q=opioid+withdrawal")["X-Page-Cache"] == "hit"
    assert len(keys) == 1
    assert "opioid" not in keys[0] and "search" not in keys[0]


def test_the_search_form_alone_is_shared_like_any_public_page(client):
    client.get("/search/")

    assert "s-maxage" in client.get("/search/")["Cache-Control"]
    assert pagecache._this_process.entries and cache.get(
        next(iter(pagecache._this_process.entries))
    )


def test_the_form_its_thank_you_page_and_admin_are_never_stored_by_a_browser_or_proxy(client):
    for path in ["/get-help/", "/get-help/thanks/", f"/{settings.ADMIN_URL}login/"]:
        for response in (client.get(path), Client().get(path)):
            assert "no-store" in response["Cache-Control"], path
            assert "private" in response["Cache-Control"], path


@pytest.mark.parametrize("page", ["", "core/sitepage/", "admissions/lead/"])
def test_admin_pages_a_signed_in_staff_member_sees_are_never_stored_either(client, page):
    sign_in(client, SuperuserFactory())

    response = client.get(f"/{settings.ADMIN_URL}{page}")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_the_thank_you_page_and_admin_are_never_kept(client):
    for path in ["/get-help/thanks/", f"/{settings.ADMIN_URL}login/"]:
        client.get(path)
        assert "X-Page-Cache" not in Client().get(path), path


def test_a_missing_page_is_not_kept(client):
    client.get("/not-a-page/")

    assert "X-Page-Cache" not in client.get("/not-a-page/")


# --- What may be kept: decided on the response -----------------------------------------------


def served_twice(response_for_request) -> HttpResponse:
    middleware = PageCacheMiddleware(response_for_request)
    request = RequestFactory().get("/somewhere/")
    middleware(request)
    return middleware(RequestFactory().get("/somewhere/"))


def public(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=10)
    return response


@pytest.mark.parametrize(
    "make_response",
    [
        pytest.param(lambda: HttpResponse("hello"), id="not marked public"),
        pytest.param(lambda: public(HttpResponse("hello", status=201)), id="not a 200"),
        pytest.param(lambda: _with(public(HttpResponse("hello")), cookie=True), id="sets a cookie"),
        pytest.param(
            lambda: _with(public(HttpResponse("hello")), Vary="Cookie"), id="varies on cookies"
        ),
        pytest.param(
            lambda: _with(HttpResponse("hello"), **{"Cache-Control": "public, no-store"}),
            id="no-store",
        ),
        pytest.param(
            lambda: _with(HttpResponse("hello"), **{"Cache-Control": "public, private"}),
            id="private",
        ),
        pytest.param(
            lambda: _with(
                public(HttpResponse("hello")),
                **{"Content-Security-Policy": "script-src 'self' 'nonce-abc'"},
            ),
            id="carries a CSP nonce",
        ),
    ],
)
def test_a_response_is_kept_only_if_it_is_the_same_for_every_anonymous_visitor(make_response):
    assert "X-Page-Cache" not in served_twice(lambda request: make_response())


def test_a_response_marked_public_is_kept():
    assert served_twice(lambda request: public(HttpResponse("hello")))["X-Page-Cache"] == "hit"


def test_public_page_marks_only_a_200_that_set_no_cache_control_of_its_own():
    @public_page
    def view(request, status=200, cache_control=None):
        response = HttpResponse(status=status)
        if cache_control:
            response["Cache-Control"] = cache_control
        return response

    request = RequestFactory().get("/")
    assert "public" in view(request)["Cache-Control"]
    assert not view(request, status=404).has_header("Cache-Control")
    assert view(request, cache_control="private, no-store")["Cache-Control"] == "private, no-store"


def _break_the_shared_cache(monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    for call in ("get", "get_many", "set", "add", "incr"):
        monkeypatch.setattr(f"core.pagecache.cache.{call}", broken)


def test_a_broken_cache_costs_the_rendering_not_the_page(client, monkeypatch, caplog):
    _break_the_shared_cache(monkeypatch)

    first = client.get("/about/")

    assert first.status_code == 200
    assert "X-Page-Cache" not in first
    assert "Page cache unreadable" in caplog.text


def test_while_the_shared_cache_is_down_this_process_keeps_what_it_renders(
    client, monkeypatch, django_assert_num_queries
):
    client.get("/programs/")  # kept, here and in the shared cache
    _break_the_shared_cache(monkeypatch)
    client.get("/about/")  # rendered while it is down

    for path in ("/programs/", "/about/"):
        with django_assert_num_queries(0):
            assert client.get(path)["X-Page-Cache"] == "hit"


def test_while_the_shared_cache_is_down_this_process_s_copies_still_expire(
    client, monkeypatch, time_machine
):
    time_machine.move_to("2026-03-02 10:00:00+00:00", tick=False)
    client.get("/about/")
    _break_the_shared_cache(monkeypatch)
    assert client.get("/about/")["X-Page-Cache"] == "hit"

    time_machine.shift(settings.PAGE_CACHE_SECONDS + 1)

    assert "X-Page-Cache" not in client.get("/about/")


def test_a_hit_says_how_long_ago_it_was_rendered(client, time_machine):
    """So that a proxy or CDN after this cache keeps it only for what is left of s-maxage."""
    time_machine.move_to("2026-03-02 10:00:00+00:00", tick=False)
    assert "Age" not in client.get("/about/")

    time_machine.shift(7)
    hit = client.get("/about/")

    assert hit["X-Page-Cache"] == "hit"
    assert hit["Age"] == "7"
    assert hit["Cache-Control"] == f"public, max-age=0, s-maxage={settings.PUBLIC_PAGE_MAX_AGE}"


def _with(response: HttpResponse, cookie: bool = False, **headers) -> HttpResponse:
    for name, value in headers.items():
        response[name] = value
    if cookie:
        response.set_cookie("something", "personal")
    return response


def test_an_edit_made_on_another_machine_shows_here_within_the_generation_check(client):
    client.get("/about/")
    # What an edit committed by another machine's process does: bump the shared generation.
    cache.add(GENERATION_KEY, 0, timeout=None)
    cache.incr(GENERATION_KEY)
    assert client.get("/about/")["X-Page-Cache"] == "hit"  # this process's copy, for now

    time.sleep(GENERATION_CHECK_SECONDS)

    assert "X-Page-Cache" not in client.get("/about/")


def test_a_hit_from_this_process_copy_needs_no_cache_read(client, monkeypatch):
    client.get("/about/")
    client.get("/about/")

    def unreachable(*args, **kwargs):
        raise AssertionError("the shared cache was read")

    monkeypatch.setattr("core.pagecache.cache.get", unreachable)

    assert client.get("/about/")["X-Page-Cache"] == "hit"
