"""Two-factor sign-in for staff: who must verify, and the authenticator apps and recovery codes.

A staff member signs in with their password, then proves they hold their phone with a code from
an authenticator app (a TOTP device), or with one of their ten single-use recovery codes (a
static device). `ADMIN_REQUIRE_2FA` decides whether the second step is required.
"""

from base64 import b32encode

import qrcode
from django.conf import settings
from django.db import transaction
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathFillImage

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_CODES_NAME = "Recovery codes"


def second_factor_required() -> bool:
    return settings.ADMIN_REQUIRE_2FA


def is_verified(user) -> bool:
    """Whether this session's user has passed the second step (django-otp's middleware says so;
    a user object it has not seen, such as the one a login view just authenticated, has not)."""
    check = getattr(user, "is_verified", None)
    return bool(check is not None and check())


def needs_second_factor(user) -> bool:
    """A signed-in staff member who still owes the code, when codes are required."""
    return (
        second_factor_required()
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and not is_verified(user)
    )


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def has_any_device(user) -> bool:
    return user_has_device(user, confirmed=True)


# --- Enrolment --------------------------------------------------------------------------------


def pending_authenticator(user) -> TOTPDevice:
    """The authenticator being set up: the same secret until it is confirmed, so reloading the
    page does not invalidate a QR code already scanned."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


@transaction.atomic
def confirm_authenticator(device: TOTPDevice) -> list[str]:
    """Make `device` the user's only authenticator and give them new recovery codes, returned
    once: they are not shown again."""
    TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return replace_recovery_codes(device.user)


@transaction.atomic
def replace_recovery_codes(user) -> list[str]:
    """Ten new single-use recovery codes; any earlier ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_CODES_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def reset_two_factor(user) -> None:
    """For a lost phone: remove the person's authenticator and recovery codes. Their next sign-in
    asks them to set up an authenticator again, and sessions verified with the old one end."""
    for device in devices_for_user(user, confirmed=None):
        device.delete()


# --- Showing the secret -----------------------------------------------------------------------


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


class _LabelledSvg(SvgPathFillImage):
    """The QR code as an inline SVG image with an accessible name (white background, so it scans
    in the admin's dark theme too)."""

    def _svg(self, tag="svg", **kwargs):
        svg = super()._svg(tag=tag, **kwargs)
        svg.set("role", "img")
        svg.set("aria-label", gettext("QR code for setting up your authenticator app"))
        svg.set("class", "staff-qr-code")
        return svg


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """The setup QR code, drawn here: the secret never leaves the server for a QR service."""
    image = qrcode.make(device.config_url, image_factory=_LabelledSvg, box_size=10, border=4)
    # Our own serialisation of an element tree we built: no markup from outside.
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308


def recovery_code_for_reading(code: str) -> str:
    """A recovery code in two groups of four, as people copy it down (typed back with or without
    the space)."""
    return f"{code[:4]} {code[4:]}"


def normalise_code(value: str) -> str:
    """What people type, as the codes are stored: no spaces or dashes, lower case."""
    return "".join(value.split()).replace("-", "").lower()
