"""Every visitor-facing string is marked for translation: a Spanish site comes next.

The pages and e-mails are rendered with a catalog that "translates" every message, to
"⟦message⟧", after the database's content (what marketing writes in admin: the center, programs,
articles, sessions, pages) has been rewritten in full-width letters. What is left in plain ASCII
words is then neither translated nor content: text a template or the code wrote without marking
it (a missing {% translate %}, {% blocktranslate %} or gettext). A failure lists, page by page,
the words left in English: mark them, in the template or the Python that wrote them.

Acronyms and time zones in capitals ("EST") are not counted; nor are the staff's preview banners
of unpublished programs and articles, which visitors never see.
"""

import re
from html.parser import HTMLParser
from urllib.parse import quote_plus

import pytest
from django.apps import apps
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import models
from django.utils.translation import trans_real
from phonenumber_field.modelfields import PhoneNumberField

from admissions import notifications
from admissions import views as admissions_views
from center import profile as center_profile
from center.profile import current_center
from core.pagecache import forget_pages_in_this_process
from core.views import render_error_page
from infosessions import services as infosessions_services
from infosessions import views as infosessions_views
from infosessions.models import Format, InfoSession, Status
from tests.infosessions.factories import RegistrationFactory
from tests.public_pages import NOT_FOUND_PAGE, PUBLIC_PAGES

pytestmark = pytest.mark.django_db

OPEN, CLOSE = "⟦", "⟧"
BREAK = None  # between two text nodes: a run of words never spans a tag
REFERENCE = "KXM7QR"  # a lead's reference, as the thank-you page and e-mail show it

# --- A catalog that translates everything ------------------------------------------------------


def _wrapped(message: str) -> str:
    # pgettext asks for "context\x04message"; what comes back must not contain the separator.
    return f"{OPEN}{message.rpartition(trans_real.CONTEXT_SEPARATOR)[2]}{CLOSE}"


class EverythingTranslated:
    """English, but with every message translated to ⟦message⟧."""

    def __init__(self, english):
        self._english = english

    def __getattr__(self, name):
        return getattr(self._english, name)

    def gettext(self, message):
        return _wrapped(message)

    def ngettext(self, singular, plural, number):
        return _wrapped(singular if number == 1 else plural)


@pytest.fixture
def everything_translated(monkeypatch):
    """Every language, and the one active, is EverythingTranslated (translation.override too,
    as the e-mails use)."""
    catalog = EverythingTranslated(trans_real.translation(settings.LANGUAGE_CODE))
    monkeypatch.setattr(trans_real, "translation", lambda language: catalog)
    monkeypatch.setattr(trans_real, "_default", catalog)
    active = getattr(trans_real._active, "value", None)
    trans_real._active.value = catalog
    yield
    if active is None:
        del trans_real._active.value
    else:
        trans_real._active.value = active


# --- Content, in full-width letters ------------------------------------------------------------

# Left as they are in content: link targets, HTML tags and entities, addresses, image references,
# and the center's {name} placeholder.
_KEEP = re.compile(r"\]\([^)]*\)|<[^>]*>|&#?\w+;|https?://[^\s⟦⟧]+|image:\d+|\{\w*\}")
_FULL_WIDTH = str.maketrans(
    {
        letter: chr(ord(letter) + 0xFEE0)
        for letter in map(chr, range(0x21, 0x7F))
        if letter.isalpha()
    }
)
CONTENT_APPS = ["center", "programs", "articles", "infosessions", "core", "taggit"]
NOT_CONTENT = {"articles.OldAddress", "infosessions.Registration"}


def as_content(text: str) -> str:
    """The text with every ASCII letter made full-width, but for what _KEEP keeps."""
    kept = [(match.start(), match.end()) for match in _KEEP.finditer(text)]
    pieces, last = [], 0
    for start, end in kept:
        pieces += [text[last:start].translate(_FULL_WIDTH), text[start:end]]
        last = end
    return "".join([*pieces, text[last:].translate(_FULL_WIDTH)])


def _text_fields(model) -> list[str]:
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not isinstance(
            field, models.SlugField | models.URLField | models.EmailField | PhoneNumberField
        )
        and not field.choices
    ]


def rewrite_content_in_full_width() -> None:
    """Every text of every content model (history tables aside) in full-width letters."""
    for label in CONTENT_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.label in NOT_CONTENT or model._meta.model_name.startswith("historical"):
                continue
            names = _text_fields(model)
            if not names:
                continue
            for row in model.objects.values("pk", *names):
                pk = row.pop("pk")
                changed = {name: as_content(value) for name, value in row.items() if value}
                if changed:
                    # update(): no signals, no re-rendering; body_html is rewritten with the body.
                    model.objects.filter(pk=pk).update(**changed)
    # Nothing read before the rewrite may be shown after it.
    cache.clear()
    forget_pages_in_this_process()
    center_profile._last_known_in_this_process = None


# --- What is left untranslated -----------------------------------------------------------------


class _Text(HTMLParser):
    """The text nodes of a page (not scripts or styles), with a BREAK at every tag, and the
    attributes people read or hear: alt, aria-label, title, placeholder, the meta description."""

    READ_ATTRIBUTES = ("alt", "aria-label", "title", "placeholder")

    def __init__(self):
        super().__init__()
        self.nodes: list[str | None] = []
        self.attributes: list[tuple[str, str]] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        self.nodes.append(BREAK)
        if tag in ("script", "style"):
            self._skipping += 1
        attrs = dict(attrs)
        for name in self.READ_ATTRIBUTES:
            if attrs.get(name):
                self.attributes.append((f"<{tag} {name}>", attrs[name]))
        if tag == "meta" and attrs.get("name") == "description":
            self.attributes.append(("<meta name=description>", attrs.get("content") or ""))
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.attributes.append((f"<{tag} value>", attrs["value"]))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag):
        self.nodes.append(BREAK)
        if tag in ("script", "style") and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.nodes.append(data)


_TOKEN = re.compile(rf"{OPEN}|{CLOSE}|[^\W\d_]+(?:['’][^\W\d_]+)*")


def _is_english_word(token: str) -> bool:
    letters = token.replace("'", "").replace("’", "")
    # All capitals: an acronym or a time zone ("EST"), not words to translate.
    return letters.isascii() and not (letters.isupper() and len(letters) > 1)


def untranslated(nodes: list[str | None]) -> tuple[list[str], int]:
    """The runs of plain English words outside ⟦⟧ (each its words joined by spaces), and the
    depth of ⟦⟧ at the end, which must be 0 (an unclosed ⟦ would hide the rest)."""
    runs, run, depth = [], [], 0

    def end_run():
        if run:
            runs.append(" ".join(run))
            run.clear()

    for node in nodes:
        if node is BREAK:
            end_run()
            continue
        for token in _TOKEN.findall(node):
            if token in (OPEN, CLOSE):
                depth += 1 if token == OPEN else -1
                end_run()
            elif depth == 0 and _is_english_word(token):
                run.append(token)
            else:
                end_run()
    end_run()
    return runs, depth


def problems_in_html(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    parser.close()
    runs, depth = untranslated(parser.nodes)
    found = [f"text: {run!r}" for run in runs]
    if depth:
        found.append(f"text: ⟦ and ⟧ do not balance ({depth:+d})")
    for where, value in parser.attributes:
        runs, depth = untranslated([value])
        found += [f"{where}: {run!r}" for run in runs]
        if depth:
            found.append(f"{where}: ⟦ and ⟧ do not balance in {value!r}")
    return found


def problems_in_text(text: str) -> list[str]:
    """For a plain-text e-mail: its addresses are not words to translate."""
    runs, depth = untranslated(re.sub(r"https?://[^\s⟦⟧]+", " ", text).splitlines())
    return [repr(run) for run in runs] + ([f"⟦ and ⟧ do not balance ({depth:+d})"] if depth else [])


def assert_all_marked(found: dict[str, list[str]]) -> None:
    found = {where: problems for where, problems in found.items() if problems}
    assert not found, "Not marked for translation:\n" + "\n".join(
        f"  {where}:\n" + "\n".join(f"    {problem}" for problem in problems)
        for where, problems in found.items()
    )


# --- The checker itself ------------------------------------------------------------------------


def test_the_checker_finds_english_outside_translations_and_content():
    html = (
        "<head><title>⟦Get help⟧ · Ｒｅｓｉｌｉｅｎｃｅ</title></head><body><main>"
        "<h1>⟦Talk to us⟧</h1><p>⟦Call <a href='tel:1'>(617) 555-0143</a>, 24/7.⟧</p>"
        "<p>Ｏｕｒ ｍｉｓｓｉｏｎ.</p><p>We couldn’t find that page</p><dt>Setting</dt>"
        "<time>⟦March⟧ 3, 10:00 ⟦AM⟧ EST</time><script>var not = 'text here';</script>"
        '<img alt="A photo of nothing"></main></body>'
    )

    assert problems_in_html(html) == [
        "text: 'We couldn’t find that page'",
        "text: 'Setting'",
        "<img alt>: 'A photo of nothing'",
    ]
    assert problems_in_html("<p>⟦Unclosed</p>") == ["text: ⟦ and ⟧ do not balance (+1)"]


def test_content_in_full_width_keeps_what_markdown_and_html_need():
    text = "**Evidence first.** See [our team](/about/) &amp; ![x](image:12) <a href='/x'>{name}"

    assert as_content(text) == (
        "**Ｅｖｉｄｅｎｃｅ ｆｉｒｓｔ.** Ｓｅｅ [ｏｕｒ ｔｅａｍ](/about/) &amp; ![ｘ](image:12) "
        "<a href='/x'>{name}"
    )


# --- The pages and e-mails ---------------------------------------------------------------------


def _search_page(path: str) -> str:
    """The search page looks for content, which is now in full-width letters."""
    if not path.startswith("/search/"):
        return path
    query = path.partition("q=")[2].replace("+", " ")
    return f"/search/?q={quote_plus(as_content(query))}"


def _thanks_cookie(client, cookie: str, note: dict, salt: str) -> None:
    client.cookies[cookie] = signing.dumps(note, salt=salt)


def test_every_public_page_is_marked_for_translation(client, demo_content, everything_translated):
    rewrite_content_in_full_width()
    session = InfoSession.objects.upcoming().first()
    registration = RegistrationFactory(session=session)
    cancel_path = infosessions_services.cancel_link(registration).removeprefix(settings.SITE_URL)
    found = {}

    def check(name, response, status=200):
        html = response.content.decode()
        assert response.status_code == status, name
        assert OPEN in html, f"{name}: rendered without the catalog that translates everything"
        found[name] = problems_in_html(html)

    for path in [*PUBLIC_PAGES, cancel_path, "/info-sessions/cancel/not-a-token/"]:
        status = 400 if path.endswith("/not-a-token/") else 200
        check(path, client.get(_search_page(path)), status)
    check(NOT_FOUND_PAGE, client.get(NOT_FOUND_PAGE), 404)

    # Forms sent back with errors.
    check("/get-help/ with errors", client.post("/get-help/", {}))
    check("/info-sessions/<pk>/ with errors", client.post(session.get_absolute_url(), {}))

    # The thank-you pages, in each of their states.
    for urgent in (True, False):
        _thanks_cookie(
            client,
            admissions_views.RECEIVED_COOKIE,
            {"urgent": urgent, "reference": REFERENCE},
            admissions_views._RECEIVED_SALT,
        )
        check(f"/get-help/thanks/ urgent={urgent}", client.get("/get-help/thanks/"))
    for status in (Status.REGISTERED, Status.WAITLISTED, "received", "pending"):
        _thanks_cookie(
            client,
            infosessions_views.REGISTERED_COOKIE,
            {"session": session.pk, "status": status},
            infosessions_views._REGISTERED_SALT,
        )
        check(f"/info-sessions/thanks/ {status}", client.get("/info-sessions/thanks/"))

    assert_all_marked(found)


ERROR_PAGES = [
    ("400.html", 400),
    ("403.html", 403),
    ("403_csrf.html", 403),
    ("500.html", 500),
    ("503.html", 503),
    ("request_too_large.html", 413),
]


@pytest.mark.parametrize(("template", "status"), ERROR_PAGES)
def test_every_error_page_is_marked_for_translation(everything_translated, template, status):
    rewrite_content_in_full_width()
    current_center()  # the snapshot error pages are made from
    response = render_error_page(template, status=status, context={"sent_a_form": True})
    html = response.content.decode()

    assert OPEN in html
    assert_all_marked({template: problems_in_html(html)})


def test_every_e_mail_to_visitors_is_marked_for_translation(demo_content, everything_translated):
    rewrite_content_in_full_width()
    in_person = InfoSession.objects.upcoming().filter(format=Format.IN_PERSON).first()
    online = InfoSession.objects.upcoming().filter(format=Format.VIRTUAL).first()
    found = {}

    subject, body = notifications._acknowledgment(REFERENCE)
    found["acknowledgment"] = problems_in_text(subject) + problems_in_text(body)
    for session in (in_person, online):
        registration = RegistrationFactory(session=session)
        for purpose, which in [
            ("session_confirmation", ""),
            ("session_waitlisted", ""),
            ("session_seat_opened", ""),
            ("session_reminder", "day_before"),
            ("session_reminder", "hour_before"),
            ("session_update", ""),
            ("session_cancelled", ""),
            ("registration_cancelled", ""),
        ]:
            subject, body, _ = infosessions_services.render_registrant_message(
                registration, purpose, which=which
            )
            found[f"{purpose} {which} ({session.format})"] = problems_in_text(
                subject
            ) + problems_in_text(body)

    assert_all_marked(found)
