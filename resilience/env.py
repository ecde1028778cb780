"""Typed access to environment variables.

Every reader fails with ImproperlyConfigured naming the variable and saying what it expected, so a
bad deployment stops at start-up with a readable message instead of misbehaving later.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_UNSET = object()


class Env:
    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = os.environ if environ is None else environ

    def _raw(self, name: str) -> str | None:
        # An empty value counts as unset, so `FOO=` in a .env file falls back to the default.
        value = self._environ.get(name, "").strip()
        return value or None

    def _missing(self, name: str, default):
        if default is _UNSET:
            raise ImproperlyConfigured(
                f"{name} is not set. Set the {name} environment variable (see .env.example)."
            )
        return default

    def str(self, name: str, default=_UNSET):
        value = self._raw(name)
        return self._missing(name, default) if value is None else value

    def bool(self, name: str, default=_UNSET):
        value = self._raw(name)
        if value is None:
            return self._missing(name, default)
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a boolean. Use one of: true, false, 1, 0, yes, no, on, off."
        )

    def int(self, name: str, default=_UNSET, *, minimum: int | None = None):
        value = self._raw(name)
        if value is None:
            return self._missing(name, default)
        try:
            number = int(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
        if minimum is not None and number < minimum:
            raise ImproperlyConfigured(f"{name}={number} is too small; the minimum is {minimum}.")
        return number

    def list(self, name: str, default=_UNSET):
        """A comma-separated list; blank items are dropped."""
        value = self._raw(name)
        if value is None:
            return self._missing(name, default)
        return [item.strip() for item in value.split(",") if item.strip()]

    def url(self, name: str, default=_UNSET, *, schemes: tuple[str, ...]):
        value = self._raw(name)
        if value is None:
            return self._missing(name, default)
        parts = urlsplit(value)
        if parts.scheme not in schemes or not parts.netloc:
            # The value is not echoed: URLs such as DATABASE_URL carry passwords.
            raise ImproperlyConfigured(
                f"{name} is not a valid URL; expected {' or '.join(schemes)}://host…"
            )
        return value
