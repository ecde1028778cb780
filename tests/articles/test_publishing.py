"""An article is public only when published and its publish time has come: one rule, on
ArticleQuerySet.public(), for every list and page. A scheduled article appears by itself, with
no job running; staff preview the others at their address, marked, never kept or indexed."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format

from articles.models import Article, State, Status
from core.checks import public_pages_are_fresh_within_the_bound
from tests.articles.factories import ArticleFactory, DraftFactory, ScheduledFactory
from tests.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db

TITLE = "A scheduled article about evening groups"


def public_surfaces(client, article, program) -> dict[str, str]:
    """Everywhere visitors could meet the article."""
    return {
        "list": client.get("/articles/").content.decode(),
        "home": client.get("/").content.decode(),
        "program page": client.get(program.get_absolute_url()).content.decode(),
        "feed": client.get("/articles/feed/").content.decode(),
        "sitemap": client.get("/sitemap.xml").content.decode(),
        "search": client.get("/search/?q=scheduled+evening").content.decode(),
        "page": str(client.get(article.get_absolute_url()).status_code),
    }


def test_the_rule_is_published_and_its_time_has_come():
    now = timezone.now()
    public = ArticleFactory(publish_at=now - timedelta(seconds=1))
    ScheduledFactory(publish_at=now + timedelta(seconds=1))
    DraftFactory()
    DraftFactory(publish_at=now - timedelta(days=1))  # unpublished after it was out

    assert list(Article.objects.public(now)) == [public]


@pytest.mark.parametrize(
    ("factory", "state"),
    [
        (DraftFactory, State.DRAFT),
        (ScheduledFactory, State.SCHEDULED),
        (ArticleFactory, State.PUBLISHED),
    ],
)
def test_each_article_says_what_it_is_now(factory, state):
    article = factory()

    assert article.state == state
    assert list(Article.objects.in_state(state)) == [article]


def test_publishing_without_a_time_publishes_now():
    article = DraftFactory()

    article.status = Status.PUBLISHED
    article.save()

    assert article.publish_at is not None
    assert article.is_public


def test_a_scheduled_article_is_nowhere_until_its_time_then_everywhere_with_no_job_running(
    django_capture_on_commit_callbacks, settings
):
    program = ProgramFactory()
    publish_at = timezone.now() + timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        article = ScheduledFactory(title=TITLE, publish_at=publish_at, body="Scheduled evening.")
        article.related_programs.add(program)
    visitor = Client()

    # Seen, and so kept by the page cache, a second before its time.
    with time_machine.travel(publish_at - timedelta(seconds=1)):
        before = public_surfaces(visitor, article, program)

    assert before.pop("page") == "404"
    for surface, html in before.items():
        assert TITLE not in html and article.slug not in html, surface

    # Within the page cache's bound after its time (core.pagecache), with nothing run meanwhile.
    with time_machine.travel(publish_at + timedelta(seconds=settings.PAGE_CACHE_SECONDS + 1)):
        after = public_surfaces(visitor, article, program)

    assert after.pop("page") == "200"
    for surface, html in after.items():
        assert article.slug in html, surface


def test_the_documented_bound_holds_a_kept_page_and_a_proxys_copy_together_last_30_s_at_most(
    settings,
):
    assert settings.PAGE_CACHE_SECONDS + settings.PUBLIC_PAGE_MAX_AGE <= 30
    assert public_pages_are_fresh_within_the_bound(None) == []


def test_settings_that_break_the_bound_are_warned_about(settings):
    settings.PAGE_CACHE_SECONDS, settings.PUBLIC_PAGE_MAX_AGE = 25, 10

    (warning,) = public_pages_are_fresh_within_the_bound(None)

    assert warning.id == "core.W001"
    assert "35 s" in warning.msg


def test_staff_preview_a_draft_at_its_address_marked_never_kept_never_indexed(marketing):
    article = DraftFactory(title="Notes for a draft")

    response = marketing.get(article.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview." in html and "A draft" in html
    assert '<meta name="robots" content="noindex">' in html
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "X-Page-Cache" not in marketing.get(article.get_absolute_url())


def test_staff_preview_a_scheduled_article_with_when_it_will_appear(marketing):
    article = ScheduledFactory()

    html = marketing.get(article.get_absolute_url()).content.decode()

    when = date_format(timezone.localtime(article.publish_at), "F j, Y, g:i a")
    assert f"Scheduled: from {when}, visitors can read it." in html


@pytest.mark.parametrize("factory", [DraftFactory, ScheduledFactory])
def test_visitors_and_people_without_access_to_articles_find_nothing(client, factory):
    from tests.admissions.factories import AdmissionsStaffFactory
    from tests.staff_sign_in import sign_in

    article = factory()
    assert Client().get(article.get_absolute_url()).status_code == 404

    sign_in(client, AdmissionsStaffFactory())
    assert client.get(article.get_absolute_url()).status_code == 404


def test_an_unpublished_article_disappears_from_the_public_pages_at_once(
    django_capture_on_commit_callbacks,
):
    article = ArticleFactory(title="Going, going")
    visitor = Client()
    assert "Going, going" in visitor.get("/articles/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        article.status = Status.DRAFT
        article.save()

    assert "Going, going" not in visitor.get("/articles/").content.decode()
    assert visitor.get(article.get_absolute_url()).status_code == 404
