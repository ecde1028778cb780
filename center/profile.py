"""The center as every page shows it: a snapshot of the profile, cached for all processes.

Pages read `current_center()`: one cache read, no query. Saving the profile, a place or a
credential forgets the snapshot (center.signals), so an edit shows on the next page view on every
machine. Without the database (a failover) or before the profile exists, the site falls back on
the facts in settings, so the phone is never missing.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from dataclasses import dataclass, field, fields

import phonenumbers
from django.conf import settings
from django.core.cache import cache

from center import defaults
from center.models import CenterProfile, CredentialKind
from core.db.outage import DATABASE_UNREACHABLE

logger = logging.getLogger(__name__)

# Edits forget the snapshot at once; this only bounds how long a missed forget could last.
CACHE_SECONDS = 10 * 60


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
        # Looked up as the page is shown, in the visitor's language, not when it was cached.
        return str(CredentialKind(self.kind).label)


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


CACHE_KEY = f"center:profile:{_snapshot_shape()}"


def current_center() -> Center:
    """The center as pages show it: cached, else from the database, else from settings."""
    center = cached_center()
    if center is not None:
        return center
    try:
        profile = (
            CenterProfile.objects.prefetch_related("places", "credentials")
            .filter(id=CenterProfile.SINGLETON_ID)
            .first()
        )
    except DATABASE_UNREACHABLE:
        logger.warning("Center profile read without the database; showing the settings' facts")
        return Center.from_settings()
    if profile is None:
        return Center.from_settings()
    center = Center.from_profile(profile)
    try:
        cache.set(CACHE_KEY, center, CACHE_SECONDS)
    except Exception:  # each cache backend raises its own connection errors
        logger.warning("Could not cache the center profile", exc_info=True)
    return center


def cached_center() -> Center | None:
    """The cached snapshot, or None; never touches the database (the error pages use it)."""
    try:
        return cache.get(CACHE_KEY)
    except Exception:  # each cache backend raises its own connection errors
        logger.warning("Could not read the cached center profile", exc_info=True)
        return None


def center_for_error_pages() -> Center:
    return cached_center() or Center.from_settings()


def forget_center() -> None:
    try:
        cache.delete(CACHE_KEY)
    except Exception:  # each cache backend raises its own connection errors
        # The snapshot expires by itself within CACHE_SECONDS.
        logger.warning("Could not forget the cached center profile", exc_info=True)
