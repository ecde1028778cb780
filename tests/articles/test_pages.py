"""The articles' public pages: the list (newest first, paginated, by category), each article
with who wrote and reviewed it and what to do next, the feed, the sitemap, and what search
engines and link previews read."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from articles.models import Article
from articles.views import ARTICLES_PER_PAGE
from tests.articles.factories import (
    ArticleFactory,
    CategoryFactory,
    DraftFactory,
    ScheduledFactory,
)
from tests.center.factories import PersonFactory
from tests.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def html_of(path: str) -> str:
    response = Client().get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def json_ld(html: str) -> list[dict]:
    return [
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]


def days_ago(days: int):
    return timezone.now() - timedelta(days=days)


# --- The list -------------------------------------------------------------------------------------


def test_the_list_shows_the_newest_first_and_pages_through_the_rest():
    for day in range(ARTICLES_PER_PAGE + 2):
        ArticleFactory(title=f"Article from day {day}", publish_at=days_ago(day))

    first, second = html_of("/articles/"), html_of("/articles/?page=2")

    assert first.index("Article from day 0") < first.index("Article from day 1")
    assert f"Article from day {ARTICLES_PER_PAGE}" not in first
    assert f"Article from day {ARTICLES_PER_PAGE}" in second
    assert 'rel="next"' in first and 'rel="prev"' in second
    assert Client().get("/articles/?page=9").status_code == 404
    assert f'<link rel="canonical" href="{settings.SITE_URL}/articles/">' in first
    assert f'<link rel="canonical" href="{settings.SITE_URL}/articles/?page=2">' in second
    assert f'<link rel="canonical" href="{settings.SITE_URL}/articles/">' in html_of(
        "/articles/?page=1&utm_source=newsletter"
    )


def test_a_category_lists_its_articles_and_the_topics_lead_to_each_other():
    groups = CategoryFactory(name="Groups", slug="groups", description="All about groups.")
    family = CategoryFactory(name="Family", slug="family")
    ArticleFactory(title="On groups").categories.add(groups)
    ArticleFactory(title="On family").categories.add(family)
    CategoryFactory(name="Empty topic")

    html = html_of("/articles/category/groups/")

    assert "On groups" in html and "On family" not in html
    assert "<h1>Groups</h1>" in html and "All about groups." in html
    assert 'href="/articles/category/family/"' in html
    assert "Empty topic" not in html  # no public article in it
    assert Client().get("/articles/category/nothing-here/").status_code == 404


# --- An article -----------------------------------------------------------------------------------


@pytest.fixture
def article():
    program = ProgramFactory(name="Evening IOP", slug="evening-iop")
    article = ArticleFactory(
        title="Peer support in evening groups",
        summary="What a group gives that a weekly session cannot.",
        body="## Why groups help\n\n" + "Shared words help. " * 300,
        author=PersonFactory(name="Jonah Whitcombe", credentials="LMHC", role="Therapist"),
        medical_reviewer=PersonFactory(name="Harriet Osei", credentials="NP"),
        reviewed_on=date(2026, 11, 2),
        publish_at=days_ago(10),
        seo_title="Peer support in IOP",
        meta_description="How peer support in an evening IOP group helps recovery.",
    )
    article.related_programs.add(program)
    article.categories.add(CategoryFactory(name="Treatment"))
    article.tags.add("peer support", "IOP")
    return article


def test_an_article_says_who_wrote_and_reviewed_it_and_how_long_it_takes(article):
    html = html_of(article.get_absolute_url())

    assert '<h1 id="article-heading">Peer support in evening groups</h1>' in html
    assert "What a group gives that a weekly session cannot." in html
    assert "Jonah Whitcombe, LMHC, Therapist" in html
    assert "Medically reviewed by" in html and "Harriet Osei, NP" in html
    assert "November 2, 2026" in html
    assert "5 minutes" in html  # 900 words
    assert '<h2 id="why-groups-help">Why groups help</h2>' in html
    assert "Tags: peer support, IOP" in html or "Tags: IOP, peer support" in html


def test_an_article_offers_its_programs_the_form_and_the_24_7_phone(article):
    html = html_of(article.get_absolute_url())

    assert 'href="/programs/evening-iop/"' in html
    assert 'href="/get-help/?program=evening-iop"' in html
    assert 'href="tel:+16175550143"' in html


def test_the_updated_date_is_when_readers_last_saw_it_change(time_machine, settings):
    settings.PAGE_CACHE_SECONDS = 0
    time_machine.move_to("2026-12-07 12:00 -05:00", tick=False)
    article = ArticleFactory(publish_at=days_ago(0) - timedelta(hours=1))
    assert updated_date(html_of(article.get_absolute_url())) == "December 7, 2026"

    # Written in November, edited since: the edit's day.
    type(article).objects.filter(pk=article.pk).update(publish_at=days_ago(30))
    assert updated_date(html_of(article.get_absolute_url())) == "December 7, 2026"

    # Written and scheduled in November, out today: updated no earlier than it is out.
    time_machine.move_to("2026-12-20 09:00 -05:00", tick=False)
    type(article).objects.filter(pk=article.pk).update(publish_at=days_ago(1))
    assert updated_date(html_of(article.get_absolute_url())) == "December 19, 2026"


def updated_date(html: str) -> str:
    return re.search(r"<dt>Updated</dt><dd><time[^>]*>([^<]+)</time>", html).group(1)


def test_related_articles_share_a_category_and_are_public(article):
    [category] = article.categories.all()
    related = ArticleFactory(title="Also about treatment")
    related.categories.add(category)
    ArticleFactory(title="About something else")
    ScheduledFactory(title="Not yet").categories.add(category)

    html = html_of(article.get_absolute_url())

    section = html[html.index("Related articles") :]
    assert "Also about treatment" in section
    assert "About something else" not in section and "Not yet" not in section


def test_search_engines_and_link_previews_read_the_article(article):
    html = html_of(article.get_absolute_url())
    url = f"{settings.SITE_URL}{article.get_absolute_url()}"

    assert "<title>Peer support in IOP</title>" in html  # the whole title, as marketing gave it
    assert (
        '<meta name="description" content="How peer support in an evening IOP group helps '
        'recovery.">'
    ) in html
    assert f'<link rel="canonical" href="{url}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:title" content="Peer support in IOP">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    assert '<meta name="twitter:title" content="Peer support in IOP">' in html
    assert (
        '<meta name="twitter:description" content="How peer support in an evening IOP group '
        'helps recovery.">'
    ) in html
    assert "noindex" not in html


def test_the_json_ld_is_a_blog_posting_by_the_team_published_by_the_center(article):
    posting, breadcrumbs = json_ld(html_of(article.get_absolute_url()))

    assert posting["@type"] == "BlogPosting"
    assert posting["headline"] == "Peer support in evening groups"
    assert posting["author"] == {
        "@type": "Person",
        "name": "Jonah Whitcombe",
        "jobTitle": "Therapist",
        "honorificSuffix": "LMHC",
    }
    assert posting["mainEntityOfPage"]["reviewedBy"]["name"] == "Harriet Osei"
    assert posting["mainEntityOfPage"]["lastReviewed"] == "2026-11-02"
    assert posting["datePublished"].startswith(article.publish_at.date().isoformat())
    assert posting["dateModified"]
    assert posting["publisher"]["@type"] == "MedicalClinic"
    assert posting["publisher"]["telephone"] == "+16175550143"
    assert posting["articleSection"] == ["Treatment"]
    assert breadcrumbs["@type"] == "BreadcrumbList"
    assert [item["name"] for item in breadcrumbs["itemListElement"]] == [
        "Home",
        "Articles",
        "Peer support in evening groups",
    ]


def test_an_article_kept_from_search_engines_says_so():
    article = ArticleFactory(noindex=True)

    response = Client().get(article.get_absolute_url())

    assert '<meta name="robots" content="noindex">' in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex"
    assert article.slug not in Client().get("/sitemap.xml").content.decode()


# --- Home and program pages -----------------------------------------------------------------------


def test_the_home_page_shows_the_latest_three_public_articles():
    for day in range(4):
        ArticleFactory(title=f"Home article {day}", publish_at=days_ago(day))
    DraftFactory(title="Home draft")

    html = html_of("/")

    assert [f"Home article {day}" in html for day in range(4)] == [True, True, True, False]
    assert "Home draft" not in html


def test_a_program_page_lists_its_public_articles():
    program = ProgramFactory()
    for factory, title in [(ArticleFactory, "Public one"), (DraftFactory, "Draft one")]:
        factory(title=title).related_programs.add(program)
    ArticleFactory(title="Elsewhere")

    html = html_of(program.get_absolute_url())

    assert "Articles about this program" in html
    assert "Public one" in html
    assert "Draft one" not in html and "Elsewhere" not in html


# --- Feed, sitemap, robots.txt --------------------------------------------------------------------


def test_the_feed_is_atom_with_the_public_articles_newest_first():
    ArticleFactory(title="Older", publish_at=days_ago(3))
    ArticleFactory(title="Newer", publish_at=days_ago(1))
    DraftFactory(title="Draft")

    response = Client().get("/articles/feed/")

    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314 (our own response)
    titles = [entry.find(f"{ATOM}title").text for entry in feed.iter(f"{ATOM}entry")]
    assert titles == ["Newer", "Older"]
    entry = next(feed.iter(f"{ATOM}entry"))
    assert entry.find(f"{ATOM}link").get("href").startswith("http")
    assert entry.find(f"{ATOM}author/{ATOM}name").text


def test_the_sitemap_lists_the_public_pages_with_when_they_changed():
    public = ArticleFactory()
    draft = DraftFactory()
    program = ProgramFactory()

    response = Client().get("/sitemap.xml")

    sitemap = ET.fromstring(response.content)  # noqa: S314 (our own response)
    locations = {url.find(f"{SITEMAP}loc").text: url for url in sitemap.iter(f"{SITEMAP}url")}
    site = settings.SITE_URL
    for path in ["/", "/programs/", "/articles/", "/about/", "/insurance/", "/privacy/"]:
        assert f"{site}{path}" in locations, path
    assert f"{site}{public.get_absolute_url()}" in locations
    assert f"{site}{program.get_absolute_url()}" in locations
    assert f"{site}{draft.get_absolute_url()}" not in locations
    lastmod = locations[f"{site}{public.get_absolute_url()}"].find(f"{SITEMAP}lastmod").text
    assert lastmod.startswith(timezone.localtime(public.updated_at).date().isoformat())


def test_list_pages_in_the_sitemap_changed_when_their_newest_item_did():
    older = ArticleFactory(publish_at=days_ago(9))
    Article.objects.filter(pk=older.pk).update(updated_at=days_ago(9))
    newest = ArticleFactory(publish_at=days_ago(2))
    newest.categories.add(CategoryFactory(slug="family"))
    Article.objects.filter(pk=newest.pk).update(updated_at=days_ago(2))
    day = timezone.localdate(days_ago(2)).isoformat()

    sitemap = ET.fromstring(Client().get("/sitemap.xml").content)  # noqa: S314 (our own)

    lastmod = {
        url.find(f"{SITEMAP}loc").text.removeprefix(settings.SITE_URL): url.findtext(
            f"{SITEMAP}lastmod"
        )
        for url in sitemap.iter(f"{SITEMAP}url")
    }
    assert lastmod["/articles/"] == day
    assert lastmod["/articles/category/family/"] == day
    assert lastmod["/"] >= day


def test_an_article_written_then_scheduled_was_never_modified_before_it_was_published():
    article = ScheduledFactory(publish_at=timezone.now() + timedelta(days=3))

    with time_machine.travel(article.publish_at + timedelta(minutes=1)):
        posting, _ = json_ld(html_of(article.get_absolute_url()))
        feed = ET.fromstring(Client().get("/articles/feed/").content)  # noqa: S314 (our own)
        sitemap = Client().get("/sitemap.xml").content.decode()

    assert posting["dateModified"] >= posting["datePublished"]
    entry = next(feed.iter(f"{ATOM}entry"))
    assert entry.findtext(f"{ATOM}updated") >= entry.findtext(f"{ATOM}published")
    published_day = timezone.localdate(article.publish_at).isoformat()
    assert f"{article.slug}/</loc><lastmod>{published_day}</lastmod>" in sitemap


def test_robots_txt_names_the_sitemap():
    text = Client().get("/robots.txt").content.decode()

    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in text


def test_a_category_added_after_the_article_was_saved_shows_at_once(
    django_capture_on_commit_callbacks,
):
    article = ArticleFactory()
    visitor = Client()
    visitor.get(article.get_absolute_url())  # kept by the page cache

    with django_capture_on_commit_callbacks(execute=True):
        article.categories.add(CategoryFactory(name="Family life"))

    assert "Family life" in visitor.get(article.get_absolute_url()).content.decode()


def test_a_long_summary_is_cut_to_what_search_engines_show():
    summary = ("Evening groups fit around work and family, and they bring people together. " * 4)[
        :300
    ]
    article = ArticleFactory(summary=summary, meta_description="")

    html = html_of(article.get_absolute_url())

    description = re.search(r'<meta name="description" content="([^"]+)">', html).group(1)
    assert description == summary[:149]  # its two whole sentences that fit
    assert f'<meta property="og:description" content="{description}">' in html
    assert json_ld(html)[0]["description"] == description
    assert f'<p class="lead">{summary}</p>' in html  # the page itself shows it whole
