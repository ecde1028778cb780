"""An article with pictures (a hero image and one from the image library in its text), and a
scheduled article as staff preview it, pass axe's WCAG A/AA rules at both widths. The demo's
articles have no pictures, and the preview is seen only signed in: the public page list misses
both."""

from pathlib import Path

import pytest
from django.conf import settings

from tests.articles.factories import ArticleFactory, ArticleImageFactory, ScheduledFactory
from tests.browser.test_accessibility import VIEWPORTS
from tests.browser.test_staff_sign_in import (
    assert_meets_wcag_a_and_aa,
    assert_nothing_blocked_or_foreign,
    sign_in_with_two_factor,
)
from tests.factories import SuperuserFactory
from tests.staff_sign_in import authenticator_for


@pytest.fixture
def media_served(page, settings, tmp_path):
    """Uploaded files, as the proxy serves them in production (Django serves none)."""
    settings.MEDIA_ROOT = tmp_path

    def from_media_root(route):
        path = route.request.url.split(settings.MEDIA_URL, 1)[1]
        route.fulfill(path=Path(settings.MEDIA_ROOT) / path)

    page.route(f"**/{settings.MEDIA_URL}**", from_media_root)


def test_an_article_with_pictures_meets_wcag_a_and_aa(page, page_log, media_served):
    library_image = ArticleImageFactory(alt_text="Two chairs by a window in a group room")
    article = ArticleFactory(
        title="What a first group evening is like",
        body=f"Most people arrive early.\n\n![A group room](image:{library_image.pk})\n\n"
        "## After the group\n\nSome stay to talk.",
        hero_image=ArticleImageFactory.build().image,
        hero_image_alt="Evening light in the center's garden",
    )

    for viewport in VIEWPORTS.values():
        page.set_viewport_size(viewport)
        page.goto(article.get_absolute_url())
        assert page.locator("main img").count() == 2
        assert_meets_wcag_a_and_aa(page)
    assert_nothing_blocked_or_foreign(page_log)


def test_a_scheduled_article_as_staff_preview_it_meets_wcag_a_and_aa(page, page_log):
    device = authenticator_for(SuperuserFactory(username="editor", password="correct-horse"))
    article = ScheduledFactory(title="Sleep in early recovery")
    page.goto(f"/{settings.ADMIN_URL}login/")
    sign_in_with_two_factor(page, "editor", "correct-horse", device)

    for viewport in VIEWPORTS.values():
        page.set_viewport_size(viewport)
        page.goto(article.get_absolute_url())
        assert "visitors can read it." in page.get_by_role("status").inner_text()
        assert_meets_wcag_a_and_aa(page)
    assert_nothing_blocked_or_foreign(page_log)


@pytest.mark.parametrize(("height", "position"), [(900, "sticky"), (560, "static")])
def test_the_box_beside_an_article_stays_in_view_only_where_it_fits(page, height, position):
    # In `em`, the media query also turns it off for a reader whose browser text is larger.
    article = ArticleFactory(body="Words.\n\n" * 200)
    page.set_viewport_size({"width": 1280, "height": height})
    page.goto(article.get_absolute_url())

    box = page.locator(".start-box")
    assert box.evaluate("element => getComputedStyle(element).position") == position
