from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile

from core.forms import MultilineCharField
from core.images import optimise_image
from core.widgets import CharacterCountInput, CharacterCountTextarea
from programs.models import Program, ProgramFAQ


class ProgramAdminForm(forms.ModelForm):
    class Meta:
        model = Program
        fields = "__all__"  # noqa: DJ007 (ProgramAdmin.fieldsets choose what is shown)
        widgets = {
            "summary": CharacterCountInput(recommended_length=160),
            "seo_title": CharacterCountInput(recommended_length=60),
            "meta_description": CharacterCountTextarea(recommended_length=160),
            "who_it_is_for": forms.Textarea(attrs={"rows": 3}),
        }
        # Textareas: a line break counts as one character, as in the browser's count.
        field_classes = {
            "meta_description": MultilineCharField,
            "who_it_is_for": MultilineCharField,
        }

    def clean_hero_image(self):
        image = self.cleaned_data.get("hero_image")
        if isinstance(image, UploadedFile):  # a new upload, not the stored file
            return optimise_image(image)
        return image


class ProgramFAQInline(admin.StackedInline):
    model = ProgramFAQ
    extra = 0
    fields = ["question", "answer", "order"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    form = ProgramAdminForm
    inlines = [ProgramFAQInline]
    list_display = ["name", "level_of_care", "display_order", "is_published", "updated_at"]
    list_editable = ["display_order", "is_published"]
    list_filter = ["is_published", "level_of_care", "setting"]
    search_fields = ["name", "summary", "body"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "level_of_care", "summary", "is_published"]}),
        (
            "At a glance",
            {"fields": ["who_it_is_for", "hours_per_week", "typical_length", "setting"]},
        ),
        ("Description", {"fields": ["body", "typical_week", "insurance_note"]}),
        ("Image", {"fields": ["hero_image", "hero_image_alt"]}),
        (
            "Search engines and ordering",
            {"fields": ["seo_title", "meta_description", "display_order"]},
        ),
    ]
