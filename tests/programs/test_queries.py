"""The number of SQL queries per page is fixed: more programs or FAQs never mean more queries.

Counted for a returning visitor; a first visit also creates the session that remembers how the
visit began.
"""

import pytest

from tests.articles.factories import ArticleFactory, CategoryFactory
from tests.infosessions.factories import InfoSessionFactory, RegistrationFactory
from tests.programs.factories import ProgramFactory, ProgramFAQFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """Counted as the page is rendered; the page cache serves repeat views with none."""
    settings.PAGE_CACHE_SECONDS = 0


# The home page also lists the newest articles.
@pytest.mark.parametrize(("path", "queries"), [("/", 2), ("/programs/", 1)])
@pytest.mark.parametrize(("program_count", "article_count"), [(1, 0), (6, 5)])
def test_list_pages_take_a_fixed_number_of_queries_however_many_programs_and_articles(
    client, django_assert_num_queries, path, queries, program_count, article_count
):
    ProgramFactory.create_batch(program_count)
    for article in ArticleFactory.create_batch(article_count):
        article.categories.add(CategoryFactory())
        article.related_programs.add(ProgramFactory())
        article.tags.add("recovery")
    client.get("/")

    with django_assert_num_queries(queries):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("faq_count", [0, 1, 10])
@pytest.mark.parametrize("article_count", [0, 5])
@pytest.mark.parametrize("session_count", [0, 4])
def test_a_program_page_takes_four_queries_however_many_faqs_articles_and_sessions(
    client, django_assert_num_queries, faq_count, article_count, session_count
):
    program = ProgramFactory()
    ProgramFAQFactory.create_batch(faq_count, program=program)
    ProgramFactory.create_batch(3)
    for article in ArticleFactory.create_batch(article_count):
        article.related_programs.add(program)
    for session in InfoSessionFactory.create_batch(session_count, program=program):
        RegistrationFactory.create_batch(2, session=session)
    client.get("/")

    # The program, its FAQs, the newest articles about it, its next sessions.
    with django_assert_num_queries(4):
        assert client.get(f"/programs/{program.slug}/").status_code == 200
