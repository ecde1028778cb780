"""`manage.py import_articles` brings the old site's articles in as drafts (or published with
--publish): plain text as the old site exports it, and Markdown with front matter. Headings,
lists and paragraphs come out as such; importing again changes nothing; bad files are named and
skipped while the rest import. The sample files are our own (tests/articles/samples/)."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from articles.models import Article, OldAddress, State
from tests.articles.factories import ArticleFactory
from tests.center.factories import PersonFactory

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples"
TEXT = SAMPLES / "evening-groups.txt"
FRONT_MATTER = SAMPLES / "family-visits.md"
PLAIN_MARKDOWN = SAMPLES / "first-week.md"
NO_TITLE = SAMPLES / "only-sentences.txt"


@pytest.fixture(autouse=True)
def team():
    PersonFactory(name="Jonah Whitcombe", slug="jonah-whitcombe")
    PersonFactory(name="Ana Lindqvist", slug="ana-lindqvist")


def import_articles(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_articles", *map(str, args), stdout=out, stderr=err)
        status = 0
    except SystemExit as exit_:
        status = exit_.code
    return status, out.getvalue(), err.getvalue()


def test_a_text_export_becomes_headings_lists_and_paragraphs_without_the_banner():
    status, out, _ = import_articles(TEXT, "--author", "jonah-whitcombe")

    assert status == 0 and "1 imported; 0 failed" in out
    article = Article.objects.get()
    assert article.title == "Evening Groups for People Who Work: What to Expect"
    assert article.slug == "evening-groups-for-people-who-work-what-to-expect"
    assert article.summary.startswith("Starting treatment while keeping a job")
    assert article.state == State.DRAFT
    html = article.body_html
    assert "Call us any time" not in html and "Free, confidential" not in html
    assert '<h2 id="why-evening-groups-help">Why Evening Groups Help</h2>' in html
    assert "<h2" in html and "How Many Evenings a Week?</h2>" in html
    assert '<h3 id="what-to-bring">What to bring</h3>' in html  # a colon: a subheading
    assert "<li>A notebook, if you like writing things down</li>" in html
    assert "<li>Any medication list from your doctor</li>" in html
    assert "<li>Questions for the group leader</li>" in html
    assert "<p>After the group, most people are home by nine.</p>" in html
    assert "<p>So, if you are ready, here is how to begin:</p>" in html  # a sentence
    assert "Is this right for me?</h2>" in html
    # The closing call to action, phone number and all, kept as text.
    assert "<p>To talk it through, call our admissions team at (617) 555-0143" in html


def test_markdown_with_front_matter_keeps_its_address_topics_author_and_old_address():
    status, _, _ = import_articles(FRONT_MATTER)

    assert status == 0
    article = Article.objects.get(slug="family-visits")
    assert article.title == "Family visits during residential treatment"
    assert (
        article.summary
        == "When families can visit, what a visit looks like, and how to prepare together."
    )
    assert article.author.name == "Ana Lindqvist"
    assert sorted(category.name for category in article.categories.all()) == [
        "Family",
        "Treatment and programs",
    ]
    assert sorted(tag.name for tag in article.tags.all()) == ["family", "visits"]
    assert (
        "<blockquote>" in article.body_html and "<li>Saturday afternoons</li>" in article.body_html
    )
    assert OldAddress.objects.get().path == "/blog/family-visits-guide/"


def test_markdown_without_front_matter_takes_its_first_heading_as_the_title():
    import_articles(PLAIN_MARKDOWN, "--author", "Jonah Whitcombe")

    article = Article.objects.get()
    assert article.title == "Your first week in a partial hospitalization program"
    assert "<h1" not in article.body_html and "<h2" in article.body_html
    assert article.summary == "The first week is mostly about settling in and meeting your team."


def test_importing_again_changes_nothing():
    import_articles(TEXT, FRONT_MATTER, "--author", "jonah-whitcombe")
    before = {article.slug: (article.updated_at, article.body) for article in Article.objects.all()}
    revisions = Article.history.count()

    status, out, _ = import_articles(TEXT, FRONT_MATTER, "--author", "jonah-whitcombe")

    assert status == 0 and "2 skipped; 0 failed" in out
    after = {article.slug: (article.updated_at, article.body) for article in Article.objects.all()}
    assert after == before
    assert Article.history.count() == revisions


def test_an_article_with_the_same_address_is_overwritten_only_with_update():
    ArticleFactory(slug="family-visits", title="Written here", body="Our own words.")

    import_articles(FRONT_MATTER)
    assert Article.objects.get().title == "Written here"

    status, out, _ = import_articles(FRONT_MATTER, "--update")
    assert status == 0 and "1 updated" in out
    assert Article.objects.get().title == "Family visits during residential treatment"

    status, out, _ = import_articles(FRONT_MATTER, "--update")
    assert "1 unchanged" in out


def test_publish_makes_the_imported_articles_public():
    import_articles(TEXT, "--author", "jonah-whitcombe", "--publish")

    article = Article.objects.get()
    assert article.is_public
    assert Client().get(article.get_absolute_url()).status_code == 200


def test_the_old_site_s_address_leads_to_the_imported_article(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        import_articles(
            TEXT,
            "--author",
            "jonah-whitcombe",
            "--publish",
            "--redirect-from",
            "https://www.old-site.example/evening-groups-what-to-expect/",
        )

    response = Client().get("/evening-groups-what-to-expect/")

    assert response.status_code == 301
    assert response["Location"] == Article.objects.get().get_absolute_url()


def test_a_csv_file_maps_each_file_to_its_old_address(tmp_path):
    mapping = tmp_path / "old-addresses.csv"
    mapping.write_text(
        "file,old_url\nevening-groups.txt,https://old.example/iop-evenings/\n"
        "first-week.md,/php/first-week/\n"
    )

    import_articles(TEXT, PLAIN_MARKDOWN, "--author", "jonah-whitcombe", "--redirects", mapping)

    assert sorted(OldAddress.objects.values_list("path", flat=True)) == [
        "/iop-evenings/",
        "/php/first-week/",
    ]


def test_bad_files_are_named_and_skipped_the_rest_import_and_the_command_fails(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n")
    binary = tmp_path / "picture.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Caf\xe9 groups on Tuesday\n\nA paragraph.".encode("latin-1"))

    status, out, err = import_articles(
        empty, binary, latin1, NO_TITLE, TEXT, "--author", "jonah-whitcombe"
    )

    assert status == 1
    assert "empty.txt: is empty (skipped)" in err
    assert "picture.txt: is not text (a binary file) (skipped)" in err
    assert "latin1.txt: is not UTF-8 text" in err
    assert "only-sentences.txt: has no title" in err
    assert "1 imported; 4 failed" in out
    assert Article.objects.count() == 1


def test_a_file_without_an_author_is_refused_with_what_to_do():
    status, _, err = import_articles(TEXT)

    assert status == 1
    assert "has no author: pass --author SLUG" in err
    assert not Article.objects.exists()


def test_a_dry_run_checks_the_files_and_saves_nothing():
    status, out, _ = import_articles(TEXT, FRONT_MATTER, "--author", "jonah-whitcombe", "--dry-run")

    assert status == 0 and "Dry run, nothing saved: 2 imported" in out
    assert not Article.objects.exists()


def test_text_that_looks_like_markup_is_imported_as_words(tmp_path):
    tricky = tmp_path / "tricky.txt"
    tricky.write_text(
        "Words That Look Like Markup\n\n"
        "Use *this* and <script>alert(1)</script> as plain words; 1. is not a list here.\n\n"
        "# not a heading either, just a hash sign.\n"
    )

    import_articles(tricky, "--author", "jonah-whitcombe")

    html = Article.objects.get().body_html
    assert "*this*" in html and "&lt;script&gt;" in html and "<script" not in html
    assert "<em>" not in html and "<h1" not in html
