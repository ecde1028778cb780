"""Public pages served from a cache shared by every web process, before the bulk of Django runs.

A view opts in with `@public_page`: its response says `Cache-Control: public`. The middleware
then keeps, for anonymous visitors only, the finished response (headers and body, compressed
once with brotli and gzip) and serves it to the next anonymous visitor in about the time of one
cache read. What is never kept: a response that sets a cookie, varies on cookies, is private or
no-store, carries a CSP nonce, or is not a 200; nor is any request with a session cookie (staff)
ever answered from it.

Each process keeps its own copy of the pages it read, so a hit costs no network round trip.

A page that is the same for everyone but for a few per-visitor values (a form's CSRF and
one-time tokens) is kept too, with stand-ins for those values: the view marks its response with
`keep_for_everyone(response, html_with_stand_ins, stand_ins, fill)`. The page is kept in the
parts between the stand-ins, each compressed once. On a hit the middleware sets up Django's CSRF
token for this visitor, asks `fill(request)` for their values (it may decline, when this visitor
needs another page), and splices them between the compressed parts (core.gzip_splice), as
`no-store` as the view made it. Only the parts are kept, never a visitor's values or cookies.

How fresh: an edit to public content bumps a generation (`forget_public_pages`, on commit), which
every process reads at least every GENERATION_CHECK_SECONDS, so the next view after that renders
anew; anything that changes with time alone (a scheduled article) shows within
PAGE_CACHE_SECONDS, plus PUBLIC_PAGE_MAX_AGE in a proxy or CDN (browsers keep no copy).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import urlencode

import brotli
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.cache import (
    cc_delim_re,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import parse_http_date_safe
from django.utils.module_loading import import_string

from core import gzip_splice, http
from core.cache import RedisUnreachableError
from core.release import release_id

logger = logging.getLogger(__name__)
T = TypeVar("T")

GENERATION_KEY = "pages:generation"
# How often each process looks whether an edit has bumped the generation.
GENERATION_CHECK_SECONDS = 1.0
# The query parameters any public page reads (each view names its own: `public_page(reads=)`,
# `keep_for_everyone(parameters=)`). Any other (a campaign's utm_*, which attribution reads
# before the cache, or junk) changes nothing on a page, so it is left out of every key.
PAGE_PARAMETERS = frozenset({"page", "q", "program"})
# A longer query string is most likely junk: the page is rendered, not kept.
MAX_QUERY_LENGTH = 200
# How many paths' parameters each process remembers (see _ParametersRead).
REMEMBERED_PATHS = 10_000
# How many Host headers each process remembers whether Django accepts.
MAX_HOSTS_CHECKED = 100
# Headers of the stored response that belong to one response only.
NOT_STORED_HEADERS = frozenset({"content-length", "content-encoding", "date", "set-cookie"})
# A kept page is compressed by the request that finds it expired, so quickly: brotli's 10 takes
# a third of 11's time on a page (5 ms here) for 3 % more bytes; above LARGE_PAGE_BYTES (the
# sitemap), 9, which is ten times faster again there.
KEPT_BROTLI_QUALITY = 10
LARGE_PAGE_BROTLI_QUALITY = 9
LARGE_PAGE_BYTES = 32 * 1024


def public_page(view=None, *, reads: tuple[str, ...] = ()):
    """For a view whose page is the same for every anonymous visitor: cacheable here, and
    briefly by a proxy or CDN. `reads` names the query parameters the page depends on (of
    PAGE_PARAMETERS); the page is kept under those only, so that any other parameter, or junk,
    is served the same page rather than kept as one more. A view that refuses a value it cannot
    use (a 404 for `?page=two`) keeps nothing under it either."""
    if unknown := set(reads) - PAGE_PARAMETERS:
        raise ValueError(f"Add {sorted(unknown)} to PAGE_PARAMETERS")

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.has_header("Cache-Control"):
                # Kept by a proxy or CDN (s-maxage), not by browsers: staff who just edited the
                # page see it as it is now, and a visitor's next view is one cache hit away.
                patch_cache_control(
                    response, public=True, max_age=0, s_maxage=settings.PUBLIC_PAGE_MAX_AGE
                )
            if not hasattr(response, "page_parameters"):
                response.page_parameters = _given(request, reads)
            return response

        # So that a check can find every public page (tests/bench/test_gates.py).
        wrapped.is_public_page = True
        return wrapped

    return decorate if view is None else decorate(view)


def _given(request, names) -> dict[str, str]:
    return {name: request.GET.get(name, "") for name in names}


def keep_in_this_process_only(response):
    """For a public page that repeats what a visitor typed (search results): kept in this
    process's memory for PAGE_CACHE_SECONDS, never in Redis, nor by a proxy or browser
    (`max-age=0`: nginx then keeps nothing), where it would outlive the moment."""
    patch_cache_control(response, public=True, max_age=0)
    response.keep_in_this_process_only = True
    return response


class _PagesInThisProcess:
    """The pages this process last read from the shared cache, so that a hit costs no network
    round trip: least recently used first out, each only while its generation is current and
    until it expires."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self.entries: OrderedDict[str, CachedPage] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str, generation: int) -> CachedPage | None:
        with self.lock:
            page = self.entries.get(key)
            if page is None:
                return None
            if page.generation != generation or page.kept_until < time.time():
                del self.entries[key]
                return None
            self.entries.move_to_end(key)
            return page

    def put(self, key: str, page: CachedPage) -> None:
        with self.lock:
            self.entries[key] = page
            self.entries.move_to_end(key)
            while len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


_this_process = _PagesInThisProcess(max_entries=1000)


class _ParametersRead:
    """The query parameters each public path's page was made for, as this process has seen it
    answer: a request for the path is looked up under those alone, so `/?q=` + junk, again and
    again, is one page kept and served, not a rendering and a new key each time. A path not
    seen yet is looked up under every one of PAGE_PARAMETERS it has; its page is kept under
    those its view read."""

    def __init__(self, max_paths: int) -> None:
        self.max_paths = max_paths
        self.names: dict[str, frozenset[str]] = {}

    def get(self, path: str) -> frozenset[str]:
        return self.names.get(path, PAGE_PARAMETERS)

    def remember(self, path: str, names: frozenset[str]) -> None:
        if len(self.names) >= self.max_paths:
            self.names = {}  # all of them learnt again, one request each
        self.names[path] = names


_parameters_read = _ParametersRead(REMEMBERED_PATHS)
# The generation as this process last read it, and when (time.monotonic()).
_generation_seen: tuple[int, float] = (0, float("-inf"))


def current_generation() -> int:
    """The shared generation of public content, read at most every GENERATION_CHECK_SECONDS by
    this process. What is kept for every visitor (a page, the center's snapshot) is kept under
    it."""
    global _generation_seen
    generation, checked_at = _generation_seen
    now = time.monotonic()
    if now - checked_at >= GENERATION_CHECK_SECONDS:
        generation = cache.get(GENERATION_KEY, 0)
        _generation_seen = (generation, now)
    return generation


def forget_pages_in_this_process() -> None:
    """Tests start with empty caches; this process's copies and generation included."""
    global _generation_seen
    _this_process.clear()
    _parameters_read.names = {}
    _generation_seen = (0, float("-inf"))


def forget_public_pages() -> None:
    """After an edit is committed: every machine renders its pages anew (this process at once,
    others within GENERATION_CHECK_SECONDS)."""
    global _generation_seen
    _generation_seen = (0, float("-inf"))
    try:
        cache.add(GENERATION_KEY, 0, timeout=None)
        cache.incr(GENERATION_KEY)
    except Exception as error:  # each cache backend raises its own connection errors
        # Pages then expire by themselves within PAGE_CACHE_SECONDS.
        logger.warning("Could not forget the cached pages (%r)", error)


def forget_public_pages_when_saved(*models) -> None:
    """Connect the models whose rows public pages show (call from an app's ready())."""
    for model in models:
        for signal in (post_save, post_delete):
            signal.connect(_forget_on_commit, sender=model, dispatch_uid=f"pagecache:{model}")


def forget_public_pages_when_changed(*through_models) -> None:
    """Connect the many-to-many relations public pages show (call from an app's ready())."""
    for through in through_models:
        m2m_changed.connect(
            _forget_after_change, sender=through, dispatch_uid=f"pagecache:m2m:{through}"
        )


def _forget_after_change(sender, action: str, **kwargs) -> None:
    if action.startswith("post_"):
        transaction.on_commit(forget_public_pages)


def _forget_on_commit(sender, **kwargs) -> None:
    transaction.on_commit(forget_public_pages)


@dataclass(frozen=True)
class Rendered:
    html: str
    # False for HTML made from stand-ins (the database's lists missing during an outage).
    keep: bool = True
    # time.time() when it was rendered: a page made from it is kept no longer than it is.
    rendered_at: float = field(default_factory=time.time)


@dataclass(frozen=True)
class PageForEveryone:
    html: str  # with stand-ins where each visitor's values go
    stand_ins: tuple[str, ...]
    fill: str  # dotted path of fill(request) -> dict[stand-in, value] | None
    rendered_at: float  # time.time() when `html` was rendered


def keep_for_everyone(
    response,
    html: str,
    *,
    stand_ins: tuple[str, ...],
    fill: Callable[..., dict[str, str] | None],
    rendered_at: float | None = None,
    parameters: dict[str, str] | None = None,
) -> HttpResponse:
    """Mark the response to an anonymous visitor as `html` with that visitor's values put in
    where `stand_ins` are: `fill(request)` (a module-level function) gives them, by stand-in. The
    page cache keeps `html` and serves the next anonymous visitors from it, each through `fill`.
    `rendered_at`, for HTML kept already (`cached_html`), is when it was rendered: the page is
    then kept only for what is left of PAGE_CACHE_SECONDS since, so that nothing is shown
    longer than the bound after it was rendered. `parameters` are the query parameters the page
    reads, each with the value it was made for as the view understood it (an unknown program:
    ""), as for `public_page(reads=)`."""
    fill_path = f"{fill.__module__}.{fill.__qualname__}"
    rendered_at = time.time() if rendered_at is None else rendered_at
    response.page_for_everyone = PageForEveryone(html, tuple(stand_ins), fill_path, rendered_at)
    response.page_parameters = parameters or {}
    return response


@dataclass(frozen=True)
class KeptValue:
    generation: int
    kept_until: float
    value: object


def cached_value(name: str, compute: Callable[[], T], *, keep: Callable[[T], bool]) -> T:
    """What `compute` gives, the same for every anonymous visitor, kept like a public page (the
    same generation and lifetime, and a copy in this process) when `keep` says it may be."""
    key = f"value:{release_id()}:{name}"
    generation, kept = _find(key) if settings.PAGE_CACHE_SECONDS else (None, None)
    if kept is not None:
        return kept.value
    value = compute()
    if generation is not None and keep(value):
        seconds = settings.PAGE_CACHE_SECONDS
        _keep(key, KeptValue(generation, time.time() + seconds, value), seconds)
    return value


def cached_html(name: str, render: Callable[[], Rendered | None]) -> Rendered | None:
    """HTML that is the same for every anonymous visitor, kept like a public page, for a page
    that is not: one whose per-visitor tokens are put in after. `render` returns None when
    there is nothing to show."""
    return cached_value(
        f"html:{name}", render, keep=lambda rendered: rendered is not None and rendered.keep
    )


def _find(key: str) -> tuple[int, KeptValue | CachedPage | PageWithStandIns | None]:
    """The current generation and what is kept under `key` for it: this process's copy, else
    the shared cache's."""
    try:
        generation = current_generation()
    except Exception as error:  # each cache backend raises its own connection errors
        _log_unreadable(error)
        # Unreachable: this process's copies serve until they expire (PAGE_CACHE_SECONDS), and
        # what it renders meanwhile is kept here, so a campaign does not render every view. An
        # edit cannot reach the other processes then either; the expiry bounds it all the same.
        generation = _generation_seen[0]
        return generation, _this_process.get(key, generation)
    kept = _this_process.get(key, generation)
    if kept is None:
        try:
            kept = cache.get(key)
        except Exception as error:  # each cache backend raises its own connection errors
            _log_unreadable(error)
            return generation, None
        if kept is None or kept.generation != generation or kept.kept_until < time.time():
            return generation, None
        _this_process.put(key, kept)
    return generation, kept


def _log_unreadable(error: Exception) -> None:
    # Once per try at Redis, not once per page view while it is known to be unreachable.
    log = logger.debug if isinstance(error, RedisUnreachableError) else logger.warning
    log("Page cache unreadable; this process's own copies only (%r)", error)


def _keep(key: str, kept: KeptValue | CachedPage | PageWithStandIns, seconds: int) -> None:
    _this_process.put(key, kept)
    try:
        cache.set(key, kept, seconds)
    except Exception as error:  # each cache backend raises its own connection errors
        logger.warning("Could not keep a page in the cache (%r)", error)


@dataclass(frozen=True)
class CachedPage:
    """A finished page, the same for every anonymous visitor."""

    generation: int
    kept_until: float  # time.time() when it expires, in the shared cache and this process
    kept_at: float  # time.time() when it was rendered
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    gzip_body: bytes
    brotli_body: bytes
    etag: str
    last_modified: int | None  # the response's Last-Modified (the feed's), as a timestamp

    @classmethod
    def of(cls, response, generation: int, seconds: int) -> CachedPage:
        body = response.content
        now = time.time()
        if not response.has_header("ETag"):
            # Weak: the same page goes out in three encodings. A browser or feed reader that
            # has it already is answered 304, without the page.
            response["ETag"] = f'W/"{hashlib.blake2b(body, digest_size=12).hexdigest()}"'
        return cls(
            generation=generation,
            kept_until=now + seconds,
            kept_at=now,
            status=response.status_code,
            headers=_stored_headers(response),
            body=body,
            gzip_body=gzip.compress(body, compresslevel=6, mtime=0),
            brotli_body=brotli.compress(body, mode=brotli.MODE_TEXT, quality=_brotli_quality(body)),
            etag=response["ETag"],
            last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
        )

    def response_for(self, request) -> HttpResponse:
        encoding = _accepted_encoding(request)
        body = {"br": self.brotli_body, "gzip": self.gzip_body}.get(encoding, self.body)
        # `Age`, as any HTTP cache says of a stored response (RFC 9111): a CDN or proxy that
        # honours it keeps the page only for what is left of s-maxage.
        response = _response(
            request,
            self.status,
            self.headers,
            body,
            **_content_encoding(encoding),
            Age=str(max(0, int(time.time() - self.kept_at))),
        )
        meta = request.META
        if not any(condition in meta for condition in _CONDITIONS):
            return response
        return get_conditional_response(
            request, etag=self.etag, last_modified=self.last_modified, response=response
        )


# The request headers that may make a kept page's answer a 304 (or a 412).
_CONDITIONS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
)


@dataclass(frozen=True)
class PageWithStandIns:
    """A page kept for everyone in the parts between its stand-ins, each compressed once, under
    the headers of the response it was sent with; each visitor's values go between the parts."""

    generation: int
    kept_until: float
    status: int
    headers: tuple[tuple[str, str], ...]
    parts: tuple[bytes, ...]
    compressed_parts: tuple[bytes, ...]  # raw deflate, for core.gzip_splice
    stand_ins: tuple[str, ...]  # the one between each two parts
    fill: str  # the dotted path of what gives each visitor's values

    @classmethod
    def of(cls, response, generation: int, seconds: int) -> PageWithStandIns:
        page: PageForEveryone = response.page_for_everyone
        pieces = re.split(f"({'|'.join(map(re.escape, page.stand_ins))})", page.html)
        parts = [piece.encode() for piece in pieces[::2]]
        return cls(
            generation=generation,
            kept_until=page.rendered_at + seconds,
            status=response.status_code,
            # Each visitor's CSRF cookie goes with the page.
            headers=_stored_headers(response, vary_on=("Accept-Encoding", "Cookie")),
            parts=tuple(parts),
            compressed_parts=gzip_splice.compress_parts(parts),
            stand_ins=tuple(pieces[1::2]),
            fill=page.fill,
        )

    def response_for(self, request) -> HttpResponse | None:
        """This page with the visitor's values put in, or None when `fill` declines."""
        # The visitor's CSRF secret, from their cookie or new, as the full stack would have it.
        _csrf_middleware().process_request(request)
        values = _fill_function(self.fill)(request)
        if values is None:
            return None
        values = [values[stand_in].encode() for stand_in in self.stand_ins]
        # Brotli streams cannot be spliced: gzip, which every browser takes; a client that takes
        # no gzip gets the page whole, for the compression middleware around this one.
        if encoding := _accepted_encoding(request, offered=("gzip",)):
            body = gzip_splice.splice(self.parts, self.compressed_parts, values)
        else:
            body = b"".join(_alternate(self.parts, values))
        response = _response(
            request, self.status, self.headers, body, **_content_encoding(encoding)
        )
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            _set_csrf_cookie(request, response)
        return response


def _brotli_quality(body: bytes) -> int:
    return LARGE_PAGE_BROTLI_QUALITY if len(body) > LARGE_PAGE_BYTES else KEPT_BROTLI_QUALITY


def _alternate(parts, values):
    yield parts[0]
    for value, part in zip(values, parts[1:], strict=True):
        yield value
        yield part


def _response(request, status, headers, body: bytes, **more_headers: str) -> HttpResponse:
    response = HttpResponse(b"" if request.method == "HEAD" else body, status=status)
    more_headers.update({"Content-Length": str(len(body)), "X-Page-Cache": "hit"})
    # Straight into the response's store, as ResponseHeaders keeps them: each header was checked
    # when the page was rendered, and checking the dozen again one by one costs a hit a tenth
    # of its time.
    response.headers._store.update(
        {name.lower(): (name, value) for name, value in (*headers, *more_headers.items())}
    )
    return response


def _content_encoding(encoding: str) -> dict[str, str]:
    return {"Content-Encoding": encoding} if encoding else {}


def _accepted_encoding(request, offered=("br", "gzip")) -> str:
    """The first of the `offered` encodings the client takes, else none ("")."""
    return _first_accepted(request.META.get("HTTP_ACCEPT_ENCODING", ""), offered)


@functools.lru_cache(maxsize=64)
def _first_accepted(accept_encoding: str, offered: tuple[str, ...]) -> str:
    # Browsers send a handful of different headers between them: each is read once.
    accepted, refused = set(), set()
    for part in accept_encoding.split(","):
        name, *parameters = part.split(";")
        quality = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        (accepted if quality > 0 else refused).add(name.strip().lower())
    return next(
        (
            encoding
            for encoding in offered
            if encoding not in refused and (encoding in accepted or "*" in accepted)
        ),
        "",
    )


def _stored_headers(response, vary_on=("Accept-Encoding",)) -> tuple[tuple[str, str], ...]:
    """The response's headers as every hit sends them: each hit is sent in the encoding its
    visitor takes, so it varies on Accept-Encoding too (said here once, not on every hit)."""
    headers = HttpResponse(headers=response.headers)
    patch_vary_headers(headers, vary_on)
    return tuple(
        (name, value) for name, value in headers.items() if name.lower() not in NOT_STORED_HEADERS
    )


@functools.cache
def _fill_function(path: str) -> Callable[..., dict[str, str] | None]:
    return import_string(path)


def _no_view(request):  # CsrfViewMiddleware wants one; only its request and response hooks run
    raise AssertionError("not called")


@functools.cache
def _csrf_middleware() -> CsrfViewMiddleware:
    # It reads the settings when called, not when made: one serves every request.
    return CsrfViewMiddleware(_no_view)


def _set_csrf_cookie(request, response) -> None:
    """As CsrfViewMiddleware sets (or renews) the CSRF cookie; the kept page's Vary already
    names Cookie."""
    http.set_cookie(
        response,
        settings.CSRF_COOKIE_NAME,
        request.META["CSRF_COOKIE"],
        max_age=settings.CSRF_COOKIE_AGE,
        domain=settings.CSRF_COOKIE_DOMAIN,
        path=settings.CSRF_COOKIE_PATH,
        secure=settings.CSRF_COOKIE_SECURE,
        httponly=settings.CSRF_COOKIE_HTTPONLY,
        samesite=settings.CSRF_COOKIE_SAMESITE,
    )
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False


class PageCacheMiddleware:
    """Answers anonymous GETs of public pages from the cache (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response
        # Read once: on every hit, settings' lookups would cost more than the cache read.
        self.admin_prefix = f"/{settings.ADMIN_URL}"
        self.seconds = settings.PAGE_CACHE_SECONDS
        self.session_cookie = settings.SESSION_COOKIE_NAME
        # A process of another release reads none of this one's pages, nor this one theirs
        # (nor anything kept in a shape of another release's code).
        self.release = release_id()
        # Host header -> whether Django accepts it: checked once each, not on every hit.
        self.hosts_checked: dict[str, bool] = {}

    def __call__(self, request):
        key = self._key_for(request)
        if key is None:
            return self.get_response(request)
        generation, page = _find(key)
        if page is not None and (response := page.response_for(request)) is not None:
            return response
        response = self.get_response(request)
        if request.method != "GET":
            return response
        if _may_keep(response):
            kept = CachedPage.of(response, generation, self.seconds)
        elif response.status_code == 200 and hasattr(response, "page_for_everyone"):
            kept = PageWithStandIns.of(response, generation, self.seconds)
        else:
            return response
        # Under the parameters the page reads, with the values it was made for (none given,
        # or "": left out), whatever else the address had.
        parameters = getattr(response, "page_parameters", {})
        _parameters_read.remember(request.path, frozenset(parameters))
        if (key := self._key(request.path, parameters.items())) is None:
            return response
        if getattr(response, "keep_in_this_process_only", False):
            _this_process.put(key, kept)
        else:
            _keep(key, kept, self.seconds)
        return response

    def _key_for(self, request) -> str | None:
        if (
            not self.seconds
            or request.method not in ("GET", "HEAD")
            or self.session_cookie in request.COOKIES
            or "HTTP_AUTHORIZATION" in request.META
            or request.path.startswith(self.admin_prefix)
            or not self._allowed_host(request)
        ):
            return None
        names = _parameters_read.get(request.path)
        return self._key(
            request.path, ((name, value) for name, value in request.GET.items() if name in names)
        )

    def _allowed_host(self, request) -> bool:
        """A host Django would refuse goes on to Django, which says so (400), as without a
        cache."""
        host = request.META.get("HTTP_HOST", "")
        if (allowed := self.hosts_checked.get(host)) is None:
            try:
                request.get_host()
                allowed = True
            except DisallowedHost:
                allowed = False
            if len(self.hosts_checked) >= MAX_HOSTS_CHECKED:
                self.hosts_checked = {}  # made-up Host headers, again and again
            self.hosts_checked[host] = allowed
        return allowed

    def _key(self, path: str, parameters) -> str | None:
        query = urlencode(sorted((name, value) for name, value in parameters if value))
        if len(query) > MAX_QUERY_LENGTH:
            return None
        # Hashed: what a visitor searched for is not left readable in the cache's keys. Not
        # the host: pages name the site by SITE_URL, whatever Host a request came with (a port
        # added to an allowed host would otherwise be a page of its own to keep).
        address = hashlib.sha256(f"{path}?{query}".encode()).hexdigest()
        return f"page:{self.release}:{address}"


def _may_keep(response) -> bool:
    """Only what is the same for every anonymous visitor, and says so."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = {
        directive.split("=")[0].strip().lower()
        for directive in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    if "public" not in cache_control or cache_control & {"private", "no-store", "no-cache"}:
        return False
    vary = {header.strip().lower() for header in response.get("Vary", "").split(",")}
    if "cookie" in vary or "*" in vary:
        return False
    # A nonce is for one response only.
    return "nonce-" not in response.get("Content-Security-Policy", "")
