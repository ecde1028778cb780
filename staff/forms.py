import math

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.services import normalise_code

ONE_TIME_CODE_ATTRS = {
    "autocomplete": "one-time-code",
    "inputmode": "numeric",
    "autocapitalize": "off",
    "spellcheck": "false",
    "autofocus": True,
    "maxlength": "10",
    "class": "staff-code-input",
}


class _DeviceCodeForm(forms.Form):
    """Checks a code against the user's devices of one kind; `device` is the one it matched.

    `attempted` says whether a code was actually checked (an empty or malformed entry was not),
    which is what counts towards the sign-in pause.
    """

    device_model = None
    field_name = "code"

    def __init__(self, user, *args, devices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.devices = devices
        self.device = None
        self.attempted = False

    def candidate_devices(self):
        if self.devices is not None:
            return self.devices
        return self.device_model.objects.devices_for_user(self.user, confirmed=True)

    def check_code(self, code: str) -> None:
        devices = list(self.candidate_devices())
        waits = [_wait_seconds(device) for device in devices]
        if devices and all(waits):
            raise forms.ValidationError(
                ngettext(
                    "After an incorrect code, wait a moment to try again: %(seconds)d second "
                    "(the pause keeps guessers out).",
                    "After an incorrect code, wait a moment to try again: %(seconds)d seconds "
                    "(the pause keeps guessers out).",
                    min(waits),
                )
                % {"seconds": min(waits)},
                code="throttled",
            )
        self.attempted = True
        for device in devices:
            verified = verify_token(self.user, device.persistent_id, code)
            if verified is not None:
                self.device = verified
                return
        raise forms.ValidationError(self.wrong_code_message, code="wrong")


def _wait_seconds(device) -> int:
    allowed, details = device.verify_is_allowed()
    if allowed or not details or "locked_until" not in details:
        return 0
    return max(1, math.ceil((details["locked_until"] - timezone.now()).total_seconds()))


class AuthenticatorCodeForm(_DeviceCodeForm):
    device_model = TOTPDevice
    wrong_code_message = _(
        "That code did not match. Enter the newest 6-digit code your app shows; if it still "
        "does not match, check that your phone sets its time automatically."
    )

    code = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        max_length=10,
        widget=forms.TextInput(attrs=ONE_TIME_CODE_ATTRS),
        help_text=_("Open the app on your phone and type the code it shows for this site."),
    )

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(
                _("Enter the 6 digits your authenticator app shows, for example 123456."),
                code="format",
            )
        self.check_code(code)
        return code


class RecoveryCodeForm(_DeviceCodeForm):
    device_model = StaticDevice
    wrong_code_message = _(
        "That recovery code did not match, or it has been used already. Each code works once."
    )

    recovery_code = forms.CharField(
        label=_("Recovery code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "off",
                "spellcheck": "false",
                "maxlength": "20",
                "class": "staff-code-input",
            }
        ),
        help_text=_("8 letters and digits, from the list you saved when you set up sign-in."),
    )

    def clean_recovery_code(self):
        code = normalise_code(self.cleaned_data["recovery_code"])
        if not code:
            raise forms.ValidationError(_("Enter one of your recovery codes."), code="required")
        self.check_code(code)
        return code
