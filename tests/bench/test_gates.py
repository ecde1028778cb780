"""`make bench` and `make lighthouse` cover every kind of public page, and Lighthouse fails the
run on any score under the mark."""

import pytest
from django.urls import resolve

from bench import lighthouse
from bench.production import PUBLIC_PAGES as BENCHED_PAGES
from tests.public_pages import PUBLIC_PAGES

# Not a page anyone lands on: it follows a POST, and is never cached.
NOT_BENCHED = {"admissions:thanks", "infosessions:thanks"}


def _kinds(paths):
    return {resolve(path.split("?")[0]).view_name for path in paths}


def test_every_kind_of_public_page_is_benched_and_run_through_lighthouse():
    assert _kinds(PUBLIC_PAGES) - NOT_BENCHED <= _kinds(BENCHED_PAGES)


def test_the_key_pages_are_among_the_benched_pages():
    assert set(lighthouse.KEY_PAGES) <= set(BENCHED_PAGES)


def test_lighthouse_passes_when_every_score_reaches_the_mark(capsys):
    scores = {"/": dict.fromkeys(lighthouse.CATEGORIES, 1.0)}
    scores["/get-help/"] = {**scores["/"], "seo": 0.95}

    assert lighthouse._print_scores(scores) == 0


@pytest.mark.parametrize("score", [0.94, None])
def test_lighthouse_fails_on_a_score_under_the_mark_or_missing(capsys, score):
    scores = {"/": {**dict.fromkeys(lighthouse.CATEGORIES, 1.0), "accessibility": score}}

    assert lighthouse._print_scores(scores) == 1
    assert "/ accessibility" in capsys.readouterr().out
