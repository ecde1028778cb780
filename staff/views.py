"""The two-factor steps of staff sign-in; URLs and access rules are in staff.sites."""

from urllib.parse import urlencode

import django_otp
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice

from staff import services, throttling
from staff.forms import AuthenticatorCodeForm, RecoveryCodeForm


def verify(request, site):
    """The second step: a code from the authenticator app, or a recovery code."""
    user = request.user
    next_url = _next_url(request, site)
    if not services.has_any_device(user):
        return _redirect(site, "staff_set_up", next_url)
    if services.is_verified(user):
        return HttpResponseRedirect(next_url)
    if not throttling.second_step_allowed(request, user):
        return _pause(request, user)

    code_form = AuthenticatorCodeForm(user)
    recovery_form = RecoveryCodeForm(user)
    if request.method == "POST":
        if "recovery_code" in request.POST:
            form = recovery_form = RecoveryCodeForm(user, request.POST)
            code_form.fields["code"].widget.attrs.pop("autofocus", None)
            recovery_form.fields["recovery_code"].widget.attrs["autofocus"] = True
        else:
            form = code_form = AuthenticatorCodeForm(user, request.POST)
        if form.is_valid():
            return _signed_in(request, form.device, next_url)
        if form.attempted and throttling.record_second_step_failure(request, user):
            return _pause(request, user)

    return _render(
        request,
        site,
        "staff/verify.html",
        {
            "title": _("Enter your sign-in code"),
            "code_form": code_form,
            "recovery_form": recovery_form,
            "has_authenticator": services.has_authenticator(user),
            "next": next_url,
            "errors": bool(code_form.errors or recovery_form.errors),
        },
    )


def set_up(request, site):
    """Set up an authenticator app: scan the QR code (or type the secret), confirm with a code,
    then see the recovery codes, once."""
    user = request.user
    next_url = _next_url(request, site)
    # Replacing an authenticator needs the old one (or a recovery code) first.
    if services.has_any_device(user) and not services.is_verified(user):
        return _redirect(site, "staff_verify", next_url)

    device = services.pending_authenticator(user)
    form = AuthenticatorCodeForm(user, devices=[device])
    if request.method == "POST":
        form = AuthenticatorCodeForm(user, request.POST, devices=[device])
        if form.is_valid():
            codes = services.confirm_authenticator(device)
            django_otp.login(request, device)
            request.session.cycle_key()
            return _show_recovery_codes(request, site, codes, next_url, set_up=True)

    return _render(
        request,
        site,
        "staff/set_up.html",
        {
            "title": _("Set up two-factor sign-in"),
            "form": form,
            "qr_code": services.qr_code_svg(device),
            "secret": services.secret_for_typing(device),
            "account": user.get_username(),
            "issuer": device._read_str_from_settings("OTP_TOTP_ISSUER"),
            "next": next_url,
            "errors": bool(form.errors),
        },
    )


def two_factor(request, site):
    """Two-factor sign-in for the signed-in person: new recovery codes, a new phone."""
    user = request.user
    if request.method == "POST" and services.has_authenticator(user):
        codes = services.replace_recovery_codes(user)
        return _show_recovery_codes(
            request, site, codes, reverse("admin:index", current_app=site.name)
        )
    return _render(
        request,
        site,
        "staff/two_factor.html",
        {
            "title": _("Two-factor sign-in"),
            "has_authenticator": services.has_authenticator(user),
            "codes_left": services.recovery_codes_left(user),
            "required": services.second_factor_required(),
        },
    )


def _show_recovery_codes(request, site, codes, next_url, *, set_up=False):
    return _render(
        request,
        site,
        "staff/recovery_codes.html",
        {
            "title": _("Save your recovery codes"),
            "codes": [services.recovery_code_for_reading(code) for code in codes],
            "set_up": set_up,
            "next": next_url,
        },
    )


def _signed_in(request, device, next_url):
    django_otp.login(request, device)
    request.session.cycle_key()
    throttling.forget_failures(request, request.user)
    if isinstance(device, StaticDevice):
        left = services.recovery_codes_left(request.user)
        messages.warning(
            request,
            ngettext(
                "You signed in with a recovery code; it will not work again. You have "
                "%(count)d recovery code left. If you lost your phone, ask a supervisor to "
                "reset your two-factor sign-in, then set it up again.",
                "You signed in with a recovery code; it will not work again. You have "
                "%(count)d recovery codes left. If you lost your phone, ask a supervisor to "
                "reset your two-factor sign-in, then set it up again.",
                left,
            )
            % {"count": left},
        )
    return HttpResponseRedirect(next_url)


def _pause(request, user):
    """Too many wrong codes: the session ends and sign-in is paused like for wrong passwords."""
    credentials = throttling.credentials_for(user)
    logout(request)
    return throttling.lockout_response(request, credentials=credentials)


def _next_url(request, site) -> str:
    candidate = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("admin:index", current_app=site.name)


def _redirect(site, name, next_url):
    url = reverse(f"admin:{name}", current_app=site.name)
    return HttpResponseRedirect(f"{url}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")


def _render(request, site, template, context):
    request.current_app = site.name
    response = TemplateResponse(request, template, {**site.each_context(request), **context})
    # Codes and secrets on these pages must not stay in a browser's or proxy's cache.
    add_never_cache_headers(response)
    return response
