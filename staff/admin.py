"""The user list shows who has set up two-factor sign-in; a supervisor resets it for a lost
phone (the action needs permission to delete TOTP and static devices; superusers have it)."""

from django.contrib import admin, messages
from django.contrib.auth import admin as auth_admin  # registers the User admin we replace
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff import services

User = get_user_model()


class TwoFactorUserAdminMixin:
    """For the User admin: a "Two-factor" column and filter, and the reset action."""

    actions = ["reset_two_factor"]

    def get_list_display(self, request):
        return [*super().get_list_display(request), "has_two_factor"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                has_two_factor=Exists(
                    TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True)
                )
            )
        )

    @admin.display(description=_("Two-factor"), boolean=True, ordering="has_two_factor")
    def has_two_factor(self, user):
        return user.has_two_factor

    @admin.action(
        description=_("Reset two-factor sign-in (lost phone): they set it up again"),
        permissions=["reset_two_factor"],
    )
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            services.reset_two_factor(user)
        count = len(queryset)
        self.message_user(
            request,
            ngettext(
                "Two-factor sign-in was reset for %(count)d person. At their next sign-in they "
                "set up their authenticator app again and get new recovery codes.",
                "Two-factor sign-in was reset for %(count)d people. At their next sign-in they "
                "set up their authenticator app again and get new recovery codes.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def has_reset_two_factor_permission(self, request):
        return request.user.has_perms(
            ["otp_totp.delete_totpdevice", "otp_static.delete_staticdevice"]
        )


if admin.site.is_registered(User):
    user_admin_class = type(admin.site.get_model_admin(User))
    admin.site.unregister(User)
else:
    user_admin_class = auth_admin.UserAdmin


@admin.register(User)
class StaffUserAdmin(TwoFactorUserAdminMixin, user_admin_class):
    pass
