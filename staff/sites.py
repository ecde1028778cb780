"""The admin site, which is also `django.contrib.admin.site` (see staff.apps.StaffAdminConfig).

With ADMIN_REQUIRE_2FA on, a password alone opens nothing: after Django's sign-in page a staff
member enters a code from their authenticator app or a recovery code (or, the first time, sets
an app up), and only a session verified that way has permission to use the admin.

    /admin/login/                        password (django-axes counts failures)
    /admin/two-factor/verify/            6-digit code, or a recovery code
    /admin/two-factor/set-up/            QR code and secret, confirmed with a code; recovery codes
    /admin/two-factor/                   new recovery codes, a new phone
"""

from functools import update_wrapper
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from staff import services, throttling, views
from staff.middleware import is_desk_poll, signed_out_response


class StaffAdminSite(admin.AdminSite):
    site_header = _("Resilience administration")
    site_title = _("Resilience admin")
    login_template = "staff/login.html"
    # The desk's list needs the width more than a second menu: the breadcrumbs and the home page
    # lead everywhere the sidebar would.
    enable_nav_sidebar = False

    def has_permission(self, request):
        return super().has_permission(request) and not services.needs_second_factor(request.user)

    def admin_view(self, view, cacheable=False):
        protected = super().admin_view(view, cacheable)

        def inner(request, *args, **kwargs):
            if is_desk_poll(request) and not self.has_permission(request):
                return signed_out_response()
            if services.needs_second_factor(request.user):
                # Signing out needs no second factor: someone stuck at the code step can leave.
                if request.path == reverse("admin:logout", current_app=self.name):
                    return csrf_protect(never_cache(view))(request, *args, **kwargs)
                return self.second_factor_redirect(request, request.get_full_path())
            return protected(request, *args, **kwargs)

        return update_wrapper(inner, protected)

    def staff_view(self, view):
        """For the two-factor steps: any signed-in active staff member, verified or not."""

        def inner(request, *args, **kwargs):
            user = request.user
            if not (user.is_active and user.is_staff):
                return redirect_to_login(
                    request.get_full_path(), reverse("admin:login", current_app=self.name)
                )
            return view(request, *args, **kwargs)

        return update_wrapper(csrf_protect(never_cache(inner)), view)

    def second_factor_redirect(self, request, next_url: str):
        """To the code step, or to setting up an app for someone who has none yet."""
        name = "staff_verify" if services.has_any_device(request.user) else "staff_set_up"
        url = reverse(f"admin:{name}", current_app=self.name)
        response = HttpResponseRedirect(f"{url}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")
        add_never_cache_headers(response)
        return response

    def login(self, request, extra_context=None):
        if request.method == "GET" and services.needs_second_factor(request.user):
            next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
            return self.second_factor_redirect(request, next_url)
        if request.method == "POST" and throttling.address_paused(request):
            return throttling.address_lockout_response(request)
        extra_context = {
            "second_factor_required": services.second_factor_required(),
            **(extra_context or {}),
        }
        response = super().login(request, extra_context)
        # The password was right (LoginView redirects to a checked `next`): on to the code.
        if (
            request.method == "POST"
            and isinstance(response, HttpResponseRedirect)
            and services.needs_second_factor(request.user)
        ):
            return self.second_factor_redirect(request, response.url)
        return response

    def get_urls(self):
        urls = [
            path(
                "two-factor/verify/",
                self.staff_view(self.verify_view),
                name="staff_verify",
            ),
            path(
                "two-factor/set-up/",
                self.staff_view(self.set_up_view),
                name="staff_set_up",
            ),
            path(
                "two-factor/",
                self.admin_view(self.two_factor_view),
                name="staff_two_factor",
            ),
        ]
        # Before the admin's own, which end with a catch-all.
        return urls + super().get_urls()

    def verify_view(self, request):
        return views.verify(request, self)

    def set_up_view(self, request):
        return views.set_up(request, self)

    def two_factor_view(self, request):
        return views.two_factor(request, self)
