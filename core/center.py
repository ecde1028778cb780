"""The facts about the center that every page shows: name, 24/7 phone, address."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import phonenumbers
from django.conf import settings


@functools.cache
def _national_format(e164: str) -> str:
    return phonenumbers.format_number(
        phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.NATIONAL
    )


@dataclass(frozen=True)
class Center:
    name: str
    phone: str  # E.164, for tel: links
    street_address: str
    city: str
    state: str
    postal_code: str

    @classmethod
    def from_settings(cls) -> Center:
        # Needs no request and no database: the 500 page uses it too.
        return cls(
            name=settings.SITE_NAME,
            phone=settings.ADMISSIONS_PHONE,
            street_address=settings.CENTER_STREET_ADDRESS,
            city=settings.CENTER_CITY,
            state=settings.CENTER_STATE,
            postal_code=settings.CENTER_POSTAL_CODE,
        )

    @property
    def phone_display(self) -> str:
        return _national_format(self.phone)
