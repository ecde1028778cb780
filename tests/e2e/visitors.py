"""Visitors over real HTTP (httpx): fetch the consultation form, send it, load pages, in parallel.

The form has a time trap: a form sent less than 2 s after it was shown is shown again instead of
accepted. So fetch the forms first (`fetch_forms`), then `post_consultations` waits until each
is old enough before sending it.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookiejar import CookieJar, DefaultCookiePolicy
from http.cookies import SimpleCookie

import httpx

# httpx logs every request at INFO: thousands of lines in a big test.
logging.getLogger("httpx").setLevel(logging.WARNING)

FORM_PATH = "/get-help/"
THANKS_PATH = "/get-help/thanks/"
# The form's time trap (admissions.bot_traps.MIN_SECONDS_TO_FILL is 2), with a margin.
FORM_FILL_SECONDS = 2.3

# Numbers unique across the whole pytest session, so every request can be told apart in the
# database, in the sink and in rate limits.
_visitor_numbers = itertools.count(1)
_numbers_lock = threading.Lock()


def next_visitor_number() -> int:
    with _numbers_lock:
        return next(_visitor_numbers)


def phone_for(number: int) -> str:
    """A valid US number (617) 2xx-xxxx of one's own; the database stores it as E.164."""
    return f"+1617{2_000_000 + number:07d}"


def email_for(number: int) -> str:
    return f"visitor{number}@example.org"


def address_for(number: int) -> str:
    """A distinct visitor address, so the per-address rate limit never adds up across requests."""
    return f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"


@dataclass(frozen=True)
class ConsultationForm:
    """One showing of /get-help/, as a browser would keep it: its cookies and hidden fields."""

    cookies: dict[str, str]  # csrftoken, sessionid
    hidden_fields: dict[str, str]  # csrfmiddlewaretoken, form_token, whatever gets added
    fetched_at: float  # time.monotonic()

    @property
    def csrf_cookie(self) -> str:
        return self.cookies.get("csrftoken", "")

    @property
    def csrf_token(self) -> str:
        return self.hidden_fields.get("csrfmiddlewaretoken", "")

    @property
    def form_token(self) -> str:
        return self.hidden_fields.get("form_token", "")


@dataclass(frozen=True)
class Answer:
    """One request's outcome. `status` is None when no HTTP answer came at all (refused, reset,
    timed out); `error` then says what happened."""

    status: int | None
    elapsed: float  # seconds
    headers: httpx.Headers = field(default_factory=httpx.Headers, repr=False)
    error: str | None = None

    @property
    def location(self) -> str | None:
        return self.headers.get("location")


@dataclass(frozen=True)
class PostResult(Answer):
    """A consultation request sent: the answer, and what identifies its lead."""

    number: int = 0
    phone: str = ""  # E.164, as in admissions_lead.phone
    email: str = ""
    forwarded_for: str | None = None

    @property
    def thanked(self) -> bool:
        """The normal answer: a redirect to the thank-you page."""
        return self.status == 302 and (self.location or "").endswith(THANKS_PATH)


def outcome_counts(answers: Iterable[Answer]) -> Counter:
    """How many answers of each kind: {302: 998, 429: 1, "ReadTimeout": 1}."""
    return Counter(
        answer.status if answer.status is not None else answer.error for answer in answers
    )


class _HiddenInputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "hidden" and attributes.get("name"):
            self.fields[attributes["name"]] = attributes.get("value") or ""


def _cookies_set_by(response: httpx.Response) -> dict[str, str]:
    cookies = SimpleCookie()
    for header in response.headers.get_list("set-cookie"):
        cookies.load(header)
    return {name: morsel.value for name, morsel in cookies.items()}


def consultation_fields(number: int) -> dict[str, str]:
    """What a person asking for themselves types (tests/admissions/conftest.py form_data), with
    a phone number and e-mail address of this request's own."""
    return {
        "for_whom": "self",
        "first_name": "Jordan",
        "last_name": "Avery",
        "relationship": "",
        "patient_first_name": "",
        "phone": phone_for(number),
        "email": email_for(number),
        "preferred_contact": "call",
        "best_time": "evening",
        "program": "",
        "payment": "insurance",
        "insurance_carrier": "Harbor Health Plan",
        "insurance_member_id": "HHP123456789",
        "insurance_group_number": "GRP-4477",
        "insurance_subscriber": "self",
        "message": "Please call me about your outpatient program.",
        "referral_source": "search",
        "consent": "on",
        "website": "",  # the honeypot, left empty as people do
    }


ForwardedFor = Callable[[int], str | None] | str | None
Fields = Callable[[int], dict[str, str]] | dict[str, str] | None


class Visitors:
    """Many visitors to one site. Thread-safe; use as a context manager or call close().

    Keeps no cookies between requests: each form carries the cookies it was shown with.
    """

    def __init__(self, base_url: str, *, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._client = httpx.Client(
            base_url=self.base_url,
            timeout=timeout,
            follow_redirects=False,
            limits=httpx.Limits(max_connections=None, max_keepalive_connections=50),
            # A jar that refuses every cookie: visitors must not share a session or CSRF cookie.
            cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Visitors:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # --- Pages -----------------------------------------------------------------------------

    def get(self, path: str, *, headers: dict[str, str] | None = None) -> Answer:
        began = time.perf_counter()
        try:
            response = self._client.get(path, headers=headers)
        except httpx.HTTPError as error:
            return Answer(None, time.perf_counter() - began, error=type(error).__name__)
        return Answer(response.status_code, time.perf_counter() - began, response.headers)

    def get_many(
        self,
        path: str,
        n: int,
        concurrency: int = 10,
        *,
        headers: dict[str, str] | None = None,
    ) -> list[Answer]:
        """GET `path` `n` times, `concurrency` at a time; answers in order of sending."""
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            return list(pool.map(lambda _: self.get(path, headers=headers), range(n)))

    # --- The consultation form ------------------------------------------------------------

    def fetch_form(self, *, forwarded_for: str | None = None) -> ConsultationForm:
        headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else None
        response = self._client.get(FORM_PATH, headers=headers)
        fields = _HiddenInputs()
        fields.feed(response.text)
        form = ConsultationForm(
            cookies=_cookies_set_by(response),
            hidden_fields=fields.fields,
            fetched_at=time.monotonic(),
        )
        if response.status_code != 200 or not (form.csrf_cookie and form.csrf_token):
            raise AssertionError(
                f"GET {FORM_PATH} answered {response.status_code} without a usable form "
                f"(cookies {sorted(form.cookies)}, hidden fields {sorted(form.hidden_fields)}):\n"
                f"{response.text[:1000]}"
            )
        return form

    def fetch_forms(self, n: int, concurrency: int = 20) -> list[ConsultationForm]:
        """`n` forms, each shown to a different visitor (own cookies, own form token)."""
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            return list(pool.map(lambda _: self.fetch_form(), range(n)))

    @staticmethod
    def wait_out_time_trap(forms: Sequence[ConsultationForm]) -> None:
        """Sleep until the newest of `forms` is old enough to be accepted."""
        if forms:
            newest = max(form.fetched_at for form in forms)
            time.sleep(max(0.0, newest + FORM_FILL_SECONDS - time.monotonic()))

    def post_consultation(
        self,
        form: ConsultationForm,
        *,
        forwarded_for: str | None = None,
        fields: dict[str, str] | None = None,
        number: int | None = None,
    ) -> PostResult:
        """Send one filled-in form (distinct phone and e-mail), as one visitor; no waiting."""
        number = next_visitor_number() if number is None else number
        data = {**form.hidden_fields, **consultation_fields(number), **(fields or {})}
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in form.cookies.items())}
        if forwarded_for:
            headers["X-Forwarded-For"] = forwarded_for
        identity = {
            "number": number,
            "phone": data["phone"],
            "email": data["email"],
            "forwarded_for": forwarded_for,
        }
        began = time.perf_counter()
        try:
            response = self._client.post(FORM_PATH, data=data, headers=headers)
        except httpx.HTTPError as error:
            elapsed = time.perf_counter() - began
            return PostResult(None, elapsed, error=type(error).__name__, **identity)
        elapsed = time.perf_counter() - began
        return PostResult(response.status_code, elapsed, response.headers, **identity)

    def post_consultations(
        self,
        forms: Sequence[ConsultationForm],
        concurrency: int = 20,
        forwarded_for: ForwardedFor = None,
        *,
        fields: Fields = None,
        wait_for_time_trap: bool = True,
        after_each: Callable[[PostResult, int], None] | None = None,
    ) -> list[PostResult]:
        """Send every form once, `concurrency` at a time; results in the order of `forms`.

        forwarded_for: None gives every request an X-Forwarded-For address of its own; a string
            is the same address for all; a callable(i) gives request i's (None: no header).
        fields: extra or changed form fields, for all requests or per request i.
        wait_for_time_trap: hold each form until it is old enough for the time trap.
        after_each(result, done): called (from the sending threads, one at a time) after each
            answer with how many are done, for instance to kill Redis a third of the way in.
        """
        done = 0
        done_lock = threading.Lock()

        def send(index: int) -> PostResult:
            nonlocal done
            form = forms[index]
            if wait_for_time_trap:
                time.sleep(max(0.0, form.fetched_at + FORM_FILL_SECONDS - time.monotonic()))
            number = next_visitor_number()
            if forwarded_for is None:
                address = address_for(number)
            elif isinstance(forwarded_for, str):
                address = forwarded_for
            else:
                address = forwarded_for(index)
            extra = fields(index) if callable(fields) else fields
            result = self.post_consultation(
                form, forwarded_for=address, fields=extra, number=number
            )
            if after_each is not None:
                with done_lock:
                    done += 1
                    after_each(result, done)
            return result

        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            return list(pool.map(send, range(len(forms))))
