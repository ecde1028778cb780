from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.shortcuts import redirect
from django.urls import reverse

from center.models import CenterProfile, Credential, InsuranceCarrier, Person, Place
from core.forms import MultilineCharField
from core.images import optimise_image

# Shown at most this wide, twice over for sharp screens.
PHOTO_MAX_WIDTH = 480
LOGO_MAX_WIDTH = 400


def _optimised_upload(image, max_width: int):
    if isinstance(image, UploadedFile):  # a new upload, not the stored file
        return optimise_image(image, max_width=max_width)
    return image


class PlaceInline(admin.StackedInline):
    model = Place
    extra = 0
    min_num = 1  # the footer, e-mails and structured data print the main address
    fields = [
        "name",
        "street_address",
        ("city", "state", "postal_code"),
        "hours",
        "directions",
        "order",
    ]

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, validate_min=True, **kwargs)


class CredentialForm(forms.ModelForm):
    url = forms.URLField(
        label="Link",
        required=False,
        assume_scheme="https",
        help_text=Credential._meta.get_field("url").help_text,
    )

    class Meta:
        model = Credential
        fields = "__all__"  # noqa: DJ007 (CredentialInline.fields choose what is shown)

    def clean_logo(self):
        return _optimised_upload(self.cleaned_data.get("logo"), LOGO_MAX_WIDTH)


class CredentialInline(admin.StackedInline):
    model = Credential
    form = CredentialForm
    extra = 0
    fields = ["kind", "name", "issuer", "number", "url", "logo", "logo_alt", "order"]


class CenterProfileForm(forms.ModelForm):
    class Meta:
        model = CenterProfile
        fields = "__all__"  # noqa: DJ007 (CenterProfileAdmin.fieldsets choose what is shown)
        widgets = {"home_intro": forms.Textarea(attrs={"rows": 3})}
        # Textareas: a line break counts as one character, as in the browser's count.
        field_classes = {
            "home_intro": MultilineCharField,
            "who_we_help_intro": MultilineCharField,
            "insurance_intro": MultilineCharField,
        }


@admin.register(CenterProfile)
class CenterProfileAdmin(admin.ModelAdmin):
    """One record: the list goes straight to it; it can be changed, never added twice or
    deleted."""

    form = CenterProfileForm
    inlines = [PlaceInline, CredentialInline]
    fieldsets = [
        (None, {"fields": ["name", "admissions_phone"]}),
        (
            "Home page",
            {"fields": ["home_headline", "home_intro", "who_we_help_intro", "who_we_help"]},
        ),
        ("About page", {"fields": ["mission", "approach"]}),
        ("Insurance page", {"fields": ["insurance_intro", "verification", "self_pay"]}),
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not CenterProfile.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        profile = CenterProfile.objects.first()
        if profile is None:
            return redirect(reverse("admin:center_centerprofile_add"))
        return redirect(reverse("admin:center_centerprofile_change", args=[profile.pk]))


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = "__all__"  # noqa: DJ007 (PersonAdmin.fieldsets choose what is shown)
        field_classes = {"bio": MultilineCharField}

    def clean_photo(self):
        return _optimised_upload(self.cleaned_data.get("photo"), PHOTO_MAX_WIDTH)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    form = PersonForm
    list_display = ["name", "credentials", "role", "team", "show_on_team_page", "order"]
    list_editable = ["show_on_team_page", "order"]
    list_filter = ["team", "show_on_team_page"]
    search_fields = ["name", "role"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "credentials", "role", "team", "bio"]}),
        ("Photo", {"fields": ["photo", "photo_alt"]}),
        ("About page", {"fields": ["show_on_team_page", "order"]}),
    ]


@admin.register(InsuranceCarrier)
class InsuranceCarrierAdmin(admin.ModelAdmin):
    list_display = ["name", "note", "order"]
    list_editable = ["order"]
    search_fields = ["name"]
    fields = ["name", "note", "order"]
