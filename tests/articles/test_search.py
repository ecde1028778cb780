"""/search/?q= finds public articles and published programs: ranked with a title match first,
the words found marked in a passage, in an accessible page. PostgreSQL's full-text search in
production; a plain search for every word on SQLite."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from articles.search import MAX_QUERY_LENGTH, MAX_RESULTS, search
from tests.articles.factories import ArticleFactory, DraftFactory, ScheduledFactory
from tests.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL's full-text search (DATABASE_URL=postgres://…)",
)


def days_ago(days: int):
    return timezone.now() - timedelta(days=days)


def search_page(query: str) -> str:
    response = Client().get("/search/", {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def test_articles_and_programs_are_found_with_the_words_marked():
    ArticleFactory(title="Sleep after treatment", body="A steady bedtime helps recovery.")
    ProgramFactory(
        name="Evening outpatient", body="Groups three evenings a week; bedtime routines."
    )
    ArticleFactory(title="Something else", body="Nothing to see.")

    html = search_page("bedtime")

    assert "2 results for “bedtime”" in html
    assert "Sleep after treatment" in html and "Evening outpatient" in html
    assert "Something else" not in html
    assert re.search(r"<mark>bedtime</mark>", html, re.IGNORECASE)
    assert ">Article<" in html and ">Program<" in html


@pytest.mark.parametrize("factory", [DraftFactory, ScheduledFactory])
def test_articles_visitors_may_not_read_are_never_found(factory):
    factory(title="Hidden bedtime article")

    assert search("bedtime") == []


def test_unpublished_programs_are_never_found():
    ProgramFactory(name="Draft bedtime program", is_published=False)

    assert search("bedtime") == []


def test_what_was_typed_is_shown_escaped_and_the_passage_holds_no_markup():
    ArticleFactory(title="Comparing", body="When 2 < 3 & the <b>night</b> is long, call someone.")

    html = search_page("<script>night")

    assert "<script>night" not in html
    assert "&lt;script&gt;night" in html
    html = search_page("night")
    assert "<b>" not in html
    assert "&lt; 3 &amp;" in html or "2 &lt; 3" in html


def test_a_long_query_is_cut_and_an_empty_one_shows_the_form_alone():
    assert "results for" not in search_page("")
    html = search_page("x" * 500)
    assert f"“{'x' * MAX_QUERY_LENGTH}”" in html


def test_the_page_is_a_labelled_search_form_with_a_heading_for_the_results():
    ArticleFactory(title="Sleep", body="bedtime")

    html = search_page("bedtime")

    assert '<form action="/search/" method="get" role="search"' in html
    assert '<label for="search-query"' in html and 'id="search-query" name="q"' in html
    assert '<h2 id="results-heading">1 result for “bedtime”</h2>' in html
    assert '<meta name="robots" content="noindex">' in html


@on_postgresql
def test_a_title_match_ranks_above_a_match_in_the_text():
    # The title match is the older of the two, so newness (the tie-breaker) cannot order it first.
    in_title = ArticleFactory(
        title="Relapse prevention", body="Plans for hard days.", publish_at=days_ago(30)
    )
    in_text = ArticleFactory(
        title="Evenings at home", body="Talk about relapse prevention.", publish_at=days_ago(1)
    )

    results = search("relapse prevention")

    assert [result.url for result in results] == [
        in_title.get_absolute_url(),
        in_text.get_absolute_url(),
    ]
    assert results[0].rank > results[1].rank


def test_a_title_match_is_found_first_among_more_matches_than_are_shown():
    in_title = ArticleFactory(title="Relapse prevention", publish_at=days_ago(30))
    for day in range(MAX_RESULTS + 5):
        ArticleFactory(
            title=f"Week {day}", body="Relapse prevention plans.", publish_at=days_ago(day)
        )

    results = search("relapse prevention")

    assert len(results) == MAX_RESULTS
    assert results[0].url == in_title.get_absolute_url()


@on_postgresql
def test_words_are_found_in_any_form_of_them():
    ArticleFactory(title="What groups do", body="Each group meets weekly.")

    assert [result.title for result in search("grouping")] == ["What groups do"]
