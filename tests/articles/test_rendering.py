"""An article's text is Markdown, rendered once when saved through the site's one allow-list
(core.richtext): nothing that can run, nothing from another host, images only from the library
with their descriptions. Page views never render Markdown again."""

import html as html_module
import re

import pytest
from django.db.models import ProtectedError
from django.test import Client

from articles.models import ArticleImage
from articles.rendering import missing_images
from tests.articles.factories import ArticleFactory, ArticleImageFactory

pytestmark = pytest.mark.django_db


def rendered(body: str) -> str:
    return ArticleFactory(body=body).body_html


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<scr<script>ipt>alert(1)</script>",
        '<svg onload="alert(1)"></svg>',
        "<style>body{display:none}</style>",
        '<iframe src="https://evil.example/"></iframe>',
    ],
)
def test_nothing_that_can_run_survives(body):
    html = rendered(f"Before.\n\n{body}\n\nAfter.")

    for forbidden in ("<script", "<svg", "<style", "<iframe", "onload", "evil.example"):
        assert forbidden not in html.lower()
    assert "After." in html


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6A;avascript:alert(1)",
        "javascript&colon;alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    ],
)
def test_links_that_would_run_code_lose_their_address_in_any_spelling(href):
    for body in (f"[click]({href})", f'<a href="{href}">click</a>'):
        html = rendered(body)

        for address in re.findall(r'href="([^"]*)"', html):
            assert not as_a_browser_reads_it(address).startswith(RUNNABLE_SCHEMES), address
        assert "click" in html


RUNNABLE_SCHEMES = ("javascript:", "vbscript:", "data:")


def as_a_browser_reads_it(address: str) -> str:
    # The URL standard: entities decoded (HTML), C0 controls and spaces at either end dropped,
    # tabs and newlines anywhere dropped; schemes compared without case.
    address = html_module.unescape(address).strip("".join(map(chr, range(0x21))))
    return re.sub(r"[\t\n\r]", "", address).lower()


@pytest.mark.parametrize(
    "attribute",
    ['onclick="steal()"', 'onmouseover="steal()"', 'ONERROR="steal()"', 'style="x:expression(1)"'],
)
def test_event_handlers_and_styles_are_removed(attribute):
    html = rendered(f'<p {attribute}>Hello</p>\n\n<a href="/get-help/" {attribute}>Ask</a>')

    assert "steal" not in html and "expression" not in html
    assert "Hello" in html and 'href="/get-help/"' in html


def test_headings_lists_links_and_quotes_are_kept():
    html = rendered(
        "# Top\n\n## Section\n\n- one\n- two\n\n1. first\n\n> A quote\n\n"
        "[Call us](tel:+16175550143) or [read more](https://www.samhsa.gov/)"
    )

    assert '<h2 id="top">Top</h2>' in html and "<h1" not in html
    assert "<ul>" in html and "<ol>" in html and "<blockquote>" in html
    assert 'href="tel:+16175550143"' in html
    assert 'href="https://www.samhsa.gov/" rel="noopener noreferrer"' in html


def test_a_library_image_is_shown_with_its_size_and_description():
    image = ArticleImageFactory(alt_text="Two chairs by a window")

    html = rendered(f"Look:\n\n![]({image.markdown.split('](')[1][:-1]})")

    assert f'src="{image.image.url}"' in html
    assert 'alt="Two chairs by a window"' in html
    assert 'width="800"' in html and 'height="600"' in html
    assert 'loading="lazy"' in html


def test_an_article_may_describe_a_library_image_its_own_way():
    image = ArticleImageFactory()

    html = rendered(f"![The group room at dusk](image:{image.pk})")

    assert 'alt="The group room at dusk"' in html


@pytest.mark.parametrize(
    "body",
    [
        "![pixel](https://tracker.example/p.gif)",
        "![pixel](//tracker.example/p.gif)",
        "![missing](image:999999)",
        '<img src="/media/articles/other.webp">',
        'Inline <img src="https://tracker.example/p.gif" alt="x"> image',
        '<image src="/\\tracker.example/p.gif">',
        '<IMAGE SRC="/\\tracker.example/p.gif">',
        '<IMG SRC="/\\tracker.example/p.gif">',
        'Inline <image src="/media/articles/other.webp" alt="x"> image',
        '<im<img>g src="/\\tracker.example/p.gif">',
        "![pixel](/\\tracker.example/p.gif)",
    ],
)
def test_any_other_image_is_left_out(body):
    assert "<img" not in rendered(body)


def test_a_library_image_typed_as_html_is_left_out():
    image = ArticleImageFactory()

    for tag in ("img", "image", "IMAGE"):
        html = rendered(f'![](image:{image.pk})\n\n<{tag} src="{image.image.url}">')

        assert html.count("<img") == 1, tag


ARABIC_INDIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def test_an_image_is_named_by_its_number_in_ascii_digits_only():
    image = ArticleImageFactory()
    other_digits = str(image.pk).translate(ARABIC_INDIC_DIGITS)

    article = ArticleFactory(body=f"![](image:{other_digits})\n\n![](image:²)")

    assert "<img" not in article.body_html
    assert not article.body_images.exists()


@pytest.mark.parametrize("number", ["9" * 10, "9" * 20, "9" * 400])
def test_an_image_number_too_big_for_the_database_is_no_image_and_no_error(number):
    body = f"![](image:{number})\n\nStill here."

    article = ArticleFactory(body=body)

    assert "<img" not in article.body_html and "Still here." in article.body_html
    assert missing_images(body) == []


def test_an_image_in_use_cannot_be_deleted_and_a_new_description_shows_in_the_article():
    image = ArticleImageFactory(alt_text="Old words")
    article = ArticleFactory(body=f"![](image:{image.pk})")

    with pytest.raises(ProtectedError):
        image.delete()

    image.alt_text = "New words"
    image.save()
    article.refresh_from_db()
    assert 'alt="New words"' in article.body_html


def test_a_page_view_never_renders_markdown(monkeypatch, settings):
    settings.PAGE_CACHE_SECONDS = 0
    article = ArticleFactory(body="## Kept\n\nRendered when saved.")

    def refuse(*args, **kwargs):
        raise AssertionError("rendered Markdown on a page view")

    monkeypatch.setattr("core.richtext.render_markdown", refuse)
    monkeypatch.setattr("articles.rendering.render_markdown", refuse)

    html = Client().get(article.get_absolute_url()).content.decode()

    assert '<h2 id="kept">Kept</h2>' in html


def test_the_reading_time_counts_the_words():
    assert ArticleFactory(body="word " * 199).reading_minutes == 1
    assert ArticleFactory(body="word " * 201).reading_minutes == 2
    assert ArticleFactory(body="word " * 1000).reading_minutes == 5


def test_the_library_lists_what_each_image_is_shown_in(marketing):
    image = ArticleImageFactory()
    ArticleFactory(title="Evenings", body=f"![](image:{image.pk})")

    html = marketing.get(f"/admin/articles/articleimage/{image.pk}/change/").content.decode()

    assert "Evenings" in html
    assert f"![{image.alt_text}](image:{image.pk})" in html
    assert ArticleImage.objects.count() == 1
