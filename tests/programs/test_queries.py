"""The number of SQL queries per page is fixed: more programs or FAQs never mean more queries.

Counted for a returning visitor; a first visit also creates the session that remembers how the
visit began.
"""

import pytest

from tests.programs.factories import ProgramFactory, ProgramFAQFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """Counted as the page is rendered; the page cache serves repeat views with none."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.mark.parametrize("path", ["/", "/programs/"])
@pytest.mark.parametrize("program_count", [1, 6])
def test_list_pages_take_one_query_however_many_programs(
    client, django_assert_num_queries, path, program_count
):
    ProgramFactory.create_batch(program_count)
    client.get("/")

    with django_assert_num_queries(1):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("faq_count", [0, 1, 10])
def test_a_program_page_takes_two_queries_however_many_faqs(
    client, django_assert_num_queries, faq_count
):
    program = ProgramFactory()
    ProgramFAQFactory.create_batch(faq_count, program=program)
    ProgramFactory.create_batch(3)
    client.get("/")

    with django_assert_num_queries(2):
        assert client.get(f"/programs/{program.slug}/").status_code == 200
