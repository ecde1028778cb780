"""An article keeps every address it had: a published article whose slug changes, and the old
site's pages imported with --redirect-from, answer with a permanent redirect to it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.test import Client

from articles.models import OldAddress
from tests.articles.factories import ArticleFactory, DraftFactory

pytestmark = pytest.mark.django_db


def test_a_published_article_s_old_address_leads_to_the_new_one(django_capture_on_commit_callbacks):
    article = ArticleFactory(slug="first-name")
    with django_capture_on_commit_callbacks(execute=True):
        article.slug = "better-name"
        article.save()

    response = Client().get("/articles/first-name/?utm_source=newsletter")

    assert response.status_code == 301
    assert response["Location"] == "/articles/better-name/?utm_source=newsletter"
    assert Client().get("/articles/better-name/").status_code == 200


def test_every_earlier_address_leads_to_the_latest_with_no_chain(
    django_capture_on_commit_callbacks,
):
    article = ArticleFactory(slug="one")
    for slug in ("two", "three"):
        with django_capture_on_commit_callbacks(execute=True):
            article.slug = slug
            article.save()

    for old in ("one", "two"):
        assert Client().get(f"/articles/{old}/")["Location"] == "/articles/three/"


def test_going_back_to_an_earlier_slug_keeps_no_redirect_to_itself(
    django_capture_on_commit_callbacks,
):
    article = ArticleFactory(slug="one")
    for slug in ("two", "one"):
        with django_capture_on_commit_callbacks(execute=True):
            article.slug = slug
            article.save()

    assert Client().get("/articles/one/").status_code == 200
    assert Client().get("/articles/two/")["Location"] == "/articles/one/"
    assert not OldAddress.objects.filter(path="/articles/one/").exists()


def test_a_draft_s_slug_changes_freely():
    article = DraftFactory(slug="working-title")

    article.slug = "final-title"
    article.save()

    assert not OldAddress.objects.exists()


def test_an_old_site_s_address_leads_to_the_imported_article():
    article = ArticleFactory(slug="peer-support")
    OldAddress.objects.create(path="/blog/2023/peer-support-in-iop/", article=article)

    response = Client().get("/blog/2023/peer-support-in-iop/")

    assert response.status_code == 301
    assert response["Location"] == "/articles/peer-support/"


def test_an_old_address_of_an_article_visitors_may_not_read_finds_nothing():
    OldAddress.objects.create(path="/blog/draft/", article=DraftFactory())

    assert Client().get("/blog/draft/").status_code == 404


def test_without_the_database_a_page_not_found_is_still_the_calm_404_page(monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("the database is unreachable")

    monkeypatch.setattr("articles.middleware._old_addresses", unreachable)

    response = Client(raise_request_exception=False).get("/blog/anything/")

    assert response.status_code == 404
    assert 'href="tel:' in response.content.decode()


def test_a_permanent_redirect_is_kept_by_browsers_a_day_not_for_ever():
    """Were the slug changed back later, a redirect kept for ever would loop."""
    OldAddress.objects.create(path="/blog/peer-support/", article=ArticleFactory())

    response = Client().get("/blog/peer-support/")

    assert response.status_code == 301
    assert "max-age=86400" in response["Cache-Control"]


def _old_address(path: str, article=None) -> OldAddress:
    address = OldAddress(path=path, article=article or ArticleFactory())
    address.full_clean()
    address.save()
    return address


def test_an_old_address_written_with_percent_escapes_finds_the_article():
    article = ArticleFactory(slug="cafe")
    address = _old_address("https://old.example.org/blog/caf%C3%A9-and-recovery/", article)

    response = Client().get("/blog/café-and-recovery/")

    assert address.path == "/blog/café-and-recovery/"
    assert response.status_code == 301
    assert response["Location"] == "/articles/cafe/"


def test_an_old_address_is_found_with_or_without_its_closing_slash():
    article = ArticleFactory(slug="peer-support")
    _old_address("/blog/peer-support", article)
    _old_address("/news/peer-support/", article)

    assert Client().get("/blog/peer-support/")["Location"] == "/articles/peer-support/"
    assert Client().get("/news/peer-support")["Location"] == "/articles/peer-support/"


def test_an_old_one_level_address_without_its_slash_leads_there_in_one_redirect():
    # "/peer-support-in-iop/" is the shape of a site page's address, so Django would first add
    # the slash (a 301), and only then find the old address (another).
    article = ArticleFactory(slug="peer-support")
    _old_address("/peer-support-in-iop/", article)

    response = Client().get("/peer-support-in-iop?utm_source=old-site")

    assert response.status_code == 301
    assert response["Location"] == "/articles/peer-support/?utm_source=old-site"


@pytest.mark.parametrize(
    "path",
    ["/", "blog/no-slash-first/", "/blog/?p=123", "https://old.example.org", "/blog/two words/"],
)
def test_an_address_that_could_never_be_matched_is_refused_with_a_reason(path):
    with pytest.raises(ValidationError) as refused:
        _old_address(path)

    assert refused.value.message_dict["path"]
    assert not OldAddress.objects.exists()


def test_an_article_s_own_address_is_not_an_old_one():
    article = ArticleFactory(slug="peer-support")

    with pytest.raises(ValidationError):
        _old_address("/articles/peer-support/", article)
