"""`manage.py import_articles` brings the old site's articles in as drafts (or published with
--publish): plain text as the old site exports it, and Markdown with front matter. Headings,
lists and paragraphs come out as such; importing again changes nothing; bad files are named and
skipped while the rest import. The sample files are our own (tests/articles/samples/)."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article, Category, OldAddress, State
from tests.articles.factories import ArticleFactory, CategoryFactory
from tests.center.factories import PersonFactory

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples"
TEXT = SAMPLES / "evening-groups.txt"
FRONT_MATTER = SAMPLES / "family-visits.md"
PLAIN_MARKDOWN = SAMPLES / "first-week.md"
NO_TITLE = SAMPLES / "only-sentences.txt"
PEER_GROUPS = SAMPLES / "peer-groups.txt"
OTHER_SCRIPTS = SAMPLES / "other-scripts.md"


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
    # The closing call to action kept as text, its phone number one a phone can call.
    assert (
        "<p>To talk it through, call our admissions team at "
        '<a href="tel:+16175550143" rel="noopener noreferrer">(617) 555-0143</a> any time'
    ) in html


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


def test_update_leaves_the_topics_given_in_admin_when_the_file_names_none(tmp_path):
    import_articles(TEXT, "--author", "jonah-whitcombe")
    article = Article.objects.get()
    article.categories.set([CategoryFactory(name="Programs")])
    article.tags.set(["evenings"])
    path = markdown_file(tmp_path, "topics.md", f"title: {article.title}\nslug: {article.slug}")

    for source in (TEXT, path):
        status, _, _ = import_articles(source, "--author", "jonah-whitcombe", "--update")
        assert status == 0
        assert [c.name for c in article.categories.all()] == ["Programs"]
        assert list(article.tags.names()) == ["evenings"]


def test_an_article_with_the_same_address_is_overwritten_only_with_update():
    ArticleFactory(slug="family-visits", title="Written here", body="Our own words.")

    import_articles(FRONT_MATTER)
    assert Article.objects.get().title == "Written here"

    status, out, _ = import_articles(FRONT_MATTER, "--update")
    assert status == 0 and "1 updated" in out
    assert Article.objects.get().title == "Family visits during residential treatment"

    status, out, _ = import_articles(FRONT_MATTER, "--update")
    assert "1 unchanged" in out


def test_a_skipped_file_says_why_and_that_its_old_address_was_not_recorded():
    ArticleFactory(slug="family-visits", title="Written here")

    _, out, _ = import_articles(FRONT_MATTER, "--redirect-from", "/visits/")

    assert "family-visits.md: skipped" in out
    assert "--update replaces it with this file (and records its old address)" in out
    assert not OldAddress.objects.filter(path="/visits/").exists()


def test_an_old_address_added_to_an_unchanged_article_is_reported():
    import_articles(FRONT_MATTER)

    _, out, _ = import_articles(FRONT_MATTER, "--update", "--redirect-from", "/visits/")

    assert "family-visits.md: unchanged, its old address added" in out
    assert OldAddress.objects.filter(path="/visits/").exists()


def test_a_csv_row_for_a_file_not_imported_is_reported(tmp_path):
    mapping = tmp_path / "old-addresses.csv"
    mapping.write_text("file,old_url\nevening-group.txt,/iop-evenings/\n")

    _, out, _ = import_articles(TEXT, "--redirects", mapping)

    assert "names files not among those imported" in out
    assert "evening-group.txt" in out


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


def test_an_old_address_is_kept_as_requests_read_it_and_one_with_a_query_is_refused():
    import_articles(
        TEXT, "--author", "jonah-whitcombe", "--redirect-from", "https://old.example/caf%C3%A9/"
    )
    status, _out, err = import_articles(
        PLAIN_MARKDOWN, "--author", "jonah-whitcombe", "--redirect-from", "/index.php?p=12"
    )

    assert list(OldAddress.objects.values_list("path", flat=True)) == ["/café/"]
    assert status == 1
    assert "first-week.md" in err and "/index.php?p=12" in err
    assert Article.objects.count() == 1


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


@pytest.mark.parametrize(
    ("name", "text"),
    [("only-title.md", "# Just A Title\n"), ("only-title.txt", "Only A Title Line\n")],
)
def test_a_file_with_a_title_and_nothing_else_is_reported_not_imported(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")

    status, _, err = import_articles(path)

    assert status == 1
    assert f"{name}: has a title and no text under it (skipped)" in err
    assert not Article.objects.exists()


def test_an_article_of_one_paragraph_keeps_it_as_its_text_and_its_summary(tmp_path):
    path = markdown_file(tmp_path, "short.md", "title: Visiting hours", "Visits are on Sundays.\n")

    import_articles(path)

    article = Article.objects.get()
    assert (article.summary, article.body) == ("Visits are on Sundays.", "Visits are on Sundays.\n")


def test_a_file_naming_no_author_is_a_draft_waiting_for_one():
    status, out, _ = import_articles(TEXT)

    assert status == 0
    assert "a draft with no author yet: choose one in admin to publish it" in out
    article = Article.objects.get()
    assert (article.author, article.state) == (None, State.DRAFT)


def test_a_file_naming_no_author_is_not_published_and_says_what_to_do():
    status, _, err = import_articles(TEXT, "--publish")

    assert status == 1
    assert "has no author, and a published article names one: pass --author SLUG" in err
    assert not Article.objects.exists()


def test_updating_from_a_file_naming_no_author_keeps_the_one_chosen_in_admin():
    import_articles(TEXT)
    chosen = PersonFactory()
    Article.objects.update(author=chosen)

    import_articles(TEXT, "--update")

    assert Article.objects.get().author == chosen


def test_a_dry_run_checks_the_files_and_saves_nothing():
    status, out, _ = import_articles(TEXT, FRONT_MATTER, "--author", "jonah-whitcombe", "--dry-run")

    assert status == 0 and "Dry run, nothing saved: 2 imported" in out
    assert not Article.objects.exists()


def test_text_that_looks_like_markup_is_imported_as_words(tmp_path):
    tricky = tmp_path / "tricky.txt"
    tricky.write_text(
        "Words That Look Like Markup\n\n"
        "A short opening, the summary.\n\n"
        "Use *this* and <script>alert(1)</script> as plain words; 1. is not a list here.\n\n"
        "# not a heading either, just a hash sign.\n"
    )

    import_articles(tricky, "--author", "jonah-whitcombe")

    html = Article.objects.get().body_html
    assert "*this*" in html and "&lt;script&gt;" in html and "<script" not in html
    assert "<em>" not in html and "<h1" not in html


def markdown_file(folder: Path, name: str, front_matter: str, body: str = "A short paragraph.\n"):
    path = folder / name
    path.write_text(f"---\n{front_matter.strip()}\n---\n\n{body}", encoding="utf-8")
    return path


# --- What would break the site is refused, by file and field --------------------------------------


def test_a_front_matter_slug_that_is_not_an_address_is_refused(tmp_path):
    spaces = markdown_file(tmp_path, "spaces.md", "title: Visiting hours\nslug: visiting hours!")
    cyrillic = markdown_file(tmp_path, "cyrillic.md", "title: Visiting hours\nslug: часы")
    too_long = markdown_file(tmp_path, "too-long.md", f"title: Visiting hours\nslug: {'a' * 101}")

    status, out, err = import_articles(
        spaces, cyrillic, too_long, TEXT, "--author", "ana-lindqvist"
    )

    assert status == 1
    assert "spaces.md: has a slug that is not an address" in err
    assert "cyrillic.md: has a slug that is not an address" in err
    assert "too-long.md: has a slug that is not an address" in err
    assert "at most 100 characters (it has 101)" in err
    assert "1 imported; 3 failed" in out
    assert list(Article.objects.values_list("slug", flat=True)) == [
        "evening-groups-for-people-who-work-what-to-expect"
    ]


def test_categories_in_other_scripts_get_addresses_and_their_pages_open():
    status, _, err = import_articles(OTHER_SCRIPTS, "--publish")

    assert status == 0, err
    article = Article.objects.get()
    categories = {category.name: category.slug for category in Category.objects.all()}
    assert set(categories) == {"Выздоровление", "回復"}
    assert all(slug.startswith("category-") and slug.isascii() for slug in categories.values())
    assert len(set(categories.values())) == 2
    assert {category.name for category in article.categories.all()} == set(categories)
    assert all(tag.slug for tag in Tag.objects.all())
    client = Client()
    assert client.get(article.get_absolute_url()).status_code == 200
    assert client.get(reverse("articles:list")).status_code == 200
    for category in Category.objects.all():
        response = client.get(category.get_absolute_url())
        assert response.status_code == 200
        assert article.title in response.content.decode()
    # Importing again finds the same categories by their addresses.
    assert import_articles(OTHER_SCRIPTS, "--update")[0] == 0
    assert dict(Category.objects.values_list("name", "slug")) == categories


def test_categories_that_differ_only_in_letters_slugify_drops_stay_apart(tmp_path):
    # Both names keep only "2" when reduced to Latin letters.
    first = markdown_file(tmp_path, "first.md", "title: Group two\ncategories: Семья 2")
    second = markdown_file(tmp_path, "second.md", "title: Session two\ncategories: Работа 2")

    status, _, _ = import_articles(first, second, "--author", "ana-lindqvist")

    assert status == 0
    assert Category.objects.count() == 2
    assert [c.name for c in Article.objects.get(slug="group-two").categories.all()] == ["Семья 2"]
    assert [c.name for c in Article.objects.get(slug="session-two").categories.all()] == [
        "Работа 2"
    ]


def test_a_tag_of_only_punctuation_still_gets_a_slug(tmp_path):
    path = markdown_file(tmp_path, "marks.md", "title: Questions we hear\ntags: ???, !!!")

    status, _, _ = import_articles(path, "--author", "ana-lindqvist")

    assert status == 0
    slugs = sorted(Tag.objects.values_list("slug", flat=True))
    assert len(slugs) == 2 and all(slug.startswith("tag-") for slug in slugs)


def test_values_longer_than_their_fields_are_refused_by_file_and_field(tmp_path):
    summary = markdown_file(tmp_path, "summary.md", f"title: Long summary\nsummary: {'w' * 301}")
    category = markdown_file(
        tmp_path, "category.md", f"title: Long category\ncategories: Family, {'C' * 81}"
    )
    tag = markdown_file(tmp_path, "tag.md", f"title: Long tag\ntags: visits, {'t' * 101}")

    status, out, err = import_articles(summary, category, tag, TEXT, "--author", "ana-lindqvist")

    assert status == 1
    assert "summary.md: cannot be saved: summary: Ensure this value has at most 300" in err
    assert "category.md: has a category that cannot be saved" in err
    assert "name: Ensure this value has at most 80 characters (it has 81)" in err
    assert "tag.md: has a tag that cannot be saved" in err
    assert "name: Ensure this value has at most 100 characters (it has 101)" in err
    assert "1 imported; 3 failed" in out
    # Nothing of the refused files is kept: not the article, not the category that was fine.
    assert Article.objects.count() == 1
    assert not Category.objects.exists()
    assert not Tag.objects.exists()


def test_an_impossible_date_is_refused_by_file_and_field(tmp_path):
    publish = markdown_file(tmp_path, "publish.md", "title: Leap day\npublish_at: 2025-02-30")
    reviewed = markdown_file(
        tmp_path,
        "reviewed.md",
        "title: Checked\nreviewer: Jonah Whitcombe\nreviewed_on: 2025-13-01",
    )

    status, out, err = import_articles(publish, reviewed, TEXT, "--author", "ana-lindqvist")

    assert status == 1
    assert "publish.md: has a publish_at that cannot be read: '2025-02-30'" in err
    assert "reviewed.md: has a reviewed_on that cannot be read: '2025-13-01'" in err
    assert "1 imported; 2 failed" in out
    assert Article.objects.count() == 1


def test_a_dry_run_reports_the_files_a_real_run_would_refuse(tmp_path):
    bad = markdown_file(tmp_path, "bad.md", f"title: Long summary\nsummary: {'w' * 301}")

    status, out, err = import_articles(bad, TEXT, "--author", "ana-lindqvist", "--dry-run")

    assert status == 1
    assert "bad.md: cannot be saved: summary:" in err
    assert "Dry run, nothing saved: 1 imported; 1 failed" in out
    assert not Article.objects.exists()


def test_a_csv_row_without_a_file_or_an_old_address_is_named_and_nothing_is_imported(tmp_path):
    mapping = tmp_path / "old-addresses.csv"
    mapping.write_text(
        "file,old_url\nfirst-week.md,/php/first-week/\nevening-groups.txt\n,/blog/orphan/\n"
    )

    with pytest.raises(CommandError) as refused:
        import_articles(TEXT, PLAIN_MARKDOWN, "--author", "jonah-whitcombe", "--redirects", mapping)

    message = str(refused.value)
    assert "old-addresses.csv" in message
    assert "line 3: evening-groups.txt has no old_url" in message
    assert "line 4: '/blog/orphan/' has no file" in message
    assert not Article.objects.exists()


def test_what_is_left_out_above_the_title_is_reported_and_banner_lines_can_be_named():
    _, out, _ = import_articles(TEXT, "--author", "jonah-whitcombe", "--dry-run")
    _, named, _ = import_articles(
        TEXT,
        "--author",
        "jonah-whitcombe",
        "--dry-run",
        "--banner",
        "Call us any time of day or night: our admissions team will walk you through every step.",
        "--banner",
        "Free, confidential assessments are available this month.",
    )

    assert "left out above the title" in out and "'Free, confidential assessments" in out
    assert "left out above the title" not in named


def test_a_title_ending_in_a_full_stop_is_reported_as_left_out_not_lost_silently(tmp_path):
    path = tmp_path / "full-stop.txt"
    path.write_text(
        "Recovery is a team effort.\n\nFamilies often ask how to help.\n\n"
        "Why Groups Help\n\nGroups meet in the evening.\n"
    )

    status, out, _ = import_articles(path, "--author", "jonah-whitcombe")

    assert status == 0
    assert "left out above the title 'Why Groups Help'" in out
    assert "'Recovery is a team effort.'" in out and "'Families often ask how to help.'" in out


def test_numbered_lines_tight_bullets_and_stray_headings(tmp_path):
    path = tmp_path / "lists.txt"
    path.write_text(
        "Getting Ready for a First Group\n\n"
        "A few steps make the first evening easier.\n\n"
        "Before You Come\n\n"
        "1. Call the admissions team\n2. Check your insurance card\n3) Plan the ride home\n\n"
        "•A notebook\n•A water bottle\n"
        "-5 degrees is cold for the walk, so bring a coat.\n\n"
        "Related Programs\n\n"
        "On the Evening Itself\n\n"
        "Arrive a little early.\n"
    )

    import_articles(path, "--author", "jonah-whitcombe")

    html = Article.objects.get().body_html
    assert "<ol>" in html and "<li>Plan the ride home</li>" in html
    assert "<li>A notebook</li>" in html and "<li>A water bottle</li>" in html
    assert "<p>-5 degrees is cold for the walk, so bring a coat.</p>" in html
    assert "<p>Related Programs</p>" in html  # nothing under it: a stray line, not a heading
    assert "On the Evening Itself</h2>" in html and "Before You Come</h2>" in html


# --- Plain text: what is a heading, a list, the banner --------------------------------------------


def imported(path: Path) -> Article:
    status, _, err = import_articles(path, "--author", "jonah-whitcombe")
    assert status == 0, err
    return Article.objects.get()


def test_sentences_that_introduce_a_list_or_read_like_sentences_are_paragraphs():
    body = imported(PEER_GROUPS).body

    for sentence in (
        "Some of the benefits include:",
        "Here are five signs to watch for:",
        "Belonging to a steady group matters for several reasons:",
        "Remember that recovery takes time",
        "We are here for you",
    ):
        assert f"\n\n{sentence}\n\n" in body, sentence
    # Headings still are: Title Case, a short question, a short label before a list.
    assert [line for line in body.splitlines() if line.startswith("#")] == [
        "## What Peer Groups Offer",
        "## Is a peer group enough on its own?",
        "### Questions for your counselor",
    ]


def test_a_short_phrase_in_sentence_case_is_a_heading(tmp_path):
    path = tmp_path / "costs.txt"
    path.write_text(
        "Paying for treatment\n\n"
        "Most plans cover part of an intensive outpatient program.\n\n"
        "Insurance and payment options\n\n"
        "The admissions team checks your benefits before your first day.\n",
        encoding="utf-8",
    )

    body = imported(path).body

    assert "## Insurance and payment options\n" in body


def test_a_short_question_without_its_mark_is_a_heading_whatever_its_verb(tmp_path):
    path = tmp_path / "groups.txt"
    path.write_text(
        "Peer Groups In The Evening\n\n"
        "Evening groups fit around work and school.\n\n"
        "Why it works\n\n"
        "1. People hear from others a step ahead of them\n"
        "2. Nobody has to explain everything from the start\n",
        encoding="utf-8",
    )

    body = imported(path).body

    assert "## Why it works\n" in body


def test_a_line_with_a_phone_number_is_never_a_heading():
    html = imported(PEER_GROUPS).body_html
    phone = '<a href="tel:+16175550143" rel="noopener noreferrer">(617) 555-0143</a>'

    assert f"<p>Contact us: {phone}</p>" in html
    assert f"<p>Call {phone} now</p>" in html
    assert f"<p>Call Us Today: {phone}</p>" in html  # in Title Case, still no heading
    assert "555-0143</h" not in html


def test_the_banner_above_the_export_s_gap_is_left_out_even_without_a_full_stop():
    status, out, _ = import_articles(PEER_GROUPS, "--author", "jonah-whitcombe")

    assert status == 0
    article = Article.objects.get()
    assert article.title == "Finding Your Footing in a Peer Recovery Group"
    assert "'Open every day of the year, including holidays'" in out
    assert "'Call 24/7: (617) 555-0143'" in out
    assert "Open every day" not in article.body and "Call 24/7" not in article.body


def test_a_phone_or_web_address_line_is_never_the_title_and_a_gap_after_the_title_is_no_banner(
    tmp_path,
):
    phone = tmp_path / "phone-banner.txt"
    phone.write_text(
        "Call 24/7: (617) 555-0143\n\nSleep in Early Recovery\n\n"
        "Sleep often takes weeks to settle after detox.\n"
    )
    address = tmp_path / "address-banner.txt"
    address.write_text(
        "Book online at www.example.org/assessments\n\nMoving Your Body in Recovery\n\n"
        "Gentle exercise helps many people with low mood.\n"
    )
    gap_after_title = tmp_path / "gap-after-title.txt"
    gap_after_title.write_text(
        "Writing a Relapse Prevention Plan\n\n\nA plan names your triggers and who to call.\n\n"
        "Naming Your Triggers\n\nStart with the places and people linked to using.\n"
    )

    status, out, _ = import_articles(phone, address, gap_after_title, "--author", "jonah-whitcombe")

    assert status == 0
    assert sorted(Article.objects.values_list("title", flat=True)) == [
        "Moving Your Body in Recovery",
        "Sleep in Early Recovery",
        "Writing a Relapse Prevention Plan",
    ]
    assert "'Call 24/7: (617) 555-0143'" in out
    assert "'Book online at www.example.org/assessments'" in out
    assert "above the title 'Writing a Relapse Prevention Plan'" not in out


def test_a_named_banner_line_is_still_left_out_wherever_it_is(tmp_path):
    path = tmp_path / "named.txt"
    path.write_text(
        "Sleep in Early Recovery\n\nSleep often takes weeks to settle.\n\n"
        "Now welcoming new clients\n\nRest is part of treatment.\n"
    )

    import_articles(path, "--author", "jonah-whitcombe", "--banner", "Now welcoming new clients")

    assert "welcoming" not in Article.objects.get().body


def test_en_dash_lines_make_a_list_only_in_a_run_and_one_alone_is_an_attribution():
    html = imported(PEER_GROUPS).body_html

    assert "<li>Members notice progress that is easy to miss in yourself</li>" in html
    assert "<li>Group leaders link people with counseling when more help is needed</li>" in html
    assert "<p>– Jordan, alumni</p>" in html
    assert "<li>Jordan" not in html and "Jordan, alumni</h" not in html


def test_indented_bullets_and_middle_dots_make_one_list():
    html = imported(PEER_GROUPS).body_html

    assert (
        "<ul>\n<li>Hearing how others got through the same cravings and setbacks</li>\n"
        "<li>Practising honest conversation where nobody keeps score</li>\n"
        "<li>Leaving each meeting with one small goal for the week</li>\n</ul>"
    ) in html
    assert html.count("<li>") == 12 and html.count("<ul>") == 4
    assert "<li>Going along with advice that does not fit your plan</li>" in html


def test_update_makes_the_categories_and_tags_exactly_the_file_s(tmp_path):
    path = markdown_file(
        tmp_path,
        "topics.md",
        "title: Sleep in early recovery\ncategories: Family, Recovery\ntags: sleep, detox",
    )
    import_articles(path, "--author", "ana-lindqvist")

    markdown_file(
        tmp_path,
        "topics.md",
        "title: Sleep in early recovery\ncategories: Recovery, Wellness\ntags:",
    )
    status, out, _ = import_articles(path, "--author", "ana-lindqvist", "--update")

    assert status == 0 and "1 updated" in out  # only the topics changed
    article = Article.objects.get()
    assert sorted(c.name for c in article.categories.all()) == ["Recovery", "Wellness"]
    assert not article.tags.exists()

    revisions = Article.history.count()
    _, dry, _ = import_articles(path, "--author", "ana-lindqvist", "--update", "--dry-run")
    _, again, _ = import_articles(path, "--author", "ana-lindqvist", "--update")
    assert "Dry run, nothing saved: 1 unchanged" in dry
    assert "1 unchanged" in again
    assert Article.history.count() == revisions


# --- The summary, and lines the export adds -------------------------------------------------------


def test_the_opening_paragraph_becomes_the_summary_and_is_not_repeated_below_it(tmp_path):
    path = tmp_path / "opening.txt"
    path.write_text(
        "Starting an Evening Program\n\n"
        "Evening groups let you keep your job while you get better.\n\n"
        "How the Weeks Go\n\n"
        "The first week is mostly about meeting your group.\n",
        encoding="utf-8",
    )

    article = imported(path)

    assert article.summary == "Evening groups let you keep your job while you get better."
    assert "keep your job" not in article.body
    assert article.body.startswith("## How the Weeks Go\n")


def test_a_long_opening_gives_the_summary_its_first_sentences_and_keeps_the_rest(tmp_path):
    first = "Evening groups let you keep your job while you get better, " + "week by " * 20
    second = "Most people come three evenings a week, " + "for an hour or two, " * 10
    path = tmp_path / "long-opening.txt"
    path.write_text(
        f"Starting an Evening Program\n\n{first.strip()}. {second.strip()}.\n", encoding="utf-8"
    )

    article = imported(path)

    assert article.summary == f"{first.strip()}."
    assert article.body.startswith("Most people come three evenings a week")


def test_markdown_s_plain_opening_becomes_the_summary_one_with_a_link_stays_in_the_text(
    tmp_path,
):
    plain = tmp_path / "plain.md"
    plain.write_text("# Sleep in Recovery\n\nSleep settles slowly.\n\n## Why\n\nIt takes weeks.\n")
    linked = tmp_path / "linked.md"
    linked.write_text("# Moving in Recovery\n\nSee [our groups](/programs/).\n\nMore words.\n")

    import_articles(plain, linked)

    plain_article, linked_article = Article.objects.order_by("title").reverse()
    assert plain_article.summary == "Sleep settles slowly."
    assert plain_article.body == "## Why\n\nIt takes weeks.\n"
    assert linked_article.summary == "See our groups."
    assert linked_article.body.startswith("See [our groups](/programs/).")


@pytest.mark.parametrize(
    "line",
    [
        "Recovery takes time and patience",
        "Our team helps families heal",
        "Treatment works",
        "Thank you for reading",
        "Take the first step today",
    ],
)
def test_a_short_sentence_without_a_full_stop_is_a_paragraph(tmp_path, line):
    path = tmp_path / "sentence.txt"
    path.write_text(
        f"Notes on Recovery\n\nAn opening.\n\n{line}\n\nA paragraph under it.\n", encoding="utf-8"
    )

    body = imported(path).body

    assert body.startswith(f"{line}\n\n") and "#" not in body


def test_dashes_and_asterisks_typed_without_a_space_are_still_list_items(tmp_path):
    path = tmp_path / "tight.txt"
    path.write_text(
        "What to Bring\n\nAn opening.\n\n-A notebook\n-Self-care items\n*Water\n\n"
        "*Everything* else is provided.\n",
        encoding="utf-8",
    )

    html = imported(path).body_html

    assert "<li>A notebook</li>" in html and "<li>Self-care items</li>" in html
    assert "<li>Water</li>" in html
    assert "<p>*Everything* else is provided.</p>" in html


def test_a_banner_without_the_export_s_gap_is_told_from_the_title_in_title_case(tmp_path):
    path = tmp_path / "no-gap.txt"
    path.write_text(
        "Call us 24/7 for help\nAdmissions open now\n\nFinding a Group That Fits\n\n"
        "Groups differ more than people expect.\n",
        encoding="utf-8",
    )

    status, out, _ = import_articles(path, "--author", "jonah-whitcombe")

    assert status == 0
    assert Article.objects.get().title == "Finding a Group That Fits"
    assert "'Call us 24/7 for help'" in out and "'Admissions open now'" in out


def test_a_link_s_text_glued_under_a_list_is_left_out_and_reported(tmp_path):
    path = tmp_path / "link-text.txt"
    path.write_text(
        "Why Groups Help\n\nAn opening.\n\nWhat Groups Give\n\n"
        "• Company on hard days\n• Ideas that worked for others\nTrauma Therapy Program\n\n"
        "Joining a Group Here\n\nCall the admissions team to find a time.\n",
        encoding="utf-8",
    )

    status, out, _ = import_articles(path, "--author", "jonah-whitcombe")

    assert status == 0
    assert "Trauma Therapy" not in Article.objects.get().body
    assert "right after a list (a link's text on the old page?): 'Trauma Therapy Program'" in out


def test_short_headings_under_one_with_a_subtitle_are_its_parts(tmp_path):
    path = tmp_path / "sections.txt"
    path.write_text(
        "Evening Groups at the Center\n\nAn opening.\n\n"
        "Finding Your People: Group Support in the Evening Program\n\nWhat the groups offer.\n\n"
        "Talk Openly\n\nSay what the week was like.\n\n"
        "Learn From Others\n\nHear what worked for them.\n\n"
        "Take the Next Step: Call the Admissions Team Tonight\n\nWe answer at any hour.\n",
        encoding="utf-8",
    )

    headings = [line for line in imported(path).body.splitlines() if line.startswith("#")]

    assert headings == [
        "## Finding Your People: Group Support in the Evening Program",
        "### Talk Openly",
        "### Learn From Others",
        "## Take the Next Step: Call the Admissions Team Tonight",
    ]
