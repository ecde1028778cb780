"""The center as every page shows it: a snapshot of the profile, cached for all processes.

Pages read `current_center()`: one cache read, no query. Saving the profile, a place or a
credential bumps the generation of public content (core.pagecache), so an edit shows on the next
page view here, and within a second on every other process. Without the database (a failover)
pages show the last snapshot read; before the profile exists, or with neither, the facts in
settings: the phone is never missing.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from dataclasses import dataclass, field, fields

import phonenumbers
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError

from center import defaults
from center.models import CenterProfile, CredentialKind
from core.pagecache import current_generation

logger = logging.getLogger(__name__)

# Edits forget the snapshot at once (a new generation); should the forget be missed (Redis
# unreachable at that moment), the snapshot lasts no longer than a kept page: the same bound.
# With the page cache off (PAGE_CACHE_SECONDS = 0), this long.
CACHE_SECONDS_WITHOUT_PAGE_CACHE = 20


@functools.cache
def _national_format(e164: str) -> str:
    return phonenumbers.format_number(
        phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.NATIONAL
    )


@dataclass(frozen=True)
class PlaceFacts:
    name: str
    street_address: str
    city: str
    state: str
    postal_code: str
    hours: tuple[str, ...] = ()
    directions: str = ""

    @property
    def one_line(self) -> str:
        return f"{self.street_address}, {self.city}, {self.state} {self.postal_code}"


@dataclass(frozen=True)
class CredentialFacts:
    kind: str
    name: str
    issuer: str
    number: str = ""
    url: str = ""
    logo_url: str = ""
    logo_width: int | None = None
    logo_height: int | None = None
    logo_alt: str = ""

    @property
    def kind_label(self) -> str:
        # Looked up as the page is shown, in the visitor's language, not when it was cached; a
        # kind another release added shows as it is stored.
        return str(dict(CredentialKind.choices).get(self.kind, self.kind))


@dataclass(frozen=True)
class Center:
    name: str
    phone: str  # E.164, for tel: links
    places: tuple[PlaceFacts, ...]
    credentials: tuple[CredentialFacts, ...] = ()
    home_headline: str = defaults.HOME_HEADLINE
    home_intro: str = ""
    who_we_help_intro: str = defaults.WHO_WE_HELP_INTRO
    who_we_help: tuple[str, ...] = ()
    mission: str = defaults.MISSION
    approach: str = defaults.APPROACH
    insurance_intro: str = defaults.INSURANCE_INTRO
    verification: str = defaults.VERIFICATION
    self_pay: str = defaults.SELF_PAY
    # False when read from settings: the database was unreachable or holds no profile yet.
    from_database: bool = field(default=True, compare=False)

    @classmethod
    def from_settings(cls) -> Center:
        # Needs no request and no database: the error pages use it too.
        texts = defaults.profile_fields(settings.SITE_NAME)
        return cls(
            name=settings.SITE_NAME,
            phone=settings.ADMISSIONS_PHONE,
            places=(
                PlaceFacts(
                    name=f"{settings.CENTER_CITY}: main office",
                    street_address=settings.CENTER_STREET_ADDRESS,
                    city=settings.CENTER_CITY,
                    state=settings.CENTER_STATE,
                    postal_code=settings.CENTER_POSTAL_CODE,
                ),
            ),
            home_headline=texts["home_headline"],
            home_intro=texts["home_intro"],
            who_we_help_intro=texts["who_we_help_intro"],
            who_we_help=tuple(texts["who_we_help"].splitlines()),
            from_database=False,
        )

    @classmethod
    def from_profile(cls, profile) -> Center:
        places = tuple(
            PlaceFacts(
                name=place.name,
                street_address=place.street_address,
                city=place.city,
                state=place.state,
                postal_code=place.postal_code,
                hours=tuple(place.hours_lines),
                directions=place.directions,
            )
            for place in profile.places.all()
        )
        credentials = tuple(
            CredentialFacts(
                kind=credential.kind,
                name=credential.name,
                issuer=credential.issuer,
                number=credential.number,
                url=credential.url,
                logo_url=credential.logo.url if credential.logo else "",
                logo_width=credential.logo_width,
                logo_height=credential.logo_height,
                logo_alt=credential.logo_alt,
            )
            for credential in profile.credentials.all()
        )
        return cls(
            name=profile.name,
            phone=profile.admissions_phone.as_e164,
            # The footer, e-mails and structured data need an address even before one is added.
            places=places or cls.from_settings().places,
            credentials=credentials,
            home_headline=profile.home_headline,
            home_intro=profile.home_intro,
            who_we_help_intro=profile.who_we_help_intro,
            who_we_help=tuple(profile.who_we_help_items),
            mission=profile.mission,
            approach=profile.approach,
            insurance_intro=profile.insurance_intro,
            verification=profile.verification,
            self_pay=profile.self_pay,
        )

    @property
    def phone_display(self) -> str:
        return _national_format(self.phone)

    @property
    def main_place(self) -> PlaceFacts:
        return self.places[0]

    # The main place's address, as the footer, e-mails and required pages print it.
    @property
    def street_address(self) -> str:
        return self.main_place.street_address

    @property
    def city(self) -> str:
        return self.main_place.city

    @property
    def state(self) -> str:
        return self.main_place.state

    @property
    def postal_code(self) -> str:
        return self.main_place.postal_code

    @property
    def postal_address(self) -> str:
        return self.main_place.one_line


def _snapshot_shape() -> str:
    # In the key, so that a release that changes the snapshot's fields never reads (or leaves
    # the other release) a snapshot of the wrong shape during a rolling deploy.
    names = [
        f"{cls.__name__}.{f.name}"
        for cls in (Center, PlaceFacts, CredentialFacts)
        for f in fields(cls)
    ]
    return hashlib.sha256(",".join(names).encode()).hexdigest()[:12]


_SHAPE = _snapshot_shape()
# The newest snapshot ever read, kept without expiry: what pages show while the database is
# unreachable, rather than the settings (which marketing's edits have likely left behind).
LAST_KNOWN_KEY = f"center:last-known:{_SHAPE}"
_last_known_in_this_process: Center | None = None


def _snapshot_key(generation: int) -> str:
    return f"center:profile:{_SHAPE}:{generation}"


def center_for(request) -> Center:
    """current_center(), read once per request however many times a page asks."""
    if not hasattr(request, "_center"):
        request._center = current_center()
    return request._center


def current_center() -> Center:
    """The center as pages show it: cached, else from the database; while the database cannot
    be read, the last one read, else the facts in settings."""
    generation, center = _cached_snapshot()
    if center is not None:
        return center
    try:
        profile = (
            CenterProfile.objects.prefetch_related("places", "credentials")
            .filter(id=CenterProfile.SINGLETON_ID)
            .first()
        )
    except DatabaseError as error:
        # Only for display: whatever the database's trouble, the page is shown with the phone.
        logger.warning("Center profile read without the database (%r)", error)
        return last_known_center()
    if profile is None:
        return Center.from_settings()
    center = Center.from_profile(profile)
    _remember(center, generation)
    return center


def center_for_error_pages() -> Center:
    """Never touches the database: the cached snapshot, else the last one read, else settings."""
    return _cached_snapshot()[1] or last_known_center()


def last_known_center() -> Center:
    if _last_known_in_this_process is not None:
        return _last_known_in_this_process
    try:
        center = cache.get(LAST_KNOWN_KEY)
    except Exception as error:  # each cache backend raises its own connection errors
        logger.warning("Could not read the last known center profile (%r)", error)
        center = None
    return center or Center.from_settings()


def _cached_snapshot() -> tuple[int, Center | None]:
    # Cached under the generation of public content, which every edit to the center bumps (the
    # page cache's): a snapshot read from rows an edit has just replaced is never found again.
    try:
        generation = current_generation()
        return generation, cache.get(_snapshot_key(generation))
    except Exception as error:  # each cache backend raises its own connection errors
        logger.warning("Could not read the cached center profile (%r)", error)
        return 0, None


def _remember(center: Center, generation: int) -> None:
    global _last_known_in_this_process
    _last_known_in_this_process = center
    try:
        seconds = settings.PAGE_CACHE_SECONDS or CACHE_SECONDS_WITHOUT_PAGE_CACHE
        cache.set(_snapshot_key(generation), center, seconds)
        cache.set(LAST_KNOWN_KEY, center, timeout=None)
    except Exception as error:  # each cache backend raises its own connection errors
        logger.warning("Could not cache the center profile (%r)", error)
