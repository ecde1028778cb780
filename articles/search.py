"""Site search over public articles and published programs.

On PostgreSQL: full-text search (English stemming) ranked with the title above the summary
above the text, with highlighted passages (ts_headline). On SQLite, for a newcomer's machine: a
plain search for every word, ranked the same way, with a passage around the first match.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connection
from django.db.models import Case, F, Q, Value, When
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article
from core.text import clean_text
from programs.models import Program

MAX_QUERY_LENGTH = 100
MAX_RESULTS = 20
# Marks the words found in a passage, then escaped and turned into <mark>: never in our text.
_START, _STOP = "\u27ea", "\u27eb"
_PASSAGE_CHARACTERS = 240
_MARKDOWN_MARKS = re.compile(r"[#*_`]+|^>\s*|\]\([^)]*\)|\[", re.MULTILINE)


@dataclass(frozen=True)
class Result:
    kind: str  # "article" or "program"
    title: str
    url: str
    summary: str
    passage: SafeString  # with the words found in <mark>
    rank: float


def cleaned_query(raw: str) -> str:
    return " ".join(clean_text(raw).split())[:MAX_QUERY_LENGTH]


def search(query: str) -> list[Result]:
    results = _full_text(query) if connection.vendor == "postgresql" else _every_word(query)
    return sorted(results, key=lambda result: -result.rank)[:MAX_RESULTS]


def _marked(passage: str) -> SafeString:
    # Without Markdown's marks (a program's text is Markdown), then escaped: only our own
    # <mark> elements are markup.
    passage = _MARKDOWN_MARKS.sub("", passage)
    html = escape(passage).replace(_START, "<mark>").replace(_STOP, "</mark>")
    return mark_safe(html)  # noqa: S308


# --- PostgreSQL ---------------------------------------------------------------------------------

PROGRAM_VECTOR = (
    SearchVector("name", weight="A", config="english")
    + SearchVector("summary", "who_it_is_for", weight="B", config="english")
    + SearchVector("body", "typical_week", weight="C", config="english")
)


def _headline(field: str, query: SearchQuery) -> SearchHeadline:
    return SearchHeadline(
        field,
        query,
        config="english",
        start_sel=_START,
        stop_sel=_STOP,
        max_words=35,
        min_words=15,
        max_fragments=2,
        fragment_delimiter=" … ",
    )


def _full_text(query: str) -> list[Result]:
    search_query = SearchQuery(query, search_type="websearch", config="english")
    articles = (
        Article.objects.public()
        .filter(search_vector=search_query)
        .annotate(
            rank=SearchRank(F("search_vector"), search_query),
            passage=_headline("body_text", search_query),
        )
        .only("title", "slug", "summary")
        .order_by("-rank", "-publish_at")[:MAX_RESULTS]
    )
    programs = (
        Program.objects.published()
        .annotate(document=PROGRAM_VECTOR)
        .filter(document=search_query)
        .annotate(
            rank=SearchRank(F("document"), search_query), passage=_headline("body", search_query)
        )
        .only("name", "slug", "summary")
        .order_by("-rank")[:MAX_RESULTS]
    )
    return [
        *(
            Result("article", a.title, a.get_absolute_url(), a.summary, _marked(a.passage), a.rank)
            for a in articles
        ),
        *(
            Result("program", p.name, p.get_absolute_url(), p.summary, _marked(p.passage), p.rank)
            for p in programs
        ),
    ]


# --- SQLite ---------------------------------------------------------------------------------------


def _every_word(query: str) -> list[Result]:
    words = query.split()[:10]
    article_match = Q()
    program_match = Q()
    for word in words:
        article_match &= (
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(body_text__icontains=word)
        )
        program_match &= (
            Q(name__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
        )
    # Ordered as _rank orders them before the slice, so the best matches are among those kept.
    articles = (
        Article.objects.public()
        .filter(article_match)
        .annotate(in_title=_hits("title", words), in_summary=_hits("summary", words))
        .order_by("-in_title", "-in_summary", "-publish_at")[:MAX_RESULTS]
    )
    programs = (
        Program.objects.published()
        .filter(program_match)
        .annotate(in_title=_hits("name", words), in_summary=_hits("summary", words))
        .order_by("-in_title", "-in_summary")[:MAX_RESULTS]
    )
    return [
        *(
            Result(
                "article",
                a.title,
                a.get_absolute_url(),
                a.summary,
                _passage_around(a.body_text, words),
                _rank(words, a.title, a.summary, a.body_text),
            )
            for a in articles
        ),
        *(
            Result(
                "program",
                p.name,
                p.get_absolute_url(),
                p.summary,
                _passage_around(p.body, words),
                _rank(words, p.name, p.summary, p.body),
            )
            for p in programs
        ),
    ]


def _hits(field: str, words: list[str]):
    """How many of the words the field holds."""
    return sum(
        (Case(When(**{f"{field}__icontains": word}, then=1), default=0) for word in words),
        Value(0),
    )


def _rank(words: list[str], title: str, summary: str, text: str) -> float:
    def share(field: str) -> float:
        field = field.lower()
        return sum(word.lower() in field for word in words) / len(words)

    return share(title) * 1.0 + share(summary) * 0.4 + share(text) * 0.1


def _passage_around(text: str, words: list[str]) -> SafeString:
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    found = pattern.search(text)
    start = max(0, (found.start() if found else 0) - _PASSAGE_CHARACTERS // 3)
    passage = text[start : start + _PASSAGE_CHARACTERS]
    passage = (
        ("… " if start else "")
        + passage
        + (" …" if start + _PASSAGE_CHARACTERS < len(text) else "")
    )
    return _marked(pattern.sub(lambda match: f"{_START}{match.group(0)}{_STOP}", passage))
