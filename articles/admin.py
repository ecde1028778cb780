import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin
from taggit.models import Tag

from articles import publishing
from articles.models import REVISIONS, Article, ArticleImage, Category, OldAddress, State, Status
from articles.rendering import missing_images
from articles.views import article_page
from articles.widgets import MarkdownEditor
from core.forms import MultilineCharField
from core.images import optimise_image
from core.richtext import link_problems
from core.widgets import CharacterCountInput, CharacterCountTextarea


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order", "article_count"]
    list_editable = ["order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, category):
        return category.article_count


class ArticleImageForm(forms.ModelForm):
    class Meta:
        model = ArticleImage
        fields = ["image", "alt_text"]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if isinstance(image, UploadedFile):  # a new upload, not the stored file
            return optimise_image(image)
        return image


@admin.register(ArticleImage)
class ArticleImageAdmin(admin.ModelAdmin):
    form = ArticleImageForm
    list_display = ["thumbnail", "number", "alt_text", "markdown", "uploaded_at"]
    list_display_links = ["thumbnail", "number"]
    search_fields = ["alt_text"]
    readonly_fields = ["markdown", "used_by"]

    @admin.display(description="number", ordering="pk")
    def number(self, image):
        return image.pk

    @admin.display(description="image")
    def thumbnail(self, image):
        # No style attribute (the CSP allows none): with a width alone the height follows.
        return format_html('<img src="{}" alt="" width="96">', image.image.url)

    @admin.display(description="Markdown to show it in an article")
    def markdown(self, image):
        return image.markdown if image.pk else "(once uploaded)"

    @admin.display(description="shown in")
    def used_by(self, image):
        titles = [article.title for article in image.articles.all()] if image.pk else []
        return ", ".join(titles) or "no article yet"


class ArticleAdminForm(forms.ModelForm):
    # What the editor means, draft, scheduled or published; stored as draft or published with
    # its publish time (what is public is decided by the time alone, see ArticleQuerySet).
    status = forms.ChoiceField(
        choices=State.choices,
        initial=State.DRAFT,
        help_text="Scheduled: it appears by itself at its publish time (within half a minute). "
        "Published: at once (leave the time blank), or with an earlier time given.",
    )

    class Meta:
        model = Article
        fields = "__all__"  # noqa: DJ007 (ArticleAdmin.fieldsets choose what is shown)
        widgets = {
            "body": MarkdownEditor(),
            "summary": CharacterCountTextarea(recommended_length=200),
            "seo_title": CharacterCountInput(recommended_length=60),
            "meta_description": CharacterCountTextarea(recommended_length=160),
        }
        # Textareas: a line break counts as one character, as in the browser's count.
        field_classes = {"summary": MultilineCharField, "meta_description": MultilineCharField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["status"] = self.instance.state

    def clean(self):
        cleaned_data = super().clean()
        publish_at = cleaned_data.get("publish_at")
        status = cleaned_data.get("status")
        now = timezone.now()
        if status == State.SCHEDULED:
            if publish_at is None or publish_at <= now:
                self.add_error(
                    "publish_at", "Give the time it is to appear, a time to come, to schedule it."
                )
            cleaned_data["status"] = Status.PUBLISHED
        elif status == State.PUBLISHED:
            if publish_at is None:
                # Set here, not only in save(): the form checks the database's rules first.
                cleaned_data["publish_at"] = now
            elif publish_at > now:
                # Else it would quietly wait for that time, though the editor chose Published.
                self.add_error(
                    "publish_at",
                    "That time is still to come: choose Scheduled to have it appear then, or "
                    "clear the time to publish it now.",
                )
        return cleaned_data

    def clean_hero_image(self):
        image = self.cleaned_data.get("hero_image")
        if isinstance(image, UploadedFile):
            return optimise_image(image)
        return image

    def clean_body(self):
        body = self.cleaned_data.get("body", "")
        if missing := missing_images(body):
            numbers = ", ".join(str(number) for number in missing)
            raise forms.ValidationError(
                f"The image library has no image {numbers}: upload it there first, or take it "
                "out of the text."
            )
        if problems := link_problems(body):
            raise forms.ValidationError(problems)
        return body


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return State.choices

    def queryset(self, request, queryset):
        if self.value() in State.values:
            return queryset.in_state(self.value())
        return queryset


class OldAddressInline(admin.TabularInline):
    model = OldAddress
    extra = 0
    fields = ["path", "created_at"]
    readonly_fields = ["created_at"]
    verbose_name_plural = "old addresses that lead here (kept when the slug changes)"


# The relations each revision keeps (Article.history's m2m_fields).
REVISED_RELATIONS = ("categories", "related_programs")


def _with_initial(form_class, initial: dict):
    class RevisionForm(form_class):
        def __init__(self, *args, **kwargs):
            kwargs["initial"] = {**(kwargs.get("initial") or {}), **initial}
            super().__init__(*args, **kwargs)

    return RevisionForm


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    form = ArticleAdminForm
    inlines = [OldAddressInline]
    list_display = ["title", "state", "publish_at", "author", "category_names", "updated_at"]
    list_filter = [StateFilter, "categories", "author"]
    list_select_related = ["author"]
    search_fields = ["title", "summary", "body"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["categories", "related_programs"]
    actions = ["publish_now", "unpublish"]
    history_list_display = ["status", "publish_at", "tags"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body"]}),
        (
            "Publishing",
            {
                "fields": ["status", "publish_at", "noindex"],
                "description": "A scheduled article appears by itself at its time (within "
                "half a minute).",
            },
        ),
        ("People", {"fields": ["author", "medical_reviewer", "reviewed_on"]}),
        ("Topics", {"fields": ["categories", "tags", "related_programs"]}),
        ("Image", {"fields": ["hero_image", "hero_image_alt"]}),
        ("Search engines", {"fields": ["seo_title", "meta_description"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("categories")

    @admin.display(description="state")
    def state(self, article):
        return State(article.state).label

    @admin.display(description="categories")
    def category_names(self, article):
        return ", ".join(category.name for category in article.categories.all())

    @admin.action(description="Publish the selected articles now", permissions=["change"])
    def publish_now(self, request, queryset):
        count, without_author = publishing.publish_now(queryset)
        self.message_user(
            request,
            ngettext("%d article published.", "%d articles published.", count) % count,
            messages.SUCCESS,
        )
        if without_author:
            titles = ", ".join(f"“{article.title}”" for article in without_author)
            self.message_user(
                request,
                f"Not published, for want of an author: {titles}. Choose who wrote each, then "
                "publish it.",
                messages.WARNING,
            )

    @admin.action(description="Unpublish the selected articles", permissions=["change"])
    def unpublish(self, request, queryset):
        count = publishing.unpublish(queryset)
        self.message_user(
            request,
            ngettext(
                "%d article back to draft: visitors no longer see it.",
                "%d articles back to draft: visitors no longer see them.",
                count,
            )
            % count,
            messages.SUCCESS,
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        preview_url = reverse("admin:articles_article_preview")
        if obj is not None:
            preview_url += f"?article={obj.pk}"
        form.base_fields["body"].widget.preview_url = preview_url
        if revision_relations := getattr(request, "_revision_relations", None):
            return _with_initial(form, revision_relations)
        return form

    def save_model(self, request, obj, form, change):
        # One save, one revision: simple_history would record the article, then each relation
        # as it is set (categories, programs, tags) as a revision of its own. The revision is
        # recorded once everything is saved, when the save is logged (below).
        obj.skip_history_when_saving = True
        super().save_model(request, obj, form, change)
        if obj.state == State.SCHEDULED:
            when = date_format(timezone.localtime(obj.publish_at), "DATETIME_FORMAT")
            self.message_user(
                request, f"“{obj}” is scheduled: visitors see it from {when}.", messages.INFO
            )

    def log_addition(self, request, obj, message):
        self._record_the_revision(obj, "+")
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._record_the_revision(obj, "~")
        return super().log_change(request, obj, message)

    @staticmethod
    def _record_the_revision(article, history_type: str) -> None:
        if hasattr(article, "skip_history_when_saving"):  # saved by save_model, just now
            del article.skip_history_when_saving
            REVISIONS.create_historical_record(article, history_type)

    def revert_disabled(self, request, obj=None):
        # Restoring is changing the article: whoever may change it sees the Revert button
        # (SIMPLE_HISTORY_REVERT_DISABLED is for the desk's records, which are never reverted).
        return not self.has_change_permission(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """An earlier revision, to restore: simple_history's form shows the article's
        categories, programs and tags as they are now; it gets the revision's own. Restoring
        is changing the article: simple_history lets anyone who may read the history send the
        form, so it is refused to anyone who may not change the article."""
        if request.method == "POST":
            article = self.get_object(request, unquote(object_id))
            if article is None or not self.has_change_permission(request, article):
                raise PermissionDenied
        record = Article.history.filter(id=object_id, history_id=version_id).first()
        if record is not None:
            request._revision_relations = {
                # The revision's rows of the relation's table: (article, other side) pairs.
                name: list(
                    getattr(record, name).values_list(
                        Article._meta.get_field(name).m2m_reverse_field_name(), flat=True
                    )
                )
                for name in REVISED_RELATIONS
            }
            if record.tag_names is not None:  # else recorded before tags were kept: as they are
                # As the form's own initial value: tags (unsaved ones do), not their names.
                request._revision_relations["tags"] = [Tag(name=n) for n in record.tag_names]
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_urls(self):
        preview = self.admin_site.admin_view(require_POST(self.preview_view))
        return [
            path("preview/", preview, name="articles_article_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request):
        """The article as it stands in the form, unsaved, in the site's own page: opened in a
        new tab by the editor's preview button."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        saved = None
        if article_id := request.GET.get("article", ""):
            # ASCII digits that fit a key: "²".isdigit() is true, and int() refuses it.
            number = int(article_id) if re.fullmatch(r"[0-9]{1,18}", article_id) else 0
            saved = get_object_or_404(Article, pk=number)
        form = self.get_form(request, saved)(request.POST, request.FILES, instance=saved)
        form.is_valid()  # what is valid so far; the preview shows the rest as typed
        data = form.cleaned_data
        article = Article(
            pk=saved.pk if saved else None,
            title=data.get("title") or request.POST.get("title", ""),
            slug=data.get("slug") or (saved.slug if saved else "preview"),
            summary=data.get("summary") or request.POST.get("summary", ""),
            body=request.POST.get("body", ""),
            author=data.get("author") or (saved.author if saved else None),
            medical_reviewer=data.get("medical_reviewer"),
            reviewed_on=data.get("reviewed_on"),
            status=data.get("status") or "draft",
            publish_at=data.get("publish_at"),
            updated_at=saved.updated_at if saved else timezone.now(),
            hero_image=saved.hero_image if saved else None,
            hero_image_alt=data.get("hero_image_alt", ""),
            hero_image_width=saved.hero_image_width if saved else None,
            hero_image_height=saved.hero_image_height if saved else None,
        )
        article.render_body()
        article.pk = None  # always shown as a preview, never as the public page
        tags = data.get("tags") or []
        return article_page(
            request,
            article,
            categories=list(data.get("categories") or []),
            tags=[_Tag(name) for name in tags],
            related_programs=list(data.get("related_programs") or []),
        )


class _Tag:
    def __init__(self, name: str):
        self.name = name


@admin.register(OldAddress)
class OldAddressAdmin(admin.ModelAdmin):
    list_display = ["path", "article", "created_at"]
    search_fields = ["path", "article__title"]
    autocomplete_fields = ["article"]
