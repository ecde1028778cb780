"""Importing the existing site's articles (`manage.py import_articles`).

Two formats:
- Markdown (`.md`), with optional front matter between `---` lines (`title:`, `slug:`,
  `summary:`, `author:`, `reviewer:`, `reviewed_on:`, `categories:`, `tags:`, `publish_at:`,
  `seo_title:`, `meta_description:`, `redirect_from:`); without a `title:`, the first `# ` heading
  is the title.
- Plain text (`.txt`) as the existing site exports it: the site-wide banner line(s) at the top,
  then the title, then the text. The export sets the banner apart with two or more blank lines:
  the few lines above such a first gap are the banner, whatever they read like; without one,
  the banner is what comes above the first line that reads like a title (short, no full stop).
  A line with a phone number or a web address is never the title, nor a heading.
  Headings are short lines in Title Case, and, not in Title Case, short questions ("Is this
  right for me?"), short labels ending with a colon ("What to bring:") and short phrases
  ("Insurance and payment options"); a line that reads like a sentence ("Some of the benefits
  include:", "We are here for you") is a paragraph, and so is a longer line with a colon that
  introduces a list. One ending with a colon, after a first heading, is a subheading, and so is
  a short one under a heading with a subtitle ("Finding Your People: Group Support in the
  Evening"), up to the next such heading; one with nothing under it before the next heading of
  its level is a stray line, kept as a paragraph (or left out and reported, glued under a list:
  a link's text on the old page). Lines starting with a bullet (•, ·, -, *; indented or not)
  make lists, and so do two or more lines in a row starting with an en dash (–), one alone
  being a quotation's attribution ("– Jordan, alumni"); numbered lines (1. or 1)) make numbered
  lists; the other lines are paragraphs, the closing call to action with its phone number
  included. The opening paragraph becomes the summary. What is left out above the title is
  reported, so that a title taken for the banner is seen, and the lines named with --banner
  are left out wherever they are.

Both become the Markdown the editor in admin uses, so imported articles are edited like any other.

Before anything of a file is saved, the article and its new categories and tags are checked as
admin checks them (`full_clean()`): a file with a value that does not fit (a slug that is not an
address, a summary or name too long, a date that does not exist) is refused with the field named,
and nothing of it is kept.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import slugify
from taggit.models import Tag

from articles.models import Article, Category, OldAddress, Status, site_path
from center.models import Person
from core.text import shortened

SUMMARY_LENGTH = 300
TITLE_LENGTH = 120
SLUG_LENGTH = 100
BULLETS = ("•", "-", "*", "·")
# An en dash starts a list item only in a run of them (or next to other bullets): alone, it
# starts a quotation's attribution ("– Jordan, alumni").
EN_DASH = "–"
_DASHES = ("–", "—")
# Words a title leaves in lower case.
SMALL_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of", "on"}
    | {"or", "per", "the", "to", "up", "via", "vs", "with"}
)
HEADING_MAX_CHARACTERS = 100
# Share of a line's significant words (those not in SMALL_WORDS) capitalised for Title Case.
TITLE_CASE_SHARE = 0.75
# A line not in Title Case is a heading only as a short question, or a short label ending with
# a colon (shorter still when a list follows it: a longer one introduces the list).
QUESTION_MAX_WORDS = 10
LABEL_MAX_WORDS = 6
PHRASE_MAX_WORDS = 7
LIST_LABEL_MAX_WORDS = 5
# A heading of this many words at most, under one with a subtitle, is a part of its section.
SUBSECTION_MAX_WORDS = 6
# The banner: at most these many lines above the export's first gap of two or more blank lines.
BANNER_MAX_LINES = 3
# Words a sentence starts with, or has, and a label ("What to bring:") does not.
_SENTENCE_OPENERS = frozenset(
    {"here", "there", "these", "those", "this", "that", "some", "many", "most", "so", "if"}
    | {"when", "while", "because", "since", "as", "once", "remember", "please", "let", "we"}
    | {"you", "they", "i", "it", "he", "she", "below", "following", "then", "also", "and"}
    | {"our", "your", "thank", "thanks"}
    # A call to act ("Take the first step today"): a sentence, not a heading.
    | {"take", "call", "reach", "contact", "ask", "talk", "try", "keep", "give", "join", "don't"}
)
_SENTENCE_VERBS = frozenset(
    {"is", "are", "was", "were", "be", "been", "include", "includes", "included", "can"}
    | {"could", "will", "would", "should", "must", "may", "might", "has", "have", "had", "do"}
    | {"does", "did", "need", "needs", "means", "let's", "lets", "here's", "there's", "it's"}
    | {"that's", "we're", "you're", "they're", "we've", "you've", "we'll", "you'll", "don't"}
    | {"doesn't", "isn't", "aren't", "can't", "won't"}
    # Common verbs as a sentence has them ("Recovery takes time", "Treatment works").
    | {"takes", "helps", "works", "makes", "gives", "gets", "starts", "begins", "matters"}
    | {"happens", "comes", "goes", "feels", "looks", "seems", "becomes", "keeps", "shows"}
    | {"offers", "provides", "supports", "brings", "leads", "changes", "grows", "heals"}
    | {"stays", "tends", "depends", "requires", "involves", "says", "knows", "wants", "allows"}
    | {"builds", "creates", "continues", "remains", "lasts", "pays", "costs", "happened"}
)
_QUESTION_WORDS = frozenset({"why", "how", "what", "who", "where", "which"})
_PHONE = re.compile(r"(?:\(\d{3}\)|(?<!\d)\d{3})[\s.\-–]*\d{3}[\s.\-–]*\d{4}(?!\d)")
_ADDRESS = re.compile(
    r"https?://|\bwww\.|[\w.+-]+@[\w-]+\.\w|\b[\w-]+\.(?:com|org|net|gov|edu|us|io)\b", re.I
)
_SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-Z“\"]")
# What makes a Markdown paragraph more than plain words, or not a paragraph at all.
_MARKDOWN_MARKUP = re.compile(r"[*_`\[\]<>!|\\]|^\s*(?:#|>|-\s|\d+[.)]\s)", re.MULTILINE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>])")
_MARKDOWN_LINE_START = re.compile(r"^(\s*)([#+\-=]|\d+[.)])(?=\s|$)")
_NUMBERED = re.compile(r"^\d{1,3}[.)]\s+(?=\S)")
# Bullets no text starts with, taken for one even without a space after.
_UNMISTAKABLE_BULLETS = ("•", "·")


class ArticleImportError(Exception):
    """A file that cannot be imported, with why, for the person running the command."""


@dataclass
class ParsedArticle:
    title: str
    body: str
    summary: str = ""
    slug: str = ""
    author: str = ""
    reviewer: str = ""
    reviewed_on: date | None = None
    # None when the file names none (plain text, or no such front matter line): with --update,
    # the article keeps what editors gave it in admin.
    categories: list[str] | None = None
    tags: list[str] | None = None
    publish_at: datetime | None = None
    seo_title: str = ""
    meta_description: str = ""
    redirect_from: str = ""
    # Lines above the title taken for the site's banner, for the person importing to check.
    left_out: list[str] = field(default_factory=list)
    # Lines of the text left out (a link's text glued to a list), for them to check too.
    left_out_inside: list[str] = field(default_factory=list)


# --- Reading a file -------------------------------------------------------------------------------


def read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ArticleImportError(f"cannot be read ({error.strerror})") from None
    if b"\x00" in raw:
        raise ArticleImportError("is not text (a binary file)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ArticleImportError(
            "is not UTF-8 text: save it as UTF-8 and import it again"
        ) from None
    if not text.strip():
        raise ArticleImportError("is empty")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse(path: Path, banner_lines: frozenset[str] = frozenset()) -> ParsedArticle:
    text = read_text(path)
    if path.suffix.lower() == ".md":
        return parse_markdown(text)
    if path.suffix.lower() == ".txt":
        return parse_plain_text(text, banner_lines)
    raise ArticleImportError("is neither .md nor .txt")


# --- Markdown -------------------------------------------------------------------------------------


def parse_markdown(text: str) -> ParsedArticle:
    meta, body = _front_matter(text)
    title = meta.get("title", "")
    if not title:
        match = re.search(r"^#\s+(.+?)\s*#*\s*$", body, re.MULTILINE)
        if match is None:
            raise ArticleImportError("has no title (a `title:` line or a first `# ` heading)")
        title = match.group(1)
        body = body[: match.start()] + body[match.end() :]
    body = body.strip() + "\n"
    summary = meta.get("summary", "")
    if not summary:
        summary, body = _summary_from_the_opening(body)
    return ParsedArticle(
        title=_title(title),
        body=body,
        summary=summary,
        slug=meta.get("slug", ""),
        author=meta.get("author", ""),
        reviewer=meta.get("reviewer", ""),
        reviewed_on=_date(meta.get("reviewed_on", "")),
        categories=_list(meta["categories"]) if "categories" in meta else None,
        tags=_list(meta["tags"]) if "tags" in meta else None,
        publish_at=_datetime(meta.get("publish_at", "")),
        seo_title=meta.get("seo_title", ""),
        meta_description=meta.get("meta_description", ""),
        redirect_from=meta.get("redirect_from", ""),
    )


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---\n", 4)
    if end == -1:
        raise ArticleImportError("starts front matter with --- but never ends it")
    meta = {}
    for line in text[4:end].splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, separator, value = line.partition(":")
        if not separator:
            raise ArticleImportError(f"has a front matter line without a colon: {line.strip()!r}")
        meta[key.strip().lower()] = value.strip().strip("\"'")
    return meta, text[end + 5 :]


def _list(value: str) -> list[str]:
    return [item.strip() for item in value.strip("[]").split(",") if item.strip()]


def _date(value: str, name: str = "reviewed_on") -> date | None:
    if not value:
        return None
    try:
        parsed = parse_date(value)
    except ValueError as error:  # well-formed, but no such day: 2025-02-30
        raise ArticleImportError(f"has a {name} that cannot be read: {value!r} ({error})") from None
    if parsed is None:
        raise ArticleImportError(f"has a {name} that cannot be read: {value!r} (use 2026-12-31)")
    return parsed


def _datetime(value: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError as error:  # well-formed, but no such time: 2025-02-30T25:00
        raise ArticleImportError(
            f"has a publish_at that cannot be read: {value!r} ({error})"
        ) from None
    if parsed is None:
        day = _date(value, "publish_at")
        parsed = datetime.combine(day, datetime.min.time())
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


# --- Plain text -----------------------------------------------------------------------------------


def parse_plain_text(text: str, banner_lines: frozenset[str] = frozenset()) -> ParsedArticle:
    lines = [line.strip() for line in text.split("\n")]
    named = banner_lines - {""}
    lines = [line for line in lines if line not in named]
    bullets = _bullet_lines(lines)
    start = _title_line(lines, bullets)
    if start is None:
        raise ArticleImportError(
            f"has no title: no line reads like one (up to {TITLE_LENGTH} characters, with no "
            "full stop at the end)"
        )
    title = lines[start]
    # (kind, Markdown, right under a list): kind is "##", "###", "list" or "p".
    blocks: list[tuple[str, str, bool]] = []
    list_items: list[str] = []
    numbered_items: list[str] = []
    seen_heading = False
    # Under a heading with a subtitle ("Finding Support: Groups at the Center"), short headings
    # without one are its parts ("Share Stories, Gain Insights"), until the next such heading.
    in_a_titled_section = False

    def end_lists():
        if list_items:
            items = "\n".join(f"- {_escaped(item)}" for item in list_items)
            blocks.append(("list", items, False))
            list_items.clear()
        if numbered_items:
            numbered = (f"{n}. {_escaped(item)}" for n, item in enumerate(numbered_items, 1))
            blocks.append(("list", "\n".join(numbered), False))
            numbered_items.clear()

    for number in range(start + 1, len(lines)):
        line = lines[number]
        if not line:
            end_lists()
            continue
        if number in bullets:
            if numbered_items:
                end_lists()
            list_items.append(line.lstrip("".join(BULLETS) + EN_DASH).strip())
            continue
        if _NUMBERED.match(line):
            if list_items:
                end_lists()
            numbered_items.append(_NUMBERED.sub("", line))
            continue
        end_lists()
        if _looks_like_a_heading(line, introduces_a_list=_list_follows(lines, bullets, number)):
            label = line.endswith(":") and seen_heading
            part = in_a_titled_section and ":" not in line
            if label or (part and len(_words(line)) <= SUBSECTION_MAX_WORDS):
                level = "###"
            else:
                level = "##"
                in_a_titled_section = _has_a_subtitle(line)
            heading = f"{level} {_escaped(line.rstrip(':').strip())}"
            # Right under a list, with no blank line between: maybe a link's text from the old
            # page's layout ("PTSD Treatment Center"), left out if nothing comes under it.
            blocks.append((level, heading, number - 1 in bullets))
            seen_heading = True
        else:
            blocks.append(("p", _escaped(line), False))
    end_lists()
    blocks, left_out_inside = _stray_headings(blocks)
    summary = ""
    if blocks and blocks[0][0] == "p":
        # The opening paragraph says what the article is about: it becomes the summary shown
        # under the title, and is not repeated below it (what does not fit stays there).
        summary, rest = _lead_sentences(_unescaped(blocks[0][1]))
        if summary and (rest or blocks[1:]):  # else the opening is all the text: it stays
            blocks = [("p", _escaped(rest)), *blocks[1:]] if rest else blocks[1:]
    paragraphs = [markdown for kind, markdown in blocks if kind == "p"]
    if not summary and paragraphs:
        summary = shortened(_unescaped(paragraphs[0]), SUMMARY_LENGTH)
    return ParsedArticle(
        title=_title(title),
        body="\n\n".join(
            markdown if kind.startswith("#") else _with_phone_links(markdown)
            for kind, markdown, *_ in blocks
        )
        + "\n",
        summary=summary,
        left_out=[line for line in lines[:start] if line],
        left_out_inside=left_out_inside,
    )


def _title_line(lines: list[str], bullets: set[int]) -> int | None:
    """The title's line: the first that could be one after the banner. The export puts the
    banner above a gap of two or more blank lines, and the title right under it: when the file
    starts so, the lines above the gap are the banner, whatever they read like. Otherwise the
    banner is the sentences above the first line that could be a title."""

    def could_be_title(number: int) -> bool:
        line = lines[number]
        return bool(line) and number not in bullets and _looks_like_a_title(line)

    after_banner = _after_banner_gap(lines)
    if after_banner is not None:
        first = next((n for n in range(after_banner, len(lines)) if lines[n]), None)
        if first is not None and could_be_title(first):
            return first
    first = next((n for n in range(len(lines)) if could_be_title(n)), None)
    if first is None or _in_title_case(_words(lines[first])):
        return first
    # Without the export's gap, a banner's short lines ("Admissions open now") may come first:
    # a line in Title Case right under them, before any sentence, is the title.
    banner_lines = 0
    for number in range(first, len(lines)):
        if not lines[number]:
            continue
        if not could_be_title(number) or banner_lines > BANNER_MAX_LINES:
            break
        if _in_title_case(_words(lines[number])):
            return number
        banner_lines += 1
    return first


def _after_banner_gap(lines: list[str]) -> int | None:
    """The line after the first gap of two or more blank lines, when only a banner's few lines
    (BANNER_MAX_LINES at most) are above it; None when there is no such gap."""
    above, number = 0, 0
    while number < len(lines):
        if lines[number]:
            above, number = above + 1, number + 1
            continue
        gap_end = number
        while gap_end < len(lines) and not lines[gap_end]:
            gap_end += 1
        if above and gap_end - number >= 2:
            return gap_end if above <= BANNER_MAX_LINES else None
        number = gap_end
    return None


def _stray_headings(
    blocks: list[tuple[str, str, bool]],
) -> tuple[list[tuple[str, str]], list[str]]:
    """A heading heads something: one followed at once by a heading of its level or above (or
    by the end) has nothing under it, and is a stray line (a link's text, say), kept as text;
    one glued to the list above it is left out, and returned to be reported."""
    rank = {"##": 2, "###": 3}
    kept, left_out = [], []
    for index, (kind, markdown, under_a_list) in enumerate(blocks):
        following = blocks[index + 1][0] if index + 1 < len(blocks) else "end"
        if kind in rank and (following == "end" or rank.get(following, 9) <= rank[kind]):
            kind, markdown = "p", markdown.split(" ", 1)[1]
            if under_a_list:
                left_out.append(_unescaped(markdown))
                continue
        kept.append((kind, markdown))
    return kept, left_out


def _has_a_subtitle(heading: str) -> bool:
    """ "Unlocking Togetherness: Peer Support at the Center": a title, a colon, a subtitle."""
    title, colon, subtitle = heading.partition(": ")
    return bool(colon) and len(_words(title)) >= 2 and len(_words(subtitle)) >= 2


def _lead_sentences(paragraph: str) -> tuple[str, str]:
    """The paragraph's opening sentences that fit in a summary, and the rest; ("", paragraph)
    when even its first sentence does not fit."""
    paragraph = " ".join(paragraph.split())
    if len(paragraph) <= SUMMARY_LENGTH:
        return paragraph, ""
    sentences = _SENTENCE_END.split(paragraph)
    taken = 0
    while taken < len(sentences) and len(" ".join(sentences[: taken + 1])) <= SUMMARY_LENGTH:
        taken += 1
    if not taken:
        return "", paragraph
    return " ".join(sentences[:taken]), " ".join(sentences[taken:])


def _is_bullet(line: str) -> bool:
    if line.startswith(_UNMISTAKABLE_BULLETS) and len(line.lstrip("".join(BULLETS))) > 0:
        return True
    if not line.startswith(BULLETS) or len(line) < 2:
        return False
    # "- Item", and "-Item" or "*Item" typed without the space; not "-5 degrees", nor a word
    # in *emphasis*.
    return line[1] in " \t" or (line[1].isalpha() and (line[0] == "-" or "*" not in line[1:]))


def _starts_with_en_dash(line: str) -> bool:
    return line.startswith(EN_DASH) and len(line) > 2 and line[1] in " \t"


def _bullet_lines(lines: list[str]) -> set[int]:
    """The numbers of the lines that are list items: those starting with a bullet, and those
    starting with an en dash next to another such line (alone, "– Jordan, alumni" names who
    said the quotation above it)."""
    bullets = {number for number, line in enumerate(lines) if _is_bullet(line)}
    dashed = {number for number, line in enumerate(lines) if _starts_with_en_dash(line)}
    return bullets | {number for number in dashed if {number - 1, number + 1} & (bullets | dashed)}


def _list_follows(lines: list[str], bullets: set[int], number: int) -> bool:
    """Whether the next line with words after this one is a list item."""
    following = next((n for n in range(number + 1, len(lines)) if lines[n]), None)
    return following is not None and (
        following in bullets or bool(_NUMBERED.match(lines[following]))
    )


def _words(line: str) -> list[str]:
    return re.findall(r"[A-Za-z][\w’'-]*", line)


def _is_contact_line(line: str) -> bool:
    """A phone number, a web address or an email address: a call to action, the banner's or
    the text's, never a title or a heading."""
    return bool(_PHONE.search(line) or _ADDRESS.search(line))


def _looks_like_a_title(line: str) -> bool:
    """Short, without a full stop at the end or a sentence break inside, not a call to action
    with a phone number or an address, and not a quotation's attribution (– Name)."""
    return (
        len(line) <= max(TITLE_LENGTH, HEADING_MAX_CHARACTERS)
        and not line.endswith((".", ",", ";", "!"))
        and not line.startswith(_DASHES)
        and not _SENTENCE_BREAK.search(line)
        and 0 < len(_words(line)) <= 20
        and not _is_contact_line(line)
    )


def _in_title_case(words: list[str]) -> bool:
    significant = [word for word in words if word.lower() not in SMALL_WORDS]
    capitalised = sum(word[0].isupper() for word in significant)
    return bool(significant) and capitalised / len(significant) >= TITLE_CASE_SHARE


def _reads_like_a_sentence(words: list[str]) -> bool:
    """Starts as a sentence does ("Here are…", "Some of…", "We…") or has the verb of one ("…
    include", "…is…", "…can…")."""
    lowered = [word.lower().replace("’", "'") for word in words]
    return bool(lowered) and (
        lowered[0] in _SENTENCE_OPENERS or any(word in _SENTENCE_VERBS for word in lowered)
    )


def _looks_like_a_heading(line: str, introduces_a_list: bool = False) -> bool:
    """A title-like line (short, no full stop, no phone number) in Title Case, however long a
    title may be; or, not in Title Case, a short question, a short label ending with a colon
    ("What to bring:"), or a short phrase ("Insurance and payment options"). A line that reads
    like a sentence ("Some of the benefits include:", "Remember that recovery takes time") is a
    paragraph, and so is a longer line ending with a colon that introduces a list ("Here are
    five signs to watch for:")."""
    if not _looks_like_a_title(line):
        return False
    words = _words(line)
    if _in_title_case(words):
        return True
    if len(line) > HEADING_MAX_CHARACTERS:
        return False
    if line.endswith("?"):
        return len(words) <= QUESTION_MAX_WORDS
    if line.endswith(":"):
        longest = LIST_LABEL_MAX_WORDS if introduces_a_list else LABEL_MAX_WORDS
        return len(words) <= longest and not _reads_like_a_sentence(words)
    if len(words) <= PHRASE_MAX_WORDS and words[0].lower() in _QUESTION_WORDS:
        # A question without its mark ("Why it works", "What happens next"): a heading.
        return True
    # A short phrase in sentence case ("Insurance and payment options"), not a sentence.
    return len(words) <= PHRASE_MAX_WORDS and not _reads_like_a_sentence(words)


def _with_phone_links(markdown: str) -> str:
    """Phone numbers as links a phone can call (`tel:`), as the site writes its own."""

    def link(match: re.Match) -> str:
        digits = re.sub(r"\D", "", match[0])
        return f"[{match[0]}](tel:+1{digits})" if len(digits) == 10 else match[0]

    return _PHONE.sub(link, markdown)


def _escaped(text: str) -> str:
    """As Markdown reads it: literally (no *, _, [ or < taken for markup, no list or heading)."""
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return _MARKDOWN_LINE_START.sub(lambda match: f"{match.group(1)}\\{match.group(2)}", text)


def _unescaped(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _title(title: str) -> str:
    title = " ".join(title.split())
    if len(title) > TITLE_LENGTH:
        raise ArticleImportError(
            f"has a title longer than {TITLE_LENGTH} characters: {title[:60]!r}…"
        )
    return title


def _summary_from_the_opening(markdown_body: str) -> tuple[str, str]:
    """A summary for Markdown that gives none, and the body without it: the opening paragraph's
    sentences that fit, moved out of the body, when they are plain words (a link or emphasis in
    them would be lost from a plain-text summary: the summary then repeats them)."""
    opening, _, rest = markdown_body.partition("\n\n")
    if opening.strip() and not _MARKDOWN_MARKUP.search(opening) and "\n" not in opening.strip():
        summary, left = _lead_sentences(opening)
        remaining = (f"{left}\n\n{rest}" if left else rest).strip()
        if summary and remaining:  # else the opening is all the text there is: it stays
            return summary, remaining + "\n"
    return _first_paragraph(markdown_body), markdown_body


def _first_paragraph(markdown_body: str) -> str:
    for block in markdown_body.split("\n\n"):
        block = block.strip()
        if block and not block.startswith(("#", "-", "*", ">", "!", "|", "1.")):
            plain = re.sub(r"[*_`]|\[([^\]]*)\]\([^)]*\)", r"\1", block)
            return shortened(plain, SUMMARY_LENGTH)
    return ""


# --- Storing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    publish: bool = False
    update: bool = False
    author: str = ""
    dry_run: bool = False


def store(parsed: ParsedArticle, options: Options, redirect_from: str = "") -> str:
    """Create or (with --update) update the article; returns what was done: "imported",
    "updated", "unchanged" (perhaps with its old address added) or "skipped" (an article with
    its slug exists: nothing is done, its old address not recorded either). Everything is checked
    before anything is saved, and a file's article, topics and old address are saved together
    or not at all."""
    if not parsed.body.strip():
        raise ArticleImportError("has a title and no text under it")
    slug = _slug(parsed)
    existing = Article.objects.filter(slug=slug).first()
    if existing is not None and not options.update:
        return "skipped"
    author = _person(parsed.author or options.author, "author")
    if author is None and options.publish:
        raise ArticleImportError(
            "has no author, and a published article names one: pass --author SLUG, or put "
            "`author:` in its front matter"
        )
    fields = {
        "title": parsed.title,
        "summary": parsed.summary or parsed.title,
        "body": parsed.body,
        # With --update, a file naming no author keeps the one editors chose in admin.
        "author": author or (existing.author if existing else None),
        "medical_reviewer": _person(parsed.reviewer, "reviewer"),
        "reviewed_on": parsed.reviewed_on,
        "seo_title": parsed.seo_title[:70],
        "meta_description": parsed.meta_description[:160],
    }
    if fields["medical_reviewer"] and not fields["reviewed_on"]:
        raise ArticleImportError("names a reviewer without `reviewed_on:`")
    if options.publish:
        fields["status"] = Status.PUBLISHED
        fields["publish_at"] = parsed.publish_at or (
            existing.publish_at if existing and existing.publish_at else timezone.now()
        )
    old_path = _old_path(redirect_from or parsed.redirect_from)
    categories = _categories(parsed.categories or [])
    tags = _tags(parsed.tags or [])
    # An article's topics become exactly those the file names: with --update, those it no longer
    # names go. A file that names none leaves them as they are.
    same_categories = parsed.categories is None or _same(
        existing.categories.all() if existing else [], categories
    )
    same_tags = parsed.tags is None or _same(existing.tags.all() if existing else [], tags)
    if existing is None:
        article, outcome = Article(slug=slug, **fields), "imported"
    elif _unchanged(existing, fields) and same_categories and same_tags:
        article, outcome = existing, "unchanged"
    else:
        article, outcome = existing, "updated"
        for name, value in fields.items():
            setattr(article, name, value)
    _check_article(article)
    if options.dry_run:
        return outcome
    try:
        with transaction.atomic():
            if outcome != "unchanged":
                article.save()
            for topic in (*categories, *tags):
                if topic.pk is None:
                    topic.save()
            # Set only when they differ: setting tags records a revision even when none change.
            if not same_categories:
                article.categories.set(categories)
            if not same_tags:
                article.tags.set(tags)
            if old_path and old_path != article.get_absolute_url():
                _, address_added = OldAddress.objects.update_or_create(
                    path=old_path, defaults={"article": article}
                )
                if outcome == "unchanged" and address_added:
                    outcome = "unchanged, its old address added"
    except (DataError, IntegrityError) as error:  # what the checks above cannot foresee
        raise ArticleImportError(f"cannot be saved: {str(error).strip().splitlines()[0]}") from None
    return outcome


def _slug(parsed: ParsedArticle) -> str:
    """The front matter's `slug:` as written (checked with the rest of the article), or one made
    from the title."""
    if parsed.slug:
        return parsed.slug.strip("-")
    slug = slugify(parsed.title)[:SLUG_LENGTH].strip("-")
    if not slug:
        raise ArticleImportError("has a title that makes no address (slug)")
    return slug


def _unchanged(article: Article, fields: dict) -> bool:
    return all(getattr(article, name) == value for name, value in fields.items())


def _same(current, topics: list[Category] | list[Tag]) -> bool:
    """Whether an article's categories (or tags) are these: a new one (unsaved) never is."""
    return {topic.pk for topic in topics} == {topic.pk for topic in current}


def _person(slug_or_name: str, role: str) -> Person | None:
    if not slug_or_name:
        return None
    person = (
        Person.objects.filter(slug=slug_or_name).first()
        or Person.objects.filter(name__iexact=slug_or_name).first()
    )
    if person is None:
        raise ArticleImportError(f"names an {role} who is not among the people: {slug_or_name!r}")
    return person


# The fields the site fills in itself (the rendered text, the search index, the times), which
# admin does not check either.
_SITE_FILLED = [field.name for field in Article._meta.concrete_fields if not field.editable]


def _check_article(article: Article) -> None:
    """As admin checks it: lengths, the slug's characters, the reviewer and their date."""
    try:
        article.full_clean(exclude=_SITE_FILLED)
    except ValidationError as error:
        problems = error.message_dict
        if "slug" in problems:
            raise ArticleImportError(
                f"has a slug that is not an address: {_shown(article.slug)} "
                f"({' '.join(problems['slug'])})"
            ) from None
        raise ArticleImportError(f"cannot be saved: {_problems(error)}") from None


def _categories(names: list[str]) -> list[Category]:
    """Each name's category: the one with its address or its name, or a new one (unsaved),
    checked."""
    categories: dict[str, Category] = {}
    for name in names:
        slug = _topic_slug(name, "category", Category._meta.get_field("slug").max_length)
        category = (
            Category.objects.filter(slug=slug).first()
            or Category.objects.filter(name__iexact=name).first()
        )
        if category is None:
            category = Category(name=name, slug=slug)
            _check_topic(category, "category")
        categories.setdefault(category.slug, category)
    return list(categories.values())


def _tags(names: list[str]) -> list[Tag]:
    """Each name's tag: the one with that name, or a new one (unsaved), checked. A new tag's
    slug is django-taggit's (which also keeps it apart from the others), unless the name makes
    none, "???" say."""
    tags: dict[str, Tag] = {}
    for name in names:
        tag = Tag.objects.filter(name=name).first()
        if tag is None:
            tag = Tag(name=name)
            if not tag.slugify(name):
                tag.slug = f"tag-{_digest(name)}"
            _check_topic(tag, "tag", exclude=[] if tag.slug else ["slug"])
        tags.setdefault(tag.name, tag)
    return list(tags.values())


def _check_topic(topic: Category | Tag, kind: str, exclude: list[str] | None = None) -> None:
    try:
        topic.full_clean(exclude=exclude)
    except ValidationError as error:
        raise ArticleImportError(
            f"has a {kind} that cannot be saved, {_shown(topic.name)}: {_problems(error)}"
        ) from None


def _topic_slug(name: str, kind: str, max_length: int) -> str:
    """A category's address: slugify's, in Latin letters as the site's addresses are. A name
    that slugify would leave letters out of (in another script, "Выздоровление" or "回復") has
    a short hash of itself added, or instead, so that each name has an address of its own,
    and the same one every time."""
    slug = slugify(name)[:max_length].strip("-")
    if slug and not _loses_letters(name):
        return slug
    digest = _digest(name)
    return f"{slug[: max_length - len(digest) - 1].strip('-') or kind}-{digest}"


def _loses_letters(name: str) -> bool:
    return any(
        character.isalnum()
        and not unicodedata.normalize("NFKD", character).encode("ascii", "ignore")
        for character in name
    )


def _digest(name: str) -> str:
    """Eight hex digits for a name, the same for the same words in any case."""
    return hashlib.sha256(" ".join(name.split()).casefold().encode()).hexdigest()[:8]


def _problems(error: ValidationError) -> str:
    """A ValidationError's messages, each after its field's name."""
    return "; ".join(
        " ".join(messages)
        if field_name == NON_FIELD_ERRORS
        else f"{field_name}: {' '.join(messages)}"
        for field_name, messages in error.message_dict.items()
    )


def _shown(value: str) -> str:
    return repr(value) if len(value) <= 40 else f"{value[:40]!r}…"


def _old_path(url: str) -> str:
    """The path of an address of the old site, read as a request's (see site_path)."""
    if not url:
        return ""
    try:
        path = site_path(url)
    except (ValueError, ValidationError) as error:  # ValueError: one urlsplit cannot read
        reason = " ".join(getattr(error, "messages", [])) or "it cannot be read"
        raise ArticleImportError(
            f"has an old address that cannot be kept: {url!r} ({reason})"
        ) from None
    if len(path) > OldAddress._meta.get_field("path").max_length:
        raise ArticleImportError(f"has an old address too long to keep: {url!r}")
    return path
